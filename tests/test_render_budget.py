"""Renders run within a time and memory budget, in the worker, and a download never waits
for one: real WeasyPrint renders, the real queue table and the real worker command."""

import datetime
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from bulletin.models import Issue, PdfRender, Section
from bulletin.tasks import requeue_stale_tasks
from tests.conftest import run_worker
from tests.factories import make_issue, make_section, make_series

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def immediate(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def issue_with_body(body: str) -> Issue:
    issue = make_issue(make_series(), status=Issue.Status.EDITING)
    make_section(issue, title="本周概况", kind=Section.Kind.FREE, body=body)
    return issue


def leftovers(root: Path) -> list[Path]:
    return sorted(root.rglob("*.tmp"))


def test_a_render_past_its_time_budget_is_stopped_and_the_editor_sees_why(
    immediate, settings, client, editor
):
    settings.RENDER_TIMEOUT_SECONDS = 1
    # About 400 pages of one paragraph: far more than a second of layout.
    issue = issue_with_body("大厅运行平稳，群众满意。" * 20_000)
    client.force_login(editor)
    started = time.monotonic()
    response = client.get(reverse("bulletin:issue_pdf", args=[issue.pk]))
    elapsed = time.monotonic() - started
    assert elapsed < 5
    job = issue.renders.get()
    assert (job.status, job.reason) == (PdfRender.Status.FAILED, PdfRender.Reason.TIMEOUT)
    assert str(job.explanation()) in response.content.decode()
    assert leftovers(Path(settings.MEDIA_ROOT)) == []
    detail = client.get(reverse("bulletin:issue_detail", args=[issue.pk])).content.decode()
    assert str(job.explanation()) in detail


MEMORY_PROBE = """
import base64, pathlib, struct, sys, zlib
from bulletin.printing import budget, rendering

def png(side):
    # A grey square of side x side pixels: a few hundred KB of PNG, side * side * 4
    # bytes once decoded for drawing.
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data))
    rows = zlib.compress(b"\\0" * (side + 1) * side, 9)
    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    data = b"\\x89PNG\\r\\n\\x1a\\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")
    return base64.b64encode(data).decode()

rendering.warm_up()
side = int(sys.argv[-1])
html = "<p>大厅运行平稳。</p>"
if side:
    html += f'<img src="data:image/png;base64,{png(side)}" style="width: 10cm">'
try:
    rendering.renderer().render_bounded(html, pathlib.Path(sys.argv[-2]))
except budget.RenderFailed as failure:
    print("failed", failure.reason)
else:
    print("rendered")
"""


@pytest.mark.parametrize(
    ("megabytes", "side", "outcome"),
    [
        (64, 12_000, "failed memory"),
        (1536, 0, "rendered"),
        (1536, 1_000, "rendered"),
        (1536, 12_000, "rendered"),
    ],
)
def test_a_render_past_its_memory_budget_is_stopped(tmp_path, megabytes, side, outcome):
    # In a process of its own, as the worker is after a start (the budget is address
    # space beyond what the process holds). A picture of 12,000 pixels square needs
    # 576 MB to draw: past 64 MB it is stopped, within 1536 MB the same page renders.
    out = tmp_path / "out.pdf"
    probe = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + MEMORY_PROBE, str(out),
         str(side)],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "1",
             "RENDER_MEMORY_MB": str(megabytes), "JIANBAO_VAR_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
    )  # fmt: skip
    assert probe.stdout.strip().splitlines()[-1] == outcome, probe.stderr[-2000:]
    assert out.is_file() == (outcome == "rendered")
    assert leftovers(tmp_path) == []


def test_a_failed_render_is_remembered_for_that_text_only(immediate, settings, client, editor):
    settings.RENDER_TIMEOUT_SECONDS = 0.001
    issue = issue_with_body("大厅运行平稳。")
    client.force_login(editor)
    client.get(reverse("bulletin:issue_pdf", args=[issue.pk]))
    assert issue.renders.get().failed
    settings.RENDER_TIMEOUT_SECONDS = 60
    # The same text is not tried again by a download, only by 重新生成.
    again = client.get(reverse("bulletin:issue_pdf", args=[issue.pk]))
    assert again["Content-Type"].startswith("text/html")
    retried = client.post(reverse("bulletin:issue_pdf_retry", args=[issue.pk]), follow=True)
    assert retried["Content-Type"] == "application/pdf"
    assert issue.renders.get().status == PdfRender.Status.DONE


def test_an_uncached_download_queues_one_render_and_shows_the_pending_page(queued, client, editor):
    issue = issue_with_body("大厅运行平稳。")
    client.force_login(editor)
    url = reverse("bulletin:issue_pdf", args=[issue.pk])
    started = time.monotonic()
    first = client.get(url)
    assert time.monotonic() - started < 3
    assert first.status_code == 202
    assert 'http-equiv="refresh"' in first.content.decode()
    second = client.get(url)
    assert second.status_code == 202
    assert DBTaskResult.objects.count() == 1  # asking again does not queue a second render
    assert issue.renders.get().status == PdfRender.Status.QUEUED

    run_worker()

    done = client.get(url)
    assert done.status_code == 200
    assert done["Content-Type"] == "application/pdf"
    assert b"".join(done).startswith(b"%PDF")


def test_the_inline_preview_pending_page_has_no_navigation(queued, client, editor):
    issue = issue_with_body("大厅运行平稳。")
    client.force_login(editor)
    page = client.get(reverse("bulletin:issue_pdf", args=[issue.pk]), {"inline": "1"})
    assert page.status_code == 202
    assert "navbar" not in page.content.decode()


def lost_render(issue: Issue, runs: int, minutes_ago: int = 10) -> DBTaskResult:
    from bulletin.printing.pdf import request_render

    request_render(issue=issue)
    result = DBTaskResult.objects.get()
    started = timezone.now() - datetime.timedelta(minutes=minutes_ago)
    DBTaskResult.objects.filter(pk=result.pk).update(
        status="RUNNING", started_at=started, worker_ids=[f"killed-{n}" for n in range(runs)]
    )
    PdfRender.objects.filter(issue=issue).update(status=PdfRender.Status.RUNNING, attempts=runs)
    return result


def test_a_task_left_running_by_a_killed_worker_is_run_again(queued, settings):
    issue = issue_with_body("大厅运行平稳。")
    result = lost_render(issue, runs=1)
    assert requeue_stale_tasks() == (1, 0)
    result.refresh_from_db()
    assert result.status == "READY"
    run_worker()
    result.refresh_from_db()
    assert result.status == "SUCCESSFUL"
    assert issue.renders.get().status == PdfRender.Status.DONE


def test_a_task_still_within_its_time_is_left_alone(queued, settings):
    settings.TASK_STALE_SECONDS = 3600
    result = lost_render(issue_with_body("大厅运行平稳。"), runs=1, minutes_ago=10)
    assert requeue_stale_tasks() == (0, 0)
    result.refresh_from_db()
    assert result.status == "RUNNING"


def test_a_task_lost_too_often_is_failed_and_the_editor_sees_why(queued, settings, client, editor):
    settings.TASK_MAX_ATTEMPTS = 2
    issue = issue_with_body("大厅运行平稳。")
    result = lost_render(issue, runs=2)
    assert requeue_stale_tasks() == (0, 1)
    result.refresh_from_db()
    assert result.status == "FAILED"
    job = issue.renders.get()
    assert job.reason == PdfRender.Reason.INTERRUPTED
    client.force_login(editor)
    detail = client.get(reverse("bulletin:issue_detail", args=[issue.pk])).content.decode()
    assert str(job.explanation()) in detail


def test_an_issue_too_long_to_print_cannot_go_to_sign_off(settings, editor, db):
    from bulletin import services
    from lib.limits import MAX_BODY, MAX_ISSUE_CHARS
    from lib.workflow import WorkflowError

    issue = make_issue(make_series(), status=Issue.Status.EDITING)
    paragraph = "大厅运行平稳，群众满意。" * (MAX_BODY // 12)
    for position in range(1, MAX_ISSUE_CHARS // len(paragraph) + 2):
        make_section(issue, position, title="概况", kind=Section.Kind.FREE, body=paragraph)
    with pytest.raises(WorkflowError, match=str(MAX_ISSUE_CHARS)):
        services.issue_send_to_review(issue=issue, by=editor)
    issue.refresh_from_db()
    assert issue.status == Issue.Status.EDITING
    # Two sections fewer and it goes.
    issue.sections.order_by("-position").first().delete()
    issue.sections.order_by("-position").first().delete()
    services.issue_send_to_review(issue=issue, by=editor)
    assert issue.status == Issue.Status.REVIEW


@pytest.mark.parametrize(
    ("content", "line", "figure"),
    [
        ("窗口工作周报\n" + "很长的一段话。" * 1000 + "\n", 2, "7000"),
        ("窗口工作周报\n" + "短句。\n" * 400_000, None, "4.0 MB"),
    ],
    ids=["paragraph", "file"],
)
def test_the_importer_refuses_what_could_not_be_printed(tmp_path, db, content, line, figure):
    from bulletin.importer import BulletinFormatError, import_file

    path = tmp_path / "big.txt"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(BulletinFormatError) as refused:
        import_file(path)
    # the message (in the UI's language) names the line and the size
    assert (refused.value.line, figure in refused.value.message) == (line, True)
    assert not Issue.objects.exists()
