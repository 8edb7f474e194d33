import time

from django.core.management.base import BaseCommand, CommandError, CommandParser

from demo.archive import (
    MAX_HALLS,
    ArchiveRefused,
    generate_archive,
    hall_series,
    hall_users,
    province_halls,
    refresh_statistics,
)

DEFAULT_SERIES = "窗口工作周报"


class Command(BaseCommand):
    help = (
        "Generate an archive of issued weekly issues (about 50 a year, ending this week) "
        "with the centre's sections and about 30 department items each, for searching and "
        "load testing. Refuses when the series already holds issues in those years. "
        "With --halls N, a province: the default (provincial) hall and N-1 city halls, "
        "each with its series, departments and users (hallNN-editor, -approver, -scorer, "
        "-staff, without a usable password)."
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
        parser.add_argument(
            "--halls",
            type=int,
            default=1,
            help=f"halls of the province, 1 to {MAX_HALLS} (default 1: the default hall only)",
        )

    def handle(self, *args, years: int, seed: int, series: str, halls: int, **options):
        if not 1 <= years <= 50:
            raise CommandError("--years must be between 1 and 50")
        if not 1 <= halls <= MAX_HALLS:
            raise CommandError(f"--halls must be between 1 and {MAX_HALLS}")
        started = time.monotonic()
        totals = {"issues": 0, "sections": 0, "items": 0}
        for number, hall in enumerate(province_halls(halls), start=1):
            target = hall_series(hall, series)

            prefix = f"{hall.label} " if halls > 1 else ""

            def progress(year: int, issues: int, items: int, prefix=prefix) -> None:
                self.stdout.write(f"{prefix}{year}: {issues} issues, {items} items")

            try:
                # Each hall writes its own text: the same seed would repeat the province's.
                counts = generate_archive(
                    series=target, years=years, seed=seed + number - 1, progress=progress
                )
            except ArchiveRefused as exc:
                raise CommandError(str(exc)) from exc
            if halls > 1:
                hall_users(hall, number)
            for key, n in counts.items():
                totals[key] += n
        refresh_statistics()
        elapsed = time.monotonic() - started
        where = f"{halls} halls" if halls > 1 else target.title
        self.stdout.write(
            self.style.SUCCESS(
                f"{where}: {totals['issues']} issues, {totals['sections']} sections, "
                f"{totals['items']} items in {elapsed:.1f} s"
            )
        )
