import time

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bulletin.printing import fonts


class Command(BaseCommand):
    requires_system_checks = []  # it writes the files the font check looks for
    help = (
        "Rebuild the shipped font subsets in static/fonts/ (committed; run it only to change "
        "them) from the source faces: fonts/src/ and Debian's fonts-noto-cjk, "
        "fonts-noto-cjk-extra and fonts-arphic-ukai."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="only check that every shipped face is there and fonts.css is current",
        )

    def handle(self, *args, check: bool, **options) -> None:
        if check:
            missing = fonts.missing_shipped_faces()
            stale = fonts.stylesheet_path().read_text("utf-8") != fonts.font_face_css()
            if missing or stale:
                raise CommandError(
                    f"shipped faces missing: {missing}" if missing else "fonts.css is stale"
                )
            self.stdout.write(f"{len(fonts.ROLES)} shipped faces in {fonts.shipped_dir()}")
            return
        start = time.perf_counter()
        written = fonts.build_shipped(log=self.stdout.write)
        self.stdout.write(
            f"{len(written)} face(s) in {fonts.shipped_dir()} ({time.perf_counter() - start:.1f} s)"
        )
