"""The print faces ship with the project: what is in them, and that fonts.css, the HTML
preview and the PDF all name them the same way."""

from pathlib import Path

import pytest
from django.core.checks import run_checks
from django.core.management import call_command
from django.core.management.base import CommandError
from fontTools.ttLib import TTFont

from bulletin.printing import fonts

GB2312_HANZI = [ch for ch in fonts._gb2312() if "\u4e00" <= ch <= "\u9fff"]


@pytest.fixture(scope="module")
def shipped():
    return {role.key: TTFont(fonts.shipped_path(role), lazy=True) for role in fonts.ROLES}


def test_the_subset_covers_gb2312_and_full_width_forms():
    chars = fonts.gb2312_characters()
    assert len(GB2312_HANZI) == 6763  # GB2312's two levels of hanzi
    for ch in "，。、；：？！“”（）《》〔〕—…０Ａａ":
        assert ch in chars, ch
    assert "喆" not in chars  # outside GB2312: printed from a system face, if any


def test_every_text_face_has_every_gb2312_hanzi(shipped):
    for key, font in shipped.items():
        if fonts.ROLES_BY_KEY[key].charset != "gb2312":
            continue
        cmap = font.getBestCmap()
        missing = [ch for ch in GB2312_HANZI if ord(ch) not in cmap]
        assert not missing, (key, len(missing), "".join(missing[:20]))


def test_the_page_number_face_has_the_digits_and_the_dash(shipped):
    cmap = shipped["songti"].getBestCmap()
    assert all(ord(ch) in cmap for ch in "0123456789— ")


def test_the_body_face_sets_quotes_on_a_full_character_and_digits_on_half(shipped):
    font = shipped["fangsong"]
    em = font["head"].unitsPerEm
    cmap, hmtx = font.getBestCmap(), font["hmtx"]
    assert {hmtx[cmap[ord(ch)]][0] for ch in "“”‘’"} == {em}
    assert {hmtx[cmap[ord(ch)]][0] for ch in "0123456789"} == {em // 2}
    glyf = font["glyf"]
    for ch in "0123456789“”‘’":  # every mark stays inside its box
        glyph = glyf[cmap[ord(ch)]]
        assert glyph.xMin >= 0 and glyph.xMax <= hmtx[cmap[ord(ch)]][0], ch
    # an opening quote leans on the text after it, a closing one on the text before
    assert glyf[cmap[ord("“")]].xMin > em / 2 > glyf[cmap[ord("”")]].xMax


def test_every_face_shares_the_vertical_metrics(shipped):
    metrics = set()
    for font in shipped.values():
        upm = font["head"].unitsPerEm
        metrics.add((round(font["hhea"].ascent / upm, 3), round(-font["hhea"].descent / upm, 3)))
    assert metrics == {fonts.VERTICAL_METRICS}


def test_the_common_characters_have_the_lowest_glyph_ids(shipped):
    for key, font in shipped.items():
        if fonts.ROLES_BY_KEY[key].charset != "gb2312":
            continue
        cmap = font.getBestCmap()
        # "座" is the last of GB2312's 3,755 common hanzi
        assert font.getGlyphID(cmap[ord("座")]) < 4600, key
        assert font.getGlyphID(cmap[ord("，")]) < 800, key


def test_the_shipped_faces_carry_names_of_their_own_and_the_sources_credits(shipped):
    for key, font in shipped.items():
        role = fonts.ROLES_BY_KEY[key]
        names = {r.toUnicode() for r in font["name"].names if r.nameID in (1, 4)}
        assert names == {role.family}, key
        copyright_ = " ".join(r.toUnicode() for r in font["name"].names if r.nameID == 0)
        assert copyright_.strip(), key  # the source's copyright notice is kept


def test_every_face_has_its_licence_beside_it():
    for role in fonts.ROLES:
        licence = fonts.shipped_dir() / role.licence
        assert licence.is_file() and licence.stat().st_size > 1000, role.licence
    text = (fonts.shipped_dir() / "OFL-ZhuqueFangsong.txt").read_text("utf-8")
    assert "SIL Open Font License" in text


def test_fonts_css_is_what_build_fonts_writes_and_tries_the_official_faces_first():
    css = fonts.stylesheet_path().read_text("utf-8")
    assert css == fonts.font_face_css()
    for role in fonts.ROLES:
        rule = css[css.index(f'font-family: "{role.family}"') :].split("}", 1)[0]
        assert rule.index(f'local("{role.official[0]}")') < rule.index(f'url("{role.file}")')
    call_command("build_fonts", "--check", stdout=__import__("io").StringIO())


def test_the_check_of_build_fonts_refuses_a_missing_face(monkeypatch, tmp_path):
    monkeypatch.setattr(fonts, "shipped_dir", lambda: tmp_path)
    (tmp_path / "fonts.css").write_text(fonts.font_face_css(), "utf-8")
    with pytest.raises(CommandError, match="missing"):
        call_command("build_fonts", "--check")


def test_print_css_names_the_shipped_family_first_in_every_stack():
    css = (Path(fonts.shipped_dir()).parent / "bulletin" / "print.css").read_text("utf-8")
    stacks = [line.split(":", 1)[1] for line in css.splitlines() if "font-family:" in line]
    assert stacks
    # print.css writes each role's stack (fonts.Role.stack) as it is: names quoted
    expected = {
        ", ".join(name if name == role.generic else f'"{name}"' for name in role.stack)
        for role in fonts.ROLES
    }
    for stack in stacks:
        assert stack.strip().rstrip(";") in expected, stack
        # the official faces are local() sources of the shipped family, not stack entries
        # that a fontconfig alias could answer with another face
        assert "GB2312" not in stack and "SimSun" not in stack, stack


def test_the_issue_page_loads_the_shipped_faces(client, editor, db):
    from tests.factories import make_issue, make_series

    issue = make_issue(make_series())
    client.force_login(editor)
    page = client.get(f"/issues/{issue.pk}/").content.decode()
    assert "fonts/fonts.css" in page


def test_the_system_check_errs_when_a_shipped_face_is_gone(monkeypatch, tmp_path):
    monkeypatch.setattr(fonts, "shipped_dir", lambda: tmp_path)
    ids = {message.id for message in run_checks(tags=["fonts"])}
    assert "bulletin.E001" in ids


def test_the_system_check_is_quiet_with_the_shipped_faces():
    ids = {message.id for message in run_checks(tags=["fonts"])}
    assert "bulletin.E001" not in ids


def test_the_deploy_check_notes_the_missing_official_faces():
    messages = run_checks(tags=["fonts"], include_deployment_checks=True)
    notes = [m for m in messages if m.id == "bulletin.I001"]
    assert bool(notes) == bool(fonts.missing_official_faces())


def test_missing_official_faces_are_named():
    for line in fonts.missing_official_faces():
        key, _, face = line.partition(": ")
        assert face == fonts.ROLES_BY_KEY[key].official[0]


def test_characters_of_the_shipped_faces_are_never_unprintable():
    assert fonts.unprintable("窗口工作周报，2023年第38期“总第458期”。\n") == []


def test_a_character_no_face_has_is_named_once(monkeypatch):
    monkeypatch.setattr(fonts, "system_has", lambda code: False)
    assert fonts.unprintable("张喆、王喆和𠀀😀仿宋") == ["喆", "𠀀", "😀"]


@pytest.fixture
def rare_issue(db):
    from bulletin.models import Issue, Section
    from tests.factories import make_issue, make_section, make_series

    issue = make_issue(make_series(), status=Issue.Status.EDITING)
    make_section(issue, title="工作动态", kind=Section.Kind.FREE, body="张喆同志到窗口值守。")
    return issue


def test_the_issue_page_names_the_characters_that_would_print_as_boxes(
    client, editor, clerk, rare_issue, monkeypatch
):
    monkeypatch.setattr(fonts, "system_has", lambda code: False)  # a machine without them
    client.force_login(editor)
    page = client.get(f"/issues/{rare_issue.pk}/")
    assert page.context["unprintable"] == ["喆"]
    assert "印出将是方框" in page.content.decode()


def test_sending_to_review_warns_of_characters_that_would_print_as_boxes(
    client, editor, rare_issue, monkeypatch
):
    monkeypatch.setattr(fonts, "system_has", lambda code: False)
    client.force_login(editor)
    response = client.post(f"/issues/{rare_issue.pk}/send-to-review/", follow=True)
    warnings = [str(m) for m in response.context["messages"] if m.level_tag == "warning"]
    assert warnings and "喆" in warnings[0]
    rare_issue.refresh_from_db()
    assert rare_issue.status == "review"  # told, not stopped: the text is the editor's call


def test_a_character_a_system_face_has_is_not_named(client, editor, rare_issue, monkeypatch):
    monkeypatch.setattr(fonts, "system_has", lambda code: chr(code) == "喆")
    client.force_login(editor)
    assert client.get(f"/issues/{rare_issue.pk}/").context["unprintable"] == []


def test_a_gunicorn_worker_loads_the_print_pipeline_before_its_first_request(monkeypatch):
    import runpy

    from bulletin.printing import rendering

    monkeypatch.setattr(rendering, "_renderer", None)
    hooks = runpy.run_path(
        str(Path(fonts.shipped_dir()).parent.parent / "deploy" / "gunicorn.conf.py")
    )
    logged = []

    class Worker:
        class log:
            info = staticmethod(lambda *args: logged.append(args))

    hooks["post_worker_init"](Worker())
    assert rendering._renderer is not None
    assert logged and "print pipeline ready" in logged[0][0]


def test_the_shipped_woff2_files_skip_the_glyf_transform():
    """A transformed glyf table is rebuilt in Python at each start (3 s a TrueType face)."""
    from fontTools.ttLib.woff2 import WOFF2Reader

    for role in fonts.ROLES:
        with open(fonts.shipped_path(role), "rb") as stream:
            reader = WOFF2Reader(stream)
            transformed = {tag for tag, entry in reader.tables.items() if entry.transformed}
        assert not transformed & {"glyf", "loca"}, (role.file, transformed)
