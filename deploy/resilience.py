"""The supervised stack survives what happens to a real server, as CI runs it.

Starts `make serve` on a fresh PostgreSQL database reached through a TCP proxy of this
script's own, with the demo and a year of generated issues, logged in as the editor:

1. the worker is killed (SIGKILL), then gunicorn's master, then the proxy cuts every
   database connection and refuses new ones for two seconds; after each the site
   answers again within 10 s, and a render queued just before completes;
2. an issue with a 2 MB paragraph: its download returns within 5 s, the worker stops
   the render at its budget, and the editor's pages say why;
3. while 20 uncached renders are queued, /health/ and the issue list answer in under
   500 ms each (on loopback).

Exits non-zero on the first failure.

    .venv/bin/python deploy/resilience.py [--port 8766] [--database jianbao_resilience]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import selectors
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from deploy import stack  # noqa: E402

PG_HOST, PG_PORT = "127.0.0.1", 5432
PG = f"postgres://postgres@{PG_HOST}:{PG_PORT}"
RENDER_TIMEOUT = 8
ANSWER_WITHIN = 10.0


def step(message: str) -> None:
    print(f"-- {message}", flush=True)


class Proxy:
    """TCP between the stack and PostgreSQL, with a switch that cuts it."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.open: set[socket.socket] = set()
        self.lock = threading.Lock()
        self.refusing = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            client, _ = self.listener.accept()
            if self.refusing:
                client.close()
                continue
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.open.update((client, upstream))
            threading.Thread(target=self._pipe, args=(client, upstream), daemon=True).start()

    def _pipe(self, a: socket.socket, b: socket.socket) -> None:
        selector = selectors.DefaultSelector()
        selector.register(a, selectors.EVENT_READ, b)
        selector.register(b, selectors.EVENT_READ, a)
        try:
            while True:
                for key, _ in selector.select():
                    data = key.fileobj.recv(65536)
                    if not data:
                        return
                    key.data.sendall(data)
        except OSError:
            return
        finally:
            selector.close()
            for end in (a, b):
                end.close()
                with self.lock:
                    self.open.discard(end)

    def cut(self, seconds: float) -> None:
        """Drop every connection and refuse new ones for `seconds`."""
        self.refusing = True
        with self.lock:
            for end in list(self.open):
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)
        time.sleep(seconds)
        self.refusing = False


def pids(session: int, pattern: str) -> list[int]:
    found = subprocess.run(
        ["pgrep", "-s", str(session), "-f", pattern], capture_output=True, text=True
    )
    return sorted(int(pid) for pid in found.stdout.split())


def gunicorn_master_or_none(session: int) -> int | None:
    """The gunicorn process the supervisor started (its workers are its children; after
    the master is killed they linger for a moment with another parent)."""
    supervisor = pids(session, "deploy/supervise.py")
    for pid in pids(session, "gunicorn -c deploy/gunicorn.conf.py"):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except FileNotFoundError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) in supervisor:
            return pid
    return None


def gunicorn_master(session: int) -> int:
    master = gunicorn_master_or_none(session)
    if master is None:
        raise SystemExit("no gunicorn master found")
    return master


def wait_until_answering(client: stack.Client, since: float, what: str) -> float:
    """Seconds from `since` until /health/ and the issue list answer 200."""
    while True:
        try:
            health = client.get("/health/", timeout=2)
            listing = client.get("/issues/", timeout=2)
            if health.status == 200 and listing.status == 200:
                return time.monotonic() - since
        except OSError:
            pass
        if time.monotonic() - since > ANSWER_WITHIN:
            raise SystemExit(f"after {what} the site did not answer within {ANSWER_WITHIN:.0f} s")
        time.sleep(0.2)


def queue_render(env: dict, issue_id: int) -> None:
    stack.manage(
        env,
        "from bulletin.models import Issue; from bulletin.printing.pdf import request_render; "
        f"request_render(issue=Issue.objects.get(pk={issue_id}))",
    )


def wait_rendered(env: dict, issue_id: int, what: str, seconds: float = 120) -> float:
    started = time.monotonic()
    code = (
        f"from bulletin.models import Issue; i = Issue.objects.get(pk={issue_id}); "
        "print(bool(i.pdf_sha256) or i.renders.filter(status='done').exists())"
    )
    while stack.manage(env, code) != "True":
        if time.monotonic() - started > seconds:
            raise SystemExit(f"the render queued before {what} did not complete in {seconds} s")
        time.sleep(1)
    return time.monotonic() - started


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--database", default="jianbao_resilience")
    args = parser.parse_args()
    base = f"http://127.0.0.1:{args.port}"
    subprocess.run(
        ["psql", f"{PG}/postgres", "-qc", f'DROP DATABASE IF EXISTS "{args.database}"'], check=True
    )
    proxy = Proxy((PG_HOST, PG_PORT))
    var = ROOT / "var" / "resilience"
    var.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k not in {"PYTEST_VERSION", "DEBUG"}}
    env.update(
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{proxy.port}/{args.database}",
        PORT=str(args.port),
        JIANBAO_DEMO="1",
        JIANBAO_VAR_DIR=str(var),
        RENDER_TIMEOUT_SECONDS=str(RENDER_TIMEOUT),
        TASK_STALE_SECONDS="20",
        GUNICORN_ACCESS_LOG="/dev/null",
    )
    # The script's own look at the database goes around the proxy.
    direct = dict(env, DATABASE_URL=f"{PG}/{args.database}")
    step(f"make serve on {base}, database {args.database} through a proxy on :{proxy.port}")
    server = stack.start(["make", "-s", "serve"], env, args.port)
    try:
        run(base, server.pid, proxy, direct)
    finally:
        step("stopping the stack")
        stack.stop(server)
    print("resilience test passed")
    return 0


def run(base: str, session: int, proxy: Proxy, env: dict) -> None:
    client = stack.Client(base)
    client.login("editor", "jianbao-demo")
    stack.manage(
        env,
        "from django.core.management import call_command; "
        "call_command('generate_archive', years=1, series='韧性测试', verbosity=0)",
    )
    archive = [
        int(pk)
        for pk in stack.manage(
            env,
            "from bulletin.models import Issue; print(' '.join(str(pk) for pk in "
            "Issue.objects.filter(series__title='韧性测试').values_list('pk', flat=True)))",
        ).split()
    ]
    if len(archive) < 23:
        raise SystemExit(f"the generated archive has {len(archive)} issues, not 23 or more")
    step(f"{len(archive)} generated issues to render")

    # 1. A killed worker, a killed gunicorn master, a cut database.
    worker = pids(session, "manage.py worker")[0]
    queue_render(env, archive[0])
    os.kill(worker, signal.SIGKILL)
    since = time.monotonic()
    step(
        f"worker {worker} killed; answering after {wait_until_answering(client, since, 'the worker was killed'):.1f} s"
    )
    step(
        f"the render queued before completed after {wait_rendered(env, archive[0], 'the worker was killed'):.1f} s"
    )
    if pids(session, "manage.py worker") in ([], [worker]):
        raise SystemExit("the worker was not restarted")

    master = gunicorn_master(session)
    queue_render(env, archive[1])
    os.kill(master, signal.SIGKILL)
    since = time.monotonic()
    # Its workers may still answer for a moment: wait for the new master first.
    while gunicorn_master_or_none(session) in (None, master):
        if time.monotonic() - since > ANSWER_WITHIN:
            raise SystemExit("gunicorn was not restarted")
        time.sleep(0.1)
    step(
        f"gunicorn master {master} killed; answering after {wait_until_answering(client, since, 'gunicorn was killed'):.1f} s"
    )
    step(
        f"the render queued before completed after {wait_rendered(env, archive[1], 'gunicorn was killed'):.1f} s"
    )

    worker = pids(session, "manage.py worker")[0]
    queue_render(env, archive[2])
    since = time.monotonic()
    proxy.cut(2)
    step(
        f"database cut for 2 s; answering {wait_until_answering(client, since, 'the cut'):.1f} s after the cut began"
    )
    step(
        f"the render queued before completed after {wait_rendered(env, archive[2], 'the cut'):.1f} s"
    )
    if pids(session, "manage.py worker") != [worker]:
        raise SystemExit("the worker did not survive the database cut")
    step("the worker survived the cut (same process)")

    # 2. A 2 MB paragraph, as an import could bring it: stopped at the budget.
    big = int(
        stack.manage(
            env,
            "from bulletin.models import Issue, Section; "
            "i = Issue.objects.exclude(status='issued').exclude(series__title='韧性测试').first(); "
            "Section.objects.create(issue=i, position=99, title='附录', kind='free', "
            "body='大厅运行平稳，群众满意。' * 174763); print(i.pk)",
        )
    )
    asked = time.monotonic()
    page = client.get(f"/issues/{big}/pdf/", timeout=30)
    took = time.monotonic() - asked
    if took > 5 or page.status != 202:
        raise SystemExit(f"the download answered {page.status} after {took:.1f} s")
    step(f"the 2 MB issue's download answered 202 (正在生成) in {took:.2f} s")
    started = time.monotonic()
    while True:
        page = client.get(f"/issues/{big}/pdf/", timeout=10)
        text = page.read().decode("utf-8", "replace")
        if page.status == 200 and f"/issues/{big}/pdf/retry/" in text:
            break
        if time.monotonic() - started > RENDER_TIMEOUT + 60:
            raise SystemExit("the 2 MB render was not stopped at its budget")
        time.sleep(1)
    reason = stack.manage(
        env,
        f"from bulletin.models import Issue; print(Issue.objects.get(pk={big}).renders.get().reason)",
    )
    if reason != "timeout":
        raise SystemExit(f"the 2 MB render failed for {reason!r}, not the time budget")
    detail = client.get(f"/issues/{big}/").read().decode()
    if f"/issues/{big}/pdf/retry/" not in detail or f"{RENDER_TIMEOUT}" not in detail:
        raise SystemExit("the issue page does not say why the PDF is missing")
    step(
        f"stopped at its {RENDER_TIMEOUT} s budget after {time.monotonic() - started:.1f} s; the editor is told why"
    )

    # 3. Twenty renders queued: pages stay fast.
    stack.manage(
        env,
        "from bulletin.models import Issue; from bulletin.printing.pdf import request_render\n"
        f"for pk in {archive[3:23]}: request_render(issue=Issue.objects.get(pk=pk))",
    )
    # Measured for as long as renders are waiting or running, from the table itself.
    import psycopg

    slowest = {"/health/": 0.0, "/issues/": 0.0}
    samples = 0
    database = env["DATABASE_URL"]
    with psycopg.connect(database, autocommit=True) as db:
        while True:
            (pending,) = db.execute(
                "SELECT count(*) FROM django_tasks_database_dbtaskresult "
                "WHERE status IN ('READY', 'RUNNING')"
            ).fetchone()
            if not pending:
                break
            for path in slowest:
                asked = time.monotonic()
                response = client.get(path, timeout=5)
                response.read()
                if response.status != 200:
                    raise SystemExit(f"{path} answered {response.status} while renders were queued")
                slowest[path] = max(slowest[path], time.monotonic() - asked)
            samples += 1
    step(
        f"while 20 queued renders were done ({samples} rounds): slowest /health/ "
        f"{slowest['/health/'] * 1000:.0f} ms, slowest /issues/ {slowest['/issues/'] * 1000:.0f} ms"
    )
    if samples < 5:
        raise SystemExit(f"only {samples} rounds while renders were queued: not under load")
    if max(slowest.values()) >= 0.5:
        raise SystemExit("a page took 500 ms or more while renders were queued")


if __name__ == "__main__":
    sys.exit(main())
