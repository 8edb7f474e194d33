import datetime
from decimal import Decimal

from django import forms
from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _

from bulletin.adoption.models import AdoptionMonth, AdoptionRules, Instruction
from bulletin.models import Series
from departments.models import Department
from lib.forms import DateInput, MonthInput, Textarea
from lib.limits import MAX_LINE

SELECT = {"class": "form-select"}


class MonthForm(forms.Form):
    month = forms.DateField(
        label=_("Month"),
        widget=MonthInput(attrs={"class": "form-control"}),
        input_formats=["%Y-%m", "%Y-%m-%d"],
        error_messages={"invalid": _("Enter a month such as 2023-10.")},
    )

    def clean_month(self) -> datetime.date:
        return self.cleaned_data["month"].replace(day=1)


class RulesForm(forms.Form):
    """A version of the hall's rules; services.rules_save checks it against the other
    versions and the published months (a version of the same month is replaced)."""

    FIELDS = (
        "item_points",
        "lead_points",
        "special_points",
        "special_series",
        "department_bonus",
        "provincial_bonus",
        "missed_penalty",
        "window_deduction",
        "note",
    )

    effective_from = forms.DateField(
        label=_("In force from"),
        widget=MonthInput(attrs={"class": "form-control"}),
        input_formats=["%Y-%m", "%Y-%m-%d"],
        help_text=_("The first month counted with these rules."),
        error_messages={"invalid": _("Enter a month such as 2023-10.")},
    )

    def __init__(self, *args, hall: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.FIELDS:
            self.fields[name] = AdoptionRules._meta.get_field(name).formfield()
            if isinstance(self.fields[name], forms.DecimalField):
                # the database's constraints, said in the form
                self.fields[name].min_value = Decimal("0.5" if name == "window_deduction" else 0)
                self.fields[name].validators.append(MinValueValidator(self.fields[name].min_value))
        self.fields["special_series"].queryset = Series.objects.filter(hall_id=hall)
        self.fields["special_series"].widget = forms.CheckboxSelectMultiple()
        for name, field in self.fields.items():
            if name != "special_series":
                field.widget.attrs.setdefault("class", "form-control")

    def clean_effective_from(self) -> datetime.date:
        return self.cleaned_data["effective_from"].replace(day=1)


class InstructionForm(forms.Form):
    level = forms.ChoiceField(
        label=_("Level"), choices=Instruction.Level.choices, widget=forms.Select(attrs=SELECT)
    )
    leader = forms.CharField(
        label=_("Leader"),
        max_length=100,
        help_text=_("Name and post, e.g. 张三副省长."),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    date = forms.DateField(
        label=_("Date"),
        widget=DateInput(attrs={"class": "form-control"}),
        error_messages={"invalid": _("Enter a date such as 2023-10-20.")},
    )
    text = forms.CharField(
        label=_("Instruction"),
        max_length=MAX_LINE,
        widget=Textarea(attrs={"rows": 3, "class": "form-control"}),
    )


class JointForm(forms.Form):
    departments = forms.ModelMultipleChoiceField(
        label=_("Joint departments"),
        queryset=Department.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The item's points are split evenly between its department and these."),
        error_messages={"invalid_choice": _("Choose departments of the hall.")},
    )

    def __init__(self, *args, item=None, **kwargs):
        super().__init__(*args, **kwargs)
        if item is not None:
            hall = item.section.issue.series.hall_id
            self.fields["departments"].queryset = (
                Department.objects.in_hall(hall).active().exclude(pk=item.department_id)
            )


class AttachReportForm(forms.Form):
    """A published month's 通报, printed as the issue's 附件."""

    month = forms.ModelChoiceField(
        label=_("Reporting month"),
        queryset=AdoptionMonth.objects.none(),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
        error_messages={
            "required": _("Choose a published month."),
            "invalid_choice": _("Choose a published month."),
        },
    )

    def __init__(self, *args, hall: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["month"].queryset = AdoptionMonth.objects.published().in_hall(hall)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("confirm", _("Confirm")), ("dismiss", _("Dismiss"))],
        error_messages={"required": _("Confirm or dismiss the deduction.")},
    )


class PeriodForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(
        label=_("Quarter"),
        coerce=int,
        empty_value=None,
        required=False,
        choices=[("", _("whole year")), (1, "一"), (2, "二"), (3, "三"), (4, "四")],
    )
