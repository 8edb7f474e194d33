from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bulletin.models import Issue
from bulletin.services import StoredPdfError, issue_pdf


class Command(BaseCommand):
    help = (
        "Render an issue's printable PDF, e.g. "
        "`render_issue 窗口工作周报 2023 38 -o 窗口工作周报2023年第38期.pdf`. "
        "An issued issue's stored PDF is written as it is."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("series", help="series title, e.g. 窗口工作周报")
        parser.add_argument("year", type=int)
        parser.add_argument("number", type=int, help="yearly number (年度期号)")
        parser.add_argument("-o", "--output", type=Path, required=True, help="PDF file to write")
        parser.add_argument(
            "--hall", default="", help="the hall's name, where several halls have the series"
        )

    def handle(
        self, *args, series: str, year: int, number: int, output: Path, hall: str, **options
    ):
        issues = Issue.objects.select_related("series").filter(
            series__title=series, year=year, number=number
        )
        if hall:
            issues = issues.filter(series__hall__name=hall)
        found = list(issues[:2])
        if not found:
            raise CommandError(f"no issue {series} {year}年第{number}期")
        if len(found) > 1:
            raise CommandError(f"{series} is a series of several halls: name one with --hall")
        issue = found[0]
        try:
            pdf = issue_pdf(issue=issue)
        except StoredPdfError as exc:
            raise CommandError(str(exc)) from exc
        output.write_bytes(pdf)
        self.stdout.write(f"{output}: {issue} ({len(pdf) // 1024} KB)")
