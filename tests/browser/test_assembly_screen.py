"""组稿 as one screen, in real Chromium: outline, fields and the bulletin side by side."""

import os

import pytest
from playwright.sync_api import expect

from bulletin.models import Issue, Section
from tests.browser.conftest import login
from tests.conftest import make_user
from tests.factories import make_issue, make_section, make_series, make_submission

CONTROLS = "input:not([type=hidden]), select, textarea, button, label, a.btn"


@pytest.fixture
def issue(transactional_db, department):
    make_user("editor", "editor")
    issue = make_issue(make_series(), year=2024, number=7, total=7, status=Issue.Status.EDITING)
    outline = [
        ("大厅工作动态", 1, Section.Kind.ITEMS),
        ("厅（局）长进大厅", 1, Section.Kind.LEADER_VISITS),
        ("窗口服务数据统计", 2, Section.Kind.STATISTICS),
        ("大厅巡查情况。", 2, Section.Kind.INSPECTION),
        ("其他事项", 1, Section.Kind.FREE),
    ]
    for position, (title, level, kind) in enumerate(outline, start=1):
        make_section(issue, position=position, title=title, level=level, kind=kind)
    items = issue.sections.get(kind=Section.Kind.ITEMS)
    for n in range(3):
        make_submission(
            items,
            department,
            headline=f"第{n + 1}条信息的标题。",
            body="某某厅窗口推行“一件事一次办”，办件时长压缩一半。" * 3,
            status="accepted",
            position=n,
        )
    return issue


def overlaps(page, scope: str) -> list:
    """Pairs of visible controls under `scope` whose boxes overlap (1 px tolerance)."""
    return page.evaluate(
        """([scope, selector]) => {
            const boxes = [...document.querySelectorAll(scope)]
              .flatMap(root => [...root.querySelectorAll(selector)])
              .filter(el => el.offsetParent !== null && !el.closest('[hidden]'))
              .map(el => [el, el.getBoundingClientRect()])
              .filter(([, r]) => r.width > 0 && r.height > 0);
            const found = [];
            for (let i = 0; i < boxes.length; i++) {
              for (let j = i + 1; j < boxes.length; j++) {
                const [a, p] = boxes[i], [b, q] = boxes[j];
                if (a.contains(b) || b.contains(a)) continue;
                const x = Math.min(p.right, q.right) - Math.max(p.left, q.left);
                const y = Math.min(p.bottom, q.bottom) - Math.max(p.top, q.top);
                if (x > 1 && y > 1) found.push([a.outerHTML.slice(0, 80), b.outerHTML.slice(0, 80)]);
              }
            }
            return found;
        }""",
        [scope, CONTROLS],
    )


@pytest.mark.parametrize("width", [1280, 1024, 800])
def test_no_two_controls_of_the_screen_overlap_for_any_section_kind(
    live_server, page, issue, width
):
    page.set_viewport_size({"width": width, "height": 900})
    login(page, live_server.url, "editor")
    for section in issue.sections.all():
        page.goto(f"{live_server.url}/issues/{issue.pk}/assemble/?section={section.pk}")
        expect(page.locator("#editor h2")).to_contain_text(section.title)
        if os.environ.get("SHOTS"):
            page.screenshot(path=f"/tmp/shots/assemble-{width}-{section.kind}.png", full_page=True)
        assert overlaps(page, "#outline, #editor") == [], section.kind


def test_a_field_shows_only_for_the_kinds_it_changes(live_server, page, issue):
    login(page, live_server.url, "editor")
    items = issue.sections.get(kind=Section.Kind.ITEMS)
    page.goto(f"{live_server.url}/issues/{issue.pk}/assemble/?section={items.pk}")
    style = page.locator("#editor").get_by_label("生成文字样式")
    numbering = page.locator("#editor").get_by_label("条目编号样式")
    expect(style).to_be_hidden()
    expect(numbering).to_be_visible()
    # Switching the kind shows what the new kind uses, before anything is saved.
    page.locator("#editor").get_by_label("类型").select_option("leader_visits")
    expect(style).to_be_visible()
    expect(numbering).to_be_hidden()


def test_the_title_text_can_be_selected_with_the_mouse(live_server, page, issue):
    login(page, live_server.url, "editor")
    section = issue.sections.get(kind=Section.Kind.ITEMS)
    page.goto(f"{live_server.url}/issues/{issue.pk}/assemble/?section={section.pk}")
    title = page.locator("#editor").get_by_label("标题", exact=True)
    box = title.bounding_box()
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + 4, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] - 4, y, steps=10)
    page.mouse.up()
    selected = title.evaluate("el => el.value.slice(el.selectionStart, el.selectionEnd)")
    assert selected == section.title
    # The items below can be selected too: only their handle starts a drag.
    assert page.locator("#editor [data-reorder] > li").first.get_attribute("draggable") is None


def test_the_preview_shows_the_saved_title_scrolled_to_its_section(live_server, page, issue):
    login(page, live_server.url, "editor")
    # The first section's text fills several sheets: the last section is far down.
    issue.sections.filter(position=1).update(body="\n".join(["窗口办件量持续增长。" * 12] * 40))
    section = issue.sections.get(kind=Section.Kind.FREE)
    page.goto(f"{live_server.url}/issues/{issue.pk}/assemble/?section={section.pk}")
    page.locator("#editor").get_by_label("标题", exact=True).fill("优化营商环境专项行动")
    page.locator("#section-fields").get_by_role("button", name="保存").click()
    expect(page.locator(".alert")).to_contain_text("已保存")

    shown = page.locator(f"#preview #section-{section.pk}")
    expect(shown).to_contain_text("三、优化营商环境专项行动")
    expect(page.locator("#outline")).to_contain_text("三、优化营商环境专项行动")
    # The preview scrolled on its own to the section just saved.
    assert page.locator("#preview").evaluate("el => el.scrollTop") > 0
    pane = page.locator("#preview").bounding_box()
    heading = shown.bounding_box()
    assert pane["y"] <= heading["y"] < pane["y"] + pane["height"]

    page.locator("#section-text").get_by_label("正文").fill("第一段。\n第二段写明了办件时长。")
    page.locator("#section-text").get_by_role("button", name="保存正文").click()
    expect(shown).to_contain_text("第二段写明了办件时长。")
