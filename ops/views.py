"""/health/ for load balancers and monitoring: can this process serve the bulletin?

The answer names the checks and their status, nothing else (no paths, no errors); the
details of a failure go to the server log.
"""

import logging
import shutil
import tempfile
from functools import cache
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.db import connection
from django.http import FileResponse, JsonResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_safe

from bulletin.printing import fonts

logger = logging.getLogger(__name__)

FAVICON = "img/favicon.ico"


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_storage() -> None:
    """MEDIA_ROOT takes a new file (issued PDFs are stored there) and has room for more."""
    root = Path(settings.MEDIA_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    free_mb = shutil.disk_usage(root).free // 2**20
    if free_mb < settings.HEALTH_MIN_FREE_MB:
        raise RuntimeError(
            f"{free_mb} MB free under MEDIA_ROOT, less than HEALTH_MIN_FREE_MB "
            f"({settings.HEALTH_MIN_FREE_MB} MB)"
        )
    with tempfile.NamedTemporaryFile(dir=root, prefix=".health-") as probe:
        probe.write(b"ok")
        probe.flush()


def check_fonts() -> None:
    # The same test as the system check bulletin.E001: the shipped faces print the
    # bulletin on a machine with no font of its own; without them it prints boxes.
    missing = fonts.missing_shipped_faces()
    if missing:
        raise RuntimeError(f"shipped font files missing: {', '.join(missing)}")


CHECKS = {"database": check_database, "storage": check_storage, "fonts": check_fonts}


@never_cache
@require_safe
def health(request):
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception:
            logger.warning("health check %s failed", name, exc_info=True)
            results[name] = "error"
        else:
            results[name] = "ok"
    healthy = all(status == "ok" for status in results.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": results},
        status=200 if healthy else 503,
    )


@require_safe
@cache_control(public=True, max_age=7 * 24 * 3600)
def favicon(request):
    """/favicon.ico, which browsers ask for whatever the page links (a PDF opened in its
    own tab, an error page): the shipped icon instead of a 404 in the log."""
    return FileResponse(open(_favicon_path(), "rb"), content_type="image/x-icon")


@cache
def _favicon_path() -> str:
    found = finders.find(FAVICON)
    if not found:
        raise FileNotFoundError(FAVICON)
    return found


def bad_request(request, exception=None):
    """The 400 page (config.urls.handler400). A post over Django's limits on size or number
    of fields gets a page that says the limit and that nothing was saved, in the site's
    layout; anything else gets Django's own 400 view and templates/400.html."""
    if isinstance(exception, RequestDataTooBig):
        limit = filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        message = _(
            "The submission is too large (the limit is %(limit)s) and was not saved. "
            "Please shorten the text and try again."
        ) % {"limit": limit}
    elif isinstance(exception, TooManyFieldsSent):
        message = _(
            "The submission has too many fields (the limit is %(limit)d) and was not saved. "
            "Please select fewer items and try again."
        ) % {"limit": settings.DATA_UPLOAD_MAX_NUMBER_FIELDS}
    else:
        return defaults.bad_request(request, exception)
    return render(request, "400_not_saved.html", {"message": message}, status=400)
