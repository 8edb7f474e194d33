"""The PDF cache key covers every file that shapes the print, found, not listed."""

from pathlib import Path

import pytest

from bulletin.printing import rendering

ROOT = Path(__file__).resolve().parent.parent


def test_the_key_follows_includes_tag_libraries_stylesheet_and_print_code():
    files = {path.relative_to(ROOT).as_posix() for path in rendering.print_files()
             if path.is_relative_to(ROOT)}  # fmt: skip
    for expected in (
        "templates/bulletin/print/document.html",
        "templates/bulletin/includes/bulletin.html",
        "templates/bulletin/includes/distribution.html",
        "templates/bulletin/includes/distribution_lines.html",  # included twice, listed once
        "templates/bulletin/includes/attachment.html",
        "bulletin/templatetags/bulletin_tags.py",
        "scoring/templatetags/scoring_tags.py",
        "static/bulletin/print.css",
        "bulletin/printing/typesetting.py",
        "bulletin/printing/rendering.py",
    ):
        assert expected in files, expected
    assert not any(name.endswith("workflow_panel.html") for name in files)  # the web page's


def test_every_template_the_print_includes_is_in_the_key():
    """Each template named by an include of a printed template is among the key's files."""
    import re

    files = set(rendering.print_files())
    templates = [path for path in files if path.suffix == ".html"]
    for template in templates:
        for name in re.findall(r'{%\s*include\s+"([^"]+)"', template.read_text("utf-8")):
            assert ROOT / "templates" / name in files, (template.name, name)


@pytest.fixture
def print_templates(tmp_path, settings):
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "root.html").write_text('{% include "t/child.html" %}', "utf-8")
    (tmp_path / "t" / "child.html").write_text("<p>报尾</p>", "utf-8")
    return tmp_path / "t"


def test_changing_an_included_template_changes_the_key(print_templates):
    before = rendering.files_digest(rendering.print_files("t/root.html"))
    (print_templates / "child.html").write_text("<p>报尾（新）</p>", "utf-8")
    after = rendering.files_digest(rendering.print_files("t/root.html"))
    assert before != after


def test_an_include_of_a_variable_name_is_refused(print_templates):
    (print_templates / "root.html").write_text("{% include name %}", "utf-8")
    with pytest.raises(ValueError, match="variable template name"):
        rendering.print_files("t/root.html")
