"""What waits for each role on its work page from R-16 (workspace.queues): the technician's
after-sales requests of their own branch (unassigned or theirs; never another branch's or a
colleague's), the clerk's requests to file and to close, the executive's open escalations and
special fees waiting for the form of payment, finance's claims and fees to pay — counted with
a link, in a bounded number of queries whatever the rows."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from aftersales.factories import request_at
from contracts.factories import approved_account
from specialfees import factories as fees
from staff.choices import Role
from staff.factories import UserFactory

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 3, 10, 10, 0, tzinfo=SH)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW + datetime.timedelta(hours=8), tick=False):
        yield


@pytest.fixture
def branch(office, other_office, salesperson, manager, finance):
    make = UserFactory
    people = {
        "sp": salesperson,
        "manager": manager,
        "finance": finance,
        "clerk": make(username="q-clerk", roles=[Role.CLERK], offices=[office]),
        "tech": make(username="q-tech", roles=[Role.TECHNICIAN], offices=[office]),
        "tech2": make(username="q-tech2", roles=[Role.TECHNICIAN], offices=[office]),
        "executive": make(username="q-exec", roles=[Role.EXECUTIVE], offices=[office]),
        "far_tech": make(username="q-far-tech", roles=[Role.TECHNICIAN], offices=[other_office]),
        "far_manager": make(username="q-far-mgr", roles=[Role.MANAGER], offices=[other_office]),
        "far_clerk": make(username="q-far-clerk", roles=[Role.CLERK], offices=[other_office]),
        "far_sp": make(username="q-far-sp", roles=[Role.SALESPERSON], offices=[other_office]),
    }
    people["account"] = approved_account(office, salesperson, name="本店客户")
    people["far_account"] = approved_account(other_office, people["far_sp"], name="他店客户")
    return people


def _home(user, slug: str, query: str = ""):
    client = Client()
    client.force_login(user)
    response = client.get(f"/w/{slug}/{query}")
    assert response.status_code == 200
    return response.content.decode()


def _steps(p, *, far=False):
    if far:
        return {"reporter": p["far_sp"], "manager": p["far_manager"], "clerk": p["far_clerk"]}
    return {"reporter": p["sp"], "manager": p["manager"], "clerk": p["clerk"]}


def test_r16_1_the_technician_sees_their_branchs_requests_waiting_and_no_one_elses(branch):
    p = branch
    account, far = p["account"], p["far_account"]
    unassigned = request_at("filed", account, **_steps(p), now=NOW)
    mine = request_at("filed", account, technician=p["tech"], **_steps(p), now=NOW)
    colleague = request_at("filed", account, technician=p["tech2"], **_steps(p), now=NOW)
    contacted = request_at("contacted", account, technician=p["tech"], **_steps(p), now=NOW)
    not_filed = request_at("confirmed", account, **_steps(p), now=NOW)
    elsewhere = request_at("filed", far, technician=p["far_tech"], **_steps(p, far=True), now=NOW)
    page = _home(p["tech"], "technical")
    for shown in (unassigned, mine):
        assert f'id="queue-aftersales-filed-{shown.pk}"' in page
    assert f'id="queue-aftersales-contacted-{contacted.pk}"' in page
    for hidden in (colleague, not_filed, elsewhere):  # numbers repeat per branch: ids do not
        assert not re.search(rf'id="queue-aftersales-[a-z_]+-{hidden.pk}"', page)
    # the other branch's technician sees only theirs
    far_page = _home(p["far_tech"], "technical")
    assert f'id="queue-aftersales-filed-{elsewhere.pk}"' in far_page
    assert not re.search(rf'id="queue-aftersales-[a-z_]+-{unassigned.pk}"', far_page)


def test_r16_1_the_technicians_page_takes_a_bounded_number_of_queries(
    branch, django_assert_max_num_queries
):
    p = branch
    for _ in range(12):
        request_at("filed", p["account"], **_steps(p), now=NOW)
    client = Client()
    client.force_login(p["tech"])
    with django_assert_max_num_queries(20):
        response = client.get("/w/technical/")
    assert response.content.decode().count('class="visit-row"') == 12


def test_r16_1_the_clerk_counts_requests_to_file_and_to_close(branch):
    p = branch
    request_at("confirmed", p["account"], **_steps(p), now=NOW)
    request_at("confirmed", p["account"], **_steps(p), now=NOW)
    request_at("resolved", p["account"], technician=p["tech"], **_steps(p), now=NOW)
    request_at("confirmed", p["far_account"], **_steps(p, far=True), now=NOW)
    page = _home(p["clerk"], "clerk")
    to_file = page.split('id="queue-aftersales-to-file"')[1].split("</h3>")[0]
    to_close = page.split('id="queue-aftersales-to-close"')[1].split("</h3>")[0]
    assert ">2</span>" in to_file and ">1</span>" in to_close
    assert "/aftersales/?state=confirmed" in to_file


def test_r16_4_the_executive_sees_escalations_and_fees_waiting_for_the_form(branch):
    p = branch
    made = request_at("filed", p["account"], **_steps(p), now=NOW)
    from aftersales.services import requests

    requests.request_escalate(request=made, actor=p["manager"], reason="无法解决", now=NOW)
    fees.manager_approved_fee(p["account"], p["sp"], p["manager"], now=NOW)
    page = _home(p["executive"], "leadership")
    escalations = page.split('id="queue-escalations"')[1].split("</h3>")[0]
    waiting = page.split('id="queue-special-fees"')[1].split("</h3>")[0]
    assert ">1</span>" in escalations and 'href="/escalations/"' in escalations
    assert ">1</span>" in waiting and 'href="/approvals/inbox/"' in waiting


def test_r16_4_finance_sees_the_fees_to_pay_under_the_desk(branch, office):
    p = branch
    fees.approved_fee(p["account"], p["sp"], p["manager"], p["executive"], now=NOW)
    page = _home(p["finance"], "finance", f"?office={office.pk}")
    assert page.index('id="desk-receipts"') < page.index('id="work-queues"')
    to_pay = page.split('id="queue-special-fees-to-pay"')[1].split("</h3>")[0]
    assert ">1</span>" in to_pay
    assert 'id="queue-expense-claims"' in page
