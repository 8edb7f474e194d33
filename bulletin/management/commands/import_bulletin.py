from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bulletin.importer import BulletinFormatError, ImportRefused, import_file


class Command(BaseCommand):
    help = (
        "Import bulletins written as plain text or Markdown (one issue per file). "
        "Each file is imported whole or not at all."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", type=Path, help="text or Markdown files")
        parser.add_argument(
            "--replace", action="store_true", help="replace an issue that already exists"
        )

    def handle(self, *args, files: list[Path], replace: bool, **options) -> None:
        failed = 0
        for path in files:
            try:
                issue = import_file(path, replace=replace)
            except BulletinFormatError as exc:
                failed += 1
                where = f"{path}:{exc.line}" if exc.line else str(path)
                self.stderr.write(f"{where}: {exc.message}")
            except (ImportRefused, OSError) as exc:
                failed += 1
                self.stderr.write(f"{path}: {exc}")
            else:
                sections = issue.sections.count()
                self.stdout.write(f"{path}: imported {issue} ({sections} sections)")
        if failed:
            raise CommandError(
                f"{failed} of {len(files)} file(s) not imported; nothing of them was saved"
            )
