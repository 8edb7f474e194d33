import datetime

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from bulletin.models import (
    Issue,
    LeaderVisit,
    Section,
    Series,
    Statistic,
    Submission,
)
from departments.models import Department
from lib.forms import DateInput, DateTimeInput, Textarea
from lib.limits import MAX_BODY, MAX_LINE, MAX_SECTION_TEXT, RECORDS_LIMIT
from lib.text import normalize_chinese, normalize_paragraphs
from scoring.models import InspectionRound, ScoreMonth

CANNED_REASONS = [
    "",
    _("Please add the figures (numbers of items handled, dates)."),
    _("Please shorten the text to the essentials."),
    _("Please state the department and the date of the activity."),
    _("This is not news for this period."),
]


class IssueFilterForm(forms.Form):
    """The issue list's GET form: words or an issue number, a year, a department."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1900, max_value=2100)
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.all(),
        required=False,
        empty_label=_("All departments"),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )


class SubmissionForm(forms.ModelForm):
    """A work item: a run-in headline sentence and body paragraphs.

    Text pasted from Word or WPS is tidied (spaces between Chinese characters removed,
    half-width punctuation in Chinese made full-width, control characters dropped); the
    words stay as they are.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Submission
        fields = ["headline", "body"]
        widgets = {"body": Textarea(attrs={"rows": 12})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.fields["headline"].widget.attrs["placeholder"] = _(
            "e.g. 交通运输厅开展节前安全生产督导检查。"
        )

    def clean_headline(self) -> str:
        return normalize_chinese(self.cleaned_data["headline"])

    def clean_body(self) -> str:
        body = normalize_paragraphs(self.cleaned_data["body"])
        if len(body) > MAX_BODY:
            raise forms.ValidationError(
                _("The body has %(count)d characters; at most %(max)d are allowed."),
                params={"count": len(body), "max": MAX_BODY},
            )
        return body

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("headline") or cleaned.get("body")) and not self.errors:
            raise forms.ValidationError(_("Write a headline or some text."))
        return cleaned


class ReturnForm(forms.Form):
    canned = forms.TypedChoiceField(
        label=_("Common reasons"),
        choices=[(i, reason or "—") for i, reason in enumerate(CANNED_REASONS)],
        coerce=int,
        required=False,
        empty_value=0,
    )
    reason = forms.CharField(
        label=_("Reason for return"),
        widget=Textarea(attrs={"rows": 2}),
        required=False,
        max_length=MAX_LINE,
    )

    def clean(self):
        cleaned = super().clean()
        canned = str(CANNED_REASONS[cleaned.get("canned") or 0])
        reason = normalize_paragraphs("\n".join(filter(None, [canned, cleaned.get("reason", "")])))
        if not reason:
            raise forms.ValidationError(_("Say why the item is returned."))
        cleaned["full_reason"] = reason
        return cleaned


class BulkForm(ReturnForm):
    """Accept or return the items ticked in the review queue; a return says why."""

    bulk = forms.ChoiceField(
        choices=[("accept", _("Accept selected")), ("return", _("Return selected"))],
        error_messages={
            "required": _("Choose to accept or to return the selected items."),
            "invalid_choice": _("Choose to accept or to return the selected items."),
        },
    )

    def clean(self):
        if self.cleaned_data.get("bulk") != "return":
            self.cleaned_data["full_reason"] = ""
            return self.cleaned_data
        try:
            return super().clean()
        except forms.ValidationError:
            raise forms.ValidationError(_("Say why the items are returned.")) from None


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"),
        widget=Textarea(attrs={"rows": 2}),
        required=False,
        max_length=MAX_LINE,
    )


class IssueReturnForm(CommentForm):
    """The approver's return: the comment says what the editor should change."""

    comment = forms.CharField(
        label=_("Comment"),
        widget=Textarea(attrs={"rows": 2}),
        max_length=MAX_LINE,
        error_messages={"required": _("Say what the editor should change.")},
    )


class CallForm(forms.Form):
    deadline = forms.DateTimeField(
        label=_("Deadline"),
        widget=DateTimeInput(),
        error_messages={
            "required": _("Give a valid deadline."),
            "invalid": _("Give a valid deadline."),
        },
    )


class IssueCreateForm(forms.Form):
    series = forms.ModelChoiceField(label=_("Series"), queryset=Series.objects.all())
    period_start = forms.DateField(label=_("Period start"), widget=DateInput())
    period_end = forms.DateField(label=_("Period end"), widget=DateInput())
    column_title = forms.CharField(label=_("Column title"), max_length=100, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_column_title(self) -> str:
        # Printed under the masthead, as IssueForm's is.
        return normalize_chinese(self.cleaned_data["column_title"])

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period cannot end before it starts."))
        if start and end and (end - start) > datetime.timedelta(days=62):
            self.add_error(
                "period_end", _("A period longer than two months is not a bulletin period.")
            )
        return cleaned


class SectionForm(forms.ModelForm):
    # The version the editor started from: a save over someone else's is refused.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Section
        fields = ["title", "level", "kind", "prose_style"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].required = True
            self.fields["version"].error_messages["required"] = _(
                "The page is out of date: reload it and edit again."
            )
            if not self.is_bound:
                self.initial["version"] = self.instance.version

    def clean_title(self) -> str:
        return normalize_chinese(self.cleaned_data["title"])

    def clean_level(self) -> int:
        level = self.cleaned_data["level"]
        if not 1 <= level <= 4:
            raise forms.ValidationError(_("The heading level is 1 to 4."))
        return level


class SectionTextForm(forms.Form):
    body = forms.CharField(
        label=_("Text"),
        widget=Textarea(attrs={"rows": 8}),
        required=False,
        max_length=MAX_SECTION_TEXT,
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean_body(self) -> str:
        body = normalize_paragraphs(self.cleaned_data["body"])
        if len(body) > MAX_SECTION_TEXT:
            raise forms.ValidationError(_("The text is too long."))
        return body


class BaseStatisticFormSet(forms.BaseModelFormSet):
    def clean(self):
        super().clean()
        labels = [
            form.cleaned_data.get("label")
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        labels = [label for label in labels if label]
        if len(labels) != len(set(labels)):
            raise forms.ValidationError(_("Each measure may appear only once."))


StatisticFormSet = forms.modelformset_factory(
    Statistic,
    fields=["label", "unit", "value"],
    formset=BaseStatisticFormSet,
    extra=3,
    can_delete=True,
    **RECORDS_LIMIT,
)


class RoundLinkForm(forms.Form):
    """Which hall inspection round an issue's 大厅巡查 section reports."""

    round = forms.ModelChoiceField(
        label=_("Inspection round"),
        queryset=InspectionRound.objects.all(),
        required=False,
        empty_label=_("A new round for this issue's period"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class AttachScoresForm(forms.Form):
    """A frozen month's window scores, printed as the issue's 附件."""

    month = forms.ModelChoiceField(
        label=_("Assessment month"),
        queryset=ScoreMonth.objects.filter(status=ScoreMonth.Status.FROZEN),
        error_messages={
            "required": _("Choose a frozen month."),
            "invalid_choice": _("Choose a frozen month."),
        },
    )


class IssueForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Issue
        fields = [
            "period_start",
            "period_end",
            "column_title",
            "recipient_group",
            "report_to",
            "send_to",
            "distribute_to",
            "print_count",
        ]
        widgets = {
            "period_start": DateInput(),
            "period_end": DateInput(),
            "report_to": Textarea(attrs={"rows": 2}),
            "send_to": Textarea(attrs={"rows": 2}),
            "distribute_to": Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        if not self.is_bound:
            self.initial["version"] = self.instance.version

    def clean(self):
        cleaned = super().clean()
        for name in ("report_to", "send_to", "distribute_to", "column_title"):
            if name in cleaned:
                cleaned[name] = normalize_chinese(cleaned[name] or "")
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period cannot end before it starts."))
        count = cleaned.get("print_count")
        if count is not None and count > 100000:
            self.add_error("print_count", _("That is more copies than any print run."))
        return cleaned

    def _post_clean(self):
        # The service saves with a version check; the model instance stays as loaded.
        pass


class LeaderVisitForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = LeaderVisit
        fields = ["date", "leader_name", "leader_title", "activity"]
        widgets = {
            "date": DateInput(),
            "activity": Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.fields["leader_title"].widget.attrs["placeholder"] = "党组成员、副厅长"
        self.fields["activity"].widget.attrs["placeholder"] = "到省政务服务大厅窗口调研值守，……"
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version

    def clean_leader_name(self) -> str:
        return normalize_chinese(self.cleaned_data["leader_name"])

    def clean_leader_title(self) -> str:
        return normalize_chinese(self.cleaned_data["leader_title"])

    def clean_activity(self) -> str:
        activity = normalize_paragraphs(self.cleaned_data["activity"])
        if len(activity) > MAX_BODY:
            raise forms.ValidationError(
                _("The text has %(count)d characters; at most %(max)d are allowed."),
                params={"count": len(activity), "max": MAX_BODY},
            )
        return activity

    def _post_clean(self):
        # The service saves with a version check; the model instance stays as loaded.
        pass

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > datetime.date.today() + datetime.timedelta(days=1):
            raise forms.ValidationError(_("A visit cannot be in the future."))
        return date
