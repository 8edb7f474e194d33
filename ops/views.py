"""/health/ for load balancers and monitoring: can this process serve the bulletin?

The answer names the checks and their status, nothing else (no paths, no errors); the
details of a failure go to the server log.
"""

import logging
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from bulletin.printing import fonts

logger = logging.getLogger(__name__)


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_storage() -> None:
    """MEDIA_ROOT takes a new file (issued PDFs are stored there)."""
    root = Path(settings.MEDIA_ROOT)
    root.mkdir(parents=True, exist_ok=True)
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
