"""An editor imports a bulletin file: the preview shows what every line became, one line's
role is corrected, the file is read again and imported, and the issue shows the corrected
structure."""

import re

from playwright.sync_api import expect

from bulletin.models import Issue
from tests.browser.conftest import login
from tests.conftest import make_user

TEXT = """窗口工作周报

2024年第7期

某市政务服务和公共资源交易服务中心编　2024年4月12日

一、重点工作

窗口服务情况

本周，大厅共受理业务3120件，办结3098件，群众满意率99.8%.

— 2 —

二、窗口工作动态

1.市税务局窗口推行网上办税。本周办理120件。

发：各部门窗口。

（共印10份）
"""
CORRECTED = 9  # "窗口服务情况": read as an article title; it is the subsection （一）


def test_editor_uploads_corrects_a_line_and_imports(live_server, page, transactional_db, tmp_path):
    base = live_server.url
    make_user("editor", "editor")
    path = tmp_path / "2024-7.txt"
    path.write_text(TEXT, encoding="utf-8")

    login(page, base, "editor")
    page.locator("#import-link").click()
    page.locator("input[type=file]").set_input_files(str(path))
    page.locator("main form button[type=submit]").click()

    # Every line with what it became, the outline beside them; nothing saved yet.
    rows = page.locator("table.import-lines tbody tr")
    expect(rows).to_have_count(len(TEXT.splitlines()))
    expect(page.locator("#line-13")).to_have_attribute("data-role", "dropped")  # — 2 —
    expect(page.locator(f"#line-{CORRECTED}")).to_have_attribute("data-role", "title")
    outline = page.locator("#outline")
    expect(outline).to_contain_text("一、重点工作")
    expect(outline).not_to_contain_text("（一）窗口服务情况")
    assert not Issue.objects.exists()

    # The editor corrects that line: a heading of level 2, and reads the file again.
    page.locator(f"#role-{CORRECTED}").select_option("heading2")
    page.locator("button[name=reread]").click()
    expect(page.locator(f"#line-{CORRECTED}")).to_have_attribute("data-level", "2")
    expect(outline).to_contain_text("（一）窗口服务情况")
    expect(page.locator(f"#role-{CORRECTED}")).to_have_value("heading2")
    assert not Issue.objects.exists()

    page.locator("#import-button").click()
    expect(page).to_have_url(re.compile(r"/issues/\d+/$"))
    article = page.locator("article.bulletin")
    expect(article.locator(".masthead-number")).to_have_text("2024年第7期")
    expect(article.locator("h2.heading.level-1").first).to_have_text("一、重点工作")
    expect(article.locator("h2.heading.level-2")).to_have_text("（一）窗口服务情况")
    expect(article).to_contain_text("群众满意率99.8%。")
    issue = Issue.objects.get()
    assert [(s.level, s.title) for s in issue.sections.order_by("position")] == [
        (1, "重点工作"),
        (2, "窗口服务情况"),
        (1, "窗口工作动态"),
    ]
