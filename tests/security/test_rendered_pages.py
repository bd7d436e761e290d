"""What every page shows (issue 14): no template text, no rule codes, no untranslated English,
one active menu entry.

The permission matrix's world (tests/security/matrix_data.py: two offices, every role, own,
peer and other objects) is reused: every GET row of its table is requested as every persona and
scope, and each HTML answer with status 200 is read as a user reads it — its visible text, the
contents of <script> and <style> left out, attribute values too. The admin is read as a
superuser: its index, each app's page and each registered model's list and add form. Pages are
rendered once for the module (in Chinese, the office's language) and checked by four tests:

- template syntax in the text (`{#`, `#}`, `{%`, `%}`, `{{`, `}}`): a comment that spans two
  lines in `{# … #}` prints itself;
- a rule code (R-3.2) anywhere but the regulations page (/rules/);
- an English word on a Chinese page, outside ALLOWED_WORDS and CODES (product names, the test
  world's usernames, contract numbers, time zones, <code> elements); the admin is read for its
  own words (its index and each app's page: the sections and models of every app), not for
  the third-party models' data (permission names, time zones of a crontab form); the API's
  documentation is for programmers, in English like the API;
- more than one active entry in the menu.
"""

import re
from dataclasses import dataclass
from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.db import transaction
from django.test import Client
from django.urls import NoReverseMatch, reverse

from staff.factories import UserFactory
from tests.security.matrix_data import PERSONAS
from tests.security.test_permission_matrix import (  # noqa: F401 - `world` is a fixture
    PAGE_ROWS,
    PUBLIC,
    _request,
    world,
)

pytestmark = pytest.mark.django_db

TEMPLATE_SYNTAX = re.compile(r"\{#|#\}|\{%|%\}|\{\{|\}\}")
RULE_CODE = re.compile(r"\bR-\d+(\.\d+)?\b")
RULES_PAGE = "/rules/"
WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]|[A-Za-z]")

# Latin words a Chinese page may show: product and format names (identifiers: CODES below).
ALLOWED_WORDS = {
    w.lower()
    for w in ["Excel", "PDF", "API", "CSV", "htmx", "xlsx", "JSON", "Token", "ID", "Django"]
    # the files an upload takes, and their size (a confirmation's photo or scan, R-13.4)
    + ["JPEG", "PNG", "WebP", "MB"]
}
# identifiers shown as they are: the test world's usernames (m-sp) and office codes
# (matrix-a), contract numbers (HT-MATRIX-A-0001), time zones (Asia/Shanghai), square metres
CODES = re.compile(
    r"\bm-[a-z0-9]+\b|\bmatrix-[ab]\b|\b[A-Z0-9]+(?:-[A-Z0-9]+)+\b|\b[A-Z][a-z]+/[A-Za-z_]+\b|m²"
    r"|\b[ABC]\b",  # an account's grade is named by its letter, A, B or C
    re.ASCII,  # a word boundary between 为 and m-sp too
)


class VisibleText(HTMLParser):
    """The text a user sees, and the menu entries marked active."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.prose_parts: list[str] = []  # the same, without <code>
        self.hidden = 0  # inside <script>, <style> or <template>
        self.code = 0
        self.in_nav = 0
        self.active: list[str] = []
        self.menu: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style", "template"):
            self.hidden += 1
        if tag == "code":
            self.code += 1
        if tag == "nav" and "nav" in (attrs.get("class") or "").split():
            self.in_nav += 1
        if self.in_nav and tag == "a":
            self.menu.append(attrs.get("href"))
            if attrs.get("aria-current") == "page":
                self.active.append(attrs.get("href"))

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self.hidden:
            self.hidden -= 1
        if tag == "code" and self.code:
            self.code -= 1
        if tag == "nav" and self.in_nav:
            self.in_nav -= 1

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)
            if not self.code:
                self.prose_parts.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.parts).split())

    @property
    def prose(self) -> str:
        return " ".join(" ".join(self.prose_parts).split())


@dataclass(frozen=True)
class Rendered:
    where: str  # who asked for what
    path: str
    text: str
    prose: str  # the text without <code>, for the English check; "" where it is not checked
    active: tuple[str, ...]  # the menu entries marked as the current page
    menu: tuple[str, ...]  # every menu entry


def _read(where: str, path: str, response, *, words: bool = True) -> Rendered | None:
    if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
        return None
    if getattr(response, "streaming", False):
        return None
    parser = VisibleText()
    parser.feed(response.content.decode())
    parser.close()
    prose = parser.prose if words and not path.startswith("/api/") else ""
    return Rendered(where, path, parser.text, prose, tuple(parser.active), tuple(parser.menu))


def _admin_paths() -> list[tuple[str, bool]]:
    """The admin's pages, each with whether its words are checked."""
    paths = [(reverse("admin:index"), True)]
    for label in sorted({m._meta.app_label for m in admin.site._registry}):
        paths.append((reverse("admin:app_list", kwargs={"app_label": label}), True))
    for model in admin.site._registry:
        for view in ("changelist", "add"):
            try:
                name = f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}"
                paths.append((reverse(name), False))
            except NoReverseMatch:
                continue
    return paths


@pytest.fixture(scope="module")
def rendered(world, django_db_blocker) -> list[Rendered]:  # noqa: F811 - the fixture
    """Every page as every persona and scope, once for the module, each in a rolled-back
    savepoint."""
    pages: list[Rendered] = []
    with django_db_blocker.unblock():
        for persona in PERSONAS:
            client = world.clients[persona]
            for row in PAGE_ROWS + PUBLIC:
                if row.method != "GET" or not row.tested_as(persona):
                    continue
                for scope in row.scopes():
                    with transaction.atomic():
                        path, response = _request(client, row, world, scope, persona, None)
                        transaction.set_rollback(True)
                    page = _read(f"{row.name} [{scope}] as {persona}", path, response)
                    if page:
                        pages.append(page)
        with transaction.atomic():
            superuser = UserFactory(username="m-admin", is_staff=True, is_superuser=True)
            client = Client(raise_request_exception=False)
            client.force_login(superuser)
            for path, words in _admin_paths():
                page = _read(f"{path} as superuser", path, client.get(path), words=words)
                if page:
                    pages.append(page)
            transaction.set_rollback(True)
    assert len(pages) > 100, f"only {len(pages)} pages rendered"
    return pages


def _fail(problems: list[str], what: str) -> None:
    listed = "\n".join(sorted(set(problems)))
    assert problems == [], f"{len(set(problems))} {what}:\n{listed}"


def _around(text: str, match: re.Match) -> str:
    return text[max(0, match.start() - 40) : match.end() + 40]


def test_no_template_syntax_in_the_text(rendered):
    problems = [
        f"{p.where}: …{_around(p.text, m)}…"
        for p in rendered
        for m in [TEMPLATE_SYNTAX.search(p.text)]
        if m
    ]
    _fail(problems, "pages show template syntax")


def test_no_rule_codes_outside_the_rules_page(rendered):
    problems = [
        f"{p.path}: {', '.join(sorted({m.group(0) for m in RULE_CODE.finditer(p.text)}))}"
        for p in rendered
        if not p.path.startswith(RULES_PAGE) and RULE_CODE.search(p.text)
    ]
    _fail(problems, "pages show rule codes")


def test_no_english_on_chinese_pages(rendered):
    problems = []
    for p in rendered:
        prose = CODES.sub(" ", p.prose)
        words = {w for w in WORD.findall(prose) if w.lower() not in ALLOWED_WORDS}
        if words:
            problems.append(f"{p.where}: {', '.join(sorted(words))}")
    _fail(problems, "Chinese pages show English words")


def test_one_active_menu_entry(rendered):
    problems = [f"{p.where}: {', '.join(p.active)}" for p in rendered if len(p.active) > 1]
    _fail(problems, "pages light up more than one menu entry")
    # a page the menu links to lights up its own entry
    wrong = [
        f"{p.where}: {', '.join(p.active) or 'none'}"
        for p in rendered
        if p.path in p.menu and p.active != (p.path,)
    ]
    _fail(wrong, "menu pages do not light up their own entry")
