"""Server time of the issue list on a generated archive. Prints figures; asserts nothing.

    DATABASE_URL=postgres://… .venv/bin/python bench/issue_list.py [--runs 15]

Run `manage.py generate_archive` into that database first. Each request goes through
the Django test client as the first editor (every issue visible) and the first
department clerk (issued issues only); the time is the median and the range over
--runs requests after 2 warm-ups, with the number of queries and of matching issues.
Target: well under 200 ms for each.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "1")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from bulletin.models import Issue  # noqa: E402
from departments.models import Department, User  # noqa: E402


def cases() -> list[tuple[str, dict]]:
    department = Department.objects.filter(name="水利厅").first() or Department.objects.first()
    year = Issue.objects.order_by("-year").values_list("year", flat=True).first()
    return [
        ("list, page 1", {}),
        ("list, page 10", {"page": 10}),
        ("search 不动产 (3 chars)", {"q": "不动产"}),
        ("search 营商环境 (4 chars)", {"q": "营商环境"}),
        ("search 调研 (2 chars)", {"q": "调研"}),
        ("search 第38期", {"q": "第38期"}),
        ("search 9月25日", {"q": "9月25日"}),
        ("search, no match", {"q": "没有这样的词语"}),
        (f"year {year - 2} + {department}", {"year": year - 2, "department": department.pk}),
        (f"{department} + 营商环境", {"department": department.pk, "q": "营商环境"}),
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    print(f"{connection.vendor}: {Issue.objects.count()} issues")
    users = [
        u
        for u in (
            User.objects.filter(role="editor", is_superuser=False).order_by("pk").first(),
            User.objects.filter(role="staff", is_superuser=False)
            .exclude(department=None)
            .order_by("pk")
            .first(),
        )
        if u
    ]
    url = reverse("bulletin:issue_list")
    for user in users:
        client = Client(HTTP_HOST="localhost")
        client.force_login(user)
        print(f"\n{user.username} ({user.role})")
        for name, params in cases():
            for _ in range(2):
                client.get(url, params)
            times = []
            for _ in range(args.runs):
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    response = client.get(url, params)
                    times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.status_code
            found = re.search(r'id="found">\D*(\d+)', response.content.decode())
            found = found[1] if found else "all"
            print(
                f"  {name:<32} {statistics.median(times):6.1f} ms "
                f"({min(times):.1f}–{max(times):.1f})  {len(queries)} queries, {found} issues"
            )


if __name__ == "__main__":
    main()
