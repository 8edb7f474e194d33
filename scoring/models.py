from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q, Window
from django.db.models.functions import Rank
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from departments.models import Department, Hall, User, default_hall
from lib.limits import MAX_LINE
from lib.points import validate_half_points
from lib.workflow import StateMachine, TransitionRecord, step

Role = User.Role

BASE_SCORE = Decimal(100)


class WindowScoreQuerySet(models.QuerySet):
    def for_month(self, month):
        return self.filter(month=month)

    def in_hall(self, hall_id: int):
        """The lines of a hall's departments: a month's table is its hall's."""
        return self.filter(department__hall_id=hall_id)

    def ranked(self):
        """Totals and standard competition ranks ("1224"): ties share the best rank.

        SQL RANK() is exactly standard competition ranking; rank within each month of
        each hall (the halls' tables of one month are separate tables).
        Rows of a tie keep the printed table's order, then the departments' display order.
        """
        total = F("base") + F("deduction") + F("bonus")
        return (
            self.select_related("department")
            .annotate(
                total_score=total,
                rank=Window(
                    Rank(),
                    partition_by=[F("month"), F("department__hall")],
                    order_by=total.desc(),
                ),
            )
            .order_by(
                "month",
                "department__hall",
                "-total_score",
                F("table_position").asc(nulls_last=True),
                "department__display_order",
                "department__name",
            )
        )

    def table(self) -> list:
        """Ranked rows for printing: a tie's rank is printed once, spanning its rows.

        Each row gets `rank_rowspan`: the number of rows its rank cell covers on the
        first row of a tie, 0 on the rows below it.
        """
        rows = list(self.ranked())
        for index, row in enumerate(rows):
            if index and rows[index - 1].rank == row.rank and rows[index - 1].month == row.month:
                row.rank_rowspan = 0
            else:
                span = 1
                while (
                    index + span < len(rows)
                    and rows[index + span].rank == row.rank
                    and rows[index + span].month == row.month
                ):
                    span += 1
                row.rank_rowspan = span
        return rows


class WindowScore(models.Model):
    """A department's monthly window score: 基础分 + 减分 + 加分 = 实得分."""

    department = models.ForeignKey(
        "departments.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="window_scores",
    )
    month = models.DateField(_("month"), help_text=_("The first day of the assessed month."))
    base = models.DecimalField(_("base score"), max_digits=5, decimal_places=1, default=BASE_SCORE)
    deduction = models.DecimalField(
        _("deduction"),
        max_digits=5,
        decimal_places=1,
        default=Decimal(0),
        help_text=_("Zero or negative, in steps of 0.5."),
    )
    bonus = models.DecimalField(
        _("bonus"),
        max_digits=5,
        decimal_places=1,
        default=Decimal(0),
        help_text=_("Zero or positive, in steps of 0.5."),
    )
    # Order of the row in a printed table that was imported; ties print in this order.
    table_position = models.PositiveIntegerField(_("table position"), null=True, blank=True)

    objects = WindowScoreQuerySet.as_manager()

    class Meta:
        ordering = ["-month", "department__display_order"]
        verbose_name = _("window score")
        verbose_name_plural = _("window scores")
        constraints = [
            models.UniqueConstraint(
                fields=["department", "month"], name="windowscore_unique_month"
            ),
            models.CheckConstraint(
                condition=Q(deduction__lte=0), name="windowscore_deduction_le_0"
            ),
            models.CheckConstraint(condition=Q(bonus__gte=0), name="windowscore_bonus_ge_0"),
            models.CheckConstraint(condition=Q(base__gte=0), name="windowscore_base_ge_0"),
            models.CheckConstraint(condition=Q(month__day=1), name="windowscore_month_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.department}"

    @property
    def total(self) -> Decimal:
        return self.base + self.deduction + self.bonus


def competition_ranks(values: list) -> list[int]:
    """Standard competition ranks for values in any order, higher is better ("1224")."""
    ordered = sorted(values, reverse=True)
    first_at = {}
    for index, value in enumerate(ordered, start=1):
        first_at.setdefault(value, index)
    return [first_at[value] for value in values]


def format_score(value: Decimal) -> str:
    """100.0 -> "100", 13.5 -> "13.5", -2.0 -> "-2" as printed in the table."""
    value = Decimal(value)
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")


class ScoreMonthQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Every signed-in user sees the months of their hall (administrators all)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(user.hall_q("hall"))

    def in_hall(self, hall_id: int):
        return self.filter(hall_id=hall_id)


class ScoreMonth(StateMachine, models.Model):
    """One assessed month of a hall: open → published for objections → frozen."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        PUBLISHED = "published", _("published for objections")
        FROZEN = "frozen", _("frozen")

    TRANSITIONS = {
        "publish": step({Status.OPEN}, Status.PUBLISHED, Role.SCORER),
        "freeze": step({Status.PUBLISHED}, Status.FROZEN, Role.SCORER),
        # A table imported from an issued bulletin was final when it was printed.
        "freeze_printed": step({Status.OPEN, Status.PUBLISHED}, Status.FROZEN),
        # New ledger entries, uploads and caps, until the month is frozen.
        "record": step({Status.OPEN, Status.PUBLISHED}, None, Role.SCORER),
        # Changing or deleting an entry: until the departments have seen the month.
        "amend": step({Status.OPEN}, None, Role.SCORER),
        # A month opened by mistake goes while nothing refers to it.
        "delete": step({Status.OPEN, Status.PUBLISHED}, None, Role.SCORER),
        "object": step({Status.PUBLISHED}, None, Role.STAFF),
        # A frozen month's entries are corrected by entries of a later month.
        "correct": step({Status.FROZEN}, None, Role.SCORER),
        "attach": step({Status.FROZEN}, None, Role.EDITOR),
    }

    hall = models.ForeignKey(
        Hall,
        verbose_name=_("hall"),
        on_delete=models.PROTECT,
        default=default_hall,
        related_name="score_months",
        help_text=_("The hall whose departments the month assesses."),
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN
    )
    objection_deadline = models.DateTimeField(_("objection deadline"), null=True, blank=True)
    # Caps on what a month's entries can add; empty means no cap.
    total_cap = models.DecimalField(
        _("highest total"), max_digits=5, decimal_places=1, null=True, blank=True,
        help_text=_("e.g. 110: bonuses beyond it do not count."),
    )  # fmt: skip
    bonus_cap = models.DecimalField(
        _("highest bonus"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    frozen_at = models.DateTimeField(_("frozen at"), null=True, blank=True)

    objects = ScoreMonthQuerySet.as_manager()

    class Meta:
        ordering = ["-month", "hall_id"]
        verbose_name = _("assessment month")
        verbose_name_plural = _("assessment months")
        constraints = [
            # Each hall assesses its own departments: a city's month is not the province's.
            models.UniqueConstraint(fields=["hall", "month"], name="scoremonth_unique_in_hall"),
            models.CheckConstraint(
                condition=Q(status__in=["open", "published", "frozen"]),
                name="scoremonth_status_valid",
            ),
            models.CheckConstraint(condition=Q(month__day=1), name="scoremonth_first_day"),
            models.CheckConstraint(
                condition=Q(total_cap__isnull=True) | Q(total_cap__gte=BASE_SCORE),
                name="scoremonth_total_cap_above_base",
            ),
            models.CheckConstraint(
                condition=Q(bonus_cap__isnull=True) | Q(bonus_cap__gte=0),
                name="scoremonth_bonus_cap_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"{self.month.year}年{self.month.month}月"

    @property
    def table_title(self) -> str:
        """The title of the month's table, as the bulletin's 附件 prints it."""
        return f"{self.label}{self.hall.name}进驻部门（单位）窗口考核结果"

    def lines(self):
        """The month's WindowScore rows: those of its hall's departments."""
        return WindowScore.objects.filter(month=self.month).in_hall(self.hall_id)

    def departments(self):
        """The departments the month assesses: its hall's."""
        return Department.objects.in_hall(self.hall_id)

    def table_departments(self) -> list:
        """The departments of the month's table in display order: those with a line, or
        every active department of the hall while the month has none."""
        lined = self.departments().filter(window_scores__month=self.month)
        return list(lined) or list(self.departments().active())

    @property
    def is_frozen(self) -> bool:
        return self.status == self.Status.FROZEN

    @property
    def accepts_objections(self) -> bool:
        return self.status == self.Status.PUBLISHED and (
            self.objection_deadline is None or timezone.now() <= self.objection_deadline
        )

    def refuses(self, name: str, user) -> str | None:
        if name == "object":
            if not self.accepts_objections:
                return _("Objections to %(month)s are closed.") % {"month": self.label}
            if user is not None and not user.department_id:
                return _("Only a department objects to its lines.")
        if name == "delete" and (self.entries.exists() or self.objections.exists()):
            return _("Only a month without entries can be deleted.")
        return None

    def departments_that_may_object(self) -> int:
        """How many departments could still object: an objection names one of the
        department's own entries, so every department with an entry this month."""
        return self.entries.values("department").distinct().count()

    def sees_every_line(self, user) -> bool:
        """Department staff see only their own lines until the month is published."""
        return not user.is_department_staff or self.status != self.Status.OPEN


class ScoreEntryQuerySet(models.QuerySet):
    def for_month(self, month):
        return self.filter(month=month)

    def visible_to(self, user):
        """The ledger as `user` sees it: their hall's, and department staff only their
        own department's lines."""
        if not user.is_authenticated:
            return self.none()
        if user.is_department_staff:
            return self.filter(department_id=user.department_id)
        return self.filter(user.hall_q("month__hall"))


class ScoreEntry(models.Model):
    """One line of the ledger: points added or taken, why, under which rule, by whom."""

    class Source(models.TextChoices):
        ENTRY = "entry", _("recorded by the scorer")
        UPLOAD = "upload", _("uploaded month table")
        IMPORT = "import", _("printed table of an imported bulletin")
        INSPECTION = "inspection", _("hall inspection")

    department = models.ForeignKey(
        "departments.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="score_entries",
    )
    month = models.ForeignKey(
        ScoreMonth, verbose_name=_("month"), on_delete=models.PROTECT, related_name="entries"
    )
    date = models.DateField(_("date"))
    points = models.DecimalField(
        _("points"),
        max_digits=5,
        decimal_places=1,
        help_text=_("Negative for a deduction (减分), positive for a bonus (加分); steps of 0.5."),
        validators=[validate_half_points],
    )
    # An upload replaces what the previous upload of the month recorded, nothing else.
    source = models.CharField(
        _("source"), max_length=12, choices=Source.choices, default=Source.ENTRY
    )
    reason = models.TextField(_("reason"))
    clause = models.CharField(_("rule clause"), max_length=100, blank=True)
    evidence = models.TextField(_("evidence"), blank=True)
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("corrects"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        help_text=_("An entry of a frozen month that this one corrects."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = ScoreEntryQuerySet.as_manager()

    class Meta:
        ordering = ["month", "department__display_order", "date", "pk"]
        verbose_name = _("score entry")
        verbose_name_plural = _("score entries")
        constraints = [
            models.CheckConstraint(condition=~Q(points=0), name="scoreentry_points_not_zero"),
            models.CheckConstraint(
                condition=Q(source__in=["entry", "upload", "import", "inspection"]),
                name="scoreentry_source_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.department} {self.points:+} {self.reason[:20]}"


class ObjectionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Objections of the user's hall; department staff see their department's."""
        if not user.is_authenticated:
            return self.none()
        if user.is_department_staff:
            return self.filter(department_id=user.department_id)
        return self.filter(user.hall_q("month__hall"))


class Objection(StateMachine, models.Model):
    """A department disputes its line of a published month; the scorer answers."""

    class Status(models.TextChoices):
        OPEN = "open", _("waiting for an answer")
        UPHELD = "upheld", _("upheld")
        REJECTED = "rejected", _("rejected")

    TRANSITIONS = {
        "uphold": step({Status.OPEN}, Status.UPHELD, Role.SCORER),
        "reject": step({Status.OPEN}, Status.REJECTED, Role.SCORER),
    }

    month = models.ForeignKey(
        ScoreMonth, verbose_name=_("month"), on_delete=models.PROTECT, related_name="objections"
    )
    department = models.ForeignKey(
        "departments.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="objections",
    )
    entry = models.ForeignKey(
        ScoreEntry,
        verbose_name=_("entry"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="objections",
    )
    text = models.TextField(_("objection"))
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    filed_at = models.DateTimeField(_("filed at"), auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    objects = ObjectionQuerySet.as_manager()

    class Meta:
        ordering = ["month", "filed_at"]
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["open", "upheld", "rejected"]),
                name="objection_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(status="open") | ~Q(answer=""), name="objection_answered_has_text"
            ),
        ]

    def __str__(self) -> str:
        return self.text[:40]

    def refuses(self, name: str, user) -> str | None:
        if self.month.is_frozen:
            return _("The month is frozen.")
        return None


class ScoreNoticeQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class ScoreNotice(models.Model):
    """An in-app message of the assessment: a month published (to the departments), an
    objection filed (to the scorers) and answered (to the department that filed it).

    Kept here rather than as a bulletin Notice: scoring does not know bulletins, and a
    notice of the assessment is about a month, not an issue."""

    class Kind(models.TextChoices):
        PUBLISHED = "published", _("month published")
        OBJECTION = "objection", _("objection filed")
        ANSWER = "answer", _("objection answered")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="score_notices",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    month = models.ForeignKey(
        ScoreMonth, verbose_name=_("month"), on_delete=models.CASCADE, related_name="notices"
    )
    objection = models.ForeignKey(
        Objection,
        verbose_name=_("objection"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notices",
    )
    message = models.TextField(_("message"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = ScoreNoticeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("assessment notice")
        verbose_name_plural = _("assessment notices")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["published", "objection", "answer"]),
                name="scorenotice_kind_valid",
            )
        ]

    def __str__(self) -> str:
        return self.message[:40]


# --- hall inspections ------------------------------------------------------------------

DEFAULT_CHECKLIST = [
    "按时到岗情况",
    "工作区域标准化执行情况",
    "着装情况",
    "工作牌佩戴情况",
    "纪律秩序",
    "大厅防控情况",
]


class InspectionRoundQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The rounds of the user's hall (administrators: every hall's)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(user.hall_q("hall"))


class InspectionRound(models.Model):
    """A hall inspection on one day: the checklist's topics and what was found."""

    hall = models.ForeignKey(
        Hall,
        verbose_name=_("hall"),
        on_delete=models.PROTECT,
        default=default_hall,
        related_name="inspection_rounds",
        help_text=_("The hall inspected; its deductions count in that hall's month."),
    )
    date = models.DateField(_("date"))
    inspector = models.CharField(_("inspector"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Bumped on every save of the findings: a save based on an older version is refused.
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = InspectionRoundQuerySet.as_manager()

    class Meta:
        # The tables were created when inspections still lived in the bulletin app.
        db_table = "bulletin_inspectionround"
        ordering = ["-date", "-pk"]
        verbose_name = _("inspection round")
        verbose_name_plural = _("inspection rounds")

    def __str__(self) -> str:
        return f"{self.date} {self.inspector}".strip()

    @property
    def topics(self) -> list[str]:
        return [item.topic for item in self.items.all()]

    @property
    def month(self) -> "ScoreMonth | None":
        """The month its deductions count in; asked once per date (a page asks for every
        finding of the round), again when the date is changed."""
        key = (self.hall_id, self.date.replace(day=1))
        cached = self.__dict__.get("_month_for")
        if cached is None or cached[0] != key:
            cached = (key, ScoreMonth.objects.filter(hall_id=key[0], month=key[1]).first())
            self.__dict__["_month_for"] = cached
        return cached[1]

    def refusal(self, user) -> str | None:
        """A round is on record once the month its deductions count in is frozen."""
        month = self.month
        if month is not None and month.is_frozen:
            return _("%(month)s is frozen: its inspections no longer change.") % {
                "month": month.label
            }
        if user is not None and not user.has_role(Role.SCORER, Role.EDITOR):
            return _("Your role does not allow this.")
        return None


class InspectionItem(StateMachine, models.Model):
    """One line of the weekly hall inspection: a topic and its finding."""

    class Proposal(models.TextChoices):
        NONE = "", _("no deduction proposed")
        PROPOSED = "proposed", _("deduction proposed")
        CONFIRMED = "confirmed", _("deduction confirmed")
        DISMISSED = "dismissed", _("deduction dismissed")

    state_field = "proposal"
    TRANSITIONS = {
        "propose": step({Proposal.NONE}, Proposal.PROPOSED, Role.SCORER, Role.EDITOR),
        "confirm": step({Proposal.PROPOSED}, Proposal.CONFIRMED, Role.SCORER),
        "dismiss": step({Proposal.PROPOSED}, Proposal.DISMISSED, Role.SCORER),
        # A decided finding is on record (a confirmed one is a ledger entry).
        "edit": step({Proposal.NONE, Proposal.PROPOSED}, None, Role.SCORER, Role.EDITOR),
    }

    round = models.ForeignKey(
        InspectionRound,
        verbose_name=_("inspection round"),
        on_delete=models.CASCADE,
        related_name="items",
    )
    proposed_points = models.DecimalField(
        _("proposed deduction"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        help_text=_("Negative, e.g. -1, when the finding names a department."),
        validators=[validate_half_points],
    )
    proposal = models.CharField(
        _("deduction"), max_length=10, choices=Proposal.choices, default=Proposal.NONE, blank=True
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    topic = models.CharField(_("topic"), max_length=100, help_text=_("For example 按时到岗情况."))
    finding = models.TextField(
        _("finding"), max_length=MAX_LINE, help_text=_("总体情况良好, or the specifics.")
    )
    department = models.ForeignKey(
        "departments.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspection_items",
        help_text=_("Set when the finding concerns one department."),
    )

    class Meta:
        db_table = "bulletin_inspectionitem"
        ordering = ["round", "position", "pk"]
        verbose_name = _("inspection item")
        verbose_name_plural = _("inspection items")
        constraints = [
            models.CheckConstraint(
                condition=Q(proposal__in=["", "proposed", "confirmed", "dismissed"]),
                name="inspectionitem_proposal_valid",
            ),
            models.CheckConstraint(
                condition=Q(proposed_points__isnull=True) | Q(proposed_points__lt=0),
                name="inspectionitem_proposal_is_a_deduction",
            ),
        ]

    def __str__(self) -> str:
        return self.topic

    def refuses(self, name: str, user) -> str | None:
        return self.round.refusal(user)


class ScoreMonthTransition(TransitionRecord):
    month = models.ForeignKey(
        ScoreMonth, verbose_name=_("month"), on_delete=models.CASCADE, related_name="transitions"
    )

    statuses = ScoreMonth.Status

    class Meta(TransitionRecord.Meta):
        verbose_name = _("assessment month transition")
        verbose_name_plural = _("assessment month transitions")


class ObjectionTransition(TransitionRecord):
    objection = models.ForeignKey(
        Objection, verbose_name=_("objection"), on_delete=models.CASCADE, related_name="transitions"
    )

    statuses = Objection.Status

    class Meta(TransitionRecord.Meta):
        verbose_name = _("objection transition")
        verbose_name_plural = _("objection transitions")


class FindingTransition(TransitionRecord):
    finding = models.ForeignKey(
        InspectionItem,
        verbose_name=_("finding"),
        on_delete=models.CASCADE,
        related_name="transitions",
    )

    statuses = InspectionItem.Proposal

    class Meta(TransitionRecord.Meta):
        verbose_name = _("finding transition")
        verbose_name_plural = _("finding transitions")
