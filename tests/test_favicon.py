"""The favicon: shipped in static/, linked from every page, and /favicon.ico answering."""

import logging
import re
from pathlib import Path

from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse
from PIL import Image


def test_favicon_ico_answers_with_the_shipped_icon_to_anyone(db, caplog):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = Client().get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    body = b"".join(response.streaming_content)
    with open(finders.find("img/favicon.ico"), "rb") as shipped:
        assert body == shipped.read()
    assert "public" in response["Cache-Control"] and "max-age" in response["Cache-Control"]
    assert not [r for r in caplog.records if r.name == "django.request"]


def test_the_ico_holds_the_small_sizes_a_browser_asks_for():
    with Image.open(finders.find("img/favicon.ico")) as icon:
        assert icon.format == "ICO"
        assert {(16, 16), (32, 32)} <= set(icon.info["sizes"])


def test_favicon_ico_takes_no_post(db):
    assert Client().post("/favicon.ico").status_code == 405


def test_every_page_links_the_icons_and_they_are_served(client, clerk):
    client.force_login(clerk)
    page = client.get(reverse("bulletin:issue_list")).content.decode()
    links = re.findall(r'<link rel="icon" href="([^"]+)"', page)
    assert len(links) == 2
    assert {link.rsplit(".", 1)[-1] for link in links} == {"ico", "svg"}
    for link in links:
        assert finders.find(link.removeprefix("/static/")), link
    svg = Path(finders.find("img/favicon.svg")).read_text(encoding="utf-8")
    assert svg.startswith("<svg") and 'viewBox="0 0 32 32"' in svg
