"""Server time and query count of the editor's and the department's busiest pages.

    .venv/bin/python bench/pages.py [--database bench_pages] [--runs 40]

Builds its own data in a fresh PostgreSQL database (dropped and created again): 30
departments with a clerk each, an open issue whose 大厅工作动态 section holds 5 items
per department in every status (draft, submitted, returned, accepted, not used), the
previous issue issued with its items, and the reminders of both. Each page goes through
the Django test client; the figures are the median and the 95th percentile of --runs
requests after 3 warm-ups, and the number of queries of one request. Prints figures;
asserts nothing. Targets: p95 <= 150 ms and <= 15 queries for each page.
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PG = "postgres://postgres@127.0.0.1:5432"

TARGET_MS, TARGET_QUERIES = 150, 15
DEPARTMENTS, ITEMS = 30, 5


def setup_django(database: str) -> None:
    subprocess.run(
        ["psql", f"{PG}/postgres", "-qc", f'DROP DATABASE IF EXISTS "{database}"'], check=True
    )
    subprocess.run(["psql", f"{PG}/postgres", "-qc", f'CREATE DATABASE "{database}"'], check=True)
    os.environ["DATABASE_URL"] = f"{PG}/{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "1")
    os.environ["BACKGROUND_WORKER"] = "1"  # reminders' e-mails wait in the table
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build():
    from bulletin import services
    from bulletin.models import Issue, Section, Series, Submission
    from departments.models import Department, Hall, User

    series = Series.objects.create(title="窗口工作周报", issuing_body="政务服务中心")
    editor = User.objects.create_user(
        "editor", password="x", role=User.Role.EDITOR, hall=Hall.objects.default()
    )
    departments = [
        Department.objects.create(name=f"第{n}厅", short_name=f"{n}厅", display_order=n)
        for n in range(1, DEPARTMENTS + 1)
    ]
    clerks = [
        User.objects.create_user(f"clerk{d.pk}", password="x", role=User.Role.STAFF, department=d)
        for d in departments
    ]
    statuses = [
        Submission.Status.DRAFT,
        Submission.Status.SUBMITTED,
        Submission.Status.RETURNED,
        Submission.Status.ACCEPTED,
        Submission.Status.NOT_USED,
    ]
    issues = []
    for number, status in ((37, Issue.Status.ISSUED), (38, Issue.Status.COLLECTING)):
        start = datetime.date(2023, 9, 4) + datetime.timedelta(weeks=number - 37)
        issue = Issue.objects.create(
            series=series,
            year=2023,
            number=number,
            total_number=420 + number,
            status=status,
            period_start=start,
            period_end=start + datetime.timedelta(days=4),
            issue_date=start + datetime.timedelta(days=7)
            if status == Issue.Status.ISSUED
            else None,
        )
        Section.objects.create(
            issue=issue, position=1, title="本周概况", kind="free", body="大厅运行平稳。" * 20
        )
        items = Section.objects.create(issue=issue, position=2, title="大厅工作动态", kind="items")
        Submission.objects.bulk_create(
            Submission(
                section=items,
                department=department,
                headline=f"{department.name}开展第{n}项工作。",
                body="窗口服务规范有序，群众满意度持续提升。" * 8,
                status=Submission.Status.ACCEPTED if status == Issue.Status.ISSUED else statuses[n],
                return_reason="请补充办件数量。"
                if statuses[n] == Submission.Status.RETURNED
                else "",
                position=n,
            )
            for department in departments
            for n in range(ITEMS)
        )
        if status != Issue.Status.ISSUED:
            services.issue_remind(section=items, by=editor)
        issues.append(issue)
    return issues[-1], editor, clerks[0]


def measure(client, url: str, runs: int) -> tuple[float, float, int, int]:
    from django.db import connection

    for _ in range(3):
        client.get(url)
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    # Counted at the cursor: the request's connection is closed and opened again, which
    # empties Django's own query log.
    with connection.execute_wrapper(count):
        status = client.get(url).status_code
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return statistics.median(times), p95, len(queries), status


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", default="bench_pages")
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()
    setup_django(args.database)
    from django.test import Client
    from django.urls import reverse

    issue, editor, clerk = build()
    editor_client, clerk_client = Client(HTTP_HOST="localhost"), Client(HTTP_HOST="localhost")
    editor_client.force_login(editor)
    clerk_client.force_login(clerk)
    pages = [
        ("board (报送情况)", editor_client, reverse("bulletin:board", args=[issue.pk])),
        ("review queue", editor_client, reverse("bulletin:review_queue", args=[issue.pk])),
        ("组稿 (assemble)", editor_client, reverse("bulletin:assemble", args=[issue.pk])),
        ("issue page", editor_client, reverse("bulletin:issue_detail", args=[issue.pk])),
        ("notices (clerk)", clerk_client, reverse("bulletin:notice_list")),
    ]
    print(f"PostgreSQL, {DEPARTMENTS} departments x {ITEMS} items, {args.runs} runs each")
    print(
        f"{'page':<20} {'median':>8} {'p95':>8} {'queries':>8}   target p95 <= {TARGET_MS} ms, <= {TARGET_QUERIES} queries"
    )
    for name, client, url in pages:
        median, p95, queries, status = measure(client, url, args.runs)
        within = "ok" if p95 <= TARGET_MS and queries <= TARGET_QUERIES else "OVER"
        print(f"{name:<20} {median:>6.1f}ms {p95:>6.1f}ms {queries:>8}   {within} (HTTP {status})")


if __name__ == "__main__":
    main()
