import os
import re

import pytest
from playwright.sync_api import expect, sync_playwright

# Debian's chromium package; Playwright's own browser download cannot work offline.
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    # Generous: on a loaded 2-core CI machine a click that renders a PDF can take seconds.
    page.set_default_timeout(30_000)
    yield page
    context.close()


def login(page, base: str, username: str) -> None:
    """Sign in through the login form as a test user (password "pw", tests/conftest.py)."""
    page.context.clear_cookies()
    page.goto(f"{base}/login/")
    page.get_by_label(re.compile("用户名|Username")).fill(username)
    page.get_by_label(re.compile("密码|Password")).fill("pw")
    page.locator("form button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/login/"))
