import time

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bulletin.models import Series
from demo.archive import ISSUING_BODY, ArchiveRefused, generate_archive, refresh_statistics

DEFAULT_SERIES = "窗口工作周报"


class Command(BaseCommand):
    help = (
        "Generate an archive of issued weekly issues (about 50 a year, ending this week) "
        "with the centre's sections and about 30 department items each, for searching and "
        "load testing. Refuses when the series already holds issues in those years."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--years", type=int, default=10, help="how many years, ending with this one"
        )
        parser.add_argument(
            "--seed", type=int, default=0, help="random seed: the same seed gives the same text"
        )
        parser.add_argument(
            "--series",
            default=DEFAULT_SERIES,
            help=f"series title (created if missing; default {DEFAULT_SERIES})",
        )

    def handle(self, *args, years: int, seed: int, series: str, **options):
        if not 1 <= years <= 50:
            raise CommandError("--years must be between 1 and 50")
        started = time.monotonic()
        target, _created = Series.objects.get_or_create(
            title=series, defaults={"issuing_body": ISSUING_BODY}
        )

        def progress(year: int, issues: int, items: int) -> None:
            self.stdout.write(f"{year}: {issues} issues, {items} items")

        try:
            counts = generate_archive(series=target, years=years, seed=seed, progress=progress)
        except ArchiveRefused as exc:
            raise CommandError(str(exc)) from exc
        refresh_statistics()
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"{target.title}: {counts['issues']} issues, {counts['sections']} sections, "
                f"{counts['items']} items in {elapsed:.1f} s"
            )
        )
