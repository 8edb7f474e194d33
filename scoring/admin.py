"""The admin of the window assessment: a frozen month, its entries and lines are shown,
never changed; the ledger changes only through the scoring services (which recompute
the month's table), and the table itself is never edited by hand."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from departments.admin import HallFieldAdmin
from lib.admin import GuardedAdmin, RecordAdmin, TransitionAdmin, TransitionStatusFilter
from lib.workflow import WorkflowError
from scoring import services
from scoring.models import (
    FindingTransition,
    InspectionItem,
    InspectionRound,
    Objection,
    ObjectionTransition,
    ScoreEntry,
    ScoreMonth,
    ScoreMonthTransition,
    ScoreNotice,
    WindowScore,
)


@admin.register(WindowScore)
class WindowScoreAdmin(RecordAdmin):
    """Derived from the ledger by month_recompute(); corrections are ledger entries."""

    list_display = ["month", "department", "base", "deduction", "bonus", "total_score"]
    list_filter = ["month", "department"]
    search_fields = ["department__name"]
    list_select_related = ["department"]
    date_hierarchy = "month"

    @admin.display(description=_("total score"))
    def total_score(self, obj):
        return obj.total


@admin.register(ScoreMonth)
class ScoreMonthAdmin(HallFieldAdmin, GuardedAdmin):
    list_display = ["month", "hall", "status", "objection_deadline", "total_cap", "bonus_cap"]
    list_filter = ["status", "hall"]
    list_select_related = ["hall"]
    search_fields = ["month"]
    fields = ["hall", "month", "status", "objection_deadline", "total_cap", "bonus_cap"]
    workflow_fields = (
        "hall", "month", "status", "objection_deadline", "published_at", "frozen_at"
    )  # fmt: skip

    def writable(self, request, obj) -> bool:
        return obj.can("record", request.user)

    def lock(self, obj) -> None:
        ScoreMonth.objects.select_for_update().filter(pk=obj.pk).exists()

    def has_add_permission(self, request):
        return False  # a month is opened on the assessment page, with last month's caps

    def has_delete_permission(self, request, obj=None):
        # Months are kept (entries and printed tables refer to them), but for one opened
        # by mistake that holds nothing: ScoreMonth.refuses("delete").
        return obj is not None and obj.can("delete", request.user)

    def delete_model(self, request, obj):
        try:
            services.month_delete(month=obj, by=request.user)
        except WorkflowError:
            raise PermissionDenied from None

    def save_model(self, request, obj, form, change):
        try:
            services.month_set_caps(
                month=obj, by=request.user, total_cap=obj.total_cap, bonus_cap=obj.bonus_cap
            )
        except WorkflowError:
            raise PermissionDenied from None


@admin.register(ScoreEntry)
class ScoreEntryAdmin(GuardedAdmin):
    """Entries are added and deleted through the ledger's services, never edited."""

    list_display = ["month", "department", "date", "points", "reason", "recorded_by"]
    list_filter = ["month", "department", "source"]
    search_fields = ["reason", "clause", "department__name"]
    list_select_related = ["month", "department", "recorded_by"]
    raw_id_fields = ["corrects"]
    fields = ["month", "department", "date", "points", "reason", "clause", "evidence", "corrects"]

    def writable(self, request, obj) -> bool:
        return obj.month_id is None or obj.month.can("record", request.user)

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        # Deleted only while the month is open, as on the month's page.
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or obj.month.can("amend", request.user))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "month":
            kwargs["queryset"] = ScoreMonth.objects.exclude(status=ScoreMonth.Status.FROZEN)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        try:
            entry = services.entry_add(
                month=obj.month,
                department=obj.department,
                date=obj.date,
                points=obj.points,
                reason=obj.reason,
                clause=obj.clause,
                evidence=obj.evidence,
                corrects=obj.corrects,
                by=request.user,
            )
        except WorkflowError:
            raise PermissionDenied from None
        obj.pk = entry.pk

    def delete_model(self, request, obj):
        try:
            services.entry_delete(entry=obj, by=request.user)
        except WorkflowError as exc:
            messages.error(request, str(exc))
            raise PermissionDenied from None


@admin.register(Objection)
class ObjectionAdmin(RecordAdmin):
    """Filed and answered on the month's page (with their transition rows)."""

    list_display = ["month", "department", "status", "filed_at", "answered_at"]
    list_filter = ["status", "month"]
    search_fields = ["text", "answer", "department__name"]
    list_select_related = ["month", "department"]


class RoundContentAdmin(GuardedAdmin):
    def round_of(self, obj) -> InspectionRound | None:
        return obj.round if obj.round_id else None

    def writable(self, request, obj) -> bool:
        round_ = self.round_of(obj)
        return round_ is None or round_.refusal(request.user) is None


@admin.register(InspectionRound)
class InspectionRoundAdmin(HallFieldAdmin, RoundContentAdmin):
    list_display = ["date", "hall", "inspector"]
    list_filter = ["date", "hall"]
    search_fields = ["inspector"]
    workflow_fields = ("version",)

    def round_of(self, obj) -> InspectionRound:
        return obj


@admin.register(InspectionItem)
class InspectionItemAdmin(RoundContentAdmin):
    list_display = ["topic", "finding", "department", "round"]
    list_filter = ["department", "proposal"]
    search_fields = ["topic", "finding", "department__name"]
    list_select_related = ["department", "round"]
    workflow_fields = ("proposal",)

    def writable(self, request, obj) -> bool:
        return super().writable(request, obj) and (obj.pk is None or obj.can("edit", None))


@admin.register(ScoreNotice)
class ScoreNoticeAdmin(RecordAdmin):
    """Written by the month's and the objections' services."""

    list_display = ["user", "kind", "month", "created_at", "read_at"]
    list_filter = ["kind"]
    search_fields = ["message", "user__username"]
    list_select_related = ["user", "month"]


@admin.register(ScoreMonthTransition)
class ScoreMonthTransitionAdmin(TransitionAdmin):
    list_display = ["month", "from_state", "to_state", "actor", "at"]
    list_filter = [TransitionStatusFilter]
    list_select_related = ["month", "actor"]


@admin.register(ObjectionTransition)
class ObjectionTransitionAdmin(TransitionAdmin):
    list_display = ["objection", "from_state", "to_state", "actor", "at"]
    list_filter = [TransitionStatusFilter]
    list_select_related = ["objection", "actor"]


@admin.register(FindingTransition)
class FindingTransitionAdmin(TransitionAdmin):
    list_display = ["finding", "from_state", "to_state", "actor", "at"]
    list_filter = [TransitionStatusFilter]
    list_select_related = ["finding", "actor"]
