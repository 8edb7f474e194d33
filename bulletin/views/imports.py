"""Importing a bulletin file from the browser, for editors: upload, preview every line's
role next to the outline it gives, correct the roles where the reader guessed wrong,
import in one transaction (bulletin/importer.py, as the import_bulletin command)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bulletin.forms import ImportDraftForm, ImportUploadForm
from bulletin.importer import ImportRefused, save_bulletin
from bulletin.importing import BulletinFormatError, Override, Role, Source, read_bulletin
from departments.access import require_role
from departments.models import User

# Each line's role is a field of the preview's form; Django refuses a post of more than
# DATA_UPLOAD_MAX_NUMBER_FIELDS (1000) fields whole. A longer file is previewed without
# the selects: it is corrected in the file.
MAX_ROLE_FIELDS = 900


def line_error(error: BulletinFormatError) -> str:
    if error.line:
        return _("Line %(line)d: %(message)s") % {"line": error.line, "message": error.message}
    return error.message


@login_required
def import_upload(request):
    """GET: the upload form. POST a file: its preview. POST the preview's form: the
    preview again, read with the roles chosen."""
    require_role(request.user, User.Role.EDITOR)
    if request.method == "POST" and "draft" in request.POST:
        form = ImportDraftForm(request.POST)
        if not form.is_valid():
            messages.error(request, form.errors["draft"][0])
            return redirect("bulletin:import_upload")
        source = form.cleaned_data["draft"]
        return _preview(request, source, form.overrides(len(source.text.splitlines())))
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        return _preview(request, form.source, {})
    return render(request, "bulletin/import_upload.html", {"form": form})


@require_POST
@login_required
def import_save(request):
    """Import the previewed text with the roles chosen, whole or not at all."""
    require_role(request.user, User.Role.EDITOR)
    form = ImportDraftForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors["draft"][0])
        return redirect("bulletin:import_upload")
    source = form.cleaned_data["draft"]
    overrides = form.overrides(len(source.text.splitlines()))
    reading = _read(source, overrides)
    if reading.error is not None:
        return _preview(request, source, overrides)
    try:
        issue = save_bulletin(reading.bulletin, by=request.user)
    except BulletinFormatError as exc:
        return _preview(request, source, overrides, refusal=line_error(exc))
    except ImportRefused as exc:
        return _preview(request, source, overrides, refusal=str(exc))
    messages.success(request, _("%(issue)s imported.") % {"issue": issue})
    return redirect("bulletin:issue_detail", pk=issue.pk)


def _read(source: Source, overrides: dict[int, Override]):
    return read_bulletin(source.text, whole_paragraphs=source.whole_paragraphs, overrides=overrides)


def _preview(request, source: Source, overrides: dict[int, Override], refusal: str = ""):
    reading = _read(source, overrides)
    selectable = sum(line.role != Role.DROPPED or line.reason != "blank" for line in reading.lines)
    context = {
        "source": source,
        "draft": ImportDraftForm.sign(source),
        "reading": reading,
        "rows": [(line, overrides.get(line.no, "")) for line in reading.lines],
        "sections": reading.partial.numbered_sections() if reading.partial else [],
        "doc": reading.partial,
        "choices": Override.choices,
        "selectable": selectable <= MAX_ROLE_FIELDS,
        "error": line_error(reading.error) if reading.error else refusal,
        "error_line": reading.error.line if reading.error else None,
        "corrected": len(overrides),
    }
    return render(request, "bulletin/import_preview.html", context)
