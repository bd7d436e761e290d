"""Every page of a salesperson and of a secretary fits a phone (issue 14): at 390 px nothing
scrolls sideways (the availability board scrolls inside its own card), the menu is one button
that opens and closes it, and the desk puts the look-up and the registration first, the
rotation board folded below them.

The office is the demo's (workspace/management/commands/demo_data.py): a morning at the desk,
units, a hold and a subscription, diaries, fines and a weekly report, so that each page shows
what it shows on a working day."""

import io
import json

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from leads.factories import channels_restored
from tests.e2e.conftest import assert_no_horizontal_scroll, login

pytestmark = pytest.mark.e2e


@pytest.fixture
def demo(transactional_db, tmp_path) -> dict:
    """The demo office; username → password."""
    channels_restored()
    credentials = tmp_path / "demo-credentials.json"
    call_command("demo_data", credentials_file=credentials, stdout=io.StringIO())
    return {user: entry["password"] for user, entry in json.loads(credentials.read_text()).items()}


def pages_of(page: Page, live_server) -> list[str]:
    """The user's pages: the menu's entries and every report the reports index lists."""
    menu = page.locator("nav.nav a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    paths = [p for p in menu if not p.startswith("/admin/")]
    if "/reports/" in paths:
        page.goto(f"{live_server.url}/reports/")
        paths += page.locator(".report-index a").evaluate_all(
            "links => links.map(a => a.getAttribute('href'))"
        )
    return list(dict.fromkeys(paths))


def assert_every_page_fits(page: Page, live_server) -> list[str]:
    paths = pages_of(page, live_server)
    assert len(paths) >= 5, paths
    wide = []
    for path in paths:
        page.goto(f"{live_server.url}{path}")
        sizes = page.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        if sizes[0] > sizes[1]:
            wide.append(f"{path}: {sizes[0]} px wide in {sizes[1]} px")
    assert wide == [], "pages that scroll sideways on a phone:\n" + "\n".join(wide)
    return paths


def test_the_salespersons_pages_fit_a_phone(page: Page, live_server, demo):
    login(page, live_server, "sales1", demo["sales1"])
    paths = assert_every_page_fits(page, live_server)
    assert "/attribution/my/" in paths and "/deals/board/" in paths

    # the board scrolls inside its card; a layout such as "3室2厅1卫" stays on one line
    page.goto(f"{live_server.url}/deals/board/")
    assert_no_horizontal_scroll(page)
    layout = page.locator(".unit-meta .nowrap").first
    box = layout.bounding_box()
    line = float(layout.evaluate("e => parseFloat(getComputedStyle(e).lineHeight)"))
    assert box["height"] < 1.5 * line, f"the layout breaks across lines: {box}"


def test_the_menu_is_one_button_on_a_phone(page: Page, live_server, demo):
    login(page, live_server, "sales1", demo["sales1"])
    page.goto(f"{live_server.url}/reports/diary/")
    menu = page.locator("nav.nav")
    toggle = page.locator("[data-nav-toggle]")
    expect(menu).to_be_hidden()
    toggle.click()
    expect(menu).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    # one entry lit: the diary's, not the reports' too
    expect(menu.locator("a[aria-current=page]")).to_have_count(1)
    expect(menu.locator("a[aria-current=page]")).to_have_attribute("href", "/reports/diary/")
    assert_no_horizontal_scroll(page)
    toggle.click()
    expect(menu).to_be_hidden()


def test_the_secretarys_pages_fit_a_phone(page: Page, live_server, demo):
    login(page, live_server, "secretary", demo["secretary"])
    paths = assert_every_page_fits(page, live_server)
    assert "/w/desk/" in paths

    # the desk: look-up and registration first, the rotation board folded below
    page.goto(f"{live_server.url}/w/desk/")
    lookup = page.locator("#lookup-q").bounding_box()
    register = page.locator("#visit-panel").bounding_box()
    fold = page.locator("details.board-fold")
    assert lookup["y"] < register["y"] < fold.bounding_box()["y"]
    expect(fold).not_to_have_attribute("open", "")
    expect(page.locator("#board .seats")).to_be_hidden()
    fold.locator("summary").click()
    expect(page.locator("#board .seats")).to_be_visible()
    assert_no_horizontal_scroll(page)
