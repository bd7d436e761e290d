"""The menu's invoicing and receivables entries (R-14, R-15): each role gets the few pages it
works on, no other role gets them, and the clerk's, finance's and leadership's work pages say
what now exists."""

import pytest
from django.utils import translation

from staff.choices import Role
from staff.factories import UserFactory
from workspace.context_processors import active_url
from workspace.roles import PAGES_BY_SLUG

pytestmark = pytest.mark.django_db

REQUESTS = "/receivables/requests/"
INVOICES = "/receivables/invoices/"
RECEIPTS = "/receivables/receipts/"
COLLECTIONS = "/receivables/collections/"
NOTICES = "/receivables/notices/"
HANDOVERS = "/receivables/handovers/"
CHECK = "/receivables/check/"
AGING = "/receivables/reports/aging/"
STATEMENTS = "/receivables/statements/"
EVERY = {REQUESTS, INVOICES, RECEIPTS, COLLECTIONS, NOTICES, HANDOVERS, CHECK, AGING, STATEMENTS}
EVERY |= {"/receivables/", "/receivables/write-offs/"}  # the desk is finance's home page

MENU = {
    Role.SALESPERSON: {REQUESTS, COLLECTIONS, NOTICES, STATEMENTS},
    Role.FINANCE: {RECEIPTS, INVOICES, HANDOVERS, STATEMENTS},
    Role.CLERK: {CHECK, HANDOVERS, INVOICES},
    Role.MANAGER: {REQUESTS, INVOICES, AGING, STATEMENTS},
    Role.DIRECTOR: {REQUESTS, INVOICES, AGING, STATEMENTS},
    Role.EXECUTIVE: set(),  # write-offs come to the approvals inbox
    Role.SECRETARY: set(),
    Role.ASSISTANT: set(),
    Role.WAREHOUSE: set(),
    Role.TECHNICIAN: set(),
    Role.PURCHASING: set(),
}


def menu(client, user) -> list[str]:
    client.force_login(user)
    return [item["url"] for item in client.get("/offices/").context["nav_items"]]


@pytest.mark.parametrize("role", list(MENU))
def test_each_role_gets_its_receivables_pages_and_no_others(client, office, role):
    urls = menu(client, UserFactory(username=f"m-{role}", roles=[role], offices=[office]))
    assert {url for url in urls if url in EVERY} == MENU[role]
    assert len(urls) == len(set(urls))  # no entry twice


def test_the_entries_read_in_the_users_language(client, office):
    salesperson = UserFactory(username="rep", roles=[Role.SALESPERSON], offices=[office])
    client.force_login(salesperson)
    labels = {i["url"]: str(i["label"]) for i in client.get("/offices/").context["nav_items"]}
    assert labels[REQUESTS] == "开票申请"
    assert labels[COLLECTIONS] == "收款申请"
    assert labels[NOTICES] == "催收单"
    assert labels[STATEMENTS] == "往来对账"


def test_a_receivables_page_lights_up_its_own_entry_only(client, office):
    """A page under an entry's address (an invoice request's page under the requests) lights up
    that entry, never the desk's or another's."""
    finance = UserFactory(username="fin", roles=[Role.FINANCE], offices=[office])
    urls = menu(client, finance)
    assert active_url(f"{RECEIPTS}12/", urls) == RECEIPTS
    assert active_url(f"{INVOICES}7/red/", urls) == INVOICES
    assert active_url("/receivables/ledger/3/", urls) is None


def test_the_clerks_page_links_the_daily_check_and_promises_nothing_built(client, office):
    clerk = UserFactory(username="clk", roles=[Role.CLERK], offices=[office])
    client.force_login(clerk)
    body = client.get("/w/clerk/").content.decode()
    assert f'href="{CHECK}"' in body and f'href="{HANDOVERS}"' in body
    assert "每日与财务部核对回款" in body
    assert "开票申请" not in body  # finance issues invoices, not the clerk


def test_leadership_page_links_the_write_offs(client, office):
    executive = UserFactory(username="exe", roles=[Role.EXECUTIVE], offices=[office])
    client.force_login(executive)
    body = client.get("/w/leadership/").content.decode()
    assert 'href="/receivables/write-offs/"' in body and 'href="/approvals/inbox/"' in body


def test_finance_work_page_intro_names_the_receivables_desk():
    with translation.override("zh-hans"):
        assert str(PAGES_BY_SLUG["finance"].intro).startswith("应收账款工作台")
