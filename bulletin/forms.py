import datetime

from crispy_forms.helper import FormHelper
from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

from bulletin.importing import (
    SUFFIXES,
    BulletinFormatError,
    Override,
    Source,
    check_size,
    read_source,
)
from bulletin.models import (
    MAX_FIGURE,
    MAX_OPENING,
    Issue,
    LeaderVisit,
    Section,
    Series,
    Statistic,
    Submission,
)
from bulletin.services.sections import OpeningChange
from bulletin.services.visits import VisitChange
from departments.models import Department
from lib.docx_reader import WordFileError, read_docx
from lib.forms import DateInput, DateTimeInput, Textarea
from lib.limits import MAX_BODY, MAX_LINE, MAX_SECTION_TEXT, RECORDS_LIMIT
from lib.text import normalize_chinese, normalize_paragraphs, parse_number
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

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:  # the departments of the user's hall
            self.fields["department"].queryset = Department.objects.visible_to(user)


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


class WordFileForm(forms.Form):
    """A department's item in a Word file: its paragraphs become the body, a bold or
    first sentence ending in 。 the headline; tables and pictures are left out, and said
    so. The file fills the item form for checking; nothing is saved from it directly."""

    word_file = forms.FileField(
        label=_("Word file (.docx)"),
        error_messages={"required": _("Choose a .docx file first.")},
    )

    def clean_word_file(self):
        upload = self.cleaned_data["word_file"]
        try:
            self.document = read_docx(upload.read())
        except WordFileError as exc:
            raise forms.ValidationError(str(exc)) from None
        # Control characters alone tidy away to nothing: no text either.
        if not any(normalize_chinese(p.text) for p in self.document.paragraphs):
            raise forms.ValidationError(_("The file holds no text."))
        return upload

    def item(self) -> tuple[str, list[str]]:
        """The headline and the body paragraphs the file holds, tidied like typed text."""
        # Each paragraph with its bold start, tidied together so the first ones still pair.
        read = [
            (normalize_chinese(p.text.replace("\n", "")), normalize_chinese(p.bold_start))
            for p in self.document.paragraphs
        ]
        read = [(text, bold) for text, bold in read if text]
        paragraphs = [text for text, _bold in read]
        first, bold = read[0]
        if bold.endswith("。") and first.startswith(bold):
            headline, rest = bold, first[len(bold) :]
        elif "。" in first:
            cut = first.index("。") + 1
            headline, rest = first[:cut], first[cut:]
        elif len(first) <= MAX_LINE and not first.endswith(("。", "！", "？", "；")):
            headline, rest = first, ""  # a title line of its own
        else:
            headline, rest = "", first
        return headline, [p for p in [rest.strip(), *paragraphs[1:]] if p]

    def fill(self, typed: dict) -> tuple[dict, str]:
        """The form's values with the file read in: the headline where none was typed,
        the paragraphs after any typed text. Returns them and what was left out."""
        headline, body = self.item()
        filled = dict(typed)
        if not filled.get("headline", "").strip():
            filled["headline"] = headline
        elif headline:
            body = [headline, *body]
        typed_body = filled.get("body", "").strip()
        filled["body"] = "\n".join([typed_body, *body] if typed_body else body)
        return filled, self.document.left_out(tables=True)


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

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        if user is not None:  # the series of the user's hall
            self.fields["series"].queryset = Series.objects.filter(user.hall_q("hall"))

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
        fields = ["title", "level", "kind", "prose_style", "item_style"]
        widgets = {
            "level": forms.Select(
                choices=[(1, "1 · 一、"), (2, "2 · （一）"), (3, "3 · 1."), (4, "4 · （1）")]
            )
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # An attachment comes from attaching a frozen score month, not from this list.
        self.fields["kind"].choices = [
            choice for choice in Section.Kind.choices if choice[0] != Section.Kind.ATTACHMENT
        ]
        # Shown only for the kinds they change: a form without them keeps what was set.
        for name in ("prose_style", "item_style"):
            self.fields[name].required = False
        for field in self.fields.values():
            if isinstance(field.widget, forms.Select):
                field.widget.attrs.setdefault("class", "form-select form-select-sm")
            elif not field.widget.is_hidden:
                field.widget.attrs.setdefault("class", "form-control form-control-sm")
        if self.instance.pk:
            self.fields["version"].required = True
            self.fields["version"].error_messages["required"] = _(
                "The page is out of date: reload it and edit again."
            )
            if not self.is_bound:
                self.initial["version"] = self.instance.version

    def clean_title(self) -> str:
        return normalize_chinese(self.cleaned_data["title"])

    def clean_prose_style(self) -> str:
        return self.cleaned_data["prose_style"] or self.instance.prose_style

    def clean_item_style(self) -> str:
        return self.cleaned_data["item_style"] or self.instance.item_style

    def clean_level(self) -> int:
        level = self.cleaned_data["level"]
        if not 1 <= level <= 4:
            raise forms.ValidationError(_("The heading level is 1 to 4."))
        return level


class SectionTextForm(forms.Form):
    body = forms.CharField(
        label=_("Text"),
        widget=Textarea(attrs={"rows": 8, "class": "form-control form-control-sm"}),
        required=False,
        max_length=MAX_SECTION_TEXT,
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean_body(self) -> str:
        body = normalize_paragraphs(self.cleaned_data["body"])
        if len(body) > MAX_SECTION_TEXT:
            raise forms.ValidationError(_("The text is too long."))
        return body


NUMBER_ERRORS = {
    "min_value": _("A figure cannot be negative."),
    "max_value": _("At most %(limit_value)s: check the number."),
}


class StatisticForm(forms.ModelForm):
    """A figure of the period and, beside it, the year's opening balance of its measure
    (期初累计: the total from before the first issue kept here)."""

    value = forms.IntegerField(
        label=_("this period"), min_value=0, max_value=MAX_FIGURE,
        error_messages=NUMBER_ERRORS,
    )  # fmt: skip
    opening = forms.IntegerField(
        label=_("opening balance"), required=False, min_value=0, max_value=MAX_OPENING,
        error_messages=NUMBER_ERRORS,
    )  # fmt: skip
    # The opening balance the page showed: a save over another editor's is refused.
    opening_seen = forms.CharField(widget=forms.HiddenInput, required=False, max_length=20)

    class Meta:
        model = Statistic
        fields = ["label", "unit", "value"]

    def clean_label(self) -> str:
        return normalize_chinese(self.cleaned_data["label"])


class BaseStatisticFormSet(forms.BaseModelFormSet):
    def __init__(self, *args, openings: dict[str, int] | None = None, **kwargs):
        self.openings = openings or {}
        super().__init__(*args, **kwargs)

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        if form.instance.pk:
            shown = self.openings.get(form.instance.label)
            form.initial["opening"] = shown
            form.initial["opening_seen"] = "" if shown is None else str(shown)
        return form

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

    def opening_changes(self) -> list[OpeningChange]:
        """The opening balances the editor changed, each with what the page showed."""
        changes = []
        for form in self.forms:
            data = form.cleaned_data
            if not data or data.get("DELETE") or not data.get("label"):
                continue
            label, value = data["label"], data.get("opening")
            same_row = form.instance.pk and form.initial.get("label") == label
            if same_row:
                seen = parse_number(data.get("opening_seen"))
                if value != seen:
                    changes.append(OpeningChange(label=label, value=value, seen=seen))
            elif value is not None:  # a new or renamed measure: nothing was shown
                changes.append(OpeningChange(label=label, value=value))
        return changes


StatisticFormSet = forms.modelformset_factory(
    Statistic,
    form=StatisticForm,
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

    def __init__(self, *args, hall=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        if hall is not None:  # the rounds of the issue's hall
            self.fields["round"].queryset = InspectionRound.objects.filter(hall_id=hall)


class AttachScoresForm(forms.Form):
    """A frozen month's window scores, printed as the issue's 附件."""

    month = forms.ModelChoiceField(
        label=_("Assessment month"),
        queryset=ScoreMonth.objects.filter(status=ScoreMonth.Status.FROZEN),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
        error_messages={
            "required": _("Choose a frozen month."),
            "invalid_choice": _("Choose a frozen month."),
        },
    )

    def __init__(self, *args, hall=None, **kwargs):
        super().__init__(*args, **kwargs)
        if hall is not None:  # the months of the issue's hall
            self.fields["month"].queryset = self.fields["month"].queryset.filter(hall_id=hall)


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


class VisitCorrectionForm(LeaderVisitForm):
    """The editor's correction of one visit a leader-visits section reports, checked
    against the version it was shown at."""

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("version") is None:
            raise forms.ValidationError(_("The page is out of date: reload it and edit again."))
        return cleaned


class BaseVisitFormSet(forms.BaseModelFormSet):
    def changes(self) -> list[VisitChange]:
        """The visits the editor changed or removed, with the versions they were shown at."""
        changes = []
        for form in self.initial_forms:
            data = form.cleaned_data
            if data.get("DELETE"):
                changes.append(VisitChange(form.instance, data["version"], None))
            elif set(form.changed_data) - {"version"}:
                fields = {name: data[name] for name in VisitChange.FIELDS}
                changes.append(VisitChange(form.instance, data["version"], fields))
        return changes


# A week has a handful of visits; forty filled to every limit stay well under the upload
# limit (tests/test_attacks_input.py).
VisitFormSet = forms.modelformset_factory(
    LeaderVisit,
    form=VisitCorrectionForm,
    formset=BaseVisitFormSet,
    extra=0,
    can_delete=True,
    max_num=40,
    validate_max=True,
    absolute_max=40,
)


class ImportUploadForm(forms.Form):
    """A bulletin file for the import preview: read here (size, encoding, Word), not saved."""

    file = forms.FileField(
        label=_("Bulletin file"),
        help_text=_("Plain text (.txt), Markdown (.md) or Word (.docx), at most 1 MB."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(SUFFIXES):
            raise forms.ValidationError(_("Choose a .txt, .md or .docx file."))
        try:
            check_size(upload.size)  # before reading it
            self.source = read_source(upload.read(), upload.name)
        except BulletinFormatError as exc:
            raise forms.ValidationError(exc.message) from None
        return upload


class ImportDraftForm(forms.Form):
    """The text being previewed, carried between the steps as a signed value.

    Nothing is stored until the import: no table of drafts to clean up, and the server
    reads back only a text it read itself (the signature), for a day. Compressed, the
    largest text a file may hold (MAX_ISSUE_CHARS) stays far below the post limit.
    """

    SALT = "bulletin.import.draft"
    MAX_AGE = 24 * 3600

    draft = forms.CharField(widget=forms.HiddenInput, required=False)

    @classmethod
    def sign(cls, source: Source) -> str:
        value = {"name": source.name, "text": source.text, "word": source.whole_paragraphs}
        return signing.dumps(value, salt=cls.SALT, compress=True)

    def clean_draft(self) -> Source:
        try:
            value = signing.loads(self.cleaned_data["draft"], salt=self.SALT, max_age=self.MAX_AGE)
            return Source(str(value["name"]), str(value["text"]), bool(value["word"]))
        except (signing.BadSignature, KeyError, TypeError):
            raise forms.ValidationError(
                _("The uploaded text has expired or was changed: upload the file again.")
            ) from None

    def overrides(self, lines: int) -> dict[int, Override]:
        """The roles chosen in the preview, by line number ("" keeps the reader's)."""
        chosen = {}
        for no in range(1, lines + 1):
            value = self.data.get(f"role-{no}", "")
            if value in Override.values:
                chosen[no] = Override(value)
        return chosen
