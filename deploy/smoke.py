"""The production stack without Docker, end to end, as CI runs it.

Starts `make serve` (gunicorn + worker) on a fresh PostgreSQL database with the demo,
logs in over HTTP, opens the issue list and an issue, has the worker render and store
an issued PDF, downloads it and checks the bytes against the stored SHA-256, downloads
an open issue's PDF (正在生成 until the worker has it), then stops the stack and checks that both
processes are gone. Exits non-zero on any failure.

    .venv/bin/python deploy/smoke.py [--port 8765] [--database jianbao_stack]
"""

import argparse
import hashlib
import io
import os
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from deploy import stack  # noqa: E402

PG = "postgres://postgres@127.0.0.1:5432"


def step(message: str) -> None:
    print(f"-- {message}", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--database", default="jianbao_stack")
    args = parser.parse_args()
    base = f"http://127.0.0.1:{args.port}"
    database_url = f"{PG}/{args.database}"

    subprocess.run(
        ["psql", f"{PG}/postgres", "-qc", f'DROP DATABASE IF EXISTS "{args.database}"'], check=True
    )
    env = {k: v for k, v in os.environ.items() if k not in {"PYTEST_VERSION", "DEBUG"}}
    env.update(
        DATABASE_URL=database_url,
        PORT=str(args.port),
        JIANBAO_DEMO="1",
        JIANBAO_VAR_DIR=str(ROOT / "var" / "stack"),
    )
    (ROOT / "var" / "stack").mkdir(parents=True, exist_ok=True)
    step(f"make serve on {base} with database {args.database}")
    server = stack.start(["make", "-s", "serve"], env, args.port)
    step("the server answers")
    try:
        run_checks(base, env)
    finally:
        step("stopping the stack")
        stack.stop(server)
    step("gunicorn and the worker have exited")
    try:
        urllib.request.urlopen(base + "/login/", timeout=2)
    except (urllib.error.URLError, ConnectionError):
        step("stopped: nothing answers any more")
    else:
        raise SystemExit("the server still answers after the stack was stopped")
    print("stack smoke test passed")
    return 0


def run_checks(base: str, env: dict) -> None:
    client = stack.Client(base)
    get = client.get

    health = get("/health/")
    if health.status != 200:
        raise SystemExit(f"/health/ answered {health.status}: {health.read()[:300]!r}")
    step("healthy: " + health.read().decode())

    client.login("editor", "jianbao-demo")
    step("logged in as editor")

    listing = get("/issues/").read().decode()
    if "2023年第38期" not in listing:
        raise SystemExit("the issue list does not show 2023年第38期")
    issue_id = stack.manage(
        env, "from bulletin.models import Issue; print(Issue.objects.get(year=2023, number=38).pk)"
    )
    page = get(f"/issues/{issue_id}/")
    if page.status != 200 or "2023年第38期" not in page.read().decode():
        raise SystemExit(f"the issue page answered {page.status}")
    step(f"issue list and issue page ({issue_id}) shown")

    # The worker: queue the issued PDF and wait until it is stored.
    stack.manage(
        env, f"from bulletin.tasks import render_issue_pdf; render_issue_pdf.enqueue({issue_id})"
    )
    started = time.monotonic()
    while True:
        digest = stack.manage(
            env,
            f"from bulletin.models import Issue; print(Issue.objects.get(pk={issue_id}).pdf_sha256)",
        )
        if digest:
            break
        if time.monotonic() - started > 120:
            raise SystemExit("the worker did not store the PDF within 120 s")
        time.sleep(1)
    step(f"the worker stored the PDF in {time.monotonic() - started:.1f} s")

    download = get(f"/issues/{issue_id}/pdf/")
    data = download.read()
    if download.status != 200 or download.headers["Content-Type"] != "application/pdf":
        raise SystemExit(f"the PDF download answered {download.status}")
    if hashlib.sha256(data).hexdigest() != digest:
        raise SystemExit("the downloaded PDF differs from the stored one")
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        first = pdf.pages[0].extract_text() or ""
    if "窗口工作周报" not in first:
        raise SystemExit("the downloaded PDF does not read back as the bulletin")
    step(f"downloaded {len(data) // 1024} KB, SHA-256 matches the stored one, text reads back")

    # An issue not issued yet: the worker renders it while the page says 正在生成.
    open_id = stack.manage(
        env,
        "from bulletin.models import Issue; print(Issue.objects.exclude(status='issued').first().pk)",
    )
    started = time.monotonic()
    while True:
        asked = time.monotonic()
        download = get(f"/issues/{open_id}/pdf/")
        if time.monotonic() - asked > 5:
            raise SystemExit("a PDF download held the request for more than 5 s")
        if download.status == 200:
            break
        if download.status != 202 or time.monotonic() - started > 120:
            raise SystemExit(f"the open issue's PDF answered {download.status}")
        time.sleep(1)
    if not download.read().startswith(b"%PDF"):
        raise SystemExit("the open issue's download is not a PDF")
    step(f"an open issue rendered by the worker, downloaded in {time.monotonic() - started:.1f} s")


if __name__ == "__main__":
    sys.exit(main())
