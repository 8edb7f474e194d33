"""The Django admin asks the same rules as the views: a frozen object is shown, never
changed, and no bulk action goes around those rules."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _


class GuardedAdmin(admin.ModelAdmin):
    """`writable(request, obj)` decides change and delete; `guard(request, obj)` is run
    inside the admin's transaction just before a save or delete and raises
    PermissionDenied (a 403 page, nothing saved) when the object froze meanwhile."""

    # Workflow fields change through the workflow only.
    workflow_fields: tuple[str, ...] = ()

    def writable(self, request, obj) -> bool:
        return True

    def lock(self, obj) -> None:
        """Hold the row the rules read (an issue, a month) until the admin's transaction
        ends, so nothing freezes it between the check and the save."""

    def guard(self, request, obj) -> None:
        self.lock(obj)
        # Both what is stored and what the form would store: a row may not be moved
        # into (or out of) a frozen issue, month or round either.
        current = type(obj).objects.get(pk=obj.pk) if obj.pk else obj
        if not (self.writable(request, current) and self.writable(request, obj)):
            raise PermissionDenied

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), *self.workflow_fields)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or self.writable(request, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or self.writable(request, obj))

    def get_actions(self, request):
        # "Delete selected" deletes a queryset without asking about each object.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def save_model(self, request, obj, form, change):
        self.guard(request, obj)
        super().save_model(request, obj, form, change)

    def delete_model(self, request, obj):
        self.guard(request, obj)
        super().delete_model(request, obj)


class GuardedInline:
    """An inline whose rows are writable when the parent object is."""

    def parent_writable(self, request, parent) -> bool:
        return True

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and (
            obj is None or self.parent_writable(request, obj)
        )

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (
            obj is None or self.parent_writable(request, obj)
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (
            obj is None or self.parent_writable(request, obj)
        )


class RecordAdmin(admin.ModelAdmin):
    """A record of what happened (transitions, earlier texts) or a derived table: read only."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class TransitionStatusFilter(admin.SimpleListFilter):
    """The state a transition led to, by its name: the stored values are English."""

    title = _("to")
    parameter_name = "to_status"

    def lookups(self, request, model_admin):
        return model_admin.model.statuses.choices

    def queryset(self, request, queryset):
        return queryset.filter(to_status=self.value()) if self.value() else queryset


class TransitionAdmin(RecordAdmin):
    """A transition row (lib.workflow.TransitionRecord) with its states by their names,
    as the timelines show them, in the list, its filter and the row's page."""

    exclude = ("from_status", "to_status")
    readonly_fields = ("from_state", "to_state")

    @admin.display(description=_("from"), ordering="from_status")
    def from_state(self, obj) -> str:
        return obj.from_label

    @admin.display(description=_("to"), ordering="to_status")
    def to_state(self, obj) -> str:
        return obj.to_label
