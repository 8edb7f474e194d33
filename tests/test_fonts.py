from django.core.checks import run_checks
from fontTools.ttLib import TTFont

from bulletin.printing import fonts


def test_the_subset_covers_gb2312_and_full_width_forms():
    chars = fonts.gb2312_characters()
    hanzi = [ch for ch in chars if "\u4e00" <= ch <= "\u9fff"]
    assert len(hanzi) >= 6763  # GB2312's two levels of hanzi
    for ch in "，。、；：？！“”（）《》〔〕—…０Ａａ":
        assert ch in chars, ch
    assert "喆" not in chars  # outside GB2312: printed from the full system face


def test_every_stack_ends_in_faces_with_cjk_glyphs():
    for role in fonts.ROLES:
        assert any("CJK" in name or "UKai" in name for name in role.fallbacks), role.key


def test_built_subsets_share_the_body_faces_vertical_metrics():
    manifest = fonts.read_manifest()
    assert manifest, "no font subsets: run `python manage.py build_fonts` (make does)"
    metrics = set()
    for entry in manifest.values():
        font = TTFont(fonts.subset_dir() / entry["file"], lazy=True)
        upm = font["head"].unitsPerEm
        metrics.add((round(font["hhea"].ascent / upm, 2), round(font["hhea"].descent / upm, 2)))
    assert len(metrics) == 1, metrics


def test_built_subsets_number_common_characters_first():
    assert fonts.subsets_current(), "subsets of an older build: run `python manage.py build_fonts`"
    for entry in fonts.read_manifest().values():
        font = TTFont(fonts.subset_dir() / entry["file"], lazy=True)
        cmap = font.getBestCmap()
        # "座" is the last of GB2312's 3,755 common hanzi
        assert font.getGlyphID(cmap[ord("座")]) < 4600, entry["file"]
        assert font.getGlyphID(cmap[ord("，")]) < 800, entry["file"]


def test_font_face_rules_point_at_the_built_files():
    css = fonts.font_face_css()
    for key, entry in fonts.read_manifest().items():
        role = fonts.ROLES_BY_KEY[key]
        assert f'font-family: "{role.subset_family}"' in css
        assert (fonts.subset_dir() / entry["file"]).resolve().as_uri() in css


def test_system_check_warns_when_no_cjk_face_is_installed(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # no fc-list: fontconfig sees nothing
    fonts.installed_face.cache_clear()
    try:
        ids = {message.id for message in run_checks(tags=["fonts"])}
    finally:
        fonts.installed_face.cache_clear()
    assert "bulletin.W001" in ids


def test_system_check_is_quiet_about_cjk_faces_on_this_machine():
    ids = {message.id for message in run_checks(tags=["fonts"])}
    assert "bulletin.W001" not in ids


def test_deploy_check_notes_the_missing_official_faces():
    messages = run_checks(tags=["fonts"], include_deployment_checks=True)
    notes = [m for m in messages if m.id == "bulletin.I001"]
    assert bool(notes) == bool(fonts.missing_official_faces())


def test_missing_official_faces_are_named():
    missing = fonts.missing_official_faces()
    for line in missing:
        key, _, face = line.partition(": ")
        assert face == fonts.ROLES_BY_KEY[key].official[0]
