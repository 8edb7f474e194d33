"""Forms every app uses."""

from django import forms
from django.utils.translation import gettext_lazy as _


class RecordsVersionForm(forms.Form):
    """The version a records formset was opened at (a section's, a round's), posted beside
    it: a save over someone else's is refused."""

    version = forms.IntegerField(
        widget=forms.HiddenInput,
        error_messages={"required": _("The page is out of date: reload it and edit again.")},
    )


class Textarea(forms.Textarea):
    """A textarea whose line breaks count as one character each, as the browser counts
    them for maxlength.

    Browsers post a textarea's line breaks as CRLF but count each as one character
    against maxlength: without this, a text the browser let through at the limit would
    come back from the field's max_length check as too long.
    """

    def value_from_datadict(self, data, files, name):
        value = super().value_from_datadict(data, files, name)
        return value.replace("\r\n", "\n") if isinstance(value, str) else value


# A browser's date and month inputs read and post ISO values only, whatever the page's
# language: the localised input format (2023/10/09 in zh-Hans) leaves them empty.
class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None, format="%Y-%m-%d"):
        super().__init__(attrs, format)


class MonthInput(forms.DateInput):
    input_type = "month"

    def __init__(self, attrs=None, format="%Y-%m"):
        super().__init__(attrs, format)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None, format="%Y-%m-%dT%H:%M"):
        super().__init__(attrs, format)
