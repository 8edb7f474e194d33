from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bulletin.importer import BulletinFormatError, ImportRefused, read_file, save_bulletin
from bulletin.importing import Reading


class Command(BaseCommand):
    help = (
        "Import bulletins written as plain text, Markdown or Word .docx (one issue per "
        "file). Each file is imported whole or not at all; an error is printed as "
        "FILE:LINE: message. --verbose prints what every line of a file became."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", type=Path, help="text, Markdown or .docx files")
        parser.add_argument(
            "--replace", action="store_true", help="replace an issue that already exists"
        )
        parser.add_argument(
            "--verbose",
            action="store_true",
            help="print the role of every line (heading, item, body, dropped …) as read",
        )

    def handle(self, *args, files: list[Path], replace: bool, verbose: bool, **options) -> None:
        failed = 0
        for path in files:
            try:
                reading = read_file(path)
                if verbose:
                    self._account(path, reading)
                if reading.error is not None:
                    raise reading.error
                issue = save_bulletin(reading.bulletin, replace=replace)
            except BulletinFormatError as exc:
                failed += 1
                where = f"{path}:{exc.line}" if exc.line else str(path)
                self.stderr.write(f"{where}: {exc.message}")
            except ImportRefused as exc:
                failed += 1
                message = str(exc)
                if exc.replaceable:
                    message = _("%(message)s Use --replace to import it again.") % {
                        "message": message
                    }
                self.stderr.write(f"{path}: {message}")
            except OSError as exc:
                failed += 1
                self.stderr.write(f"{path}: {exc}")
            else:
                sections = issue.sections.count()
                self.stdout.write(
                    ngettext(
                        "%(path)s: imported %(issue)s (%(count)d section)",
                        "%(path)s: imported %(issue)s (%(count)d sections)",
                        sections,
                    )
                    % {"path": path, "issue": issue, "count": sections}
                )
        if failed:
            raise CommandError(
                _("%(failed)d of %(total)d file(s) not imported; nothing of them was saved")
                % {"failed": failed, "total": len(files)}
            )

    def _account(self, path: Path, reading: Reading) -> None:
        for line in reading.lines:
            text = line.text.strip()
            shown = f"  {text[:60]}{'…' if len(text) > 60 else ''}" if text else ""
            self.stdout.write(f"{path}:{line.no}: {line.describe()}{shown}")
