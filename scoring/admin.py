from django.contrib import admin

from scoring.models import WindowScore


@admin.register(WindowScore)
class WindowScoreAdmin(admin.ModelAdmin):
    list_display = ["month", "department", "base", "deduction", "bonus", "total"]
    list_filter = ["month", "department"]
    search_fields = ["department__name"]
    list_select_related = ["department"]
    date_hierarchy = "month"
