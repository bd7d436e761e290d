"""The browser harness: a real Chromium driven by Playwright against pytest-django's live server.

- `browser` (package): one headless Chromium per pytest process (per xdist worker).
- `page` (function): a fresh context, phone-sized (390x844), Chinese browser, Shanghai time.
- `desk_page` (function): the same at a desk screen's 1366x768.
- `login(page, live_server, username, password)`: log in through the real login form.
- `assert_no_horizontal_scroll(page)`: the page fits the window's width.

A test that fails leaves a screenshot, the page's HTML and a Playwright trace
(`playwright show-trace <file>.zip`) under test-artifacts/ (gitignored), named after the test.
Mark every test here with `pytest.mark.e2e`.
"""

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Error, Page, expect, sync_playwright

# Playwright's sync API runs its driver on an asyncio event loop in the main thread, and for as
# long as Playwright is started it leaves that loop marked as running there, also between its
# calls (playwright/_impl/_greenlets.py). Django sees a running loop and refuses every ORM call
# of the test process (factories, assertions on the database, pytest-django's flush) with
# SynchronousOnlyOperation, although nothing runs concurrently: the loop only runs inside a
# Playwright call, the ORM calls happen between calls, in the same thread. So the check is off,
# with DJANGO_ALLOW_ASYNC_UNSAFE, exactly while the browser lives (see `browser`), not for the
# whole process: set at import time, the variable leaked into the subprocesses of other tests
# (`manage.py check --deploy` warns about it) and into this process's non-browser tests. The live
# server's request threads have no loop, so the application's own code is checked as usual.
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

PHONE = {"width": 390, "height": 844}
DESK = {"width": 1366, "height": 768}

# expect() retries until this many milliseconds; actions and navigations get a little more.
EXPECT_TIMEOUT_MS = 5_000
ACTION_TIMEOUT_MS = 10_000
expect.set_options(timeout=EXPECT_TIMEOUT_MS)

_REPORTS = pytest.StashKey[dict[str, pytest.TestReport]]()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> pytest.TestReport:
    """Keep each phase's report on the test item, so that fixtures can tell a failure."""
    report = yield
    item.stash.setdefault(_REPORTS, {})[report.when] = report
    return report


def _failed(request: pytest.FixtureRequest) -> bool:
    reports = request.node.stash.get(_REPORTS, {})
    return any(report.failed for report in reports.values())


@contextmanager
def _async_unsafe_allowed() -> Iterator[None]:
    previous = os.environ.get(ASYNC_UNSAFE)
    os.environ[ASYNC_UNSAFE] = "true"
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(ASYNC_UNSAFE, None)
        else:
            os.environ[ASYNC_UNSAFE] = previous


# Package scope: one Chromium for the e2e tests of this process (of each xdist worker), closed
# when the process moves on to tests outside tests/e2e, so that those run with Django's async
# check on and no Playwright loop around (pytest-django runs the live-server tests together).
@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.is_file() or not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"The e2e tests need Chromium at {CHROMIUM}, which is missing: install it "
            "(`apt-get install chromium fonts-noto-cjk`). Do not run `playwright install`.",
            pytrace=False,
        )
    with _async_unsafe_allowed(), sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
        except Error as exc:
            pytest.fail(f"Chromium at {CHROMIUM} did not start: {exc}", pytrace=False)
        try:
            yield browser
        finally:
            browser.close()


def _page(browser: Browser, request: pytest.FixtureRequest, viewport: dict) -> Iterator[Page]:
    context = browser.new_context(
        viewport=viewport,
        # The office's staff: a Chinese browser (Accept-Language: zh-CN) in Shanghai.
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
    )
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    context.tracing.start(screenshots=True, snapshots=True)
    page = context.new_page()
    try:
        yield page
    finally:
        try:
            if _failed(request):
                _save_artifacts(page, context, request.node.nodeid)
            else:
                context.tracing.stop()
        finally:
            context.close()


def _save_artifacts(page: Page, context, nodeid: str) -> None:
    """Screenshot, HTML and trace of a failed test; never hides the failure itself."""
    ARTIFACTS.mkdir(exist_ok=True)
    stem = ARTIFACTS / re.sub(r"[^\w.-]+", "_", nodeid).strip("_")
    for save in (
        lambda: page.screenshot(path=f"{stem}.png", full_page=True),
        lambda: Path(f"{stem}.html").write_text(page.content(), encoding="utf-8"),
        lambda: context.tracing.stop(path=f"{stem}.trace.zip"),
    ):
        try:
            save()
        except Exception as exc:  # noqa: BLE001 - best effort, the test's own error matters
            print(f"could not save an e2e artifact for {nodeid}: {exc}")
    print(f"e2e artifacts: {stem}.png / .html / .trace.zip")


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A phone-sized page (390x844): the app is phone first."""
    yield from _page(browser, request, PHONE)


@pytest.fixture
def desk_page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A page at a reception desk's screen size (1366x768)."""
    yield from _page(browser, request, DESK)


LOGIN_PATH = "/accounts/login/"


def login(page: Page, live_server, username: str, password: str) -> None:
    """Log in through the real form (opening the login page unless already on it)."""
    if LOGIN_PATH not in page.url:
        page.goto(f"{live_server.url}{LOGIN_PATH}")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("form:has(#id_password) button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(re.escape(LOGIN_PATH)))


def assert_no_horizontal_scroll(page: Page) -> None:
    """Assert that the page is not wider than the window (nothing to scroll sideways)."""
    page.wait_for_load_state("domcontentloaded")
    sizes = page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth,"
        " client: document.documentElement.clientWidth, inner: window.innerWidth})"
    )
    assert sizes["scroll"] <= min(sizes["inner"], sizes["client"]), (
        f"{page.url} scrolls sideways at {sizes['inner']}px: {sizes}"
    )
