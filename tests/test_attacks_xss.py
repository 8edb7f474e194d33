"""Markup and template syntax typed into every text field, through the real forms:
escaped on every page that shows it, printed as plain text in the PDF.
"""

from __future__ import annotations

import re

import pdfplumber
import pytest
from django.utils.html import escape

from bulletin.models import Section, Submission
from bulletin.printing import rendering
from departments.models import Department
from scoring import services as scoring
from scoring.models import ScoreMonth
from tests.attack_world import build_world, client_for, fill, project_routes

PAYLOADS = [
    '<script>alert("x")</script>',
    '"><img src=x onerror=alert(1)>',
    "{{ 7*7 }}",
    "{% csrf_token %}",
    "javascript:alert(1)",
]


def _url(name: str, **values) -> str:
    route = next(r for r in project_routes() if r.name == name)
    return fill(route.route, values)


def _ok(response, *, expect=(200, 302)):
    assert response.status_code in expect, response.status_code
    return response


def _shows_escaped(html: str, payload: str, where: str, times: int = 1) -> None:
    assert html.count(escape(payload)) >= times, f"{where}: payload not shown"
    if escape(payload) != payload:
        assert payload not in html, f"{where}: raw payload in the page"
    assert "<img src=x" not in html and 'href="javascript' not in html


def inject(w, p: str) -> dict:
    """Put the payload in every user text field through the forms; the objects made."""
    o, made = w.obj, {}
    clerk, editor, scorer = client_for(w, "clerk"), client_for(w, "editor"), client_for(w, "scorer")
    approver, admin = client_for(w, "approver"), client_for(w, "admin")
    _ok(
        admin.post(
            "/admin/departments/department/add/",
            {"name": p, "short_name": "", "display_order": "30", "is_active": "on"},
        )
    )
    made["department"] = Department.objects.get(name=p)
    # a department's item: submitted, then accepted with an edit (a diff page)
    _ok(
        clerk.post(
            _url("bulletin:submission_new", pk=o["section"].pk),
            {"headline": p, "body": p, "action": "submit"},
        )
    )
    made["item"] = Submission.objects.get(headline=p)
    made["queue"] = editor.get(_url("bulletin:review_queue", pk=o["issue"].pk)).content.decode()
    _ok(
        editor.post(
            _url("bulletin:submission_accept", pk=made["item"].pk),
            {"headline": p, "body": p + "\n" + p, "version": made["item"].version},
        )
    )
    _ok(editor.post(_url("bulletin:submission_return", pk=o["sent"].pk), {"reason": p}))
    _ok(
        clerk.post(
            _url("bulletin:visit_new"),
            {
                "date": o["issue"].period_end.isoformat(),
                "leader_name": p,
                "leader_title": p,
                "activity": p,
            },
        )
    )
    # the centre's own sections, text and records
    for kind in ("free", "inspection"):
        _ok(
            editor.post(
                _url("bulletin:section_add", pk=o["issue"].pk),
                {
                    "new-title": p,
                    "new-level": "1",
                    "new-kind": kind,
                    "new-prose_style": "paragraphs",
                },
            )
        )
    made["section"] = Section.objects.get(title=p, kind="free")
    inspection = Section.objects.get(title=p, kind="inspection")
    _ok(
        editor.post(
            _url("bulletin:section_text", pk=made["section"].pk),
            {"body": p, "version": made["section"].version},
        )
    )
    finding = o["finding"]
    _ok(
        editor.post(
            _url("scoring:inspection_detail", pk=o["round"].pk),
            {
                "form-TOTAL_FORMS": "2",
                "form-INITIAL_FORMS": "1",
                "form-MIN_NUM_FORMS": "0",
                "form-MAX_NUM_FORMS": "1000",
                "version": o["round"].version,
                "form-0-id": finding.pk,
                "form-0-topic": finding.topic,
                "form-0-finding": finding.finding,
                "form-0-department": finding.department_id,
                "form-0-proposed_points": finding.proposed_points,
                "form-1-topic": p,
                "form-1-finding": p,
            },
        )
    )
    for section in (inspection, o["visits_section"]):
        _ok(editor.post(_url("bulletin:section_generate", pk=section.pk), {"overwrite": "1"}))
    _ok(
        editor.post(
            _url("bulletin:issue_edit", pk=o["issue"].pk),
            {
                "version": "1",
                "column_title": p,
                "report_to": p,
                "send_to": p,
                "distribute_to": p,
                "print_count": "40",
            },
        )
    )
    _ok(
        editor.post(
            _url("bulletin:section_call", pk=made["section"].pk), {"deadline": "2099-01-01T10:00"}
        )
    )
    _ok(editor.post(_url("bulletin:section_remind", pk=made["section"].pk)))
    _ok(approver.post(_url("bulletin:issue_return", pk=o["in_review"].pk), {"comment": p}))
    # the window assessment
    _ok(
        scorer.post(
            _url("scoring:entry_add", pk=o["month"].pk),
            {
                "department": o["department"].pk,
                "date": "2024-03-05",
                "points": "-1",
                "reason": p,
                "clause": p,
                "evidence": p,
            },
        )
    )
    _ok(
        clerk.post(
            _url("scoring:objection_file", pk=o["published"].pk),
            {"entry": o["published_entry"].pk, "text": p},
        )
    )
    objection = o["published"].objections.get()
    _ok(
        scorer.post(_url("scoring:objection_answer", pk=objection.pk), {"upheld": "0", "answer": p})
    )
    _ok(
        scorer.post(
            _url("scoring:inspection_list"),
            {"date": "2024-03-05", "inspector": p, "topics": "着装情况"},
        )
    )
    # The frozen month's lines, now with the department named by the payload.
    ScoreMonth.objects.filter(pk=o["frozen"].pk).update(status=ScoreMonth.Status.OPEN)
    scoring.month_recompute(month=ScoreMonth.objects.get(pk=o["frozen"].pk))
    ScoreMonth.objects.filter(pk=o["frozen"].pk).update(status=ScoreMonth.Status.FROZEN)
    _ok(editor.post(_url("bulletin:attach_scores", pk=o["issue"].pk), {"month": o["frozen"].pk}))
    assert (
        not Submission.objects.filter(headline=p, body=p + "\n" + p)
        .exclude(status="accepted")
        .exists()
    )
    return made


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payloads_are_escaped_on_every_page(db, settings, tmp_path, payload):
    settings.MEDIA_ROOT = tmp_path
    w = build_world()
    made = inject(w, payload)
    o = w.obj
    clerk, editor, scorer = client_for(w, "clerk"), client_for(w, "editor"), client_for(w, "scorer")
    _shows_escaped(made["queue"], payload, "review queue", times=2)
    pages = [
        (clerk, _url("bulletin:my_department"), 2),  # the item and the returned reason
        (clerk, _url("bulletin:submission_detail", pk=o["sent"].pk), 1),
        (clerk, _url("bulletin:notice_list"), 1),
        (clerk, _url("scoring:month_detail", pk=o["month"].pk), 3),
        (clerk, _url("scoring:month_detail", pk=o["published"].pk), 2),
        (editor, _url("bulletin:submission_detail", pk=made["item"].pk), 2),  # with the diff
        (editor, _url("bulletin:issue_detail", pk=o["issue"].pk), 8),
        (editor, _url("bulletin:issue_edit", pk=o["issue"].pk), 4),
        (editor, _url("bulletin:assemble", pk=o["issue"].pk), 2),
        (editor, _url("bulletin:board", pk=o["issue"].pk), 2),
        (editor, _url("bulletin:section_text", pk=made["section"].pk), 2),
        (editor, _url("bulletin:issue_detail", pk=o["in_review"].pk), 1),
        (scorer, _url("scoring:month_detail", pk=o["frozen"].pk), 1),
        (scorer, _url("scoring:inspection_list"), 1),
        (scorer, _url("scoring:inspection_detail", pk=o["round"].pk), 1),
    ]
    for client, url, times in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        _shows_escaped(response.content.decode(), payload, url, times)


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_payloads_print_as_plain_text_in_the_pdf(db, settings, tmp_path):
    """One issue, one render: each payload in its own fields, read back from the PDF."""
    settings.MEDIA_ROOT = tmp_path
    w = build_world()
    o = w.obj
    editor, clerk = client_for(w, "editor"), client_for(w, "clerk")
    for n, p in enumerate(PAYLOADS):
        _ok(
            clerk.post(
                _url("bulletin:submission_new", pk=o["section"].pk),
                {"headline": p, "body": p, "action": "submit"},
            )
        )
        item = Submission.objects.get(headline=p)
        _ok(editor.post(_url("bulletin:submission_accept", pk=item.pk)))
        _ok(
            editor.post(
                _url("bulletin:section_add", pk=o["issue"].pk),
                {
                    "new-title": p,
                    "new-level": "2",
                    "new-kind": "free",
                    "new-prose_style": "paragraphs",
                },
            )
        )
        section = Section.objects.get(title=p)
        _ok(
            editor.post(
                _url("bulletin:section_text", pk=section.pk),
                {"body": f"第{n}段：{p}", "version": section.version},
            )
        )
    lines = dict(zip(["report_to", "send_to", "distribute_to"], PAYLOADS, strict=False))
    _ok(
        editor.post(
            _url("bulletin:issue_edit", pk=o["issue"].pk),
            {"version": "1", "column_title": PAYLOADS[3], **lines},
        )
    )
    o["issue"].refresh_from_db()
    html = rendering.render_document_html(o["issue"])
    pdf = tmp_path / "attack.pdf"
    pdf.write_bytes(rendering.render_pdf(html))
    with pdfplumber.open(pdf) as document:
        text = _squeeze("".join(page.extract_text() or "" for page in document.pages))
    for p in PAYLOADS:
        # title, item, and the body line; more for the payloads in the masthead and 报尾
        assert text.count(_squeeze(p)) >= 3, p
        assert escape(p) == p or escape(p) in html
