"""Counting a hall's information reporting (DESIGN.md section 6).

A month counts the department items of the hall's issues issued in it (by 印发日期):

- 报送: every item sent (a draft, also one withdrawn after sending, is not counted);
- 采用: printed in the issued issue; 修改采用: printed with the editor's changes to the
  text the department sent; 退回: returned at least once (it may have come back and been
  used); 不采用: not used; 逾期: first sent after its call's deadline (an item the editor
  returned and the department sent back late is not late again);
- 缺报: a call for items (a section with a deadline, not the leader visits' call) of those
  issues that an active department of the hall answered with no item at all;
- 批示: the leaders' instructions dated in the month, on any issued item of the hall.

A joint item (合报) counts for each of its departments, and its points are split evenly
among them. Points come from the rules in force in the month: by where the item was used
(a 专报 or 增刊 series, the lead item of its section, any other item), a bonus per 批示
level once per item ("多次批示不重复加分"), less a penalty per missed call. Departments
are ranked by points with standard competition ranking (1224), ties in display order.

A published month is read from its stored lines; a quarter or a year adds up its months.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from itertools import groupby

from django.db.models import Exists, OuterRef, Prefetch, Subquery
from django.utils.translation import pgettext_lazy

from bulletin.adoption.models import (
    AdoptionLine,
    AdoptionMonth,
    AdoptionRules,
    Instruction,
    JointCredit,
    month_end,
    month_label,
)
from bulletin.models import Issue, Section, Submission, SubmissionTransition
from departments.models import Department
from lib.diff import has_changes
from scoring.models import competition_ranks

Status = Submission.Status
ZERO = Decimal(0)
CENT = Decimal("0.01")
# An item in one of these states answers its call (as on the completeness board).
ANSWERS = (Status.SUBMITTED, Status.ACCEPTED, Status.NOT_USED)

PLACED = "where an item was used"
PLACEMENTS = {
    "special": pgettext_lazy(PLACED, "专报 or 增刊"),
    "lead": pgettext_lazy(PLACED, "lead item"),
    "item": pgettext_lazy(PLACED, "item"),
}
COUNTS = (
    "submitted",
    "accepted",
    "edited",
    "returned",
    "not_used",
    "late",
    "missed",
    "instructions",
)


def format_points(value: Decimal) -> str:
    """2.00 -> "2", 1.50 -> "1.5", 0.67 -> "0.67", -2 -> "-2"."""
    value = Decimal(value).quantize(CENT)
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")


def rate_of(accepted: int, submitted: int) -> Decimal | None:
    """采用率 in per cent, one decimal place; None when nothing was sent."""
    if not submitted:
        return None
    return (Decimal(accepted) * 100 / submitted).quantize(Decimal("0.1"), ROUND_HALF_UP)


def rate_label(rate: Decimal | None) -> str:
    return "—" if rate is None else f"{rate}%"


def share(points: Decimal, departments: int) -> Decimal:
    """A joint item's points split evenly, to the cent."""
    return (Decimal(points) / max(1, departments)).quantize(CENT, ROUND_HALF_UP)


@dataclass
class Line:
    """One department's figures for a month or a period."""

    department: Department
    submitted: int = 0
    accepted: int = 0
    edited: int = 0
    returned: int = 0
    not_used: int = 0
    late: int = 0
    missed: int = 0
    instructions: int = 0
    points: Decimal = ZERO
    rank: int = 0

    @property
    def rate(self) -> Decimal | None:
        return rate_of(self.accepted, self.submitted)

    @property
    def rate_label(self) -> str:
        return rate_label(self.rate)

    @property
    def points_label(self) -> str:
        return format_points(self.points)

    def add(self, other: Line) -> None:
        for name in COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.points += other.points


@dataclass
class Totals:
    """The items of the month or period, each counted once (a joint item too)."""

    submitted: int = 0
    accepted: int = 0
    edited: int = 0
    returned: int = 0
    not_used: int = 0
    late: int = 0
    missed: int = 0
    instructions: int = 0
    provincial: int = 0
    department_level: int = 0

    @property
    def rate(self) -> Decimal | None:
        return rate_of(self.accepted, self.submitted)

    @property
    def rate_label(self) -> str:
        return rate_label(self.rate)

    def as_dict(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}

    @classmethod
    def from_dict(cls, data: dict) -> Totals:
        return cls(**{k: int(v) for k, v in data.items() if k in cls.__dataclass_fields__})

    def add(self, other: Totals) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class Credit:
    """An item used in the month, with where it was used and what it earned."""

    item: Submission
    departments: list[Department]
    placement: str
    points: Decimal
    share: Decimal

    @property
    def share_label(self) -> str:
        return format_points(self.share)

    @property
    def placement_label(self) -> str:
        return str(PLACEMENTS[self.placement])

    @property
    def joint(self) -> bool:
        return len(self.departments) > 1


@dataclass
class Miss:
    """A call a department did not answer."""

    department: Department
    section: Section

    @property
    def label(self) -> str:
        issue = self.section.issue
        return f"{issue.series.title}{issue.number_label}“{self.section.title}”"


@dataclass
class Figures:
    hall_id: int
    label: str
    months: list[datetime.date]
    lines: list[Line]
    totals: Totals
    rules: AdoptionRules | None = None
    credits: list[Credit] = field(default_factory=list)
    instructions: list[Instruction] = field(default_factory=list)
    misses: list[Miss] = field(default_factory=list)
    # Read from a published month's stored lines (or, for a period, from only such).
    stored: bool = False

    def line_for(self, department_id: int) -> Line | None:
        return next((line for line in self.lines if line.department.pk == department_id), None)

    def sending(self) -> list[Line]:
        """The lines of the departments that sent something."""
        return [line for line in self.lines if line.submitted]

    def summary_paragraphs(self) -> list[str]:
        return summary_paragraphs(self)


def credited(item: Submission) -> list[Department]:
    """The item's department and the further departments of a joint item, once each."""
    departments = [item.department] if item.department_id else []
    for credit in item.joint_credits.all():
        if credit.department_id not in {d.pk for d in departments}:
            departments.append(credit.department)
    return departments


def ranked(lines: list[Line]) -> list[Line]:
    """Points, best first, with standard competition ranks; ties in display order."""
    ordered = sorted(
        lines, key=lambda line: (-line.points, line.department.display_order, line.department.name)
    )
    for line, rank in zip(
        ordered, competition_ranks([line.points for line in ordered]), strict=True
    ):
        line.rank = rank
    return ordered


def rank_groups(lines: list[Line]) -> list[list[Line]]:
    """Consecutive lines of one rank: a tie prints its rank once."""
    return [list(group) for _rank, group in groupby(lines, key=lambda line: line.rank)]


def _joint_prefetch() -> Prefetch:
    return Prefetch("joint_credits", queryset=JointCredit.objects.select_related("department"))


def count_month(*, hall: int, month: datetime.date) -> Figures:
    """The month's figures as they stand (the live count), in a fixed number of queries."""
    first, last = month.replace(day=1), month_end(month)
    rules = AdoptionRules.objects.in_force(hall=hall, month=first)
    special = set(rules.special_series.values_list("pk", flat=True)) if rules else set()
    issues = Issue.objects.issued().in_hall(hall).filter(issue_date__range=(first, last))
    transitions = SubmissionTransition.objects.filter(submission=OuterRef("pk"))
    items = list(
        Submission.objects.filter(section__issue__in=issues, department__isnull=False)
        .exclude(status=Status.DRAFT)
        .select_related("section__issue__series", "department")
        .prefetch_related(_joint_prefetch())
        .annotate(
            was_returned=Exists(transitions.filter(to_status=Status.RETURNED)),
            first_sent_at=Subquery(
                transitions.filter(to_status=Status.SUBMITTED).order_by("at", "pk").values("at")[:1]
            ),
        )
        .order_by("section__issue__issue_date", "section__issue_id", "section__position",
                  "position", "pk")
    )  # fmt: skip
    leads: dict[int, int] = {}
    for section_id, pk in (
        Submission.objects.accepted()
        .filter(section__issue__in=issues)
        .order_by("section_id", "position", "pk")
        .values_list("section_id", "pk")
    ):
        leads.setdefault(section_id, pk)
    active = list(Department.objects.in_hall(hall).active())
    lines = {d.pk: Line(d) for d in active}
    totals = Totals()
    credits: list[Credit] = []
    answered: set[tuple[int, int]] = set()

    def line(department: Department) -> Line:
        return lines.setdefault(department.pk, Line(department))

    for item in items:
        departments = credited(item)
        accepted = item.status == Status.ACCEPTED
        edited = accepted and bool(item.sent_text) and has_changes(item.sent_text, item.text)
        deadline = item.section.call_deadline
        sent_at = item.first_sent_at or item.submitted_at
        late = bool(deadline and sent_at and sent_at > deadline)
        flags = {
            "submitted": True,
            "accepted": accepted,
            "edited": edited,
            "returned": item.was_returned,
            "not_used": item.status == Status.NOT_USED,
            "late": late,
        }
        for name, on in flags.items():
            if on:
                setattr(totals, name, getattr(totals, name) + 1)
                for department in departments:
                    counted = line(department)
                    setattr(counted, name, getattr(counted, name) + 1)
        if item.status in ANSWERS:
            answered.update((item.section_id, d.pk) for d in departments)
        if accepted:
            if item.section.issue.series_id in special:
                placement = "special"
            elif leads.get(item.section_id) == item.pk:
                placement = "lead"
            else:
                placement = "item"
            points = rules.points_for(placement) if rules else ZERO
            each = share(points, len(departments))
            for department in departments:
                line(department).points += each
            credits.append(Credit(item, departments, placement, points, each))

    misses = []
    calls = (
        Section.objects.filter(issue__in=issues, call_deadline__isnull=False)
        .exclude(kind=Section.Kind.LEADER_VISITS)
        .select_related("issue__series")
        .order_by("issue__issue_date", "issue_id", "position")
    )
    for section in calls:
        for department in active:
            if (section.pk, department.pk) not in answered:
                lines[department.pk].missed += 1
                totals.missed += 1
                misses.append(Miss(department, section))
    if rules and rules.missed_penalty:
        for counted in lines.values():
            counted.points -= counted.missed * rules.missed_penalty

    instructions = list(
        Instruction.objects.filter(
            submission__section__issue__series__hall_id=hall,
            submission__department__isnull=False,
            date__range=(first, last),
        )
        .select_related("submission__department", "submission__section__issue__series")
        .prefetch_related(Prefetch("submission__joint_credits",
                                   queryset=JointCredit.objects.select_related("department")))
        .order_by("date", "pk")
    )  # fmt: skip
    # The first instruction of each level on an item earns its bonus, whenever it was.
    firsts: dict[tuple[int, str], int] = {}
    for pk, submission_id, level in (
        Instruction.objects.filter(submission__in={i.submission_id for i in instructions})
        .order_by("date", "pk")
        .values_list("pk", "submission_id", "level")
    ):
        firsts.setdefault((submission_id, level), pk)
    for instruction in instructions:
        departments = credited(instruction.submission)
        totals.instructions += 1
        if instruction.level == Instruction.Level.PROVINCIAL:
            totals.provincial += 1
        else:
            totals.department_level += 1
        earns = firsts[(instruction.submission_id, instruction.level)] == instruction.pk
        instruction.bonus = rules.bonus_for(instruction.level) if (rules and earns) else ZERO
        instruction.repeated = not earns
        each = share(instruction.bonus, len(departments))
        for department in departments:
            counted = line(department)
            counted.instructions += 1
            counted.points += each

    return Figures(
        hall_id=hall,
        label=month_label(first),
        months=[first],
        lines=ranked(list(lines.values())),
        totals=totals,
        rules=rules,
        credits=credits,
        instructions=instructions,
        misses=misses,
    )


def stored_line(row: AdoptionLine) -> Line:
    return Line(
        department=row.department,
        points=row.points,
        rank=row.rank,
        **{name: getattr(row, name) for name in COUNTS},
    )


def stored_figures(month: AdoptionMonth) -> Figures:
    """A published month as its 通报 printed it."""
    lines = [
        stored_line(row) for row in month.lines.select_related("department").order_by("position")
    ]
    return Figures(
        hall_id=month.hall_id,
        label=month.label,
        months=[month.month],
        lines=lines,
        totals=Totals.from_dict(month.totals),
        rules=month.rules,
        stored=True,
    )


def month_figures(month: AdoptionMonth) -> Figures:
    """The stored figures of a published month, the live count of an open one."""
    if month.is_frozen:
        return stored_figures(month)
    return count_month(hall=month.hall_id, month=month.month)


def store_lines(month: AdoptionMonth, figures: Figures) -> list[AdoptionLine]:
    return AdoptionLine.objects.bulk_create(
        AdoptionLine(
            month=month,
            department=line.department,
            position=position,
            points=line.points,
            rank=line.rank,
            **{name: getattr(line, name) for name in COUNTS},
        )
        for position, line in enumerate(figures.lines, start=1)
    )


QUARTERS = {1: (1, 2, 3), 2: (4, 5, 6), 3: (7, 8, 9), 4: (10, 11, 12)}
QUARTER_NAMES = [(q, f"第{'一二三四'[q - 1]}季度") for q in QUARTERS]


def period_label(year: int, quarter: int | None) -> str:
    if quarter is None:
        return f"{year}年"
    return f"{year}年{dict(QUARTER_NAMES)[quarter]}"


def period_figures(*, hall: int, year: int, quarter: int | None = None) -> Figures:
    """A quarter or a year: its months added up (published ones as they were printed),
    ranked again on the sums."""
    months = [datetime.date(year, m, 1) for m in (QUARTERS[quarter] if quarter else range(1, 13))]
    published = {
        m.month: m
        for m in AdoptionMonth.objects.published()
        .filter(hall_id=hall, month__in=months)
        .select_related("rules")
    }
    lines: dict[int, Line] = {}
    totals = Totals()
    for day in months:
        figures = (
            stored_figures(published[day])
            if day in published
            else count_month(hall=hall, month=day)
        )
        for line in figures.lines:
            lines.setdefault(line.department.pk, Line(line.department)).add(line)
        totals.add(figures.totals)
    return Figures(
        hall_id=hall,
        label=period_label(year, quarter),
        months=months,
        lines=ranked(list(lines.values())),
        totals=totals,
        stored=len(published) == len(months),
    )


def department_months(*, hall: int, department: Department, year: int, months_shown) -> list:
    """(month, line) of one department for the months of a year in `months_shown`
    (AdoptionMonth rows or bare dates), each as that month counts it."""
    rows = []
    for entry in months_shown:
        if isinstance(entry, AdoptionMonth):
            figures = month_figures(entry)
            day = entry.month
        else:
            figures = count_month(hall=hall, month=entry)
            day = entry
        line = figures.line_for(department.pk)
        if line is not None:
            rows.append((day, line, len(figures.lines)))
    return rows


# --- the prose of the 通报 ---------------------------------------------------------------

OPENING = "现将{label}各部门（单位）窗口信息报送采用情况通报如下。"
CLOSING = (
    "请各部门（单位）窗口把信息报送作为反映窗口工作、推广经验做法的重要渠道，围绕窗口服务中的"
    "新举措、新成效，及时报送内容真实、数据准确的信息，按时响应每期约稿，不断提高信息报送质量。"
)
# More departments that sent nothing than this are summed up, not listed.
SILENT_LISTED = 6


def summary_paragraphs(figures: Figures) -> list[str]:
    """The 通报's prose: "10月，各部门共报送信息N条，采用M条，采用率P%…"."""
    t = figures.totals
    label = figures.label
    if t.submitted:
        counts = (
            f"{label}，各部门（单位）窗口共报送信息{t.submitted}条，采用{t.accepted}条，"
            f"采用率{t.rate_label}。其中，修改采用{t.edited}条，退回修改{t.returned}条，"
            f"不采用{t.not_used}条，逾期报送{t.late}条；应报未报（缺报）{t.missed}次。"
        )
    else:
        counts = f"{label}，各部门（单位）窗口未报送信息；应报未报（缺报）{t.missed}次。"
    if t.instructions:
        counts += (
            f"本月信息获领导批示{t.instructions}件次，其中省领导批示{t.provincial}件次、"
            f"厅级领导批示{t.department_level}件次。"
        )
    paragraphs = [OPENING.format(label=label), counts]
    ranking = ""
    top = [line for line in figures.lines if line.rank <= 3 and line.points > 0]
    if top:
        names = "、".join(f"{line.department.name}（{line.points_label}分）" for line in top)
        ranking = f"按得分排名，位列前三的是：{names}。"
    silent = [line.department.name for line in figures.lines if not line.submitted]
    if silent and t.submitted:
        if len(silent) > SILENT_LISTED:
            listed = "、".join(silent[:SILENT_LISTED])
            ranking += f"本月未报送信息的有{listed}等{len(silent)}个部门（单位）。"
        else:
            ranking += f"本月未报送信息的部门（单位）：{'、'.join(silent)}。"
    if ranking:
        paragraphs.append(ranking)
    paragraphs.append(CLOSING)
    return paragraphs
