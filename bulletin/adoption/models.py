"""The information-reporting assessment's rows (imported by bulletin/models.py, whose app
they belong to). Other bulletin models are named by string: this module is loaded while
bulletin/models.py is."""

from __future__ import annotations

import calendar
import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from departments.models import Hall, User, default_hall
from lib.limits import MAX_LINE
from lib.points import validate_half_points
from lib.workflow import StateMachine, TransitionRecord, step

Role = User.Role


def month_label(month: datetime.date) -> str:
    return f"{month.year}年{month.month}月"


def month_end(month: datetime.date) -> datetime.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def _points(label, default, help_text="") -> models.DecimalField:
    return models.DecimalField(
        label,
        max_digits=5,
        decimal_places=1,
        default=Decimal(default),
        validators=[validate_half_points],
        help_text=help_text,
    )


class AdoptionRulesQuerySet(models.QuerySet):
    def in_hall(self, hall_id: int):
        return self.filter(hall_id=hall_id)

    def in_force(self, *, hall: int, month: datetime.date) -> AdoptionRules | None:
        """The version a month of the hall is counted with: the latest one in force
        from that month or before."""
        return (
            self.filter(hall_id=hall, effective_from__lte=month).order_by("-effective_from").first()
        )


class AdoptionRules(models.Model):
    """One version of a hall's rule sheet, in force from a month until the next version.

    A month is counted with the version in force then, so a new version from a date
    never changes a month before it; a version a published month was counted with is
    on record and no longer changes (AdoptionRules.refusal)."""

    hall = models.ForeignKey(
        Hall,
        verbose_name=_("hall"),
        on_delete=models.PROTECT,
        default=default_hall,
        related_name="adoption_rules",
    )
    effective_from = models.DateField(
        _("in force from"),
        help_text=_("The first month counted with these rules (the first day of the month)."),
    )
    item_points = _points(
        _("points for an item used"), "2", _("采用: an item printed in an issued bulletin.")
    )
    lead_points = _points(
        _("points for a lead item"), "3", _("The first item of its section (头条).")
    )
    special_points = _points(
        _("points for a 专报 or 增刊"), "5", _("An item used in one of the special series.")
    )
    special_series = models.ManyToManyField(
        "bulletin.Series",
        verbose_name=_("special series (专报, 增刊)"),
        blank=True,
        related_name="+",
        help_text=_("Items used in these series earn the points for a 专报 or 增刊."),
    )
    department_bonus = _points(_("bonus for a 厅级 instruction"), "5")
    provincial_bonus = _points(_("bonus for a 省领导 instruction"), "10")
    missed_penalty = _points(
        _("points off for a missed call"),
        "0",
        _("缺报: taken from the department's points for every call it did not answer; 0 for none."),
    )
    window_deduction = models.DecimalField(
        _("window deduction for a missed call"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[validate_half_points],
        help_text=_(
            "每少报一次扣N分: proposes a deduction of this many points for every missed call "
            "in the window assessment, which the scorer confirms or dismisses. Empty: none."
        ),
    )
    note = models.CharField(
        _("basis"), max_length=200, blank=True, help_text=_("The rule sheet these numbers follow.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = AdoptionRulesQuerySet.as_manager()

    class Meta:
        ordering = ["hall", "-effective_from"]
        verbose_name = _("reporting rules")
        verbose_name_plural = _("reporting rules")
        constraints = [
            models.UniqueConstraint(
                fields=["hall", "effective_from"], name="adoptionrules_unique_start"
            ),
            models.CheckConstraint(
                condition=Q(effective_from__day=1), name="adoptionrules_first_day"
            ),
            models.CheckConstraint(
                condition=Q(item_points__gte=0)
                & Q(lead_points__gte=0)
                & Q(special_points__gte=0)
                & Q(department_bonus__gte=0)
                & Q(provincial_bonus__gte=0)
                & Q(missed_penalty__gte=0),
                name="adoptionrules_points_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(window_deduction__isnull=True) | Q(window_deduction__gt=0),
                name="adoptionrules_window_deduction_positive",
            ),
        ]

    def __str__(self) -> str:
        return gettext("from %(month)s") % {"month": month_label(self.effective_from)}

    def next_start(self) -> datetime.date | None:
        """When the next version of the hall takes over (None: this is the latest)."""
        return (
            AdoptionRules.objects.filter(
                hall_id=self.hall_id, effective_from__gt=self.effective_from
            )
            .exclude(pk=self.pk)
            .order_by("effective_from")
            .values_list("effective_from", flat=True)
            .first()
        )

    def published_months(self):
        """The published months of the hall these rules are (or, for a new version or a
        changed start, would be) in force for."""
        months = AdoptionMonth.objects.published().filter(
            hall_id=self.hall_id, month__gte=self.effective_from
        )
        end = self.next_start()
        return months.filter(month__lt=end) if end else months

    def refusal(self) -> str | None:
        """Why this version may not be added, changed or deleted now."""
        if self.effective_from is None or self.hall_id is None:
            return None
        published = self.published_months().order_by("month").first()
        if published is not None:
            return gettext(
                "%(month)s is published and was counted with the rules in force then: "
                "rules change only from a month after the last published one."
            ) % {"month": published.label}
        return None

    def points_for(self, placement: str) -> Decimal:
        return {
            "special": self.special_points,
            "lead": self.lead_points,
            "item": self.item_points,
        }[placement]

    def bonus_for(self, level: str) -> Decimal:
        return {
            Instruction.Level.PROVINCIAL: self.provincial_bonus,
            Instruction.Level.DEPARTMENT: self.department_bonus,
        }[level]


class AdoptionMonthQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Every signed-in user sees the months of their hall (administrators all)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(user.hall_q("hall"))

    def in_hall(self, hall_id: int):
        return self.filter(hall_id=hall_id)

    def published(self):
        return self.filter(status=AdoptionMonth.Status.PUBLISHED)


class AdoptionMonth(StateMachine, models.Model):
    """A hall's month of information reporting: counted live while open; once its
    通报 is published, its lines, summary and PDF are stored and never change."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("reporting month", "counting")
        PUBLISHED = "published", pgettext_lazy("reporting month", "published")

    TRANSITIONS = {
        "publish": step({Status.OPEN}, Status.PUBLISHED, Role.EDITOR),
        # 批示 and joint items counted in the month, until it is published.
        "record": step({Status.OPEN}, None, Role.EDITOR),
        # A published 通报 printed as an issue's 附件.
        "attach": step({Status.PUBLISHED}, None, Role.EDITOR),
    }

    hall = models.ForeignKey(
        Hall,
        verbose_name=_("hall"),
        on_delete=models.PROTECT,
        default=default_hall,
        related_name="adoption_months",
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN
    )
    rules = models.ForeignKey(
        AdoptionRules,
        verbose_name=_("rules counted with"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="months",
    )
    # The 通报 as published: its masthead and 报尾 are copied from the hall's series then,
    # so a later change of the series' defaults does not reach it.
    issuing_body = models.CharField(_("issuing body"), max_length=200, blank=True)
    report_to = models.TextField(_("报 line"), blank=True)
    send_to = models.TextField(_("送 line"), blank=True)
    distribute_to = models.TextField(_("发 line"), blank=True)
    print_count = models.PositiveIntegerField(_("print count"), null=True, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    totals = models.JSONField(_("totals"), default=dict, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    pdf = models.FileField(_("published PDF"), upload_to="adoption/", blank=True)
    pdf_sha256 = models.CharField(_("SHA-256 of the published PDF"), max_length=64, blank=True)

    objects = AdoptionMonthQuerySet.as_manager()

    class Meta:
        ordering = ["-month", "hall_id"]
        verbose_name = _("reporting month")
        verbose_name_plural = _("reporting months")
        constraints = [
            models.UniqueConstraint(fields=["hall", "month"], name="adoptionmonth_unique_in_hall"),
            models.CheckConstraint(
                condition=Q(status__in=["open", "published"]), name="adoptionmonth_status_valid"
            ),
            models.CheckConstraint(condition=Q(month__day=1), name="adoptionmonth_first_day"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return month_label(self.month)

    @property
    def last_day(self) -> datetime.date:
        return month_end(self.month)

    @property
    def is_frozen(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def print_mark(self) -> str:
        """草稿 on every page of a 通报 that is not published (print/mark.html)."""
        return "" if self.is_frozen else "draft"

    @property
    def date_label(self) -> str:
        """The 通报's date: the day it was published, today for a draft."""
        from django.utils import timezone

        day = timezone.localdate(self.published_at) if self.published_at else timezone.localdate()
        return f"{day.year}年{day.month}月{day.day}日"

    @property
    def report_title(self) -> str:
        return f"{self.label}信息报送采用情况通报"

    @property
    def table_title(self) -> str:
        return f"{self.label}各部门（单位）信息报送采用情况排名"

    def distribution_lines(self) -> list[tuple[str, str]]:
        lines = [("报", self.report_to), ("送", self.send_to), ("发", self.distribute_to)]
        return [(label, text) for label, text in lines if text.strip()]

    def sees_every_line(self, user) -> bool:
        """Editors and scorers see every department's figures, everyone the published
        ones; until then a department sees its own line only, and others none."""
        return self.is_frozen or (user.is_authenticated and user.has_role(Role.EDITOR, Role.SCORER))

    def sees_line(self, user, department_id: int) -> bool:
        return self.sees_every_line(user) or (
            user.is_department_staff and user.department_id == department_id
        )


class AdoptionLine(models.Model):
    """One department's line of a published month, as the 通报 printed it."""

    month = models.ForeignKey(
        AdoptionMonth, verbose_name=_("month"), on_delete=models.CASCADE, related_name="lines"
    )
    department = models.ForeignKey(
        "departments.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="adoption_lines",
    )
    position = models.PositiveIntegerField(_("position"))
    submitted = models.PositiveIntegerField(_("submitted"), default=0)
    accepted = models.PositiveIntegerField(_("accepted"), default=0)
    edited = models.PositiveIntegerField(_("accepted with edits"), default=0)
    returned = models.PositiveIntegerField(_("returned"), default=0)
    not_used = models.PositiveIntegerField(_("not used"), default=0)
    late = models.PositiveIntegerField(_("late"), default=0)
    missed = models.PositiveIntegerField(_("calls missed"), default=0)
    instructions = models.PositiveIntegerField(_("instructions"), default=0)
    points = models.DecimalField(_("points"), max_digits=8, decimal_places=2, default=0)
    rank = models.PositiveIntegerField(_("rank"))

    class Meta:
        ordering = ["month", "position"]
        verbose_name = _("reporting line")
        verbose_name_plural = _("reporting lines")
        constraints = [
            models.UniqueConstraint(
                fields=["month", "department"], name="adoptionline_unique_department"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month} {self.department}"


class Instruction(models.Model):
    """A leader's 批示 on an item of an issued bulletin. It earns its bonus in the month
    of its date, once per item and level ("多次批示不重复加分")."""

    class Level(models.TextChoices):
        PROVINCIAL = "provincial", _("provincial leader (省领导)")
        DEPARTMENT = "department", _("department-level leader (厅级)")

    submission = models.ForeignKey(
        "bulletin.Submission",
        verbose_name=_("item"),
        on_delete=models.PROTECT,
        related_name="instructions",
    )
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    leader = models.CharField(
        _("leader"), max_length=100, help_text=_("Name and post, e.g. 张三副省长.")
    )
    date = models.DateField(_("date"))
    text = models.TextField(
        _("instruction"), max_length=MAX_LINE, help_text=_("What the leader wrote (批示内容).")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["date", "pk"]
        verbose_name = _("leader's instruction")
        verbose_name_plural = _("leaders' instructions")
        constraints = [
            models.CheckConstraint(
                condition=Q(level__in=["provincial", "department"]),
                name="instruction_level_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.leader}"

    @property
    def month(self) -> datetime.date:
        return self.date.replace(day=1)


class JointCredit(models.Model):
    """A further department of a joint item (合报): the item's points are split evenly
    among its own department and these."""

    submission = models.ForeignKey(
        "bulletin.Submission",
        verbose_name=_("item"),
        on_delete=models.CASCADE,
        related_name="joint_credits",
    )
    department = models.ForeignKey(
        "departments.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="joint_credits",
    )

    class Meta:
        ordering = ["submission", "department__display_order"]
        verbose_name = _("joint department")
        verbose_name_plural = _("joint departments")
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "department"], name="jointcredit_unique_department"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.submission} + {self.department}"


class AdoptionProposal(StateMachine, models.Model):
    """A window-ledger deduction for the calls a department missed in a published month
    ("每少报一次扣N分"), which the scorer confirms (a ledger entry) or dismisses."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("deduction proposed")
        CONFIRMED = "confirmed", _("deduction confirmed")
        DISMISSED = "dismissed", _("deduction dismissed")

    TRANSITIONS = {
        "confirm": step({Status.PROPOSED}, Status.CONFIRMED, Role.SCORER),
        "dismiss": step({Status.PROPOSED}, Status.DISMISSED, Role.SCORER),
    }

    month = models.ForeignKey(
        AdoptionMonth,
        verbose_name=_("month"),
        on_delete=models.PROTECT,
        related_name="proposals",
    )
    department = models.ForeignKey(
        "departments.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="adoption_proposals",
    )
    missed = models.PositiveIntegerField(_("calls missed"))
    points = models.DecimalField(
        _("proposed deduction"), max_digits=5, decimal_places=1, validators=[validate_half_points]
    )
    reason = models.TextField(_("reason"))
    evidence = models.TextField(_("evidence"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED
    )
    entry = models.ForeignKey(
        "scoring.ScoreEntry",
        verbose_name=_("ledger entry"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["month", "department__display_order"]
        verbose_name = _("missed-call deduction")
        verbose_name_plural = _("missed-call deductions")
        constraints = [
            models.UniqueConstraint(
                fields=["month", "department"], name="adoptionproposal_unique_department"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["proposed", "confirmed", "dismissed"]),
                name="adoptionproposal_status_valid",
            ),
            models.CheckConstraint(condition=Q(points__lt=0), name="adoptionproposal_deduction"),
        ]

    def __str__(self) -> str:
        return f"{self.month} {self.department} {self.points}"


class AdoptionMonthTransition(TransitionRecord):
    month = models.ForeignKey(
        AdoptionMonth,
        verbose_name=_("month"),
        on_delete=models.CASCADE,
        related_name="transitions",
    )

    statuses = AdoptionMonth.Status

    class Meta(TransitionRecord.Meta):
        verbose_name = _("reporting month transition")
        verbose_name_plural = _("reporting month transitions")


class ProposalTransition(TransitionRecord):
    proposal = models.ForeignKey(
        AdoptionProposal,
        verbose_name=_("missed-call deduction"),
        on_delete=models.CASCADE,
        related_name="transitions",
    )

    statuses = AdoptionProposal.Status

    class Meta(TransitionRecord.Meta):
        verbose_name = _("missed-call deduction transition")
        verbose_name_plural = _("missed-call deduction transitions")
