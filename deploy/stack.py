"""Start and stop the production processes (`deploy/serve.sh`) from a script.

Used by the CI smoke test (deploy/smoke.py) and the load benchmark (bench/load.py).
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def start(command: list[str], env: dict, port: int, *, quiet: bool = False) -> subprocess.Popen:
    """Run `command` in a session of its own and wait until it serves the login page."""
    stack = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL if quiet else None,
    )
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if stack.poll() is not None:
            raise SystemExit(f"{' '.join(command)} exited with {stack.returncode} before answering")
        try:
            if urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=2).status == 200:
                return stack
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(1)
    stop(stack)
    raise SystemExit("the stack did not answer within 300 s")


def stop(stack: subprocess.Popen) -> None:
    """SIGTERM to the whole session; return once gunicorn and the worker have exited.

    make or the shell exits at once; gunicorn and the worker finish their requests and
    jobs first, so the wait is on every process of the session, not on the first one.
    """
    os.killpg(stack.pid, signal.SIGTERM)
    deadline = time.monotonic() + 60
    while True:
        stack.poll()  # reaps make or the shell, which would otherwise linger as a zombie
        left = subprocess.run(["pgrep", "-s", str(stack.pid)], capture_output=True, text=True)
        if not left.stdout.strip():
            break
        if time.monotonic() > deadline:
            os.killpg(stack.pid, signal.SIGKILL)
            raise SystemExit(f"processes left behind: {left.stdout.split()}")
        time.sleep(0.5)
    stack.wait(timeout=10)
