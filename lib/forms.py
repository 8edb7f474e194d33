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
