"""The admin of the editorial domain: it asks Issue.can("edit", user), as the views do,
so an issue in review, approved or issued is shown and never changed here."""

from django.contrib import admin
from django.db.models import F

from bulletin.models import (
    InspectionPoint,
    Issue,
    IssueTransition,
    LeaderVisit,
    Notice,
    PdfRender,
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
from departments.admin import HallFieldAdmin
from lib.admin import (
    GuardedAdmin,
    GuardedInline,
    RecordAdmin,
    TransitionAdmin,
    TransitionStatusFilter,
)


def _lock_issue(issue_id) -> None:
    if issue_id:
        Issue.objects.select_for_update().filter(pk=issue_id).exists()


class IssueContentAdmin(GuardedAdmin):
    """Rows that belong to an issue (`issue_of(obj)`): writable while it is edited."""

    def issue_of(self, obj) -> Issue | None:
        return obj.issue

    def writable(self, request, obj) -> bool:
        issue = self.issue_of(obj)
        return issue is None or issue.can("edit", request.user)

    def lock(self, obj) -> None:
        issue = self.issue_of(obj)
        _lock_issue(issue.pk if issue else None)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # New rows go only into issues still being edited.
        if db_field.related_model is Issue:
            kwargs["queryset"] = Issue.objects.editable().select_related("series")
        elif db_field.related_model is Section:
            kwargs["queryset"] = Section.objects.filter(issue__in=Issue.objects.editable())
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class InspectionPointInline(GuardedInline, admin.TabularInline):
    model = InspectionPoint
    fields = ["position", "topic"]
    extra = 0


@admin.register(Series)
class SeriesAdmin(HallFieldAdmin, GuardedAdmin):
    list_display = [
        "title", "hall", "issuing_body", "default_print_count", "opening_total_number"
    ]  # fmt: skip
    list_filter = ["hall"]
    search_fields = ["title", "issuing_body"]
    inlines = [InspectionPointInline]

    def get_readonly_fields(self, request, obj=None):
        # An issued bulletin's web page prints the series' title and issuing body (and
        # its total number or not), and the score tables of the series' hall.
        if obj is not None and obj.issues.issued().exists():
            return ["title", "issuing_body", "total_numbering", "hall"]
        return []

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not (obj and obj.issues.exists())


class SectionInline(GuardedInline, admin.TabularInline):
    model = Section
    fields = ["position", "level", "title", "kind", "item_style"]
    extra = 0
    show_change_link = True

    def parent_writable(self, request, parent) -> bool:
        return parent.can("edit", request.user)


@admin.register(Issue)
class IssueAdmin(IssueContentAdmin):
    list_display = ["__str__", "period_start", "period_end", "issue_date", "status"]
    list_filter = ["series", "status", "year"]
    search_fields = ["series__title", "column_title", "year", "number", "total_number"]
    list_select_related = ["series"]
    date_hierarchy = "period_start"
    inlines = [SectionInline]
    workflow_fields = (
        "status",
        "issue_date",
        "approved_by",
        "approved_at",
        "pdf",
        "pdf_sha256",
        "docx",
        "docx_sha256",
        "version",
        "series",
        "year",
        "number",
        "total_number",
    )

    def issue_of(self, obj) -> Issue:
        return obj

    def has_add_permission(self, request):
        return False  # 新建一期 numbers an issue and gives it its outline

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # Other editors' open forms of this issue are out of date now.
        Issue.objects.filter(pk=obj.pk).update(version=F("version") + 1)


class SubmissionInline(GuardedInline, admin.StackedInline):
    model = Submission
    fields = ["position", "department", "status", "headline", "body", "return_reason"]
    readonly_fields = ["status", "return_reason"]
    extra = 0

    def parent_writable(self, request, parent) -> bool:
        return parent.issue.can("edit", request.user)

    def has_add_permission(self, request, obj=None):
        return False  # items come from departments, through the workflow


@admin.register(Section)
class SectionAdmin(IssueContentAdmin):
    list_display = ["title", "issue", "position", "level", "kind"]
    list_filter = ["kind", "level", "issue__series", "issue__year"]
    search_fields = ["title", "body"]
    list_select_related = ["issue__series"]
    inlines = [SubmissionInline]
    # A 通报 is attached from the 组稿 page, once published (bulletin.adoption).
    workflow_fields = ("version", "generated_body", "generated_from", "adoption_report")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        Section.objects.filter(pk=obj.pk).update(version=F("version") + 1)


@admin.register(Submission)
class SubmissionAdmin(IssueContentAdmin):
    list_display = ["__str__", "department", "section", "status", "updated_at"]
    list_filter = ["status", "department", "section__issue__year"]
    search_fields = ["headline", "body", "department__name"]
    list_select_related = ["department", "section"]
    raw_id_fields = ["section", "author"]
    workflow_fields = (
        "status",
        "return_reason",
        "sent_headline",
        "sent_body",
        "submitted_at",
        "version",
    )

    def issue_of(self, obj) -> Issue | None:
        return obj.section.issue if obj.section_id else None

    def has_add_permission(self, request):
        return False  # items come from departments, through the workflow

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        Submission.objects.filter(pk=obj.pk).update(version=F("version") + 1)


@admin.register(LeaderVisit)
class LeaderVisitAdmin(IssueContentAdmin):
    list_display = ["date", "department", "leader_name", "leader_title", "issue"]
    list_filter = ["department", "date"]
    search_fields = ["leader_name", "leader_title", "activity", "department__name"]
    list_select_related = ["department", "issue__series"]
    date_hierarchy = "date"


@admin.register(Statistic)
class StatisticAdmin(IssueContentAdmin):
    list_display = ["issue", "label", "value", "unit"]
    list_filter = ["label", "issue__year"]
    search_fields = ["label"]
    list_select_related = ["issue__series"]


@admin.register(SubmissionVersion)
class SubmissionVersionAdmin(RecordAdmin):
    list_display = ["submission", "number", "saved_by", "saved_at"]
    list_filter = ["saved_at"]
    search_fields = ["headline", "body"]
    list_select_related = ["submission", "saved_by"]


@admin.register(SubmissionTransition)
class SubmissionTransitionAdmin(TransitionAdmin):
    list_display = ["submission", "from_state", "to_state", "actor", "at"]
    list_filter = [TransitionStatusFilter, "at"]
    search_fields = ["comment", "actor__username"]
    list_select_related = ["submission", "actor"]


@admin.register(IssueTransition)
class IssueTransitionAdmin(TransitionAdmin):
    list_display = ["issue", "from_state", "to_state", "actor", "at"]
    list_filter = [TransitionStatusFilter, "at"]
    search_fields = ["comment", "actor__username"]
    list_select_related = ["issue__series", "actor"]


@admin.register(PdfRender)
class PdfRenderAdmin(RecordAdmin):
    list_display = ["issue", "status", "reason", "attempts", "updated_at"]
    list_filter = ["status", "reason"]
    search_fields = ["issue__series__title", "key"]
    list_select_related = ["issue__series"]


@admin.register(SectionVersion)
class SectionVersionAdmin(RecordAdmin):
    list_display = ["section", "number", "saved_by", "saved_at"]
    search_fields = ["body"]
    list_select_related = ["section", "saved_by"]


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


@admin.register(InspectionPoint)
class InspectionPointAdmin(GuardedAdmin):
    """A series' hall inspection checklist: the points a round started for an issue checks."""

    list_display = ["topic", "series", "position"]
    list_filter = ["series"]
    search_fields = ["topic"]
    list_select_related = ["series"]


@admin.register(StatisticOpening)
class StatisticOpeningAdmin(admin.ModelAdmin):
    list_display = ["series", "year", "label", "value"]
    list_filter = ["series", "year"]
    search_fields = ["label"]


# The information-reporting assessment's models register themselves there.
from bulletin.adoption import admin as adoption_admin  # noqa: E402, F401
