import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from bulletin import search
from departments.models import Hall, User, default_hall
from lib.limits import MAX_BODY, MAX_LINE
from lib.numbering import chinese_numeral
from lib.workflow import StateMachine, TransitionRecord, step

Role = User.Role


def default_outline() -> list:
    return []


class Series(models.Model):
    """A bulletin title such as 窗口工作周报, issued by one body, of that body's hall."""

    hall = models.ForeignKey(
        Hall,
        verbose_name=_("hall"),
        on_delete=models.PROTECT,
        default=default_hall,
        related_name="series",
        help_text=_("The hall of its issuing body: its departments report to the series."),
    )
    title = models.CharField(_("series name"), max_length=100)
    issuing_body = models.CharField(
        _("issuing body"), max_length=200, help_text=_("编印单位, printed under the masthead.")
    )
    default_report_to = models.TextField(
        _("default 报 line"), blank=True, help_text=_("Superiors; leave empty to omit the line.")
    )
    default_send_to = models.TextField(
        _("default 送 line"), blank=True, help_text=_("Peer bodies; leave empty to omit the line.")
    )
    default_distribute_to = models.TextField(
        _("default 发 line"),
        blank=True,
        help_text=_("Subordinate bodies; leave empty to omit the line."),
    )
    default_print_count = models.PositiveIntegerField(
        _("default print count"), null=True, blank=True
    )
    default_outline = models.JSONField(
        _("default section outline"),
        default=default_outline,
        blank=True,
        help_text=_('A list of sections: [{"title": "…", "level": 1, "kind": "free"}, …]'),
    )
    # When an existing paper series moves in, its numbering continues from here.
    opening_total_number = models.PositiveIntegerField(
        _("first total number"),
        default=1,
        help_text=_("The total number (总期号) the first issue created here gets."),
    )
    opening_year = models.PositiveSmallIntegerField(
        _("first year"),
        null=True,
        blank=True,
        help_text=_("The year of the first issue created here."),
    )
    opening_year_number = models.PositiveIntegerField(
        _("first yearly number"),
        default=1,
        help_text=_("The yearly number (年度期号) the first issue of the first year gets."),
    )
    # Numbering in total is optional: a series that never printed （总第N期） keeps its
    # total numbers (they order the issues) but does not print them.
    total_numbering = models.BooleanField(
        _("prints the total number"),
        default=True,
        help_text=_("The issue line prints （总第N期） after the yearly number."),
    )

    class Meta:
        ordering = ["title"]
        verbose_name = _("series")
        verbose_name_plural = _("series")
        constraints = [
            models.CheckConstraint(
                condition=Q(opening_total_number__gte=1) & Q(opening_year_number__gte=1),
                name="series_opening_numbers_positive",
            ),
            # A city's 窗口工作周报 is not the province's.
            models.UniqueConstraint(fields=["hall", "title"], name="series_unique_title_in_hall"),
        ]

    def __str__(self) -> str:
        return self.title

    def checklist(self) -> list[str]:
        """The topics of its hall inspection checklist, in order (empty: none kept)."""
        return [point.topic.rstrip("。") for point in self.inspection_points.all()]


class IssueQuerySet(models.QuerySet):
    def issued(self):
        return self.filter(status=Issue.Status.ISSUED)

    def visible_to(self, user):
        """The issues of the user's hall (administrators: every hall's): centre staff
        see all of them, everyone else the issued ones."""
        if not user.is_authenticated:
            return self.none()
        own = self.filter(user.hall_q("series__hall"))
        if user.is_centre_staff:
            return own
        return own.issued()

    def in_hall(self, hall_id: int):
        return self.filter(series__hall_id=hall_id)

    def editable(self):
        return self.filter(status__in=Issue.EDITABLE)

    def for_visit(
        self, date, *, series: "Series | None" = None, hall: int | None = None
    ) -> "Issue | None":
        """The issue that reports a leader visit on `date`: the editable issue whose
        period contains the date, else the earliest editable one whose period ends on or
        after it (a visit registered after its week's issue left editing goes into the
        next one); None while no such issue is open (issue_create picks it up then).
        Only issues with a 厅（局）长进大厅 section print visits; `series`, when the visit
        answers a call, keeps it in that call's series; `hall`, the department's, in
        its hall's series."""
        reporting = Section.objects.filter(issue=OuterRef("pk"), kind=Section.Kind.LEADER_VISITS)
        candidates = self.editable().filter(
            Exists(reporting), period_start__isnull=False, period_end__gte=date
        )
        if series is not None:
            candidates = candidates.filter(series=series)
        if hall is not None:
            candidates = candidates.filter(series__hall_id=hall)
        containing = candidates.filter(period_start__lte=date).order_by("period_start", "pk")
        return containing.first() or candidates.order_by("period_end", "period_start", "pk").first()

    def search(self, text: str):
        """Issues in which every word of `text` matches: text, dates, issue numbers (the
        rules are in bulletin/search.py)."""
        return search.search(self, text)

    def with_items_from(self, department):
        """Issues that print at least one accepted item of `department`."""
        items = Submission.objects.accepted().filter(
            section__issue=OuterRef("pk"), department=department
        )
        return self.filter(Exists(items))


class Issue(StateMachine, models.Model):
    """One number of a series: 2023年第38期（总第458期）."""

    class Status(models.TextChoices):
        COLLECTING = "collecting", _("collecting submissions")
        EDITING = "editing", _("editing")
        REVIEW = "review", _("in review")
        APPROVED = "approved", _("approved")
        ISSUED = "issued", _("issued")

    # Until it goes to review the editors shape the issue; then it is the approver's,
    # and once issued nothing about it changes again.
    EDITABLE = frozenset({Status.COLLECTING, Status.EDITING})
    TRANSITIONS = {
        "close_collection": step({Status.COLLECTING}, Status.EDITING, Role.EDITOR),  # 结束征稿
        "send_to_review": step(EDITABLE, Status.REVIEW, Role.EDITOR),
        "recall": step({Status.REVIEW}, Status.EDITING, Role.EDITOR),
        "approve": step({Status.REVIEW}, Status.APPROVED, Role.APPROVER),
        "return": step({Status.REVIEW}, Status.EDITING, Role.APPROVER),
        "issue": step({Status.APPROVED}, Status.ISSUED, Role.EDITOR),
        # Work within a state: masthead, outline, text, records, calls, order, decisions.
        "edit": step(EDITABLE, None, Role.EDITOR),
        # An import may write over an issue that is not yet issued.
        "replace": step(EDITABLE | {Status.REVIEW, Status.APPROVED}, None),
    }

    series = models.ForeignKey(
        Series, verbose_name=_("series"), on_delete=models.PROTECT, related_name="issues"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveIntegerField(
        _("yearly number"), help_text=_("年度期号, restarts each year.")
    )
    total_number = models.PositiveIntegerField(
        _("total number"), help_text=_("总期号, never restarts.")
    )
    period_start = models.DateField(_("period start"), null=True, blank=True)
    period_end = models.DateField(_("period end"), null=True, blank=True)
    issue_date = models.DateField(
        _("issue date"), null=True, blank=True, help_text=_("印发日期: the sign-off date.")
    )
    column_title = models.CharField(
        _("column title"), max_length=100, blank=True, help_text=_("Optional, e.g. 政务服务工作.")
    )
    # A distribution line names bodies, not paragraphs: the limit keeps a stray paste
    # from filling the last page.
    report_to = models.TextField(_("报 line"), blank=True, max_length=MAX_LINE)
    send_to = models.TextField(_("送 line"), blank=True, max_length=MAX_LINE)
    distribute_to = models.TextField(_("发 line"), blank=True, max_length=MAX_LINE)
    print_count = models.PositiveIntegerField(_("print count"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.COLLECTING
    )
    recipient_group = models.ForeignKey(
        "RecipientGroup",
        verbose_name=_("recipient group"),
        # An issued issue keeps the group it went to: a group in use is not deleted.
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="issues",
        help_text=_("Fills the 报/送/发 lines and the print count; they can be changed here."),
    )
    inspection_round = models.ForeignKey(
        "scoring.InspectionRound",
        verbose_name=_("inspection round"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The hall inspection its 大厅巡查 section reports."),
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    # The issued PDF: rendered once, stored with its digest, never rendered again.
    pdf = models.FileField(_("issued PDF"), upload_to="issued/", blank=True)
    pdf_sha256 = models.CharField(_("SHA-256 of the issued PDF"), max_length=64, blank=True)
    # The issued Word file beside it: made once at issue time, frozen the same way.
    docx = models.FileField(_("issued Word file"), upload_to="issued/", blank=True)
    docx_sha256 = models.CharField(_("SHA-256 of the issued Word file"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = IssueQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-number"]
        verbose_name = _("issue")
        verbose_name_plural = _("issues")
        constraints = [
            models.UniqueConstraint(
                fields=["series", "year", "number"], name="issue_unique_yearly_number"
            ),
            models.UniqueConstraint(
                fields=["series", "total_number"], name="issue_unique_total_number"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["collecting", "editing", "review", "approved", "issued"]),
                name="issue_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1) & Q(total_number__gte=1), name="issue_numbers_positive"
            ),
            models.CheckConstraint(
                condition=Q(period_start__isnull=True)
                | Q(period_end__isnull=True)
                | Q(period_end__gte=F("period_start")),
                name="issue_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.series.title} {self.label}"

    @property
    def number_label(self) -> str:
        return f"{self.year}年第{self.number}期"

    @property
    def label(self) -> str:
        if not self.series.total_numbering:
            return self.number_label
        return f"{self.number_label}（总第{self.total_number}期）"

    @property
    def period_label(self) -> str:
        if not (self.period_start and self.period_end):
            return ""
        start, end = self.period_start, self.period_end
        left = f"{start.month}月{start.day}日"
        right = f"{end.month}月{end.day}日"
        if start.year != end.year:
            left = f"{start.year}年{left}"
            right = f"{end.year}年{right}"
        return f"（{left}—{right}）"

    @property
    def issue_date_label(self) -> str:
        d = self.issue_date
        return f"{d.year}年{d.month}月{d.day}日" if d else ""

    @property
    def is_frozen(self) -> bool:
        return self.status == self.Status.ISSUED

    @property
    def print_mark(self) -> str:
        """The mark on every page of a PDF that is not the issued bulletin: "draft" (草稿)
        while it is edited, "review" (送审稿) with the approver; "" once issued."""
        if self.is_frozen:
            return ""
        return "draft" if self.status in self.EDITABLE else "review"

    def distribution_lines(self) -> list[tuple[str, str]]:
        """The 报尾 lines that are present, in their fixed order."""
        lines = [("报", self.report_to), ("送", self.send_to), ("发", self.distribute_to)]
        return [(label, text) for label, text in lines if text.strip()]


class Section(models.Model):
    """A numbered part of an issue. The outline is flat: levels give the nesting."""

    class Kind(models.TextChoices):
        FREE = "free", _("free text")
        ITEMS = "items", _("department items")
        LEADER_VISITS = "leader_visits", _("leader visits")
        INSPECTION = "inspection", _("hall inspection")
        STATISTICS = "statistics", _("statistics")
        NEWS = "news", _("news")
        ATTACHMENT = "attachment", _("attachment")

    class ProseStyle(models.TextChoices):
        PARAGRAPHS = "paragraphs", _("one paragraph per record")
        ROLLUP = "rollup", _("one sentence for all records")

    class ItemStyle(models.TextChoices):
        # The labels are the markers themselves, the same in every language.
        ARABIC = "arabic", "1. 2. 3."
        PAREN = "paren", "（1）（2）（3）"

    issue = models.ForeignKey(
        Issue, verbose_name=_("issue"), on_delete=models.CASCADE, related_name="sections"
    )
    position = models.PositiveIntegerField(_("position"))
    level = models.PositiveSmallIntegerField(
        _("heading level"), default=1, help_text=_("1: 一、 2: （一） 3: 1. 4: （1）")
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.FREE)
    body = models.TextField(
        _("text"),
        blank=True,
        help_text=_("One paragraph per line. Printed under the heading, before the items."),
    )
    item_style = models.CharField(
        _("item numbering"), max_length=10, choices=ItemStyle.choices, default=ItemStyle.ARABIC
    )
    # The prose last generated from the section's records (leader visits, inspection,
    # statistics); when the text differs from it, the editor has changed it by hand.
    generated_body = models.TextField(_("generated text"), blank=True)
    # What the records were when the text was generated (bulletin.generate.records_digest):
    # a figure, an opening balance, a visit or a finding changed since marks it stale.
    generated_from = models.CharField(_("generated from records"), max_length=64, blank=True)
    prose_style = models.CharField(
        _("generated text style"),
        max_length=12,
        choices=ProseStyle.choices,
        default=ProseStyle.PARAGRAPHS,
        help_text=_("Leader visits: a numbered paragraph each, or one sentence naming all."),
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    call_deadline = models.DateTimeField(
        _("submission deadline"),
        null=True,
        blank=True,
        help_text=_("Set to call for department submissions to this section."),
    )
    score_month = models.DateField(
        _("score month"),
        null=True,
        blank=True,
        help_text=_("For an attachment: the month whose window scores it prints."),
    )
    adoption_report = models.ForeignKey(
        "bulletin.AdoptionMonth",
        verbose_name=_("reporting month"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attachments",
        help_text=_("For an attachment: the published month whose 通报 it prints."),
    )

    class Meta:
        ordering = ["issue", "position"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        constraints = [
            models.UniqueConstraint(fields=["issue", "position"], name="section_unique_position"),
            models.CheckConstraint(
                condition=Q(level__gte=1) & Q(level__lte=4), name="section_level_1_to_4"
            ),
            models.CheckConstraint(
                condition=Q(
                    kind__in=[
                        "free",
                        "items",
                        "leader_visits",
                        "inspection",
                        "statistics",
                        "news",
                        "attachment",
                    ]
                ),
                name="section_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(item_style__in=["arabic", "paren"]), name="section_item_style_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def call_open(self) -> bool:
        """Departments send new items while the call stands and the collection is open
        (结束征稿 closes it)."""
        return self.call_deadline is not None and self.issue.status == Issue.Status.COLLECTING

    @property
    def takes_visits(self) -> bool:
        """A 厅（局）长进大厅 section: departments answer its call with leader visits
        (date, leader, title, activity), not with items."""
        return self.kind == self.Kind.LEADER_VISITS

    @property
    def records_changed_since_generated(self) -> bool:
        """The records its text was generated from (figures and opening balances, leader
        visits, the inspection round's findings) changed since: generate it again."""
        if not self.generated_from:
            return False
        from bulletin import generate

        return generate.records_digest(self) != self.generated_from

    @property
    def runs_in(self) -> bool:
        """A heading that ends in 。 continues its paragraph instead of standing alone."""
        return self.title.endswith("。")

    @property
    def paragraphs(self) -> list[str]:
        return [line.strip() for line in self.body.splitlines() if line.strip()]


def number_sections(sections) -> list[tuple[object, str]]:
    """Pair each section (in order) with its marker: 一、 （一） 1. （1）.

    Attachments are not numbered; they are printed after the body. Neither is a section
    without a title (text an imported bulletin prints before its first heading): it has
    no heading to carry the number.
    """
    counters = [0, 0, 0, 0]
    numbered = []
    for section in sections:
        if section.kind == Section.Kind.ATTACHMENT or not section.title:
            numbered.append((section, ""))
            continue
        level = section.level
        counters[level - 1] += 1
        for deeper in range(level, 4):
            counters[deeper] = 0
        n = counters[level - 1]
        marker = {
            1: f"{chinese_numeral(n)}、",
            2: f"（{chinese_numeral(n)}）",
            3: f"{n}.",
            4: f"（{n}）",
        }[level]
        numbered.append((section, marker))
    return numbered


class SubmissionQuerySet(models.QuerySet):
    def for_department(self, department):
        return self.filter(department=department)

    def visible_to(self, user):
        """A department's drafts are its own: outside it, they do not exist (404). Centre
        staff see the sent items of their hall's issues."""
        if not user.is_authenticated:
            return self.none()
        if user.is_department_staff:
            return self.filter(department_id=user.department_id)
        if user.is_centre_staff:
            own = self.filter(user.hall_q("section__issue__series__hall"))
            return own.exclude(status=Submission.Status.DRAFT)
        return self.none()

    def accepted(self):
        return self.filter(status=Submission.Status.ACCEPTED)


class Submission(StateMachine, models.Model):
    """One piece a department sends for a section: a run-in headline plus body paragraphs."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        ACCEPTED = "accepted", _("accepted")
        RETURNED = "returned", _("returned")
        NOT_USED = "not_used", _("not used")

    TRANSITIONS = {
        "submit": step({Status.DRAFT, Status.RETURNED}, Status.SUBMITTED, Role.STAFF),
        "withdraw": step({Status.SUBMITTED}, Status.DRAFT, Role.STAFF),
        "accept": step({Status.SUBMITTED}, Status.ACCEPTED, Role.EDITOR),
        "return": step({Status.SUBMITTED}, Status.RETURNED, Role.EDITOR),
        # 不采用: an item not waited for any longer, or taken out of the issue again.
        "not_use": step(
            {Status.SUBMITTED, Status.RETURNED, Status.ACCEPTED}, Status.NOT_USED, "editor"
        ),
        # The department's text: its drafts, and what the editor returned.
        "edit": step({Status.DRAFT, Status.RETURNED}, None, Role.STAFF),
        # The editor's text: while deciding, and of an accepted item until review.
        "revise": step({Status.SUBMITTED, Status.ACCEPTED}, None, Role.EDITOR),
        "reorder": step({Status.ACCEPTED}, None, Role.EDITOR),
    }
    DEPARTMENT_STEPS = frozenset({"submit", "withdraw", "edit"})

    section = models.ForeignKey(
        Section, verbose_name=_("section"), on_delete=models.CASCADE, related_name="submissions"
    )
    department = models.ForeignKey(
        "departments.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="submissions",
        help_text=_("Empty for text written by the centre itself."),
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    headline = models.CharField(
        _("headline"),
        max_length=300,
        blank=True,
        help_text=_("A run-in headline sentence, ending in 。"),
    )
    body = models.TextField(
        _("body"), blank=True, max_length=MAX_BODY, help_text=_("One paragraph per line.")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    return_reason = models.TextField(_("reason for return"), blank=True)
    # The text as the department last sent it, to show what the editor changed.
    sent_headline = models.CharField(_("headline as sent"), max_length=300, blank=True)
    sent_body = models.TextField(_("body as sent"), blank=True)
    # Bumped on every save: a save based on an older version is refused.
    version = models.PositiveIntegerField(_("version"), default=1)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="submissions",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        ordering = ["section", "position", "pk"]
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        indexes = [
            # The issue list's department filter: a section's items of one department
            # (without it SQLite walks all of the department's items for every issue).
            models.Index(
                fields=["section", "department", "status"], name="submission_section_dept"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "submitted", "accepted", "returned", "not_used"]),
                name="submission_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="returned") | ~Q(return_reason=""),
                name="submission_returned_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return (self.headline or self.body)[:40]

    # Bootstrap's colour for the state, wherever an item's state is shown.
    TONES = {
        Status.DRAFT: "light",
        Status.SUBMITTED: "primary",
        Status.ACCEPTED: "success",
        Status.RETURNED: "danger",
        Status.NOT_USED: "secondary",
    }

    @property
    def tone(self) -> str:
        return self.TONES[self.status]

    def refuses(self, name: str, user) -> str | None:
        issue = self.section.issue
        if name in self.DEPARTMENT_STEPS:
            if user is not None and user.department_id != self.department_id:
                return _("Only the department that wrote an item works on it.")
            # After 结束征稿 a department no longer sends new items, but it still
            # answers what the editor returned to it.
            if self.status == self.Status.RETURNED or name == "withdraw":
                open_states = Issue.EDITABLE
            else:
                open_states = {Issue.Status.COLLECTING}
            if issue.status not in open_states:
                return _("This issue no longer takes submissions.")
            return None
        if issue.status not in Issue.EDITABLE:
            return _("Nothing can be changed in an issue in review or later.")
        return None

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)

    @property
    def sent_text(self) -> str:
        sent = Submission(headline=self.sent_headline, body=self.sent_body)
        return "\n".join(sent.paragraphs)

    def text_history(self, versions) -> list["TextVersion"]:
        """Every text the item has had, oldest first and the current one last, each with
        who saved it and when. `versions` are its SubmissionVersion rows.

        A version row keeps a text as it was before a save, with the person who saved
        over it: so the text of version n was saved by whoever replaced version n - 1,
        the first by the author when the item was written."""
        history = []
        by, at = self.author, self.created_at
        for row in sorted(versions, key=lambda row: row.number):
            history.append(TextVersion(row.number, row.text, by, at))
            by, at = row.saved_by, row.saved_at
        history.append(TextVersion(self.version, self.text, by, at, current=True))
        return history

    @property
    def is_late(self) -> bool:
        deadline = self.section.call_deadline
        return bool(deadline and self.submitted_at and self.submitted_at > deadline)

    @property
    def paragraphs(self) -> list[str]:
        """The printed paragraphs: the headline runs into the first body paragraph."""
        body = [line.strip() for line in self.body.splitlines() if line.strip()]
        if not self.headline:
            return body
        if not body:
            return [self.headline]
        return [self.headline + body[0], *body[1:]]


class LeaderVisitQuerySet(models.QuerySet):
    def reported_in(self, issue: Issue):
        """The visits an issue reports: those assigned to it, and while it is edited the
        unassigned ones of its period (recorded in the admin, or before it opened)."""
        reported = Q(issue=issue)
        if issue.status in Issue.EDITABLE and issue.period_start and issue.period_end:
            period = (issue.period_start, issue.period_end)
            # of its hall's departments: another hall's leaders visit another hall
            in_hall = Q(department__hall__series=issue.series_id)
            reported |= Q(issue__isnull=True, date__range=period) & in_hall
        return self.filter(reported)


class LeaderVisit(models.Model):
    """A department leader's visit to the hall (厅（局）长进大厅)."""

    department = models.ForeignKey(
        "departments.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="leader_visits",
    )
    issue = models.ForeignKey(
        Issue,
        verbose_name=_("issue"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="leader_visits",
        help_text=_("The issue that reports this visit."),
    )
    date = models.DateField(_("date"))
    leader_name = models.CharField(_("leader name"), max_length=50)
    leader_title = models.CharField(
        _("leader title"), max_length=100, help_text=_("For example 党组成员、副厅长.")
    )
    activity = models.TextField(
        _("activity"), blank=True, max_length=MAX_BODY, help_text=_("What the leader did.")
    )
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = LeaderVisitQuerySet.as_manager()

    class Meta:
        ordering = ["date", "department__display_order", "pk"]
        verbose_name = _("leader visit")
        verbose_name_plural = _("leader visits")

    def __str__(self) -> str:
        return f"{self.date} {self.department} {self.leader_name}"

    @property
    def editable(self) -> bool:
        """Until an issue reporting it goes to review; then the visit is on paper."""
        return self.issue is None or self.issue.status in Issue.EDITABLE


class SubmissionVersion(models.Model):
    """An earlier text of a submission, kept whenever the text changes."""

    submission = models.ForeignKey(
        Submission, verbose_name=_("submission"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    headline = models.CharField(_("headline"), max_length=300, blank=True)
    body = models.TextField(_("body"), blank=True)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("saved by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    saved_at = models.DateTimeField(_("saved at"), auto_now_add=True)

    class Meta:
        ordering = ["submission", "-number"]
        verbose_name = _("text version")
        verbose_name_plural = _("text versions")
        constraints = [
            models.UniqueConstraint(fields=["submission", "number"], name="version_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.submission} v{self.number}"

    @property
    def text(self) -> str:
        return Submission(headline=self.headline, body=self.body).text


@dataclass(frozen=True)
class TextVersion:
    """One entry of an item's version history (Submission.text_history)."""

    number: int
    text: str
    saved_by: User | None
    saved_at: datetime.datetime | None
    current: bool = False

    @property
    def side(self) -> str:
        """部门 or 编辑: which side of the exchange wrote this text."""
        if self.saved_by is None:
            return ""
        if self.saved_by.is_department_staff:
            return pgettext("who saved a text", "department")
        if self.saved_by.is_editor:
            return pgettext("who saved a text", "editor")
        return self.saved_by.get_role_display()


class SubmissionTransition(TransitionRecord):
    submission = models.ForeignKey(
        Submission,
        verbose_name=_("submission"),
        on_delete=models.CASCADE,
        related_name="transitions",
    )

    statuses = Submission.Status

    class Meta(TransitionRecord.Meta):
        verbose_name = _("submission transition")
        verbose_name_plural = _("submission transitions")


class IssueTransition(TransitionRecord):
    issue = models.ForeignKey(
        Issue, verbose_name=_("issue"), on_delete=models.CASCADE, related_name="transitions"
    )

    statuses = Issue.Status

    class Meta(TransitionRecord.Meta):
        verbose_name = _("issue transition")
        verbose_name_plural = _("issue transitions")


# A provincial hall handles some thousands of items a week and a few hundred thousand a
# year: past the SANE figures the editor is asked to confirm, past the MAX ones (a key
# held down) the number is refused.
SANE_FIGURE = 100_000
MAX_FIGURE = 99_999_999
SANE_OPENING = 10_000_000
MAX_OPENING = 999_999_999


def _at_most(limit: int) -> MaxValueValidator:
    return MaxValueValidator(limit, _("At most %(limit_value)s: check the number."))


class Statistic(models.Model):
    """One figure of an issue's service statistics for its period (本周 受理 514 件)."""

    issue = models.ForeignKey(
        Issue, verbose_name=_("issue"), on_delete=models.CASCADE, related_name="statistics"
    )
    # The order the figures were entered in, which the sentence follows.
    position = models.PositiveIntegerField(_("position"), default=0)
    label = models.CharField(_("measure"), max_length=20, help_text=_("e.g. 咨询, 受理, 办结"))
    unit = models.CharField(_("unit"), max_length=10, default="件", help_text=_("件 or 人次"))
    value = models.PositiveIntegerField(_("this period"), validators=[_at_most(MAX_FIGURE)])

    class Meta:
        ordering = ["issue", "position", "pk"]
        verbose_name = _("statistic")
        verbose_name_plural = _("statistics")
        constraints = [
            models.UniqueConstraint(fields=["issue", "label"], name="statistic_unique_label"),
            models.UniqueConstraint(fields=["issue", "position"], name="statistic_unique_position"),
        ]

    def __str__(self) -> str:
        return f"{self.label} {self.value}{self.unit}"


class StatisticOpening(models.Model):
    """Year-to-date totals from before the first issue kept here (an opening balance)."""

    series = models.ForeignKey(
        Series, verbose_name=_("series"), on_delete=models.CASCADE, related_name="openings"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    label = models.CharField(_("measure"), max_length=20)
    value = models.PositiveIntegerField(_("opening balance"), validators=[_at_most(MAX_OPENING)])

    class Meta:
        ordering = ["series", "year", "label"]
        verbose_name = _("opening balance")
        verbose_name_plural = _("opening balances")
        constraints = [
            models.UniqueConstraint(fields=["series", "year", "label"], name="opening_unique_label")
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.label} {self.value}"


class InspectionPoint(models.Model):
    """One point of a series' hall inspection checklist (按时到岗情况, 着装情况, …): the
    round an editor starts for an issue's 大厅巡查 section checks these, in this order."""

    series = models.ForeignKey(
        Series,
        verbose_name=_("series"),
        on_delete=models.CASCADE,
        related_name="inspection_points",
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    topic = models.CharField(_("topic"), max_length=100, help_text=_("For example 按时到岗情况."))

    class Meta:
        ordering = ["series", "position", "pk"]
        verbose_name = _("inspection point")
        verbose_name_plural = _("inspection checklist")
        constraints = [
            models.UniqueConstraint(fields=["series", "topic"], name="inspectionpoint_unique_topic")
        ]

    def __str__(self) -> str:
        return self.topic


class RecipientGroup(models.Model):
    """A reusable distribution: the 报/送/发 lines, the print count, who gets notified."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    report_to = models.TextField(_("报 line"), blank=True, max_length=MAX_LINE)
    send_to = models.TextField(_("送 line"), blank=True, max_length=MAX_LINE)
    distribute_to = models.TextField(_("发 line"), blank=True, max_length=MAX_LINE)
    print_count = models.PositiveIntegerField(_("print count"), null=True, blank=True)
    departments = models.ManyToManyField(
        "departments.Department",
        verbose_name=_("departments notified"),
        blank=True,
        related_name="recipient_groups",
        help_text=_("Their staff get a notice with the PDF when an issue is issued."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("recipient group")
        verbose_name_plural = _("recipient groups")

    def __str__(self) -> str:
        return self.name


class NoticeQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notice(models.Model):
    """An in-app message about a hand-off, e-mailed too to those who want it: a reminder
    to send items, an item submitted, returned or accepted, an issue sent for sign-off,
    returned or signed off, and a newly issued bulletin (bulletin/services/notices.py)."""

    class Kind(models.TextChoices):
        REMINDER = "reminder", _("reminder")
        ISSUED = "issued", _("issued bulletin")
        SUBMITTED = "submitted", _("item submitted")
        RETURNED = "returned", _("item returned")
        ACCEPTED = "accepted", _("item accepted")
        REVIEW = "review", _("sent for sign-off")
        SENT_BACK = "sent_back", _("returned by the approver")
        APPROVED = "approved", _("signed off")

    # Bootstrap's colour for the kind, wherever a notice is shown.
    TONES = {
        Kind.REMINDER: "warning",
        Kind.ISSUED: "danger",
        Kind.SUBMITTED: "primary",
        Kind.RETURNED: "warning",
        Kind.ACCEPTED: "success",
        Kind.REVIEW: "info",
        Kind.SENT_BACK: "warning",
        Kind.APPROVED: "success",
    }

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notices",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    issue = models.ForeignKey(
        Issue, verbose_name=_("issue"), on_delete=models.CASCADE, related_name="notices"
    )
    # A reminder names the call it is about (the board shows when each department was
    # last reminded of it); an item's notice names the item (its page shows the diff).
    section = models.ForeignKey(
        Section,
        verbose_name=_("section"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notices",
        help_text=_("For a reminder: the section whose call it is about."),
    )
    submission = models.ForeignKey(
        Submission,
        verbose_name=_("submission"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notices",
        help_text=_("For a notice about an item: that item."),
    )
    message = models.TextField(_("message"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    opened_at = models.DateTimeField(
        _("PDF opened at"), null=True, blank=True, help_text=_("When the user opened the PDF.")
    )

    objects = NoticeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    kind__in=[
                        "reminder",
                        "issued",
                        "submitted",
                        "returned",
                        "accepted",
                        "review",
                        "sent_back",
                        "approved",
                    ]
                ),
                name="notice_kind_valid",
            )
        ]

    def __str__(self) -> str:
        return self.message[:40]

    @property
    def tone(self) -> str:
        return self.TONES[self.kind]

    def link(self) -> str:
        """The page the notice is about: the PDF of an issued bulletin, the review queue
        of a submitted item, an item's own page (with the editor's changes), else the
        department's page or the issue."""
        if self.kind == self.Kind.ISSUED:
            return reverse("bulletin:issue_pdf", args=[self.issue_id])
        if self.kind == self.Kind.SUBMITTED:
            return reverse("bulletin:review_queue", args=[self.issue_id])
        if self.submission_id:
            return reverse("bulletin:submission_detail", args=[self.submission_id])
        if self.user.is_department_staff:
            return reverse("bulletin:my_department")
        return reverse("bulletin:issue_detail", args=[self.issue_id])


class SectionVersion(models.Model):
    """An earlier text of a section, kept whenever the editor or a generation replaces it."""

    section = models.ForeignKey(
        Section, verbose_name=_("section"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    body = models.TextField(_("text"), blank=True)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("saved by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    saved_at = models.DateTimeField(_("saved at"), auto_now_add=True)

    class Meta:
        ordering = ["section", "-number", "-pk"]
        verbose_name = _("section text version")
        verbose_name_plural = _("section text versions")

    def __str__(self) -> str:
        return f"{self.section} v{self.number}"


class PdfRender(models.Model):
    """One rendering of an issue's printed form, asked for by a download and done by
    the worker within its time and memory budget (bulletin/printing/budget.py).

    Keyed by the content key of the document (the PDF cache's file name): an edit makes
    a new key, so a failure is remembered for exactly the text that failed."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    class Reason(models.TextChoices):
        NONE = "", _("none")
        TIMEOUT = "timeout", _("took longer than the time limit")
        MEMORY = "memory", _("needed more memory than the limit")
        ERROR = "error", _("failed with an error")
        INTERRUPTED = "interrupted", _("was interrupted too many times")

    issue = models.ForeignKey(
        Issue, verbose_name=_("issue"), on_delete=models.CASCADE, related_name="renders"
    )
    key = models.CharField(_("content key"), max_length=64, unique=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    reason = models.CharField(
        _("reason"), max_length=12, choices=Reason.choices, blank=True, default=Reason.NONE
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("PDF rendering")
        verbose_name_plural = _("PDF renderings")
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return f"{self.issue_id}:{self.key[:12]} {self.get_status_display()}"

    @property
    def failed(self) -> bool:
        return self.status == self.Status.FAILED

    def explanation(self) -> str:
        """Why the PDF is missing, for the editor."""
        if self.reason == self.Reason.TIMEOUT:
            return _(
                "Generating the PDF took longer than %(seconds)s seconds and was stopped. "
                "The issue is probably too long: shorten the longest paragraphs or split it."
            ) % {"seconds": f"{settings.RENDER_TIMEOUT_SECONDS:g}"}
        if self.reason == self.Reason.MEMORY:
            return _(
                "Generating the PDF needed more than %(megabytes)s MB of memory and was "
                "stopped. The issue is probably too long: shorten the longest paragraphs "
                "or split it."
            ) % {"megabytes": settings.RENDER_MEMORY_MB}
        if self.reason == self.Reason.INTERRUPTED:
            return _(
                "The background process generating the PDF stopped %(count)s times; it is "
                "not tried again by itself. Please tell the administrator."
            ) % {"count": settings.TASK_MAX_ATTEMPTS}
        return _(
            "Generating the PDF failed with an error. The issue is unchanged; please try "
            "again later or tell the administrator."
        )


# The information-reporting assessment (信息报送考核) keeps its rows in its own module.
from bulletin.adoption.models import (  # noqa: E402, F401
    AdoptionLine,
    AdoptionMonth,
    AdoptionMonthTransition,
    AdoptionProposal,
    AdoptionRules,
    Instruction,
    JointCredit,
    ProposalTransition,
)
