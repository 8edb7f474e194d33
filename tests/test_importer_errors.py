"""Limits and errors of the importer: a file too large, a paragraph too long, fields the
database cannot hold, numbers out of range, and the database's own refusals: each is
FILE:LINE: message on the command line, in the UI's language, and nothing is saved."""

from __future__ import annotations

import contextlib
import io
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import models
from django.utils import translation

from bulletin.importer import import_file, save_bulletin
from bulletin.importing import BulletinFormatError, parse_bulletin, read_source
from bulletin.models import Issue, Section, Series, Submission
from departments.models import Department
from lib.limits import MAX_BODY, MAX_IMPORT_BYTES, MAX_IMPORT_LINES
from scoring.models import ScoreEntry, WindowScore

MASTHEAD = "窗口工作周报\n\n2024年第5期（总第105期）\n\n某市政务服务中心\n\n2024年3月8日\n\n"
BODY = "一、工作概况\n\n本周运行平稳。\n\n二、窗口工作动态\n\n1.市税务局窗口推行网上办税。本周办理120件。\n\n"
TABLE = (
    "附件\n\n2024年2月某市政务服务大厅窗口考核结果\n\n"
    "排名\t部门窗口\t基础分\t减分\t加分\t实得分\n"
    "1\t市税务局\t100\t0\t2\t102\n"
    "2\t市医保局\t100\t-1\t0\t99\n\n"
)
FOOTER = "发：各部门窗口。\n\n（共印10份）\n"
GOOD = MASTHEAD + BODY + TABLE + FOOTER
HAN = re.compile(r"[\u4e00-\u9fff]")


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Series, Issue, Section, Submission, Department, WindowScore, ScoreEntry)
    }


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), start=1) if needle in line)


def run(*paths, language: str = "en") -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    with translation.override(language), contextlib.suppress(CommandError):
        call_command("import_bulletin", *map(str, paths), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


# What the reader refuses, with the line it names: (text, the line's needle, a word of the
# English message).
BAD = {
    "heading-too-long": (
        GOOD.replace("一、工作概况", "一、" + "工作" * 120),
        "一、工作工作",
        "characters",
    ),
    "item-headline-too-long": (
        GOOD.replace("1.市税务局窗口推行网上办税。", "1.市税务局窗口" + "推行网上办税" * 60 + "。"),
        "1.市税务局窗口",
        "characters",
    ),
    "distribution-too-long": (
        GOOD.replace("发：各部门窗口。", "发：" + "各部门窗口、" * 400 + "。"),
        "发：",
        "characters",
    ),
    "department-name-too-long": (
        GOOD.replace("\t市医保局\t", "\t" + "市医疗保障局" * 20 + "\t"),
        "市医疗保障局",
        "characters",
    ),
    "issue-number-out-of-range": (
        GOOD.replace("第5期（总第105期）", "第99999999999期（总第105期）"),
        "第99999999999期",
        "out of range",
    ),
    "total-number-zero": (GOOD.replace("总第105期", "总第0期"), "总第0期", "out of range"),
    "year-out-of-range": (
        GOOD.replace("2024年第5期", "1024年第5期"),
        "1024年第5期",
        "out of range",
    ),
    "print-count-out-of-range": (
        GOOD.replace("共印10份", "共印99999999999份"),
        "99999999999份",
        "out of range",
    ),
    "score-out-of-range": (
        GOOD.replace("1\t市税务局\t100\t0\t2\t102", "1\t市税务局\t100000\t0\t2\t100002"),
        "100000",
        "out of range",
    ),
    "paragraph-too-long": (
        GOOD.replace("本周运行平稳。", "本周运行平稳，" * (MAX_BODY // 7 + 1) + "。"),
        "本周运行平稳，",
        "characters",
    ),
    "joined-paragraph-too-long": (
        # two lines of MAX_BODY // 2 + 10 without a full stop: a page break's halves
        GOOD.replace(
            "本周运行平稳。",
            "本" * (MAX_BODY // 2 + 10) + "\n\n" + "周" * (MAX_BODY // 2 + 10) + "。",
        ),
        "周周周",
        "characters",
    ),
    "numbering-skips": (
        GOOD.replace("二、窗口工作动态", "三、窗口工作动态"),
        "三、窗口",
        "expected",
    ),
    "score-does-not-add-up": (GOOD.replace("\t99\n", "\t98\n"), "市医保局", "not 98"),
    "date-impossible": (GOOD.replace("2024年3月8日", "2024年2月30日"), "2月30日", "real date"),
}


@pytest.mark.parametrize(("text", "needle", "word"), list(BAD.values()), ids=list(BAD))
def test_a_bad_file_is_refused_as_file_colon_line_and_nothing_is_saved(
    tmp_path, db, text, needle, word
):
    import_file(write(tmp_path, GOOD.replace("第5期", "第4期").replace("总第105期", "总第104期")))
    before = counts()
    path = write(tmp_path, text, "bad.txt")
    out, err = run(path)
    line = line_of(text, needle)
    assert err.startswith(f"{path}:{line}: "), err
    assert word in err
    assert counts() == before
    assert "imported" not in out


def write(tmp_path, text: str, name: str = "bulletin.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_good_file_of_these_cases_imports(tmp_path, db):
    """The cases above break one thing each in a file that imports."""
    issue = import_file(write(tmp_path, GOOD))
    assert issue.sections.count() == 3
    assert WindowScore.objects.count() == 2


@pytest.mark.parametrize(
    ("data", "word"),
    [
        pytest.param(b"x" * (MAX_IMPORT_BYTES + 1), "MB", id="too-large"),
        pytest.param(
            ("窗口工作周报\n" + "\n" * MAX_IMPORT_LINES).encode(), "lines", id="too-many-lines"
        ),
        pytest.param(b"\xff\xfe\x00\x81\x30\xff" * 10, "GB18030", id="not-text"),
        pytest.param(b"PK\x03\x04" + b"\0" * 50, "Word", id="broken-docx"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_as_file_colon_message(tmp_path, db, data, word):
    path = tmp_path / "bulletin.txt"
    path.write_bytes(data)
    before = counts()
    _out, err = run(path)
    assert err.startswith(f"{path}: "), err
    assert word in err
    assert counts() == before


def test_a_file_too_large_is_refused_before_it_is_read(tmp_path, db, monkeypatch):
    path = tmp_path / "big.txt"
    path.write_bytes(b"x" * (MAX_IMPORT_BYTES + 1))
    monkeypatch.setattr(type(path), "read_bytes", lambda self: pytest.fail("read"))
    with pytest.raises(BulletinFormatError) as refused:
        import_file(path)
    assert refused.value.line is None


def test_a_database_refusal_names_the_line_of_the_row_and_saves_nothing(db):
    """A value the reader's checks let through and the database refuses (here a section
    level outside 1–4, a CheckConstraint): the line of that section, nothing saved."""
    doc = parse_bulletin(GOOD)
    doc.sections[1].level = 5
    before = counts()
    with pytest.raises(BulletinFormatError) as refused:
        save_bulletin(doc)
    assert refused.value.line == line_of(GOOD, "二、窗口工作动态")
    assert counts() == before


def test_a_database_refusal_of_the_issue_names_its_number_line(db):
    doc = parse_bulletin(GOOD)
    doc.number = 0  # past the reader's checks: the issue's CheckConstraint refuses it
    before = counts()
    with pytest.raises(BulletinFormatError) as refused:
        save_bulletin(doc)
    assert refused.value.line == line_of(GOOD, "2024年第5期")
    assert counts() == before


def test_a_database_error_on_the_command_line_is_file_colon_line(tmp_path, db, monkeypatch):
    from django.db import DataError

    original = models.QuerySet.bulk_create

    def refuse(self, objs, *args, **kwargs):
        objs = list(objs)
        if self.model is Submission and objs:  # the first section with items
            raise DataError("value too long for type character varying(300)")
        return original(self, objs, *args, **kwargs)

    monkeypatch.setattr(models.QuerySet, "bulk_create", refuse)
    path = write(tmp_path, GOOD)
    before = counts()
    _out, err = run(path)
    assert err.startswith(f"{path}:{line_of(GOOD, '二、窗口工作动态')}: "), err
    assert "character varying(300)" in err
    assert counts() == before


def test_read_source_refuses_what_the_render_budget_could_not_print():
    with pytest.raises(BulletinFormatError, match="characters"), translation.override("en"):
        read_source(("窗口工作周报\n" + "短句。" * 40_000).encode(), "a.txt")


def test_importer_messages_are_in_chinese(tmp_path, db):
    """Needs the zh_Hans catalogue with the importer's messages."""
    text, needle, _word = BAD["numbering-skips"]
    path = write(tmp_path, text)
    _out, err = run(path, language="zh-hans")
    assert err.startswith(f"{path}:{line_of(text, needle)}: ")
    message = err.split(": ", 1)[1]
    assert HAN.search(message.replace("三、窗口工作动态", "")), message
    assert "expected" not in message


def test_a_value_too_long_for_its_column_is_a_line_numbered_error_on_postgresql(db):
    """PostgreSQL refuses a varchar too long mid-transaction (DataError); the reader's
    checks are bypassed here to reach it. SQLite stores it: its columns have no length."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("SQLite does not limit the length of a column")
    doc = parse_bulletin(GOOD)
    doc.sections[1].title = "很长的标题" * 50
    before = counts()
    with pytest.raises(BulletinFormatError) as refused:
        save_bulletin(doc)
    assert refused.value.line == line_of(GOOD, "二、窗口工作动态")
    assert counts() == before
