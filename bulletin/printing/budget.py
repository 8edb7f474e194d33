"""Renders within a time and memory budget.

WeasyPrint has no limits of its own: an issue with a megabyte-long paragraph lays out
for minutes, and a huge one grows without bound. Each render therefore runs in a child
forked from the warm process (the fonts and stylesheets are already loaded, so nothing
is paid twice): the child gets an address-space limit and a lower priority, the parent
waits until the deadline and kills it. The child never touches the database; it writes
the PDF to a file the parent then owns.
"""

from __future__ import annotations

import logging
import math
import os
import re
import resource
import signal
import time
import traceback
from pathlib import Path

from django.conf import settings

logger = logging.getLogger(__name__)

# The child's exit codes.
_OK, _ERROR, _OUT_OF_MEMORY = 0, 1, 3


class RenderFailed(Exception):
    """A render that did not produce a PDF; `reason` is a PdfRender.Reason value."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


def limits() -> tuple[float, int]:
    """(seconds, bytes) a render may take."""
    return settings.RENDER_TIMEOUT_SECONDS, settings.RENDER_MEMORY_MB * 1024 * 1024


def _address_space() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * resource.getpagesize()


def run_bounded(render, html: str, out: Path) -> None:
    """Write render(html) to `out` within the budget, or raise RenderFailed.

    The caller holds the renderer's lock: no other thread is inside WeasyPrint or
    fontconfig while the process forks, so the child inherits no lock held mid-way.
    """
    seconds, memory = limits()
    errors = out.with_suffix(".err.tmp")
    pid = os.fork()
    if pid == 0:  # the child: render, write, leave without running any cleanup
        code = _ERROR
        try:
            # What C libraries print on the way down tells a lack of memory from a bug.
            fd = os.open(errors, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.dup2(fd, 2)
            os.nice(5)  # pages and /health/ come first
            # Ends the child by itself should its parent be killed before the deadline.
            signal.alarm(math.ceil(seconds) + 2)
            ceiling = _address_space() + memory
            resource.setrlimit(resource.RLIMIT_AS, (ceiling, ceiling))
            out.write_bytes(render(html))
            code = _OK
        except MemoryError:
            code = _OUT_OF_MEMORY
        except BaseException:
            traceback.print_exc()
        finally:
            os._exit(code)
    try:
        code = _wait(pid, seconds)
        printed = errors.read_text(errors="replace").strip() if errors.exists() else ""
    finally:
        errors.unlink(missing_ok=True)
    if code == _OK and out.is_file():
        return
    out.unlink(missing_ok=True)
    if code is None:
        raise RenderFailed("timeout", f"stopped after {seconds:g} s")
    if printed:
        logger.warning("the render printed:\n%s", printed[-4000:])
    # Python raises MemoryError; GLib, Cairo and Pango abort when a thread or a buffer
    # cannot be had under the address-space limit.
    if code == _OUT_OF_MEMORY or _OUT_OF_MEMORY_TEXT.search(printed):
        raise RenderFailed("memory", f"child exited with {code}")
    raise RenderFailed("error", f"child exited with {code}")


_OUT_OF_MEMORY_TEXT = re.compile(
    r"MemoryError|Resource temporarily unavailable|Cannot allocate memory|out of memory|"
    r"failed to allocate",
    re.IGNORECASE,
)


def _wait(pid: int, seconds: float) -> int | None:
    """The child's exit code, or None once it was killed at the deadline."""
    deadline = time.monotonic() + seconds
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        if time.monotonic() >= deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return None
        time.sleep(0.02)
