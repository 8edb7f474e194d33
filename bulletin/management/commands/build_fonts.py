import time

from django.core.management.base import BaseCommand, CommandParser

from bulletin.printing import fonts


class Command(BaseCommand):
    help = (
        "Build GB2312 subsets of the installed CJK faces (仿宋, 楷体, 黑体, 小标宋, 宋体) "
        "for faster, smaller PDFs. Rare characters still use the full system faces."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-missing",
            action="store_true",
            help="do nothing when current subsets exist",
        )

    def handle(self, *args, if_missing: bool, **options) -> None:
        if if_missing and fonts.subsets_current():
            self.stdout.write(f"Font subsets already in {fonts.subset_dir()}")
            return
        start = time.perf_counter()
        manifest = fonts.build_subsets(log=self.stdout.write)
        self.stdout.write(
            f"{len(manifest)} role(s) in {fonts.subset_dir()} ({time.perf_counter() - start:.1f} s)"
        )
