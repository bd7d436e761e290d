"""The regulations page (/rules/, issue 14): every role reads the rules with its office's own
settings, each rule anchored by its number; pages cite a rule in words with `rule_link`, and no
rule code ("R-3.2") is left where staff read it."""

import ast
import re
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import translation

from staff.factories import OfficeFactory, UserFactory
from workspace.regulations.text import SECTIONS

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)
ROLES = ["secretary", "salesperson", "manager", "director", "assistant", "finance", "clerk"]
ROLES += ["warehouse"]
RULE_CODE = re.compile(r"R-\d+\.\d+|R-\d+\b")
NUMBERS = [item.number for section in SECTIONS for item in section.items]


class _Text(HTMLParser):
    """The page as a reader sees it: its text, and the text of each element with an id."""

    def __init__(self):
        super().__init__()
        self.chunks: list[str] = []
        self.ids: dict[str, int] = {}  # id → where its text starts in chunks
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        element_id = dict(attrs).get("id")
        if element_id:
            self.ids[element_id] = len(self.chunks)

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.chunks.append(data)


def read(response) -> _Text:
    assert response.status_code == 200
    parser = _Text()
    parser.feed(response.content.decode())
    return parser


def text_of(response) -> str:
    return " ".join(" ".join(read(response).chunks).split())


def rule_text(response, number: str) -> str:
    """The text of the rule anchored `r-3-2`, up to the next anchor."""
    page = read(response)
    start = page.ids["r-" + number.replace(".", "-")]
    following = sorted(i for i in page.ids.values() if i > start)
    end = following[0] if following else len(page.chunks)
    return " ".join(" ".join(page.chunks[start:end]).split())


def in_english(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/rules/"})


@pytest.mark.parametrize("role", ROLES)
def test_every_role_reads_the_rules_in_chinese_and_english(client, request, role):
    user = request.getfixturevalue(role)
    client.force_login(user)

    response = client.get("/rules/")
    assert "/rules/" in {item["url"] for item in response.context["nav_items"]}
    chinese = text_of(response)
    assert "制度" in chinese and "首问负责制" in chinese
    assert "间隔不超过 7 天" in rule_text(response, "3.2")

    in_english(client)
    response = client.get("/rules/")
    english = text_of(response)
    assert "Regulations" in english and "First-contact ownership" in english
    assert "never exceeds 7 days" in rule_text(response, "3.2")
    assert "首问负责制" not in english


def test_the_page_shows_the_offices_own_numbers(client, salesperson, office):
    office.protection_days = 10
    office.holding_fee = Decimal("800.00")
    office.minimum_deposit = Decimal("20000.00")
    office.diary_deadline = office.diary_deadline.replace(hour=16, minute=30)
    office.fine_step = Decimal("15.00")
    office.large_party_size = 6
    office.save()
    client.force_login(salesperson)

    response = client.get("/rules/")
    assert office.name in text_of(response)
    assert "间隔不超过 10 天" in rule_text(response, "3.2")
    assert "其后第 10 天当天结束，于其后第 11 天 00:00 释放" in rule_text(response, "3.2")
    assert "保护至 2026-03-12 23:59:59，2026-03-13 00:00 释放" in rule_text(response, "3.2")
    assert "封号费 800.00 元" in rule_text(response, "6.2")
    assert "至少 20,000.00 元" in rule_text(response, "6.3")
    assert "每天 16:30 前提交工作日记" in rule_text(response, "7.1")
    assert "第一次 15.00 元，第二次 30.00 元，第三次 45.00 元" in rule_text(response, "7.2")
    assert "来客超过 6 人" in rule_text(response, "2.5")
    assert "7 天" not in rule_text(response, "3.2")

    in_english(client)
    response = client.get("/rules/")
    assert "never exceeds 10 days" in rule_text(response, "3.2")
    assert "holding fee of 800.00 yuan" in rule_text(response, "6.2")
    assert "before 16:30" in rule_text(response, "7.1")


def test_defaults_of_the_office(client, manager):
    client.force_login(manager)
    response = client.get("/rules/")
    assert "封号费 500.00 元" in rule_text(response, "6.2")
    assert "72 小时" in rule_text(response, "6.2")
    assert "至少 5,000.00 元" in rule_text(response, "6.3")
    assert "每天 18:00 召开例会" in rule_text(response, "7.3")
    assert "每星期日 17:00 前提交" in rule_text(response, "7.4")
    assert "保护期将在 2 天内结束" in rule_text(response, "3.5")
    assert "每周至少通话 2 次" in rule_text(response, "3.6")


def test_every_rule_has_its_anchor_and_number(client, secretary):
    client.force_login(secretary)
    response = client.get("/rules/")
    for number in NUMBERS:
        text = rule_text(response, number)
        assert text.startswith(number), number
        assert len(text) > 20, number
    assert len(NUMBERS) == len(set(NUMBERS))
    assert [s.number for s in SECTIONS] == [1, 2, 3, 4, 5, 6, 7]
    html = response.content.decode()
    assert not RULE_CODE.search(text_of(response)), "the page names rules by number, not code"
    assert "{" not in text_of(response), "a placeholder was left unfilled"
    assert 'href="#r-3-2"' in html


def test_a_user_of_several_offices_chooses_the_office(client, office):
    other = OfficeFactory(name="湖滨售楼处", code="lake", holding_fee=Decimal("300.00"))
    stranger = OfficeFactory(name="外地售楼处", code="far")
    user = UserFactory(username="two-offices", roles=["salesperson"], offices=[office, other])
    client.force_login(user)

    first = client.get("/rules/")  # the first office by name
    assert first.context["office"] == other
    assert "封号费 300.00 元" in rule_text(first, "6.2")
    chosen = client.get("/rules/", {"office": office.pk})
    assert "封号费 500.00 元" in rule_text(chosen, "6.2")
    assert f'href="?office={office.pk}"' in first.content.decode()
    assert client.get("/rules/", {"office": stranger.pk}).status_code == 404


def test_a_user_of_no_office_reads_the_defaults(client, db):
    client.force_login(UserFactory(username="newcomer", roles=["salesperson"]))
    response = client.get("/rules/")
    assert "尚未加入任何售楼处" in text_of(response)
    assert "间隔不超过 7 天" in rule_text(response, "3.2")


def test_anonymous_is_sent_to_login(client, db):
    response = client.get("/rules/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


class TestRuleLink:
    def render(self, source: str, language: str = "zh-hans", **context) -> str:
        with translation.override(language):
            return Template("{% load regulations %}" + source).render(Context(context))

    def test_cites_the_rule_in_words_with_a_link_to_its_anchor(self):
        html = self.render('{% rule_link "3.2" %}')
        assert 'href="/rules/#r-3-2"' in html
        assert ">依据：首问负责制 第3.2条</a>" in html
        english = self.render('{% rule_link "3.2" %}', "en")
        assert ">Rule: First-contact ownership, 3.2</a>" in english

    def test_short_form_and_office(self, office):
        html = self.render('{% rule_link "6.2" short=True office=office %}', office=office)
        assert f'href="/rules/?office={office.pk}#r-6-2"' in html
        assert ">第6.2条</a>" in html and 'title="房源、封号与认购"' in html
        missing = self.render('{% rule_link "6.2" office=nothing %}')
        assert 'href="/rules/#r-6-2"' in missing

    def test_an_unknown_rule_is_an_error_not_a_dead_link(self):
        with pytest.raises(KeyError):
            self.render('{% rule_link "3.99" %}')

    def test_every_citation_in_the_templates_names_a_rule_of_the_page(self):
        cited = set()
        for path in (ROOT / "templates").rglob("*.html"):
            cited |= set(re.findall(r'{%\s*rule_link\s+"([\d.]+)"', path.read_text()))
        assert cited, "the templates cite rules"
        assert cited <= set(NUMBERS)

    def test_the_office_page_links_its_settings_to_their_rules(self, client, manager, office):
        client.force_login(manager)
        html = client.get(f"/offices/{office.pk}/").content.decode()
        assert f'href="/rules/?office={office.pk}#r-3-2"' in html
        assert not RULE_CODE.search(text_of(client.get(f"/offices/{office.pk}/")))


# -- no rule code where staff read it -------------------------------------------------------

TEMPLATE_COMMENT = re.compile(r"{%\s*comment\b.*?%}.*?{%\s*endcomment\s*%}", re.S)
LINE_COMMENT = re.compile(r"{#.*?#}")


def _template_files():
    for base in [ROOT / "templates", *ROOT.glob("*/templates")]:
        yield from (p for p in base.rglob("*") if p.suffix in {".html", ".txt"})


def test_no_template_shows_a_rule_code():
    found = []
    for path in _template_files():
        text = LINE_COMMENT.sub("", TEMPLATE_COMMENT.sub("", path.read_text()))
        for match in RULE_CODE.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            found.append(f"{path.relative_to(ROOT)}:{line}: {match.group()}")
    assert not found, "say the rule in words, or {% rule_link %}:\n" + "\n".join(found)


def _po_entries(po: str):
    """(msgid, msgstr) of each entry of a .po file."""
    strings = r'((?:"(?:[^"\\]|\\.)*"\s*\n)+)'
    for match in re.finditer(rf"^msgid {strings}msgstr {strings}", po, re.M):
        msgid, msgstr = ("".join(re.findall(r'"((?:[^"\\]|\\.)*)"', g)) for g in match.groups())
        yield msgid, msgstr


def test_no_translation_shows_a_rule_code():
    po = (ROOT / "locale/zh_Hans/LC_MESSAGES/django.po").read_text()
    entries = list(_po_entries(po))
    assert len(entries) > 500
    found = [f"{msgid!r} → {msgstr!r}" for msgid, msgstr in entries if RULE_CODE.search(msgstr)]
    assert not found, "\n".join(found)


GETTEXT = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy", "pgettext", "pgettext_lazy"}


def test_no_translatable_string_in_the_code_shows_a_rule_code():
    found = []
    packages = [p for p in ROOT.iterdir() if (p / "__init__.py").exists() and p.name != "tests"]
    for path in (path for package in packages for path in package.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if "migrations" in relative.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", None) in GETTEXT):
                continue
            for arg in node.args:
                text = arg.value if isinstance(arg, ast.Constant) else None
                if isinstance(text, str) and RULE_CODE.search(text):
                    found.append(f"{relative}:{node.lineno}: {text[:70]}")
    assert not found, "\n".join(found)
