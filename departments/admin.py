from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from departments.forms import AdminLoginForm
from departments.models import Department, LoginFailure, User

# The admin's login goes through the same throttle as the site's.
admin.site.login_form = AdminLoginForm


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "display_order", "is_active"]
    list_editable = ["display_order", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "short_name"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "role", "department", "is_active", "is_superuser"]
    list_filter = ["role", "department", "is_active", "is_superuser"]
    search_fields = ["username", "first_name", "last_name", "email", "department__name"]
    list_select_related = ["department"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        (_("Bulletin work"), {"fields": ["role", "department", "email_notices"]}),
    ]
    add_fieldsets = [
        *BaseUserAdmin.add_fieldsets,
        (_("Bulletin work"), {"fields": ["role", "department"]}),
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
