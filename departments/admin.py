from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from departments.forms import AdminLoginForm
from departments.models import Department, Hall, LoginFailure, User

# The admin's login goes through the same throttle as the site's.
admin.site.login_form = AdminLoginForm


class HallFieldAdmin:
    """The hall field only where there are several halls: an installation of one never
    names it (what is made without a hall belongs to the default one)."""

    def _one_hall(self) -> bool:
        return Hall.objects.count() < 2

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        return [f for f in fields if f != "hall"] if self._one_hall() else fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if not self._one_hall():
            return fieldsets
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f != "hall"]})
            for name, options in fieldsets
        ]


@admin.register(Hall)
class HallAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "display_order"]
    list_editable = ["display_order"]
    search_fields = ["name", "short_name"]


@admin.register(Department)
class DepartmentAdmin(HallFieldAdmin, admin.ModelAdmin):
    list_display = ["name", "short_name", "hall", "display_order", "is_active"]
    list_editable = ["display_order", "is_active"]
    list_filter = ["hall", "is_active"]
    list_select_related = ["hall"]
    search_fields = ["name", "short_name"]

    def get_readonly_fields(self, request, obj=None):
        # Its lines are in its hall's tables (frozen ones among them): it stays there.
        if obj is not None and obj.window_scores.exists():
            return ["hall"]
        return []


@admin.register(User)
class UserAdmin(HallFieldAdmin, BaseUserAdmin):
    list_display = ["username", "first_name", "role", "department", "is_active", "is_superuser"]
    list_filter = ["role", "hall", "department", "is_active", "is_superuser"]
    search_fields = ["username", "first_name", "last_name", "email", "department__name"]
    list_select_related = ["department"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        (_("Bulletin work"), {"fields": ["role", "hall", "department", "email_notices"]}),
    ]
    add_fieldsets = [
        *BaseUserAdmin.add_fieldsets,
        (_("Bulletin work"), {"fields": ["role", "hall", "department"]}),
    ]


@admin.register(LoginFailure)
class LoginFailureAdmin(admin.ModelAdmin):
    """The wrong passwords the login throttle counts, for a look at who is guessing.

    Written only by the throttle; deleting a user name's rows ends its wait at once.
    """

    list_display = ["username", "address", "time"]
    search_fields = ["username", "address"]
    date_hierarchy = "time"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
