from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ops.backup import BackupError, backup_create, default_output


class Command(BaseCommand):
    help = (
        "Write the database (without sessions, login attempts and task results) and the "
        "media files (without the PDF render cache) to one private .tar.gz archive with a "
        "manifest of SHA-256 digests, signed when BACKUP_SIGNING_KEY is set."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--output",
            "-o",
            type=Path,
            help="The archive to write (default: var/backups/jianbao-<date>-<time>.tar.gz).",
        )

    def handle(self, *args, output: Path | None = None, **options) -> None:
        output = output or default_output()
        try:
            manifest = backup_create(output=output, log=self.stdout.write)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        files = manifest["files"]
        database = files[manifest["database_file"]]["size"]
        media = [f["size"] for name, f in files.items() if name.startswith("media/")]
        counts = manifest["counts"]
        self.stdout.write(
            f"Wrote {output} ({output.stat().st_size} bytes): database {database} bytes, "
            f"{len(media)} media file(s) {sum(media)} bytes; {counts['issues']} issue(s), "
            f"{counts['issued']} issued, {counts['issued_pdfs']} issued PDF(s)."
        )
