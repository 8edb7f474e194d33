"""The issue page as paper and the date fields as a browser sees them, in real Chromium."""

import datetime
import re

from django.conf import settings
from playwright.sync_api import expect

from bulletin.importer import import_file
from bulletin.models import Series
from bulletin.services.issues import default_period
from tests.browser.conftest import login
from tests.conftest import make_user


def test_printing_the_issue_page_prints_the_bulletin_only_and_the_footer_clear_of_the_text(
    live_server, page, department, transactional_db
):
    issue = import_file(settings.DEMO_SEEDS_DIR / "2023-38.txt")
    make_user("clerk", "staff", department)
    login(page, live_server.url, "clerk")
    page.goto(f"{live_server.url}/issues/{issue.pk}/")
    expect(page.locator("nav.navbar")).to_be_visible()

    page.emulate_media(media="print")
    expect(page.locator("nav.navbar")).to_be_hidden()
    expect(page.get_by_role("link", name=re.compile("下载PDF|Download PDF"))).to_be_hidden()
    article = page.locator("article.bulletin")
    expect(article).to_be_visible()
    footer = article.locator("footer.distribution").first
    expect(footer).to_be_visible()
    # Nothing of the body text is drawn where the 报尾 is.
    overlapping = page.evaluate(
        """() => {
            const footer = document.querySelector('article.bulletin footer.distribution');
            const f = footer.getBoundingClientRect();
            return [...document.querySelectorAll('article.bulletin p, article.bulletin h2,'
                                                 + ' article.bulletin table')]
                .filter(node => !footer.contains(node) && node.offsetParent !== null)
                .filter(node => {
                    const r = node.getBoundingClientRect();
                    return r.height > 0 && !(r.bottom <= f.top || f.bottom <= r.top
                                             || r.right <= f.left || f.right <= r.left);
                })
                .map(node => node.textContent.slice(0, 40));
        }"""
    )
    assert overlapping == []


def test_the_new_issue_form_shows_its_default_period_in_the_date_fields(
    live_server, page, transactional_db
):
    series = Series.objects.create(title="窗口工作周报", issuing_body="政务服务中心")
    make_user("editor", "editor")
    login(page, live_server.url, "editor")
    page.goto(f"{live_server.url}/issues/new/?series={series.pk}")
    start, end = default_period(series)
    for name, expected in (("period_start", start), ("period_end", end)):
        field = page.locator(f"input[name={name}]")
        expect(field).to_have_attribute("type", "date")
        # A value the browser rejects shows as an empty field: its value would be "".
        assert field.input_value() == expected.isoformat()
        assert datetime.date.fromisoformat(field.input_value()) == expected
