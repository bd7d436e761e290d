"""A secretary logs in (Chinese by default), switches to English and logs out, in a real browser."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import LOGIN_PATH, assert_no_horizontal_scroll, login

pytestmark = pytest.mark.e2e

DESK_PATH = "/w/desk/"


def on_path(live_server, path: str, query: str = "") -> re.Pattern:
    return re.compile(rf"^{re.escape(live_server.url + path)}{re.escape(query)}$")


def switch_language(page: Page, code: str) -> None:
    """The header's language select submits its form on change; the same page reloads."""
    page.locator("select#language").select_option(code)
    expect(page.locator("html")).to_have_attribute("lang", code)


def test_secretary_logs_in_in_chinese_switches_to_english_and_logs_out(
    page: Page, live_server, secretary, password
):
    # The site root asks a visitor to log in, in Chinese.
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(on_path(live_server, LOGIN_PATH, "?next=/"))
    expect(page).to_have_title(re.compile("登录"))
    expect(page.get_by_role("heading", name="登录", exact=True)).to_be_visible()

    # The secretary lands on the reception desk, with her own menu only.
    login(page, live_server, secretary.username, password)
    expect(page).to_have_url(on_path(live_server, DESK_PATH))
    expect(page.get_by_role("heading", level=1)).to_have_text("前台接待")
    nav = page.locator("header nav")
    expect(nav.get_by_role("link", name="前台接待", exact=True)).to_be_hidden()  # a phone:
    page.get_by_role("button", name="菜单", exact=True).click()  # the menu opens from its button
    expect(nav.get_by_role("link", name="前台接待", exact=True)).to_be_visible()
    expect(nav.get_by_role("link", name="售楼处", exact=True)).to_be_visible()  # Offices
    expect(nav.get_by_role("link", name="人员", exact=True)).to_have_count(0)  # the manager's Staff
    expect(nav.locator('a[href="/staff/"]')).to_have_count(0)

    # English: the same page again, translated.
    switch_language(page, "en")
    expect(page).to_have_url(on_path(live_server, DESK_PATH))
    expect(page.get_by_role("heading", level=1)).to_have_text("Reception desk")
    page.get_by_role("button", name="Menu", exact=True).click()
    expect(nav.get_by_role("link", name="Reception desk", exact=True)).to_be_visible()
    expect(nav.get_by_role("link", name="Offices", exact=True)).to_be_visible()
    expect(nav.get_by_role("link", name="Staff", exact=True)).to_have_count(0)
    expect(page.get_by_role("button", name="Log out", exact=True)).to_be_visible()
    session = next(c for c in page.context.cookies() if c["name"] == "sessionid")

    # Logging out returns to the login page (still in English: the language is a cookie).
    page.get_by_role("button", name="Log out", exact=True).click()
    expect(page).to_have_url(on_path(live_server, LOGIN_PATH))
    expect(page.get_by_role("heading", name="Log in", exact=True)).to_be_visible()

    # The session ended on the server: the work page asks to log in again, even when the
    # browser presents the old session cookie.
    page.goto(f"{live_server.url}{DESK_PATH}")
    expect(page).to_have_url(on_path(live_server, LOGIN_PATH, f"?next={DESK_PATH}"))
    page.context.add_cookies([session])
    page.goto(f"{live_server.url}{DESK_PATH}")
    expect(page).to_have_url(on_path(live_server, LOGIN_PATH, f"?next={DESK_PATH}"))
    expect(page.get_by_role("heading", name="Log in", exact=True)).to_be_visible()


def test_work_page_fits_a_phone_in_both_languages(page: Page, live_server, secretary, password):
    """The same flow at 390 px wide: nothing scrolls sideways, in Chinese or in (longer) English."""
    assert page.viewport_size == {"width": 390, "height": 844}
    login(page, live_server, secretary.username, password)
    expect(page).to_have_url(on_path(live_server, DESK_PATH))
    # The stylesheet and htmx came from the live server (whitenoise with finders): the layout
    # checked below is the real one.
    expect(page.locator("header.topbar")).to_have_css("display", "flex")
    page.wait_for_function("() => window.htmx !== undefined")
    assert_no_horizontal_scroll(page)

    switch_language(page, "en")
    expect(page).to_have_url(on_path(live_server, DESK_PATH))
    assert_no_horizontal_scroll(page)
