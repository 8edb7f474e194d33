"""Small builders for test data; each returns saved objects."""

import datetime

from bulletin.models import Issue, Section, Series, Submission
from scoring.models import InspectionItem, InspectionRound


def make_series(title: str = "窗口工作周报", **extra) -> Series:
    extra.setdefault("issuing_body", "四川省政府政务服务和公共资源交易服务中心")
    return Series.objects.create(title=title, **extra)


def make_issue(series: Series, year: int = 2023, number: int = 1, total: int = 1, **extra) -> Issue:
    return Issue.objects.create(
        series=series, year=year, number=number, total_number=total, **extra
    )


def make_section(issue: Issue, position: int = 1, **extra) -> Section:
    extra.setdefault("title", "大厅工作动态")
    extra.setdefault("kind", Section.Kind.ITEMS)
    return Section.objects.create(issue=issue, position=position, **extra)


def make_submission(section: Section, department, **extra) -> Submission:
    extra.setdefault("headline", "交通运输厅开展节前安全检查。")
    extra.setdefault("body", "先后检查了天府机场高速成都收费站。")
    return Submission.objects.create(section=section, department=department, **extra)


def make_round(issue: Issue | None = None, findings=(), **extra) -> InspectionRound:
    """An inspection round with (topic, finding) lines, reported by `issue` if given."""
    extra.setdefault("date", datetime.date(2023, 9, 26))
    round_ = InspectionRound.objects.create(**extra)
    InspectionItem.objects.bulk_create(
        InspectionItem(round=round_, position=n, topic=topic, finding=finding)
        for n, (topic, finding) in enumerate(findings, start=1)
    )
    if issue is not None:
        Issue.objects.filter(pk=issue.pk).update(inspection_round=round_)
        issue.inspection_round = round_
    return round_


def week(start: datetime.date) -> tuple[datetime.date, datetime.date]:
    return start, start + datetime.timedelta(days=4)
