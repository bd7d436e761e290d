"""Issue 13: with DEBUG off, as bin/run now serves, an error shows the site's friendly page in
Chinese (English with the language switcher's cookie), never a traceback, the URL list or
settings. The 500 and 400 pages are rendered without a request: they need no database (these
tests have none unless marked), no user and no session."""

import pytest
from django.conf import settings
from django.test import Client, override_settings

from .error_urls import SECRET

pytestmark = [pytest.mark.urls("tests.deploy.error_urls"), pytest.mark.usefixtures("no_debug")]

TECHNICAL = ("Traceback", "URLconf", "SECRET_KEY", "DATABASES", SECRET)


@pytest.fixture
def no_debug():
    with override_settings(DEBUG=False):
        yield


def page(response) -> str:
    html = response.content.decode()
    assert not [leak for leak in TECHNICAL if leak in html]
    return html


def test_a_crash_shows_the_friendly_500_page_without_the_database():
    response = Client(raise_request_exception=False).get("/test-errors/crash/")
    assert response.status_code == 500
    html = page(response)
    assert "<h1>服务器出错</h1>" in html
    assert "系统出了问题，已记录在日志中。" in html
    assert 'href="/static/css/app.css"' in html  # the site's layout


def test_the_500_page_in_english():
    client = Client(raise_request_exception=False)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = page(client.get("/test-errors/crash/"))
    assert "<h1>Server error</h1>" in html


def test_an_unknown_page_shows_the_friendly_404_page():
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    html = page(response)
    assert "<h1>未找到</h1>" in html and "此页面不存在" in html


@pytest.mark.django_db
def test_a_logged_in_user_gets_the_404_page_with_the_menu(client, manager):
    client.force_login(manager)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = page(response)
    assert "<h1>未找到</h1>" in html and "<nav" in html


def test_a_bad_request_and_an_unknown_host_show_the_friendly_400_page():
    response = Client(raise_request_exception=False).get("/test-errors/suspicious/")
    assert response.status_code == 400
    assert "<h1>无法处理的请求</h1>" in page(response)
    response = Client(HTTP_HOST="evil.example.com").get("/accounts/login/")
    assert response.status_code == 400
    assert "<h1>无法处理的请求</h1>" in page(response)


def test_a_refusal_shows_the_friendly_403_page():
    response = Client().get("/test-errors/denied/")
    assert response.status_code == 403
    assert "<h1>无权访问</h1>" in page(response)
