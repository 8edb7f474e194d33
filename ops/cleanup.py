"""Temporary files that a stopped process leaves under MEDIA_ROOT.

A render killed while writing leaves its `<key>.<pid>-<thread>.tmp` in the PDF cache
(bulletin/printing/rendering.py writes there, then renames); `manage.py restore` and
/health/ killed before their cleanup leave a `.jianbao-restore-*` directory or a
`.health-*` probe. The worker removes the stale ones when it starts.
"""

import logging
import shutil
import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings

logger = logging.getLogger(__name__)

PDF_CACHE = "pdf-cache"
# Directly under MEDIA_ROOT: the restore's staging directory and the health probe.
# `.before-restore-*` (the media a restore moved aside) is kept for the operator.
HIDDEN_TEMPORARY = (".jianbao-restore-*", ".health-*")


def _last_change(path: Path) -> float:
    """The newest mtime of the path and, for a directory, of anything in it."""
    times = [path.lstat().st_mtime]
    if path.is_dir() and not path.is_symlink():
        times.extend(entry.lstat().st_mtime for entry in path.rglob("*"))
    return max(times)


def remove_stale_temporary_files(*, older_than: timedelta = timedelta(hours=1)) -> list[Path]:
    """Remove the temporary files (and restore directories) untouched for `older_than`;
    return what was removed.

    An hour is far longer than a render may run or a restore step takes, so nothing a
    running process still writes is touched.
    """
    root = Path(settings.MEDIA_ROOT)
    cutoff = time.time() - older_than.total_seconds()
    candidates = [
        *(root / PDF_CACHE).rglob("*.tmp"),
        *(path for pattern in HIDDEN_TEMPORARY for path in root.glob(pattern)),
    ]
    removed = []
    for path in candidates:
        try:
            if _last_change(path) >= cutoff:
                continue
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
        except FileNotFoundError:
            continue  # another process removed it first
        except OSError:
            logger.warning("could not remove the temporary %s", path, exc_info=True)
            continue
        logger.info("removed the stale temporary %s", path)
        removed.append(path)
    return removed
