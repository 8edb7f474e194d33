from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from ops.cleanup import remove_stale_temporary_files


class Command(BaseCommand):
    help = (
        "Remove the temporary files that stopped renders, restores and health checks left "
        "under MEDIA_ROOT (PDF cache *.tmp, .jianbao-restore-*, .health-*), if older than "
        "an hour."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--older-than-minutes",
            type=int,
            default=60,
            help="Only files untouched for this many minutes (default: 60).",
        )

    def handle(self, *args, older_than_minutes: int = 60, **options) -> None:
        if older_than_minutes < 0:
            raise CommandError("--older-than-minutes cannot be negative.")
        removed = remove_stale_temporary_files(older_than=timedelta(minutes=older_than_minutes))
        for path in removed:
            self.stdout.write(f"  removed {path}")
        self.stdout.write(f"Removed {len(removed)} stale temporary file(s).")
