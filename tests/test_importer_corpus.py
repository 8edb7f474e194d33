"""Bulletins written for the structure inference (tests/importer_corpus/, not the seeds):
other centres, outlines, numbering schemes, punctuation widths, reprinted articles, page
numbers, 版记 variants. Each NN-name.txt has its expected outline in NN-name.outline,
written by hand from the text (see the comment at its top for what it shows):

    title: / issue: YEAR NUMBER TOTAL / issuing_body: / issue_date: / period: / column:
    section: LEVEL | KIND | TITLE | PARAGRAPHS | ITEMS      (every section, in order)
    attachment: MONTH | ROWS | TITLE                        (every attachment)
    report_to: / send_to: / distribute_to: / print_count:
    line: NO | ROLE [LEVEL] [FIELD or REASON] [joined NO]   (the lines a rule decides)
    text: SECTION PARAGRAPH | TEXT   (1-based; an exact paragraph)
    item: SECTION ITEM | TEXT        (1-based; its lines joined with \\n)

"-" is an empty value. Every line of every file must be accounted for.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from bulletin.importer import import_file
from bulletin.importing import Role, read_bulletin, read_source
from bulletin.models import Issue

CORPUS = Path(__file__).resolve().parent / "importer_corpus"
FILES = sorted(CORPUS.glob("*.txt"))


def _value(text: str) -> str:
    return "" if text == "-" else text


def expected(path: Path) -> dict:
    want: dict = {"sections": [], "attachments": [], "lines": {}, "texts": {}, "items": {}}
    for raw in path.with_suffix(".outline").read_text(encoding="utf-8").splitlines():
        if not raw.strip() or raw.startswith("#"):
            continue
        key, _, rest = raw.partition(": ")
        if key == "section":
            level, kind, title, paragraphs, items = (p.strip() for p in rest.split("|"))
            want["sections"].append((int(level), kind, title, int(paragraphs), int(items)))
        elif key == "attachment":
            month, rows, title = (p.strip() for p in rest.split("|"))
            want["attachments"].append((_value(month), int(rows), title))
        elif key == "line":
            no, role = (p.strip() for p in rest.split("|"))
            want["lines"][int(no)] = role
        elif key in ("text", "item"):
            where, text = (p.strip() for p in rest.split("|", 1))
            section, index = map(int, where.split())
            want[f"{key}s"][(section, index)] = text.replace("\\n", "\n")
        else:
            want[key] = _value(rest.strip())
    return want


def describe(line) -> str:
    """A line's role in the words of the .outline files."""
    parts = [line.role.value]
    if line.level:
        parts.append(str(line.level))
    parts += [part for part in (line.field, line.reason) if part]
    if line.joined_to:
        parts.append(f"joined {line.joined_to}")
    return " ".join(parts)


def _iso(day: datetime.date | None) -> str:
    return day.isoformat() if day else ""


def read(path: Path):
    source = read_source(path.read_bytes(), path.name)
    return read_bulletin(source.text, whole_paragraphs=source.whole_paragraphs), source


def test_the_corpus_has_at_least_twelve_bulletins_each_with_its_outline():
    assert len(FILES) >= 12
    assert all(path.with_suffix(".outline").is_file() for path in FILES)


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_a_corpus_bulletin_reads_as_its_expected_outline(path):
    reading, _source = read(path)
    assert reading.error is None, f"{path.name}: {reading.error}"
    doc, want = reading.bulletin, expected(path)
    total = str(doc.total_number) if doc.total_number is not None else "-"
    masthead = {
        "title": doc.title,
        "issue": f"{doc.year} {doc.number} {total}",
        "issuing_body": doc.issuing_body,
        "issue_date": _iso(doc.issue_date),
        "period": f"{_iso(doc.period_start)} {_iso(doc.period_end)}".strip(),
        "column": doc.column_title,
        "report_to": doc.report_to,
        "send_to": doc.send_to,
        "distribute_to": doc.distribute_to,
        "print_count": "" if doc.print_count is None else str(doc.print_count),
    }
    assert masthead == {key: want[key] for key in masthead}
    sections = [(s.level, s.kind, s.title, len(s.body), len(s.items)) for s in doc.sections]
    assert sections == want["sections"]
    attachments = [
        (a.month.strftime("%Y-%m") if a.month else "", len(a.rows), a.title)
        for a in doc.attachments
    ]
    assert attachments == want["attachments"]
    by_no = {line.no: line for line in reading.lines}
    assert {no: describe(by_no[no]) for no in want["lines"]} == want["lines"]
    texts = {(s, p): doc.sections[s - 1].body[p - 1] for s, p in want["texts"]}
    assert texts == want["texts"]
    items = {(s, i): doc.sections[s - 1].items[i - 1].text for s, i in want["items"]}
    assert items == want["items"]


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_every_line_of_a_corpus_bulletin_is_accounted_for(path):
    reading, source = read(path)
    lines = source.text.splitlines()
    assert [line.no for line in reading.lines] == list(range(1, len(lines) + 1))
    for line, text in zip(reading.lines, lines, strict=True):
        assert line.role != Role.UNREAD, line
        assert line.text == text.rstrip()
        # a dropped line says why; a line the bulletin keeps is not blank
        assert bool(line.reason) == (line.role == Role.DROPPED), line
        assert (line.reason == "blank") == (not text.strip()), line
        if line.role in (Role.HEADING, Role.BODY, Role.ITEM, Role.TITLE, Role.NOTE):
            assert line.section is not None and line.section < len(reading.bulletin.sections)


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_a_corpus_bulletin_imports_with_its_outline(path, db):
    issue = import_file(path)
    want = expected(path)
    saved = [
        (s.level, s.kind, s.title, len(s.paragraphs), s.submissions.count())
        for s in issue.sections.exclude(kind="attachment").order_by("position")
    ]
    assert saved == want["sections"]
    assert issue.status == Issue.Status.ISSUED
    # A masthead without 总第 prints none: the series does not number in total.
    assert ("总第" in issue.label) == (want["issue"].split()[2] != "-")
