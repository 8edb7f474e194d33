import datetime
from decimal import Decimal

from crispy_forms.helper import FormHelper
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from departments.models import Department
from lib.forms import DateInput, DateTimeInput, MonthInput, Textarea
from lib.limits import RECORDS_LIMIT
from lib.points import is_half_point
from lib.text import normalize_chinese, normalize_paragraphs
from scoring.models import BASE_SCORE, InspectionItem, ScoreEntry, ScoreMonth


class MonthForm(forms.Form):
    month = forms.DateField(
        label=_("Month"),
        widget=MonthInput(),
        input_formats=["%Y-%m", "%Y-%m-%d"],
    )


class _EntryFields(forms.Form):
    """What a ledger entry says: when, how many points, why, under which rule."""

    date = forms.DateField(label=_("Date"), widget=DateInput())
    points = forms.DecimalField(
        label=_("Points"),
        max_digits=5,
        decimal_places=1,
        help_text=_("-2 for a deduction, 1.5 for a bonus"),
    )
    reason = forms.CharField(label=_("Reason"), max_length=1000)
    clause = forms.CharField(label=_("Rule clause"), max_length=100, required=False)
    evidence = forms.CharField(
        label=_("Evidence"),
        widget=Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_points(self) -> Decimal:
        points = self.cleaned_data["points"]
        if points == 0 or not is_half_point(points):
            raise forms.ValidationError(_("Points are steps of 0.5 other than zero."))
        return points

    def clean_reason(self) -> str:
        reason = normalize_chinese(self.cleaned_data["reason"])
        if not reason:
            raise forms.ValidationError(_("Say why the points are added or taken."))
        return reason

    def clean_evidence(self) -> str:
        return normalize_paragraphs(self.cleaned_data["evidence"])

    @staticmethod
    def _outside(date: datetime.date, month: ScoreMonth | None) -> bool:
        return month is not None and (date.year, date.month) != (
            month.month.year,
            month.month.month,
        )


class EntryForm(_EntryFields):
    """An entry of `month`, recorded or changed while the month allows it."""

    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.active())
    field_order = ["department", "date", "points", "reason", "clause", "evidence"]

    def __init__(self, *args, month=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.month = month
        if month is not None:  # the month's hall's departments only
            self.fields["department"].queryset = month.departments().active()

    def clean_date(self) -> datetime.date:
        date = self.cleaned_data["date"]
        if self._outside(date, self.month):
            raise forms.ValidationError(_("The date lies outside the month."))
        return date


class CorrectionForm(_EntryFields):
    """An entry of a later month that corrects `original`, an entry of a frozen month:
    the same department, the points that put it right, in a month still taking entries."""

    month = forms.ModelChoiceField(
        label=_("Record in"),
        queryset=ScoreMonth.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": _("Choose a later month that takes entries.")},
    )
    field_order = ["month", "date", "points", "reason", "clause", "evidence"]

    def __init__(self, *args, original: ScoreEntry | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.original = original
        if original is not None:
            self.fields["month"].queryset = ScoreMonth.objects.filter(
                hall_id=original.month.hall_id,
                month__gt=original.month.month,
                status__in=[ScoreMonth.Status.OPEN, ScoreMonth.Status.PUBLISHED],
            ).order_by("month")

    def clean(self):
        cleaned = super().clean()
        month, date = cleaned.get("month"), cleaned.get("date")
        if month is not None and date is not None and self._outside(date, month):
            self.add_error("date", _("The date lies outside the month."))
        return cleaned


class CapsForm(forms.Form):
    """The month's caps; empty is no cap."""

    total_cap = forms.DecimalField(
        label=_("Highest total"),
        required=False,
        max_digits=5,
        decimal_places=1,
        min_value=BASE_SCORE,
        help_text=_("e.g. 110: bonuses beyond it do not count."),
    )
    bonus_cap = forms.DecimalField(
        label=_("Highest bonus"), required=False, max_digits=5, decimal_places=1, min_value=0
    )

    def clean(self):
        cleaned = super().clean()
        for name in ("total_cap", "bonus_cap"):
            value = cleaned.get(name)
            if value is not None and not is_half_point(value):
                self.add_error(name, _("Points go in steps of 0.5."))
        return cleaned


class PublishForm(forms.Form):
    deadline = forms.DateTimeField(
        label=_("Objections until"),
        widget=DateTimeInput(),
        error_messages={"required": _("Give the deadline for objections.")},
    )

    def clean_deadline(self) -> datetime.datetime:
        deadline = self.cleaned_data["deadline"]
        if deadline <= timezone.now():
            raise forms.ValidationError(_("The objection deadline must be in the future."))
        return deadline


class ObjectionForm(forms.Form):
    text = forms.CharField(
        label=_("Objection"), widget=Textarea(attrs={"rows": 3}), max_length=2000
    )

    def clean_text(self) -> str:
        text = normalize_paragraphs(self.cleaned_data["text"])
        if not text:
            raise forms.ValidationError(_("Write what is wrong."))
        return text


class AnswerForm(forms.Form):
    # No decision is preselected: the scorer says which, every time.
    upheld = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("", _("— choose —")), ("1", _("upheld")), ("0", _("rejected"))],
        coerce=lambda v: v == "1",
        error_messages={
            "required": _("Choose a decision and write the answer."),
            "invalid_choice": _("Choose a decision and write the answer."),
        },
    )
    answer = forms.CharField(label=_("Answer"), widget=Textarea(attrs={"rows": 2}), max_length=2000)


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"))


class RoundForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    inspector = forms.CharField(label=_("Inspector"), max_length=100)
    topics = forms.CharField(
        label=_("Topics checked"),
        widget=Textarea(attrs={"rows": 6}),
        max_length=2000,
        help_text=_("One per line; each starts as 总体情况良好."),
    )

    def clean_topics(self) -> list[str]:
        topics = [
            normalize_chinese(line).rstrip("。")
            for line in self.cleaned_data["topics"].splitlines()
        ]
        topics = [topic for topic in topics if topic]
        if not topics:
            raise forms.ValidationError(_("Name at least one topic."))
        if len(topics) > RECORDS_LIMIT["max_num"] or any(len(t) > 100 for t in topics):
            raise forms.ValidationError(_("At most 100 topics of 100 characters each."))
        return topics

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class FindingForm(forms.ModelForm):
    class Meta:
        model = InspectionItem
        fields = ["topic", "finding", "department", "proposed_points"]
        widgets = {"finding": Textarea(attrs={"rows": 2})}

    def __init__(self, *args, hall=None, **kwargs):
        super().__init__(*args, **kwargs)
        if hall is not None:  # the inspected hall's departments only
            self.fields["department"].queryset = Department.objects.in_hall(hall)
        if self.instance.pk and not self.instance.can("edit", None):
            # A decided finding is on record: shown, not changed (what is posted for it
            # is ignored).
            for field in self.fields.values():
                field.disabled = True

    def clean_finding(self) -> str:
        return normalize_paragraphs(self.cleaned_data["finding"]) or "总体情况良好。"

    def clean(self):
        cleaned = super().clean()
        points = cleaned.get("proposed_points")
        if points is not None:
            if points >= 0 or not is_half_point(points):
                self.add_error("proposed_points", _("A deduction is negative, in steps of 0.5."))
            elif not cleaned.get("department"):
                self.add_error("department", _("Name the department the deduction is for."))
        return cleaned


FindingFormSet = forms.modelformset_factory(
    InspectionItem, form=FindingForm, extra=1, can_delete=True, **RECORDS_LIMIT
)
