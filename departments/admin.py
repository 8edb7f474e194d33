from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from departments.models import Department, User


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
        (_("Bulletin work"), {"fields": ["role", "department"]}),
    ]
    add_fieldsets = [
        *BaseUserAdmin.add_fieldsets,
        (_("Bulletin work"), {"fields": ["role", "department"]}),
    ]
