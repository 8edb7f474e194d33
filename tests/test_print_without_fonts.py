"""A machine with no font at all prints the official layout with the shipped faces, and a
machine with fonts of its own (but none of the official faces) prints the same pages.

fontconfig reads its configuration once per process, so each render runs in a process of
its own: once with FONTCONFIG_FILE naming a configuration without a single font
directory, once with the machine's own configuration.
"""

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pdfplumber
import pytest
from django.conf import settings
from pdfminer.pdftypes import resolve1

from bulletin.importer import import_file, parse_bulletin, save_bulletin
from bulletin.printing import fonts, rendering
from tests.tools import check_pdf

pytestmark = pytest.mark.django_db  # the seeds are imported once, then rolled back

ROOT = Path(__file__).resolve().parent.parent
EMPTY_CONFIG = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig><cachedir>{cache}</cachedir></fontconfig>
"""
# A machine whose only font is a full face: 朱雀仿宋 with its 12,000 characters, 喆 镕 堃
# among them (the shipped subset stops at GB2312).
FULL_FACE_CONFIG = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig><dir>{fonts}</dir><cachedir>{cache}</cachedir></fontconfig>
"""
RARE = "本周，王喆、朱镕基、李堃到大厅调研。"
# No face at all has these: they print as .notdef boxes, which is why the editor is told.
NO_FACE = "《𠀀字考》😀"
UNPRINTABLE = """
import json, django
django.setup()
from bulletin.printing import fonts
print(json.dumps(fonts.unprintable(%r)))
"""
RENDER = """
import json, sys
import django
django.setup()
from bulletin.printing.rendering import render_pdf
for html, pdf in json.loads(sys.argv[1]):
    with open(html, encoding="utf-8") as f:
        data = render_pdf(f.read())
    with open(pdf, "wb") as f:
        f.write(data)
"""
# Not a seed: quotes, digits and half-width punctuation in every kind of section.
VARIATION = """\
# 窗口工作周报

2024 年第 12 期（总第 501 期）

（3 月 18 日—3 月 22 日）

四川省政府政务服务和公共资源交易服务中心

2024 年 3 月 25 日

一、“一网通办”推进情况

本周，省级政务服务平台受理事项 12,345 件，办结 12,001 件，办结率 97.2%。“川渝通办”事项新增 16 项，累计 311 项，群众在两地办事“只进一扇门”“最多跑一次”。各窗口围绕“高效办成一件事”梳理事项清单，压减申请材料 126 份，平均办理时限由 8.5 个工作日缩短到 3 个工作日，企业和群众满意率保持在 99.6% 以上。

二、大厅工作动态

1.省市场监管局推行“一照多址”改革。改革后，企业在同一县（市、区）内增设经营场所不再另办营业执照，办理时间由 5 个工作日缩短至 1 个工作日，本周已有 38 户企业享受改革便利，节约办事成本约 20 万元。

2.省税务局开展“春风行动”，在大厅设立“办不成事”反映窗口，本周服务纳税人 1,000 余户次，现场解决“急难愁盼”问题 27 个，对 6 类高频事项实行“预约办”“延时办”，窗口平均等候时间缩短到 8 分钟以内。

---

发：省级相关部门（单位）窗口。

（共印 60 份）
"""


def _render(jobs: list[tuple[Path, Path]], env: dict[str, str]) -> None:
    result = subprocess.run(
        [sys.executable, "-c", RENDER, json.dumps([[str(h), str(p)] for h, p in jobs])],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "1", **env},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]


def _words(path: Path) -> list[list[tuple]]:
    with pdfplumber.open(path) as pdf:
        return [
            [(w["text"], round(w["x0"], 1), round(w["top"], 1)) for w in page.extract_words()]
            for page in pdf.pages
        ]


def _fonts(path: Path) -> list[tuple[str, bool]]:
    """(name, embedded) of every font the PDF uses."""
    found = {}
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            for font in (resolve1(page.page_obj.resources.get("Font")) or {}).values():
                font = resolve1(font)
                descendant = resolve1(font.get("DescendantFonts", [font])[0])
                descriptor = resolve1(descendant.get("FontDescriptor")) or {}
                embedded = any(k in descriptor for k in ("FontFile", "FontFile2", "FontFile3"))
                found[str(resolve1(font["BaseFont"]))] = embedded
    return sorted(found.items())


@pytest.fixture(scope="module")
def renders(tmp_path_factory, django_db_setup, django_db_blocker):
    """The two seeds and a variation, rendered with no font and with the machine's."""
    out = tmp_path_factory.mktemp("print")
    expected = {}
    with django_db_blocker.unblock():
        from django.db import transaction

        with transaction.atomic():
            issues = {
                "2022-39": import_file(settings.DEMO_SEEDS_DIR / "2022-39.txt"),
                "2023-38": import_file(settings.DEMO_SEEDS_DIR / "2023-38.txt"),
                "variation": save_bulletin(parse_bulletin(VARIATION)),
            }
            for name, issue in issues.items():
                (out / f"{name}.html").write_text(rendering.render_document_html(issue), "utf-8")
            transaction.set_rollback(True)
    expected = {
        "2022-39": settings.DEMO_SEEDS_DIR / "2022-39.txt",
        "2023-38": settings.DEMO_SEEDS_DIR / "2023-38.txt",
        "variation": out / "variation.txt",
    }
    (out / "variation.txt").write_text(VARIATION, "utf-8")
    config = out / "empty-fonts.conf"
    config.write_text(EMPTY_CONFIG.format(cache=out / "fc-cache"), "utf-8")
    names = list(expected)
    _render([(out / f"{n}.html", out / f"{n}-bare.pdf") for n in names],
            {"FONTCONFIG_FILE": str(config)})  # fmt: skip
    _render([(out / f"{n}.html", out / f"{n}-own.pdf") for n in names], {})
    return out, expected


def test_the_empty_configuration_really_has_no_font(tmp_path):
    config = tmp_path / "fonts.conf"
    config.write_text(EMPTY_CONFIG.format(cache=tmp_path / "cache"), "utf-8")
    listed = subprocess.run(
        ["fc-list"], env={**os.environ, "FONTCONFIG_FILE": str(config)},
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert listed.strip() == ""


@pytest.mark.parametrize("name", ["2022-39", "2023-38", "variation"])
def test_with_no_font_at_all_the_bulletin_passes_every_layout_rule(renders, name):
    out, expected = renders
    report = check_pdf.check(str(out / f"{name}-bare.pdf"), str(expected[name]), 0.97)
    assert [f"{row['check']}: {row['value']}" for row in report.failed] == []
    present = next(r for r in report.rows if r["check"].startswith("expected text"))
    assert float(present["value"].split("%")[0]) >= 97


@pytest.mark.parametrize("name", ["2022-39", "2023-38", "variation"])
def test_with_no_font_at_all_every_face_is_embedded_and_the_body_is_the_shipped_fangsong(
    renders, name
):
    out, _ = renders
    used = _fonts(out / f"{name}-bare.pdf")
    assert used and all(embedded for _, embedded in used), used
    with pdfplumber.open(out / f"{name}-bare.pdf") as pdf:
        text = [c for c in pdf.pages[0].chars if round(c["size"]) == 16 and c["text"].strip()]
    faces = Counter(c["fontname"].split("+", 1)[-1] for c in text)
    assert faces.most_common(1)[0][0] == "Jianbao-FangSong", faces


@pytest.mark.parametrize("name", ["2022-39", "2023-38", "variation"])
def test_the_machines_own_fonts_give_the_same_pages(renders, name):
    if len(fonts.missing_official_faces()) < len(fonts.ROLES):
        pytest.skip("an official face is installed here: it prints instead, as it should")
    out, _ = renders
    assert _words(out / f"{name}-own.pdf") == _words(out / f"{name}-bare.pdf")


@pytest.fixture(scope="module")
def rare_render(tmp_path_factory, django_db_setup, django_db_blocker):
    """An issue with characters outside GB2312, rendered where the only font is full."""
    from django.db import transaction

    from bulletin.models import Section
    from tests.factories import make_issue, make_section, make_series

    out = tmp_path_factory.mktemp("rare")
    with django_db_blocker.unblock(), transaction.atomic():
        issue = make_issue(make_series(), year=2024, number=9, total=470)
        make_section(issue, title="领导调研", kind=Section.Kind.FREE, body=RARE)
        (out / "rare.html").write_text(rendering.render_document_html(issue), "utf-8")
        transaction.set_rollback(True)
    config = out / "full-face.conf"
    config.write_text(
        FULL_FACE_CONFIG.format(fonts=ROOT / "fonts" / "src", cache=out / "fc-cache"), "utf-8"
    )
    env = {"FONTCONFIG_FILE": str(config)}
    _render([(out / "rare.html", out / "rare.pdf")], env)
    result = subprocess.run(
        [sys.executable, "-c", UNPRINTABLE % (RARE + NO_FACE)],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "1", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return out / "rare.pdf", json.loads(result.stdout.strip().splitlines()[-1])


def test_characters_outside_the_subsets_print_from_a_system_face_that_has_them(rare_render):
    path, _ = rare_render
    with pdfplumber.open(path) as pdf:
        chars = [c for page in pdf.pages for c in page.chars]
    assert "王喆、朱镕基、李堃" in "".join(c["text"] for c in chars)
    for ch in "喆镕堃":
        used = {c["fontname"].split("+", 1)[-1] for c in chars if c["text"] == ch}
        assert used == {"Zhuque-Fangsong"}, (ch, used)  # the machine's full face
    body = {c["fontname"].split("+", 1)[-1] for c in chars if c["text"] == "厅"}
    assert body == {"Jianbao-FangSong"}  # the rest of the line from the shipped face


def test_the_characters_no_face_has_are_named(rare_render):
    _, unprintable = rare_render
    assert unprintable == ["𠀀", "😀"]
