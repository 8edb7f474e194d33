from django.contrib import admin

from scoring.models import (
    InspectionItem,
    InspectionRound,
    Objection,
    ScoreEntry,
    ScoreMonth,
    WindowScore,
)


class FrozenMonthReadOnly:
    """A frozen month never changes, in the admin either."""

    def _frozen(self, obj) -> bool:
        return obj is not None and self.month_of(obj).is_frozen

    def has_change_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_delete_permission(request, obj)


@admin.register(WindowScore)
class WindowScoreAdmin(FrozenMonthReadOnly, admin.ModelAdmin):
    list_display = ["month", "department", "base", "deduction", "bonus", "total"]
    list_filter = ["month", "department"]
    search_fields = ["department__name"]
    list_select_related = ["department"]
    date_hierarchy = "month"

    def month_of(self, obj) -> ScoreMonth:
        return ScoreMonth.objects.filter(month=obj.month).first() or ScoreMonth(month=obj.month)


@admin.register(ScoreMonth)
class ScoreMonthAdmin(admin.ModelAdmin):
    list_display = ["month", "status", "objection_deadline", "total_cap", "bonus_cap"]
    list_filter = ["status"]
    search_fields = ["month"]

    def has_change_permission(self, request, obj=None):
        frozen = obj is not None and obj.is_frozen
        return not frozen and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False  # months are kept: entries and printed tables refer to them


@admin.register(ScoreEntry)
class ScoreEntryAdmin(FrozenMonthReadOnly, admin.ModelAdmin):
    list_display = ["month", "department", "date", "points", "reason", "recorded_by"]
    list_filter = ["month", "department"]
    search_fields = ["reason", "clause", "department__name"]
    list_select_related = ["month", "department", "recorded_by"]
    raw_id_fields = ["corrects"]

    def month_of(self, obj) -> ScoreMonth:
        return obj.month


@admin.register(Objection)
class ObjectionAdmin(admin.ModelAdmin):
    list_display = ["month", "department", "status", "filed_at", "answered_at"]
    list_filter = ["status", "month"]
    search_fields = ["text", "answer", "department__name"]
    list_select_related = ["month", "department"]


@admin.register(InspectionRound)
class InspectionRoundAdmin(admin.ModelAdmin):
    list_display = ["date", "inspector"]
    list_filter = ["date"]
    search_fields = ["inspector"]


@admin.register(InspectionItem)
class InspectionItemAdmin(admin.ModelAdmin):
    list_display = ["topic", "finding", "department", "round"]
    list_filter = ["department"]
    search_fields = ["topic", "finding", "department__name"]
    list_select_related = ["department", "round"]
