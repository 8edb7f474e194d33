from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bulletin.adoption import excel, figures, printing
from bulletin.adoption.models import AdoptionMonth
from bulletin.models import Issue, Submission
from departments.models import Hall

COLUMNS = ["排名", "部门（单位）", "报送", "采用", "修改采用", "退回", "不采用", "逾期", "缺报",
           "批示", "采用率", "得分"]  # fmt: skip


class Command(BaseCommand):
    help = (
        "Print or write a month's information-reporting table (信息报送考核): one line per "
        "department that sent items, with 报送, 采用, 修改采用, 退回, 不采用, 逾期, 缺报, 批示, "
        "采用率, 得分 and 排名, e.g. `adoption_report --year 2023 --month 10 -o 10月.xlsx`. "
        "-o FILE.pdf writes the month's 通报 (a published month's stored PDF as it is, an "
        "open month's draft). Reads only: nothing is opened or published."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--month", type=int, required=True, help="1-12")
        parser.add_argument(
            "--hall", help="the hall's name or short name (default: the first hall)"
        )
        parser.add_argument(
            "-o", "--output", type=Path, help="FILE.xlsx (the table) or FILE.pdf (the 通报)"
        )

    def handle(
        self, *args, year: int, month: int, hall: str | None, output: Path | None, **options
    ):
        import datetime

        if not (1 <= month <= 12 and 2000 <= year <= 2100):
            raise CommandError(
                _("No such month: %(year)s-%(month)s.") % {"year": year, "month": month}
            )
        day = datetime.date(year, month, 1)
        if hall:
            found = (
                Hall.objects.filter(name=hall).first()
                or Hall.objects.filter(short_name=hall).first()
            )
            if found is None:
                raise CommandError(_("No hall named %(hall)s.") % {"hall": hall})
        else:
            found = Hall.objects.default()
        row = AdoptionMonth.objects.filter(hall=found, month=day).first()
        report = row or AdoptionMonth(hall=found, month=day)
        counted = (
            figures.month_figures(row) if row else figures.count_month(hall=found.pk, month=day)
        )
        lines = counted.sending()
        if output is None:
            self._print(counted, lines, report)
            self._centre_items(found, day)
            return
        suffix = output.suffix.lower()
        if suffix == ".xlsx":
            data = excel.table_workbook(counted, report.table_title, lines)
        elif suffix == ".pdf":
            try:
                data = printing.report_pdf(month=report)
            except printing.StoredReportError as exc:
                raise CommandError(str(exc)) from exc
        else:
            raise CommandError(_("Write a .xlsx or a .pdf file."))
        output.write_bytes(data)
        self.stdout.write(
            f"{output}: {report.report_title}（{len(lines)}个部门，{len(data) // 1024} KB）"
        )

    def _centre_items(self, hall, day) -> None:
        """The items of the month's issues written by the centre itself: printed, and
        counted for no department, so the table and this line add up to the issues."""
        issues = Issue.objects.issued().filter(
            series__hall=hall, issue_date__year=day.year, issue_date__month=day.month
        )
        own = Submission.objects.accepted().filter(section__issue__in=issues, department=None)
        if count := own.count():
            self.stdout.write(
                ngettext(
                    "Besides: %(count)d item of the centre's own, counted for no department.",
                    "Besides: %(count)d items of the centre's own, counted for no department.",
                    count,
                )
                % {"count": count}
            )

    def _print(self, counted, lines, report) -> None:
        state = report.get_status_display() if report.pk else _("not opened")
        self.stdout.write(f"{report.report_title}（{state}）")
        self.stdout.write("\t".join(COLUMNS))
        for line in lines:
            self.stdout.write(
                "\t".join(
                    str(value)
                    for value in (
                        line.rank,
                        line.department.name,
                        *(getattr(line, name) for name in figures.COUNTS),
                        line.rate_label,
                        line.points_label,
                    )
                )
            )
        sums = {name: sum(getattr(line, name) for line in lines) for name in figures.COUNTS}
        rate = figures.rate_label(figures.rate_of(sums["accepted"], sums["submitted"]))
        self.stdout.write(
            "\t".join(["", "合计", *(str(sums[n]) for n in figures.COUNTS), rate, ""])
        )
        paragraphs = (
            report.summary.splitlines() if report.is_frozen else counted.summary_paragraphs()
        )
        for paragraph in paragraphs:
            self.stdout.write(paragraph)
