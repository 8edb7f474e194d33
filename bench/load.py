"""Load benchmark: concurrent users against the production stack. Prints figures.

    .venv/bin/python bench/load.py [--database jianbao_archive] [--users 20]
                                   [--duration 60] [--max-requests 30000] [--url URL]

Without --url it starts `deploy/serve.sh` (gunicorn + worker, as `make serve`) on a
PostgreSQL database that holds the archive (`manage.py generate_archive --years 10`;
the script runs it when the database has fewer than 400 issued issues) and stops it
afterwards. Every virtual user is a department clerk with a connection of its own
(keep-alive): it logs in once through the login form, then until --duration seconds
or --max-requests requests in all have passed, it waits --think-min to --think-max
seconds (a person reading the page; 0 0 for a saturation test) and picks one action.
Users arrive evenly over the first --ramp seconds.

    list     the issue list, a random page, sometimes filtered by year
    search   the issue list searched for a Chinese word from the archive's text
    issue    an issued issue's page
    submit   the item form of the open issue, posted (a new draft item)
    pdf      the PDF of an issued issue whose PDF is stored (the cached download)

and prints p50 / p95 / p99 / max latency, throughput and errors per action. Targets on
the 2-core reference machine: p95 <= 200 ms for pages and search, <= 50 ms for the
cached PDF download, no errors. The client runs on the same two cores as the server,
so the figures include its cost.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import secrets
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from deploy import stack  # noqa: E402

PG = "postgres://postgres@127.0.0.1:5432"
SEARCH_WORDS = ["窗口", "办件", "群众", "审批", "服务", "不动产", "公积金", "医保", "巡查", "咨询"]
PAGE_ACTIONS = ("list", "search", "issue", "submit")
TARGET_PAGE_P95 = 200.0
TARGET_PDF_P95 = 50.0
WEIGHTS = {"list": 25, "search": 25, "issue": 20, "submit": 10, "pdf": 20}


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


# --- setup, in this process through the ORM ------------------------------------------


def django_setup(database_url: str) -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=database_url,
        DEBUG="1",  # this process is only a client; it needs no secret key
        BACKGROUND_WORKER="0",
    )
    import django

    django.setup()


def prepare(users: int, password: str) -> dict:
    """Clerks, an open issue taking items, and issued issues with stored PDFs."""
    from django.core.management import call_command
    from django.utils import timezone

    from bulletin.models import Issue, Section, Series
    from bulletin.services import issue_create, issue_pdf
    from departments.models import Department, User

    if Issue.objects.filter(status=Issue.Status.ISSUED).count() < 400:
        print("== generating the 10-year archive (manage.py generate_archive --years 10)")
        call_command("generate_archive", "--years", "10")
    departments = list(Department.objects.active().order_by("display_order")[:users])
    clerks = []
    for i in range(users):
        user, _ = User.objects.get_or_create(
            username=f"bench{i + 1:02d}",
            defaults={"role": User.Role.STAFF, "department": departments[i % len(departments)]},
        )
        user.set_password(password)
        user.save()
        clerks.append(user.username)
    series = Series.objects.order_by("pk").first()
    section = Section.objects.filter(
        call_deadline__isnull=False, issue__status__in=Issue.TAKES_SUBMISSIONS
    ).first()
    if section is None:
        issue = Issue.objects.filter(status__in=Issue.TAKES_SUBMISSIONS).order_by(
            "-pk"
        ).first() or issue_create(series=series)
        section = issue.sections.filter(kind=Section.Kind.ITEMS).first()
        if section is None:
            last = issue.sections.order_by("-position").first()
            section = Section.objects.create(
                issue=issue,
                position=(last.position + 1) if last else 1,
                level=1,
                title="窗口工作动态",
                kind=Section.Kind.ITEMS,
            )
        section.call_deadline = timezone.now() + timezone.timedelta(days=7)
        section.save(update_fields=["call_deadline"])
    issued = list(Issue.objects.filter(status=Issue.Status.ISSUED).order_by("-year", "-number"))
    with_pdf = [i for i in issued if i.pdf_sha256][:5]
    for issue in issued[: 5 - len(with_pdf)]:
        issue_pdf(issue=issue)  # stores it: from now on a download returns those bytes
        with_pdf.append(issue)
    years = sorted({i.year for i in issued})
    return {
        "clerks": clerks,
        "section": section.pk,
        "issued": [i.pk for i in issued],
        "pdfs": [i.pk for i in with_pdf],
        "years": years,
        "pages": max(1, len(issued) // 20),
    }


# --- the virtual users ---------------------------------------------------------------


class User:
    def __init__(self, host: str, port: int, username: str, password: str):
        self.conn = http.client.HTTPConnection(host, port, timeout=60)
        self.username, self.password = username, password
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None):
        headers = {"Host": "127.0.0.1"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, data

    def login(self) -> bool:
        status, page = self.request("GET", "/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
        status, _ = self.request(
            "POST",
            "/login/",
            {"username": self.username, "password": self.password, "csrfmiddlewaretoken": token},
        )
        return status == 302


def run_user(user, plan, stop_at, budget, results, errors, lock, think, arrive_after):
    rng = random.Random(user.username)
    # People log in one after another over the ramp, not all in the same instant.
    time.sleep(arrive_after)
    started = time.perf_counter()
    try:
        ok = user.login()
    except Exception as exc:
        ok = False
        errors["login"].append(repr(exc))
    with lock:
        results["login"].append((time.perf_counter() - started) * 1000)
        if not ok:
            errors["login"].append("login refused")
            return
    actions = list(WEIGHTS)
    weights = [WEIGHTS[a] for a in actions]
    n = 0
    while time.monotonic() < stop_at:
        time.sleep(rng.uniform(*think))  # reading the page before the next click
        with lock:
            if budget[0] <= 0:
                return
            budget[0] -= 1
        action = rng.choices(actions, weights)[0]
        n += 1
        method, form, expect = "GET", None, 200
        if action == "list":
            if rng.random() < 0.3:
                query = {"year": rng.choice(plan["years"])}
            else:
                query = {"page": rng.randint(1, plan["pages"])}
            path = "/issues/?" + urllib.parse.urlencode(query)
        elif action == "search":
            path = "/issues/?" + urllib.parse.urlencode({"q": rng.choice(SEARCH_WORDS)})
        elif action == "issue":
            path = f"/issues/{rng.choice(plan['issued'])}/"
        elif action == "submit":
            method, expect = "POST", 302
            path = f"/issues/sections/{plan['section']}/submit/"
            form = {
                "csrfmiddlewaretoken": user.cookies.get("csrftoken", ""),
                "headline": f"{user.username}开展第{n}次窗口服务提升活动。",
                "body": "窗口工作人员主动靠前服务，帮助群众办理业务，群众满意度进一步提升。" * 4,
                "action": "save",
            }
        else:
            path = f"/issues/{rng.choice(plan['pdfs'])}/pdf/"
        started = time.perf_counter()
        try:
            status, data = user.request(method, path, form)
            failure = None if status == expect else f"HTTP {status} for {path}"
            if action == "pdf" and not failure and not data.startswith(b"%PDF"):
                failure = "not a PDF"
        except Exception as exc:
            failure = repr(exc)
        elapsed = (time.perf_counter() - started) * 1000
        with lock:
            results[action].append(elapsed)
            if failure:
                errors[action].append(failure)


# --- the stack -----------------------------------------------------------------------


def start_stack(database_url: str, port: int) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "PYTEST_VERSION"}}
    env.update(
        DATABASE_URL=database_url,
        PORT=str(port),
        JIANBAO_DEMO="0",
        GUNICORN_ACCESS_LOG="/dev/null",
        LOG_LEVEL="WARNING",
    )
    return stack.start(["deploy/serve.sh"], env, port, quiet=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="jianbao_archive")
    parser.add_argument("--url", help="a server already running on this database")
    parser.add_argument("--port", type=int, default=8777)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--max-requests", type=int, default=30000)
    parser.add_argument("--think-min", type=float, default=0.5, help="seconds between clicks")
    parser.add_argument("--think-max", type=float, default=1.5)
    parser.add_argument("--ramp", type=float, default=10.0, help="seconds over which users arrive")
    args = parser.parse_args()
    database_url = f"{PG}/{args.database}"

    exists = subprocess.run(
        [
            "psql",
            f"{PG}/postgres",
            "-Atc",
            f"select 1 from pg_database where datname='{args.database}'",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if not exists:
        subprocess.run(
            ["psql", f"{PG}/postgres", "-qc", f'CREATE DATABASE "{args.database}"'], check=True
        )
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "-v0"],
            cwd=ROOT,
            env=dict(os.environ, DATABASE_URL=database_url, DEBUG="1"),
            check=True,
        )
    django_setup(database_url)
    password = secrets.token_urlsafe(12)
    plan = prepare(args.users, password)
    print(
        f"== archive: {len(plan['issued'])} issued issues over {len(plan['years'])} years; "
        f"{args.users} users, {args.duration:.0f} s or {args.max_requests} requests, "
        f"{args.think_min}-{args.think_max} s between a user's clicks"
    )

    server = None
    if args.url:
        parsed = urllib.parse.urlsplit(args.url)
        host, port = parsed.hostname, parsed.port or 80
    else:
        host, port = "127.0.0.1", args.port
        server = start_stack(database_url, port)
    try:
        # One warm-up pass per action, so no figure contains a process's first import.
        warm = User(host, port, plan["clerks"][0], password)
        warm.login()
        for path in ("/issues/", "/issues/?q=窗口", f"/issues/{plan['issued'][0]}/"):
            warm.request("GET", urllib.parse.quote(path, safe="/?=&"))
        for pk in plan["pdfs"]:
            warm.request("GET", f"/issues/{pk}/pdf/")

        results, errors = defaultdict(list), defaultdict(list)
        lock = threading.Lock()
        budget = [args.max_requests]
        began = time.monotonic()
        stop_at = began + args.duration
        threads = [
            threading.Thread(
                target=run_user,
                args=(
                    User(host, port, name, password),
                    plan,
                    stop_at,
                    budget,
                    results,
                    errors,
                    lock,
                    (args.think_min, args.think_max),
                    args.ramp * i / len(plan["clerks"]),
                ),
            )
            for i, name in enumerate(plan["clerks"])
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - began
    finally:
        if server is not None:
            stack.stop(server)

    print(
        f"\n{'action':8} {'count':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8} "
        f"{'req/s':>7} {'errors':>6}  target"
    )
    all_met = True
    for action in ("login", *PAGE_ACTIONS, "pdf"):
        values = results.get(action, [])
        if not values:
            print(f"{action:8} {0:>6}")
            all_met = False
            continue
        p95 = percentile(values, 0.95)
        target = TARGET_PDF_P95 if action == "pdf" else TARGET_PAGE_P95
        verdict = ""
        if action != "login":
            met = p95 <= target and not errors.get(action)
            all_met &= met
            verdict = f"p95 <= {target:.0f} ms, 0 errors: {'met' if met else 'MISSED'}"
        else:
            verdict = "(one per user; PBKDF2 password hashing)"
        print(
            f"{action:8} {len(values):>6} {statistics.median(values):>8.1f} {p95:>8.1f} "
            f"{percentile(values, 0.99):>8.1f} {max(values):>8.1f} "
            f"{len(values) / elapsed:>7.1f} {len(errors.get(action, [])):>6}  {verdict}"
        )
    total = sum(len(v) for v in results.values())
    print(
        f"\nall: {total} requests in {elapsed:.1f} s = {total / elapsed:.1f} req/s; "
        f"errors: {sum(len(v) for v in errors.values())}"
    )
    for action, messages in errors.items():
        print(f"  {action}: {messages[:3]}")
    print("targets: " + ("all met" if all_met else "MISSED"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
