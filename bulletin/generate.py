"""Prose generated from structured records: statistics, leader visits, hall inspection.

The records keep their data; the sentences are derived from them and land in the
section's text, where the editor may still change them before sign-off. The text as
generated is kept beside it, so regenerating over a hand edit can ask first.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field

from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from bulletin.models import (
    SANE_FIGURE,
    SANE_OPENING,
    Issue,
    LeaderVisit,
    Section,
    Statistic,
    StatisticOpening,
)
from departments.models import DEFAULT_HALL_NAME
from lib.numbering import chinese_numeral
from scoring.models import InspectionItem

# Measures that are part of others: 办结 counts items already counted as 受理.
NOT_MORE_THAN = {"办结": "受理"}
# The sentence that 2023 uses after naming the leaders.
# What a visit did when the department wrote nothing else, in the hall it visited.
ACTIVITY = "到{hall}窗口调研值守。"
ROLLUP_ACTIVITY = "分别到{hall}窗口调研值守。"


@dataclass
class Generated:
    paragraphs: list[str]
    warnings: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)


# --- statistics ------------------------------------------------------------------------


def year_to_date(issue: Issue) -> dict[str, int]:
    """Opening balance plus every issue of the year up to this one, per measure."""
    totals = {
        row["label"]: row["total"]
        for row in Statistic.objects.filter(
            issue__series_id=issue.series_id,
            issue__year=issue.year,
            issue__number__lte=issue.number,
        )
        .values("label")
        .annotate(total=Sum("value"))
    }
    for opening in StatisticOpening.objects.filter(series=issue.series, year=issue.year):
        totals[opening.label] = totals.get(opening.label, 0) + opening.value
    return totals


def _previous_issue(issue: Issue) -> Issue | None:
    return (
        Issue.objects.filter(series=issue.series, year=issue.year, number__lt=issue.number)
        .order_by("-number")
        .first()
    )


def printed_year_to_date(issue: Issue) -> dict[str, int]:
    """The year-to-date figures as an issue printed them ("今年以来，累计受理14748件")."""
    numbers: dict[str, int] = {}
    for section in issue.sections.filter(kind=Section.Kind.STATISTICS):
        text = section.body
        start = max(text.find("今年以来"), text.find("累计"))
        if start < 0:
            continue
        for label, value in re.findall(r"([\u4e00-\u9fff]{2})(\d+)", text[start:]):
            numbers.setdefault(label, int(value))
    return numbers


def statistics_prose(issue: Issue) -> Generated:
    figures = list(issue.statistics.all())
    if not figures:
        return Generated([], [_("No figures are entered for this issue.")])
    ytd = year_to_date(issue)
    previous = _previous_issue(issue)
    # Compared with what the previous issue printed: a total corrected downwards since
    # (a lower opening balance, an earlier week's figure edited) shows here.
    before = printed_year_to_date(previous) if previous else {}
    warnings = []
    for figure in figures:
        if figure.label in before and ytd.get(figure.label, 0) < before[figure.label]:
            warnings.append(
                _("The year-to-date %(label)s went down: %(before)d before, %(now)d now.")
                % {"label": figure.label, "before": before[figure.label], "now": ytd[figure.label]}
            )
    values = {figure.label: figure.value for figure in figures}
    for part, whole in NOT_MORE_THAN.items():
        for name, numbers in ((_("this period"), values), (_("year to date"), ytd)):
            if part in numbers and whole in numbers and numbers[part] > numbers[whole]:
                warnings.append(
                    _("%(part)s exceeds %(whole)s (%(scope)s): %(a)d > %(b)d.")
                    % {
                        "part": part,
                        "whole": whole,
                        "scope": name,
                        "a": numbers[part],
                        "b": numbers[whole],
                    }
                )
    period = "、".join(f"{f.label}{f.value}{f.unit}" for f in figures)
    total = "、".join(f"{f.label}{ytd.get(f.label, f.value)}{f.unit}" for f in figures)
    return Generated([f"本周，共计{period}；今年以来，累计{total}。"], warnings)


# --- how plausible the figures are ------------------------------------------------------

# A figure more than this many times last issue's is probably mistyped.
JUMP = 10


def _last_issue_before(issue: Issue) -> Issue | None:
    """The series' issue before this one, across a new year too ("last week")."""
    earlier = Q(year__lt=issue.year) | Q(year=issue.year, number__lt=issue.number)
    return (
        Issue.objects.filter(earlier, series_id=issue.series_id)
        .order_by("-year", "-number")
        .first()
    )


def last_year_to_date(issue: Issue) -> dict[str, int]:
    """The year-to-date figures of the year's issue before this one: as it printed them,
    else as they add up now. Taken before a save, to see a total go down."""
    previous = _previous_issue(issue)
    if previous is None:
        return {}
    return {**year_to_date(previous), **printed_year_to_date(previous)}


def statistics_doubts(issue: Issue, *, before: dict[str, int]) -> list[str]:
    """What looks wrong in the issue's figures as stored now: a figure past the sane
    size or more than ten times last issue's, a part larger than its whole (办结 > 受理),
    a year-to-date total lower than `before` (last_year_to_date), a huge opening balance.
    The editor confirms them or corrects the figures."""
    figures = list(issue.statistics.all())
    last = _last_issue_before(issue)
    last_values = {f.label: f.value for f in last.statistics.all()} if last else {}
    doubts = []
    for figure in figures:
        if figure.value > SANE_FIGURE:
            doubts.append(
                _("%(label)s is %(value)d for one period: unusually large.")
                % {"label": figure.label, "value": figure.value}
            )
        was = last_values.get(figure.label)
        if was and figure.value > JUMP * was:
            doubts.append(
                _("%(label)s is %(value)d, more than ten times last issue's %(before)d.")
                % {"label": figure.label, "value": figure.value, "before": was}
            )
    ytd = year_to_date(issue)
    values = {figure.label: figure.value for figure in figures}
    for part, whole in NOT_MORE_THAN.items():
        for name, numbers in ((_("this period"), values), (_("year to date"), ytd)):
            if part in values and whole in values and numbers[part] > numbers[whole]:
                doubts.append(
                    _("%(part)s exceeds %(whole)s (%(scope)s): %(a)d > %(b)d.")
                    % {
                        "part": part,
                        "whole": whole,
                        "scope": name,
                        "a": numbers[part],
                        "b": numbers[whole],
                    }
                )
    for figure in figures:
        if figure.label in before and ytd.get(figure.label, 0) < before[figure.label]:
            doubts.append(
                _("The year-to-date %(label)s went down: %(before)d before, %(now)d now.")
                % {"label": figure.label, "before": before[figure.label], "now": ytd[figure.label]}
            )
    for opening in StatisticOpening.objects.filter(series_id=issue.series_id, year=issue.year):
        if opening.value > SANE_OPENING:
            doubts.append(
                _("The opening balance of %(label)s is %(value)d: unusually large.")
                % {"label": opening.label, "value": opening.value}
            )
    return doubts


# --- leader visits ---------------------------------------------------------------------


def visits_for(issue: Issue):
    """The visits the issue reports (LeaderVisit.objects.reported_in), in printed order."""
    return (
        LeaderVisit.objects.reported_in(issue)
        .select_related("department")
        .order_by("date", "department__display_order", "pk")
    )


def _leader(visit: LeaderVisit) -> str:
    return f"{visit.department.label}{visit.leader_title}{visit.leader_name}"


def leader_visits_prose(
    visits: list[LeaderVisit], style: str, *, hall: str = DEFAULT_HALL_NAME
) -> Generated:
    if not visits:
        return Generated([], [_("No leader visits are recorded for this period.")])
    if style == Section.ProseStyle.ROLLUP:
        names = "，".join(_leader(v) for v in visits)
        return Generated([f"本周，{names}，{ROLLUP_ACTIVITY.format(hall=hall)}"])
    paragraphs = []
    for n, visit in enumerate(visits, start=1):
        activity = visit.activity.strip() or ACTIVITY.format(hall=hall)
        paragraphs.append(
            f"（{n}）{visit.date.month}月{visit.date.day}日，{_leader(visit)}{activity}"
        )
    return Generated(paragraphs)


# --- hall inspection -------------------------------------------------------------------


def inspection_prose(items: list[InspectionItem]) -> Generated:
    if not items:
        return Generated([], [_("No inspection findings are recorded for this issue.")])
    lines = []
    for n, item in enumerate(items, start=1):
        topic = item.topic.rstrip("。")
        finding = item.finding.strip() or "总体情况良好。"
        if not finding.endswith(("。", "！", "？")):
            finding += "。"
        lines.append(f"（{chinese_numeral(n)}）{topic}。{finding}")
    return Generated(lines)


# --- a section ---------------------------------------------------------------------------

GENERATED_KINDS = {
    Section.Kind.STATISTICS,
    Section.Kind.LEADER_VISITS,
    Section.Kind.INSPECTION,
}


def _intro(section: Section) -> list[str]:
    """Paragraphs the editor wrote before the generated lines (kept on regeneration)."""
    generated = set(section.generated_body.splitlines())
    intro = []
    for paragraph in section.paragraphs:
        if paragraph in generated or paragraph.startswith(("（一）", "（1）", "本周，")):
            break
        intro.append(paragraph)
    return intro


def generate_section(section: Section) -> Generated:
    issue = section.issue
    if section.kind == Section.Kind.STATISTICS:
        generated = statistics_prose(issue)
    elif section.kind == Section.Kind.LEADER_VISITS:
        generated = leader_visits_prose(
            list(visits_for(issue)), section.prose_style, hall=issue.series.hall.name
        )
    elif section.kind == Section.Kind.INSPECTION:
        round_ = issue.inspection_round
        generated = inspection_prose(list(round_.items.all()) if round_ else [])
    else:
        raise ValueError(f"sections of kind {section.kind} are not generated")
    if section.kind == Section.Kind.INSPECTION:
        generated.paragraphs = _intro(section) + generated.paragraphs
    return generated


def records_digest(section: Section) -> str:
    """A digest of the records the section's text is generated from, as they are now:
    stored when the text is generated, compared by Section.records_changed_since_generated."""
    issue = section.issue
    if section.kind == Section.Kind.STATISTICS:
        figures = [[f.label, f.unit, f.value] for f in issue.statistics.all()]
        data = [figures, sorted(year_to_date(issue).items())]
    elif section.kind == Section.Kind.LEADER_VISITS:
        data = [
            [v.pk, v.date, v.department.label, v.leader_title, v.leader_name, v.activity]
            for v in visits_for(issue)
        ]
    elif section.kind == Section.Kind.INSPECTION:
        round_ = issue.inspection_round
        items = [[i.topic, i.finding] for i in round_.items.all()] if round_ else []
        data = [round_.pk if round_ else None, items]
    else:
        return ""
    text = json.dumps(data, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def is_hand_edited(section: Section) -> bool:
    """The text is not what was generated last (or was written by hand from the start)."""
    return bool(section.body.strip()) and section.body.strip() != section.generated_body.strip()
