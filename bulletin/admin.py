from django.contrib import admin

from bulletin.models import (
    Issue,
    IssueTransition,
    LeaderVisit,
    Notice,
    RecipientGroup,
    Section,
    SectionVersion,
    Series,
    Statistic,
    StatisticOpening,
    Submission,
    SubmissionTransition,
    SubmissionVersion,
)


@admin.register(Series)
class SeriesAdmin(admin.ModelAdmin):
    list_display = ["title", "issuing_body", "default_print_count", "opening_total_number"]
    search_fields = ["title", "issuing_body"]


class SectionInline(admin.TabularInline):
    model = Section
    fields = ["position", "level", "title", "kind", "item_style"]
    extra = 0
    show_change_link = True


@admin.register(Issue)
class IssueAdmin(admin.ModelAdmin):
    list_display = ["__str__", "period_start", "period_end", "issue_date", "status"]
    list_filter = ["series", "status", "year"]
    search_fields = ["series__title", "column_title", "year", "number", "total_number"]
    list_select_related = ["series"]
    date_hierarchy = "period_start"
    inlines = [SectionInline]


class SubmissionInline(admin.StackedInline):
    model = Submission
    fields = ["position", "department", "status", "headline", "body", "return_reason"]
    extra = 0


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["title", "issue", "position", "level", "kind"]
    list_filter = ["kind", "level", "issue__series", "issue__year"]
    search_fields = ["title", "body"]
    list_select_related = ["issue__series"]
    inlines = [SubmissionInline]


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "department", "section", "status", "updated_at"]
    list_filter = ["status", "department", "section__issue__year"]
    search_fields = ["headline", "body", "department__name"]
    list_select_related = ["department", "section"]
    raw_id_fields = ["section", "author"]


@admin.register(LeaderVisit)
class LeaderVisitAdmin(admin.ModelAdmin):
    list_display = ["date", "department", "leader_name", "leader_title", "issue"]
    list_filter = ["department", "date"]
    search_fields = ["leader_name", "leader_title", "activity", "department__name"]
    list_select_related = ["department", "issue__series"]
    date_hierarchy = "date"


@admin.register(SubmissionVersion)
class SubmissionVersionAdmin(admin.ModelAdmin):
    list_display = ["submission", "number", "saved_by", "saved_at"]
    list_filter = ["saved_at"]
    search_fields = ["headline", "body"]
    list_select_related = ["submission", "saved_by"]
    raw_id_fields = ["submission"]


@admin.register(SubmissionTransition)
class SubmissionTransitionAdmin(admin.ModelAdmin):
    list_display = ["submission", "from_status", "to_status", "actor", "at"]
    list_filter = ["to_status", "at"]
    search_fields = ["comment", "actor__username"]
    list_select_related = ["submission", "actor"]
    raw_id_fields = ["submission"]


@admin.register(IssueTransition)
class IssueTransitionAdmin(admin.ModelAdmin):
    list_display = ["issue", "from_status", "to_status", "actor", "at"]
    list_filter = ["to_status", "at"]
    search_fields = ["comment", "actor__username"]
    list_select_related = ["issue__series", "actor"]


@admin.register(RecipientGroup)
class RecipientGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "print_count"]
    search_fields = ["name", "report_to", "send_to", "distribute_to"]
    filter_horizontal = ["departments"]


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "issue", "created_at", "read_at", "opened_at"]
    list_filter = ["kind", "created_at"]
    search_fields = ["message", "user__username"]
    list_select_related = ["user", "issue__series"]


@admin.register(Statistic)
class StatisticAdmin(admin.ModelAdmin):
    list_display = ["issue", "label", "value", "unit"]
    list_filter = ["label", "issue__year"]
    search_fields = ["label"]
    list_select_related = ["issue__series"]


@admin.register(StatisticOpening)
class StatisticOpeningAdmin(admin.ModelAdmin):
    list_display = ["series", "year", "label", "value"]
    list_filter = ["series", "year"]
    search_fields = ["label"]


@admin.register(SectionVersion)
class SectionVersionAdmin(admin.ModelAdmin):
    list_display = ["section", "number", "saved_by", "saved_at"]
    search_fields = ["body"]
    list_select_related = ["section", "saved_by"]
    raw_id_fields = ["section"]
