"""Error pages: Chinese, the right status, no inline styles or scripts (for a strict CSP)."""

import re

import pytest
from django.test import Client
from django.urls import path, reverse


def broken_view(request):
    raise RuntimeError("something broke")


# For the 500 test only (pytest.mark.urls): one view that fails.
urlpatterns = [path("broken/", broken_view)]


def assert_clean_chinese_page(response, status: int, *texts: str) -> None:
    assert response.status_code == status
    page = response.content.decode()
    assert '<html lang="zh-CN">' in page
    for text in texts:
        assert text in page
    assert not re.search(r"\sstyle\s*=", page), "inline style attribute"
    assert "<style" not in page
    assert not re.search(r"<script(?![^>]*\ssrc=)[^>]*>", page), "inline script"
    assert not re.search(r"\son[a-z]+\s*=", page), "inline event handler"


def test_tests_see_the_production_error_pages(settings):
    assert settings.DEBUG is False


def test_404_page(client, db):
    response = client.get("/no-such-page/")
    assert_clean_chinese_page(response, 404, "页面不存在", "返回简报列表")


def test_403_page(client, clerk):
    client.force_login(clerk)
    response = client.get(reverse("bulletin:issue_create"))
    assert_clean_chinese_page(response, 403, "无权操作")


def test_400_page_for_a_host_that_is_not_allowed(client, db):
    response = client.get("/", HTTP_HOST="attacker.example")
    assert_clean_chinese_page(response, 400, "请求有误")


def test_csrf_failure_page_explains_in_chinese_that_nothing_was_saved(db, clerk):
    client = Client(enforce_csrf_checks=True)
    client.force_login(clerk)
    response = client.post(reverse("logout"))
    assert_clean_chinese_page(response, 403, "表单已过期", "未保存")


@pytest.mark.urls(__name__)
def test_500_page_needs_neither_database_nor_translations():
    # No db fixture: the page would fail here if it touched the database.
    client = Client(raise_request_exception=False)
    response = client.get("/broken/")
    assert_clean_chinese_page(response, 500, "系统错误", "系统管理员")
