from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from bulletin.management.commands.verify_pdfs import report_stored_pdfs
from ops.backup import BackupError, backup_restore, counts


class Command(BaseCommand):
    help = (
        "Replace the database and the media files with those of a backup archive, once "
        "its digests, its signature (when BACKUP_SIGNING_KEY is set) and every issued PDF "
        "check out, then check every issued PDF against its SHA-256 again. Refuses a "
        "non-empty database unless --force is given."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("archive", type=Path, help="An archive written by `manage.py backup`.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Restore even though the database holds data (it is replaced).",
        )

    def handle(self, *args, archive: Path, force: bool = False, **options) -> None:
        try:
            manifest = backup_restore(archive=archive, force=force, log=self.stdout.write)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        media = [f["size"] for name, f in manifest["files"].items() if name.startswith("media/")]
        now = counts()
        self.stdout.write(
            f"Restored the backup of {manifest['created']}: {now['issues']} issue(s), "
            f"{now['issued']} issued, {now['issued_pdfs']} issued PDF(s); "
            f"{len(media)} media file(s) {sum(media)} bytes."
        )
        self.stdout.write("Checking the issued PDFs …")
        total, failed = report_stored_pdfs(self.stdout, self.stderr)
        if failed:
            raise CommandError(
                f"Restored, but {failed} of {total} issued file(s) failed the check."
            )
        self.stdout.write(f"{total} issued file(s) (PDF and Word) verified.")
