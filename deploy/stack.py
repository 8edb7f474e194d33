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


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Client:
    """A browser's cookies and CSRF token over plain urllib; redirects are returned."""

    def __init__(self, base: str) -> None:
        import http.cookiejar

        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect
        )

    def get(self, path: str, timeout: float = 60):
        try:
            return self.opener.open(self.base + path, timeout=timeout)
        except urllib.error.HTTPError as error:
            return error

    def login(self, username: str, password: str) -> None:
        import re
        import urllib.parse

        page = self.get("/login/").read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        form = urllib.parse.urlencode(
            {"username": username, "password": password, "csrfmiddlewaretoken": token}
        ).encode()
        request = urllib.request.Request(
            self.base + "/login/", data=form, headers={"Referer": self.base + "/login/"}
        )
        try:
            response = self.opener.open(request, timeout=30)
        except urllib.error.HTTPError as error:
            response = error
        if response.status != 302:
            raise SystemExit(f"login as {username} answered {response.status}, not a redirect")


def manage(env: dict, code: str) -> str:
    """Run Python in `manage.py shell` with the stack's settings; return what it printed."""
    env = dict(env, DEBUG="0", BACKGROUND_WORKER="1")
    env.setdefault("SECRET_KEY", (ROOT / "var" / "secret_key").read_text().strip())
    result = subprocess.run(
        [str(ROOT / ".venv/bin/python"), "manage.py", "shell", "-v0", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        raise SystemExit(f"manage.py shell failed:\n{result.stderr[-3000:]}")
    return result.stdout.strip()
