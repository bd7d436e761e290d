"""The demo's after-sales, complaints, expenses, special fees and penalties (workspace.demo_r16,
R-16): every state of an after-sales request once, one escalated and on leadership's list, a
major complaint on it too, the technician's rating, a claim paid and one waiting for the branch
manager, a special fee waiting for the executive's form of payment, two penalties on the fines;
each person's home page shows what waits for them; a second run adds nothing."""

import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client

from aftersales.models import Complaint, ServiceRequest, TechnicianRating
from approvals.selectors import inbox_for
from escalations.selectors import escalations_open
from expenses.models import ExpenseBudget, ExpenseClaim
from reports.models import Penalty
from specialfees.models import SpecialFee
from staff.models import Office, User
from workspace.demo_sales import DEMO_BRANCH

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
AFTERNOON = datetime.datetime(2026, 11, 27, 14, 0, tzinfo=SH)  # a Friday


def demo_data() -> str:
    out = StringIO()
    with time_machine.travel(AFTERNOON, tick=False):
        call_command("demo_data", stdout=out)
    return out.getvalue()


def counts() -> list[int]:
    models = (ServiceRequest, Complaint, TechnicianRating, ExpenseBudget, ExpenseClaim)
    return [m.objects.count() for m in (*models, SpecialFee, Penalty)]


def user(name: str) -> User:
    return User.objects.get(username=name)


def test_r16_the_branchs_after_sales_expenses_fees_and_penalties_once():
    out = demo_data()
    made = counts()
    again = demo_data()
    assert "7 after-sales requests (1 escalated, 1 rated)" in out
    assert "penalties kept" in again and counts() == made

    branch = Office.objects.get(code=DEMO_BRANCH["code"])
    states = sorted(ServiceRequest.objects.filter(office=branch).values_list("state", flat=True))
    assert states == sorted(
        ["new", "confirmed", "rejected", "filed", "contacted", "resolved", "closed"]
    )
    # the escalated request and the major complaint on the executive's list
    listed = {e.source for e in escalations_open(user("executive"))}
    assert {"after_sales", "complaint"} <= listed
    assert Complaint.objects.filter(office=branch, major=True).count() == 1
    assert TechnicianRating.objects.filter(score=5).count() == 1
    # one claim paid, one waiting for the branch manager
    claims = ExpenseClaim.objects.filter(office=branch)
    assert sorted(claims.values_list("status", flat=True)) == ["paid", "pending"]
    now = AFTERNOON
    waiting = [i["document"] for i in inbox_for(user("bmanager"), now=now)]
    assert any(isinstance(d, ExpenseClaim) and d.status == "pending" for d in waiting)
    # the fee waits for the executive's form of payment
    fee = SpecialFee.objects.get(office=branch)
    assert fee.status == "pending" and fee.payment_form == ""
    assert any(i["document"] == fee for i in inbox_for(user("executive"), now=now))
    # two penalties of 10.00–100.00
    amounts = sorted(
        str(a) for a in Penalty.objects.filter(office=branch).values_list("amount", flat=True)
    )
    assert amounts == ["30.00", "50.00"]


def test_r16_each_home_page_shows_what_waits_for_its_person():
    demo_data()
    with time_machine.travel(AFTERNOON, tick=False):
        pages = {}
        for name, slug in (
            ("technician", "technical"),
            ("executive", "leadership"),
            ("clerk", "clerk"),
            ("finance", "finance"),
        ):
            client = Client()
            client.force_login(user(name))
            query = ""
            if name == "finance":
                query = f"?office={Office.objects.get(code=DEMO_BRANCH['code']).pk}"
            response = client.get(f"/w/{slug}/{query}")
            assert response.status_code == 200, name
            pages[name] = response.content.decode()
    # the technician: 南通金桥's filed request (nobody took it) is listed for them
    filed = ServiceRequest.objects.get(state="filed")
    assert f'id="queue-aftersales-filed-{filed.pk}"' in pages["technician"]
    assert filed.number in pages["technician"]
    # the executive: the open escalations and the fee waiting for the form of payment
    assert 'id="queue-escalations"' in pages["executive"]
    assert 'href="/escalations/"' in pages["executive"]
    assert 'id="queue-special-fees"' in pages["executive"]
    # the clerk: one request to file, one to close; finance: nothing left to pay (paid)
    assert 'id="queue-aftersales-to-file"' in pages["clerk"]
    assert 'id="queue-aftersales-to-close"' in pages["clerk"]
    assert 'id="queue-expense-claims"' in pages["finance"]
    assert 'id="desk-receipts"' in pages["finance"]  # the receivables desk stays first
    assert pages["finance"].index('id="desk-receipts"') < pages["finance"].index("work-queues")
