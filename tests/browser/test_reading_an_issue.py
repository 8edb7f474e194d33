import re

from django.conf import settings
from playwright.sync_api import expect

from bulletin.importer import import_file
from tests.conftest import make_user


def test_clerk_logs_in_and_reads_the_2023_bulletin_with_its_score_table(
    live_server, page, department, transactional_db
):
    for name in ("2022-39.txt", "2023-38.txt"):
        import_file(settings.DEMO_SEEDS_DIR / name)
    make_user("clerk", "staff", department)

    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/login/"))
    page.get_by_label(re.compile("用户名|Username")).fill("clerk")
    page.get_by_label(re.compile("密码|Password")).fill("pw")
    page.locator("form button[type=submit]").click()

    page.get_by_role("link", name="2023年第38期（总第458期）").click()
    article = page.locator("article.bulletin")
    expect(article.locator(".masthead-title")).to_have_text("窗口工作周报")
    expect(article).to_contain_text("一、综窗改革攻坚行动")
    table = article.locator("table.score-table")
    expect(table.locator("tbody tr")).to_have_count(29)
    # A tie's rank is printed once: the four departments on 107 share it.
    tie = table.locator("td.rank", has_text=re.compile(r"^10$"))
    expect(tie).to_have_attribute("data-tie", "4")
    # rows below the first of a tie: at 7 (1), 10 (3), 14 (2), 17, 20, 22, 24 (1 each)
    expect(table.locator("tr.tie")).to_have_count(10)
    # The 报尾 shows once on screen (its print-only twin keeps its place in the PDF).
    expect(article.locator("footer.distribution")).to_be_visible()
    expect(article.locator(".distribution-space")).to_be_hidden()
    # Every asset came from the app itself.
    assert all(url.startswith(live_server.url) for url in _asset_urls(page))


def _asset_urls(page) -> list[str]:
    return page.evaluate(
        "() => [...document.querySelectorAll('link[href],script[src],img[src]')]"
        ".map(e => e.href || e.src)"
    )
