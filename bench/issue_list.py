"""Server time of the issue list on a generated archive. Prints figures; asserts nothing.

    DATABASE_URL=postgres://… .venv/bin/python bench/issue_list.py [--runs 15] [--halls 22]

The database must be migrated; when it holds fewer than 400 issued issues the script
first runs `manage.py generate_archive` (the ten-year archive), and it adds an editor
and a clerk of 水利厅 (bench-editor, bench-clerk, no usable password) when it has none.
Each request goes through the Django test client as the first editor (every issue
visible) and the first department clerk (issued issues only); the time is the median and
the range over --runs requests after 2 warm-ups, with the number of queries and of
matching issues. The searches take words, several words (all must match), an issue's
印发日期 and period in the printed forms and its numbers; each result shows its passage.
Target: well under 200 ms for each (README: 12–30 ms on PostgreSQL).

With --halls N the archive is a province (`generate_archive --halls N --years 10`: the
provincial hall and N-1 city halls, about 500 issues and 15,000 items each, so 22 halls
are about 11,000 issues and 330,000 items), and the requests are made as one city
hall's editor and clerk (hallNN-editor, hallNN-staff), who see only their hall's issues:
each line also gives the p95, and a check line says how many of the hall's issues the
user sees out of all and whether any result of another hall came back.
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

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from bulletin.models import Issue, Submission  # noqa: E402
from departments.models import Department, Hall, User  # noqa: E402


def prepare_province(halls: int) -> list[User]:
    """The province's archive when missing; the users of its last city hall."""
    if Hall.objects.count() < halls or Issue.objects.issued().count() < 400 * halls:
        print(f"== generating the province (manage.py generate_archive --halls {halls})")
        call_command("generate_archive", "--years", "10", "--halls", str(halls))
    hall = Hall.objects.order_by("display_order", "pk")[halls - 1]
    users = User.objects.filter(hall=hall, role__in=["editor", "staff"], is_superuser=False)
    return sorted(users.exclude(role="staff", department=None), key=lambda u: u.role)


def prepare() -> None:
    """The archive and the two users the requests are made as, when missing."""
    if Issue.objects.filter(status=Issue.Status.ISSUED).count() < 400:
        print("== generating the 10-year archive (manage.py generate_archive --years 10)")
        call_command("generate_archive", "--years", "10")
    department = Department.objects.filter(name="水利厅").first() or Department.objects.first()
    for username, role, dept in (
        ("bench-editor", User.Role.EDITOR, None),
        ("bench-clerk", User.Role.STAFF, department),
    ):
        existing = User.objects.filter(role=role, is_superuser=False)
        if dept is not None:
            existing = existing.exclude(department=None)
        if not existing.exists():
            user = User(username=username, role=role, department=dept, hall=Hall.objects.default())
            user.set_unusable_password()
            user.save()


def cases(user: User | None = None) -> list[tuple[str, dict]]:
    """The requests; with `user`, about the issues and departments of their hall."""
    issues = Issue.objects.all() if user is None else Issue.objects.visible_to(user)
    departments = Department.objects.all() if user is None else Department.objects.visible_to(user)
    department = (
        departments.filter(
            name__in=["水利厅", f"{user.hall.short_name if user else ''}水利局"]
        ).first()
        or departments.first()
    )
    year = issues.order_by("-year").values_list("year", flat=True).first()
    # An issue of two years ago, to be found by its date and numbers.
    issue = issues.issued().filter(year=year - 2, issue_date__isnull=False).first()
    date = issue.issue_date
    return [
        ("list, page 1", {}),
        ("list, page 10", {"page": 10}),
        ("search 不动产 (3 chars)", {"q": "不动产"}),
        ("search 营商环境 (4 chars)", {"q": "营商环境"}),
        ("search 调研 (2 chars)", {"q": "调研"}),
        ("search 第38期", {"q": "第38期"}),
        ("search 9月25日", {"q": "9月25日"}),
        ("search, no match", {"q": "没有这样的词语"}),
        ("search 营商环境 水利厅", {"q": "营商环境 水利厅"}),
        ("search 营商环境，不动产登记", {"q": "营商环境，不动产登记"}),
        ("search 调研 营商环境 水利厅", {"q": "调研 营商环境 水利厅"}),
        ("search 营商环境 没有这样的词语", {"q": "营商环境 没有这样的词语"}),
        (
            f"search {date.year}年{date.month}月{date.day}日",
            {"q": f"{date:%Y}年{date.month}月{date.day}日"},
        ),
        (f"search {date:%Y-%m-%d}", {"q": f"{date:%Y-%m-%d}"}),
        (f"search {date.month}月{date.day}日", {"q": f"{date.month}月{date.day}日"}),
        (f"search 第{issue.total_number}期", {"q": f"第{issue.total_number}期"}),
        (f"search {issue.number}期", {"q": f"{issue.number}期"}),
        (f"search {issue.year}年第{issue.number}期", {"q": f"{issue.year}年第{issue.number}期"}),
        (f"search 营商环境 {issue.year}年", {"q": f"营商环境 {issue.year}年"}),
        (f"year {year - 2} + {department}", {"year": year - 2, "department": department.pk}),
        (f"{department} + 营商环境", {"department": department.pk, "q": "营商环境"}),
    ]


def p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def hall_check(user: User) -> str:
    """How many issues the user sees of all, and whether they are all the hall's."""
    seen = Issue.objects.visible_to(user)
    others = seen.exclude(series__hall=user.hall_scope).count()
    return (
        f"  sees {seen.count()} of {Issue.objects.count()} issues "
        f"(its hall {user.hall.name}: {Issue.objects.in_hall(user.hall_scope).count()}), "
        f"{others} of another hall"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument(
        "--halls", type=int, default=0, help="a province of N halls; as a city hall's users"
    )
    args = parser.parse_args()
    if args.halls:
        hall_users = prepare_province(args.halls)
    else:
        prepare()
    print(
        f"{connection.vendor}: {Issue.objects.count()} issues, "
        f"{Submission.objects.count()} items, {Hall.objects.count()} halls"
    )
    users = (
        hall_users
        if args.halls
        else [
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
    )
    url = reverse("bulletin:issue_list")
    for user in users:
        client = Client(HTTP_HOST="localhost")
        client.force_login(user)
        print(f"\n{user.username} ({user.role})")
        if args.halls:
            print(hall_check(user))
        foreign = set(
            Issue.objects.exclude(series__hall=user.hall_scope).values_list("pk", flat=True)
        )
        for name, params in cases(user if args.halls else None):
            for _ in range(2):
                client.get(url, params)
            times = []
            for _ in range(args.runs):
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    response = client.get(url, params)
                    times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.status_code
            page = response.content.decode()
            found = re.search(r'id="found">\D*(\d+)', page)
            found = found[1] if found else "all"
            shown = {int(pk) for pk in re.findall(r'href="/issues/(\d+)/"', page)}
            leak = f", {len(shown & foreign)} of another hall" if args.halls else ""
            print(
                f"  {name:<36} {statistics.median(times):6.1f} ms "
                f"(p95 {p95(times):.1f}, {min(times):.1f}–{max(times):.1f})  "
                f"{len(queries)} queries, {found} issues{leak}"
            )


if __name__ == "__main__":
    main()
