"""The admin of the information-reporting assessment (registered by bulletin/admin.py):
the rules of lib/admin.py's GuardedAdmin, read from the same models as the views. A
published month, its lines, the 批示 and joint items it counted and the rules it was
counted with are shown and never changed; months, 批示, joint items and proposals are
made by their pages, not here."""

from django.contrib import admin

from bulletin.adoption.models import (
    AdoptionLine,
    AdoptionMonth,
    AdoptionMonthTransition,
    AdoptionProposal,
    AdoptionRules,
    Instruction,
    JointCredit,
    ProposalTransition,
)
from bulletin.models import Issue
from lib.admin import GuardedAdmin, RecordAdmin, TransitionAdmin, TransitionStatusFilter


def _lock_months(hall_id) -> None:
    """Hold the hall's months: a publication racing the admin's save waits for it."""
    if hall_id:
        list(AdoptionMonth.objects.select_for_update().filter(hall_id=hall_id))


def _month_open(hall_id, day) -> bool:
    if hall_id is None or day is None:
        return True
    return (
        not AdoptionMonth.objects.published()
        .filter(hall_id=hall_id, month=day.replace(day=1))
        .exists()
    )


@admin.register(AdoptionRules)
class AdoptionRulesAdmin(GuardedAdmin):
    list_display = ["__str__", "hall", "item_points", "lead_points", "special_points",
                    "department_bonus", "provincial_bonus", "missed_penalty", "window_deduction"]  # fmt: skip
    list_filter = ["hall"]
    search_fields = ["note"]
    filter_horizontal = ["special_series"]

    def writable(self, request, obj) -> bool:
        return obj.refusal() is None

    def lock(self, obj) -> None:
        _lock_months(obj.hall_id)


@admin.register(AdoptionMonth)
class AdoptionMonthAdmin(GuardedAdmin):
    """Opened, counted and published on its page; a month opened by mistake goes while
    it is open (its figures are counted, not kept, until it is published)."""

    list_display = ["__str__", "hall", "status", "published_at"]
    list_filter = ["hall", "status"]
    search_fields = ["summary"]

    def writable(self, request, obj) -> bool:
        return not obj.is_frozen

    def lock(self, obj) -> None:
        AdoptionMonth.objects.select_for_update().filter(pk=obj.pk).exists()

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AdoptionLine)
class AdoptionLineAdmin(RecordAdmin):
    list_display = ["month", "department", "rank", "submitted", "accepted", "points"]
    list_filter = ["month__hall"]
    search_fields = ["department__name"]
    list_select_related = ["month", "department"]


@admin.register(Instruction)
class InstructionAdmin(GuardedAdmin):
    """Recorded on the item's page; the leader's name and words can be corrected here
    while the month the 批示 counts in is open."""

    list_display = ["date", "leader", "level", "submission"]
    list_filter = ["level", "date"]
    search_fields = ["leader", "text"]
    list_select_related = ["submission"]
    readonly_fields = ["submission", "level", "date", "recorded_by", "recorded_at"]

    def writable(self, request, obj) -> bool:
        hall = obj.submission.section.issue.series.hall_id if obj.submission_id else None
        return _month_open(hall, obj.date)

    def lock(self, obj) -> None:
        if obj.submission_id:
            _lock_months(obj.submission.section.issue.series.hall_id)

    def has_add_permission(self, request):
        return False


@admin.register(JointCredit)
class JointCreditAdmin(GuardedAdmin):
    """Set on the item's page; removed here while the item's month is open."""

    list_display = ["submission", "department"]
    search_fields = ["department__name", "submission__headline"]
    list_select_related = ["submission", "department"]

    def writable(self, request, obj) -> bool:
        issue = obj.submission.section.issue
        if issue.status != Issue.Status.ISSUED:
            return True
        return _month_open(issue.series.hall_id, issue.issue_date)

    def lock(self, obj) -> None:
        _lock_months(obj.submission.section.issue.series.hall_id)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AdoptionProposal)
class AdoptionProposalAdmin(RecordAdmin):
    """Proposed by a publication, decided by the scorer on the month's page."""

    list_display = ["month", "department", "points", "status"]
    list_filter = ["status"]
    search_fields = ["department__name", "reason"]
    list_select_related = ["month", "department"]


@admin.register(AdoptionMonthTransition)
class AdoptionMonthTransitionAdmin(TransitionAdmin):
    list_display = ["month", "from_state", "to_state", "actor", "at"]
    list_filter = [TransitionStatusFilter, "at"]
    search_fields = ["comment", "actor__username"]
    list_select_related = ["month", "actor"]


@admin.register(ProposalTransition)
class ProposalTransitionAdmin(TransitionAdmin):
    list_display = ["proposal", "from_state", "to_state", "actor", "at"]
    list_filter = [TransitionStatusFilter, "at"]
    search_fields = ["comment", "actor__username"]
    list_select_related = ["proposal__department", "actor"]
