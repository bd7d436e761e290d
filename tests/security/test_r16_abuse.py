"""A salesperson (or a manager) trying to make money out of R-16, over the API and the pages:
a claim against a colleague's budget, an unapproved or closed one; a meal allowance of their
own figure; the total, the status or the payment written into a body (mass assignment); their
own budget approved by themselves; a penalty against oneself, against a person of another
office, or outside 10.00–100.00; another person's receipt or after-sales photo read by its
URL (the ids are small integers: guessable); a special fee paid before the executive chose the
form of payment; the same claim or fee paid twice. Each is refused (400/403/404/409) and
nothing changes: the rows are counted before and after."""

import datetime
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from rest_framework.test import APIClient

from aftersales.factories import png
from aftersales.factories import request_at as aftersales_request
from approvals.models import Approval
from contracts.factories import approved_account
from expenses.models import ClaimLine, ClaimPhoto, ExpenseBudget, ExpenseClaim
from expenses.services import budgets, claims
from reports.models import Penalty
from specialfees import factories as fees
from specialfees.models import SpecialFee
from staff.choices import Role
from staff.factories import UserFactory

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 3, 18, 10, 0, tzinfo=SH)
TODAY = NOW.date()
MODELS = (ExpenseBudget, ExpenseClaim, ClaimLine, ClaimPhoto, SpecialFee, Penalty)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


def rows() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in MODELS}


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def page(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


@pytest.fixture
def people(office, other_office, salesperson, other_salesperson, manager, director, finance):
    executive = UserFactory(username="ab16-exec", roles=[Role.EXECUTIVE], offices=[office])
    technician = UserFactory(username="ab16-tech", roles=[Role.TECHNICIAN], offices=[office])
    clerk = UserFactory(username="ab16-clerk", roles=[Role.CLERK], offices=[office])
    far = UserFactory(username="ab16-far", roles=[Role.SALESPERSON], offices=[other_office])
    return {
        "sp": salesperson,
        "sp2": other_salesperson,
        "manager": manager,
        "director": director,
        "executive": executive,
        "finance": finance,
        "technician": technician,
        "clerk": clerk,
        "far": far,
    }


def _budget(author, office, *, amount="500.00", approve_by=None):
    made = budgets.budget_create(
        actor=author, office=office, month=TODAY, purpose="拜访客户差旅", category="travel",
        amount=Decimal(amount), now=NOW,
    )  # fmt: skip
    if approve_by is None:
        return made
    budgets.budget_submit(budget=made, actor=author, now=NOW)
    step = made.approvals().get(state="pending")
    from approvals.services import approval_decide

    approval_decide(approval=step, actor=approve_by, decision="approve", comment="", now=NOW)
    made.refresh_from_db()
    return made


def _claim(author, budget, amount="100.00"):
    made = claims.claim_create(
        actor=author, budget=budget, date=TODAY, note="", now=NOW,
        lines=[claims.LineInput(kind="receipt", description="出租车", amount=amount)],
    )  # fmt: skip
    claims.claim_add_photo(claim=made, actor=author, upload=png(), now=NOW)
    return made


def _approved_claim(author, budget, manager):
    made = _claim(author, budget)
    claims.claim_submit(claim=made, actor=author, now=NOW)
    from approvals.services import approval_decide

    step = made.approvals().get(state="pending")
    approval_decide(approval=step, actor=manager, decision="approve", comment="", now=NOW)
    made.refresh_from_db()
    return made


def _claim_body(budget, **extra) -> dict:
    return {
        "budget": budget.pk,
        "date": TODAY.isoformat(),
        "lines": [{"kind": "receipt", "description": "高速费", "amount": "80.00"}],
        **extra,
    }


# ---------------------------------------------------------------- expenses


def test_r16_3_a_claim_against_a_colleagues_approved_budget_is_refused(office, people):
    """sp2's approved budget, named by its id in sp's claim: not one of sp's budgets."""
    theirs = _budget(people["sp2"], office, approve_by=people["manager"])
    before = rows()
    response = api(people["sp"]).post("/api/v1/expense-claims/", _claim_body(theirs), format="json")
    assert response.status_code in (400, 403, 404), response.content
    assert rows() == before
    # nor through the page: the budget is not there for sp
    got = page(people["sp"]).post(
        f"/expenses/claims/new/?budget={theirs.pk}",
        {"budget": theirs.pk, "claim-date": TODAY.isoformat(), "line-kind": "receipt",
         "line-amount": "80.00"},
    )  # fmt: skip
    assert got.status_code in (403, 404)
    assert rows() == before


def test_r16_3_a_claim_against_a_draft_or_closed_budget_is_409(office, people):
    draft = _budget(people["sp"], office)
    closed = _budget(people["sp"], office, approve_by=people["manager"])
    budgets.budget_close(budget=closed, actor=people["sp"], now=NOW)
    before = rows()
    client = api(people["sp"])
    refused = client.post("/api/v1/expense-claims/", _claim_body(draft), format="json")
    assert refused.status_code == 409
    assert refused.json()["code"] == "budget_not_approved"
    closed_out = client.post("/api/v1/expense-claims/", _claim_body(closed), format="json")
    assert closed_out.status_code == 409
    assert closed_out.json()["code"] == "budget_closed"
    assert rows() == before


def test_r16_3_the_meal_allowance_is_the_branchs_figure_never_the_clients(office, people):
    """A meal line with an amount of one's own is refused; without it the amount is meals ×
    the office's allowance (20.00 by default)."""
    budget = _budget(people["sp"], office, approve_by=people["manager"])
    client = api(people["sp"])
    before = rows()
    greedy = {"kind": "meal", "meals": 2, "amount": "999.00", "description": "误餐"}
    response = client.post(
        "/api/v1/expense-claims/", _claim_body(budget, lines=[greedy]), format="json"
    )
    assert response.status_code == 400
    assert rows() == before
    honest = {"kind": "meal", "meals": 2, "description": "误餐"}
    made = client.post(
        "/api/v1/expense-claims/", _claim_body(budget, lines=[honest]), format="json"
    )
    assert made.status_code == 201, made.content
    claim = ExpenseClaim.objects.get(pk=made.json()["id"])
    assert claim.total == 2 * office.meal_allowance == Decimal("40.00")


def test_r16_3_total_status_and_payment_sent_in_a_body_change_nothing(office, people):
    """Mass assignment: what the services set (the total, the status, the payment, the author)
    is never taken from the client, on the budget or the claim."""
    client = api(people["sp"])
    budget_made = client.post(
        "/api/v1/expense-budgets/",
        {"office": office.pk, "month": f"{TODAY:%Y-%m}", "category": "travel",
         "amount": "300.00", "purpose": "差旅", "status": "approved",
         "approved_at": NOW.isoformat(), "author": people["sp2"].pk},
        format="json",
    )  # fmt: skip
    assert budget_made.status_code == 201, budget_made.content
    made_budget = ExpenseBudget.objects.get(pk=budget_made.json()["id"])
    assert made_budget.status == "draft" and made_budget.author == people["sp"]
    assert made_budget.approved_at is None

    budget = _budget(people["sp"], office, approve_by=people["manager"])
    body = _claim_body(
        budget, total="99999.00", status="paid", paid_at=NOW.isoformat(), author=people["sp2"].pk,
        paid_by=people["finance"].pk, reference="自己付的",
    )  # fmt: skip
    response = client.post("/api/v1/expense-claims/", body, format="json")
    assert response.status_code == 201, response.content
    claim = ExpenseClaim.objects.get(pk=response.json()["id"])
    assert (claim.status, claim.total, claim.paid_at, claim.paid_by) == (
        "draft",
        Decimal("80.00"),
        None,
        None,
    )
    assert claim.author == people["sp"]
    # no endpoint edits a claim's figures afterwards
    for method in ("put", "patch"):
        changed = getattr(client, method)(
            f"/api/v1/expense-claims/{claim.pk}/", {"total": "1.00"}, format="json"
        )
        assert changed.status_code == 405
    claim.refresh_from_db()
    assert claim.total == Decimal("80.00")


def test_r16_3_nobody_approves_their_own_budget(office, people):
    """R-8.1: the author is never an approver of their own document: a manager's own budget's
    step is not theirs to decide (nor is the salesperson's own)."""
    own = _budget(people["manager"], office)
    budgets.budget_submit(budget=own, actor=people["manager"], now=NOW)
    step = own.approvals().get(state="pending")
    response = api(people["manager"]).post(
        f"/api/v1/approvals/{step.pk}/decide/", {"decision": "approve"}, format="json"
    )
    assert response.status_code in (403, 404)
    step.refresh_from_db()
    own.refresh_from_db()
    assert step.state == "pending" and own.status == "pending"

    mine = _budget(people["sp"], office)
    budgets.budget_submit(budget=mine, actor=people["sp"], now=NOW)
    step = mine.approvals().get(state="pending")
    response = api(people["sp"]).post(
        f"/api/v1/approvals/{step.pk}/decide/", {"decision": "approve"}, format="json"
    )
    assert response.status_code in (403, 404)
    mine.refresh_from_db()
    assert mine.status == "pending"


def test_r16_3_the_same_claim_is_paid_once(office, people):
    budget = _budget(people["sp"], office, approve_by=people["manager"])
    claim = _approved_claim(people["sp"], budget, people["manager"])
    client = api(people["finance"])
    first = client.post(f"/api/v1/expense-claims/{claim.pk}/pay/", {"reference": "A1"})
    assert first.status_code == 200, first.content
    claim.refresh_from_db()
    paid_at, reference = claim.paid_at, claim.reference
    again = client.post(f"/api/v1/expense-claims/{claim.pk}/pay/", {"reference": "A2"})
    assert again.status_code == 409
    assert again.json()["code"] == "already_paid"
    claim.refresh_from_db()
    assert (claim.paid_at, claim.reference) == (paid_at, reference)
    # the salesperson cannot pay themselves
    other = _approved_claim(people["sp"], budget, people["manager"])
    refused = api(people["sp"]).post(f"/api/v1/expense-claims/{other.pk}/pay/", {})
    assert refused.status_code == 403
    other.refresh_from_db()
    assert other.status == "approved"


def test_r16_3_another_persons_receipt_photo_is_not_there_whatever_the_url(office, people):
    """Photo ids are small integers: sp tries sp2's photo under sp2's claim, and under sp's
    own claim; both are 404, and the file is never under a public URL."""
    mine = _claim(people["sp"], _budget(people["sp"], office, approve_by=people["manager"]))
    theirs = _claim(people["sp2"], _budget(people["sp2"], office, approve_by=people["manager"]))
    photo = theirs.photos.get()
    client = page(people["sp"])
    assert client.get(f"/expenses/claims/{theirs.pk}/photos/{photo.pk}/").status_code == 404
    assert client.get(f"/expenses/claims/{mine.pk}/photos/{photo.pk}/").status_code == 404
    own_photo = mine.photos.get()
    served = client.get(f"/expenses/claims/{mine.pk}/photos/{own_photo.pk}/")
    assert served.status_code == 200
    assert served["X-Content-Type-Options"] == "nosniff"
    # the stored name says nothing of the claim or the person, and MEDIA is not served
    assert re.fullmatch(r"[0-9a-f]{32}\.[a-z]+", photo.image.name.rsplit("/", 1)[-1])
    public = client.get(f"{settings.MEDIA_URL or '/media/'}{photo.image.name}")
    assert public.status_code == 404


def test_r16_1_another_accounts_after_sales_photo_is_not_there(office, people):
    mine = approved_account(office, people["sp"], name="甲方售后")
    theirs = approved_account(office, people["sp2"], name="乙方售后")
    staff = {"manager": people["manager"], "clerk": people["clerk"]}
    own = aftersales_request("new", mine, reporter=people["sp"], **staff)
    other = aftersales_request("new", theirs, reporter=people["sp2"], **staff)
    from aftersales.services import extras

    their_photo = extras.photo_add(request=other, actor=people["sp2"], upload=png(), now=NOW)
    client = page(people["sp"])
    assert client.get(f"/aftersales/{other.pk}/photos/{their_photo.pk}/").status_code == 404
    assert client.get(f"/aftersales/{own.pk}/photos/{their_photo.pk}/").status_code == 404
    # a technician of the office does not see a request that is not filed yet
    assert page(people["technician"]).get(f"/aftersales/{other.pk}/").status_code == 404


# ---------------------------------------------------------------- special fees


def test_r16_4_finance_cannot_pay_before_the_executives_form_of_payment(office, people):
    account = approved_account(office, people["sp"], name="促销客户")
    fee = fees.manager_approved_fee(
        account, people["sp"], people["manager"], now=NOW
    )  # waiting for the executive
    response = api(people["finance"]).post(f"/api/v1/special-fees/{fee.pk}/pay/", {})
    assert response.status_code in (404, 409)  # not approved: not finance's to see, or 409
    fee.refresh_from_db()
    assert fee.status == "pending" and fee.paid_at is None
    # the salesperson cannot pick the form of payment for the executive
    chosen = api(people["sp"]).post(
        f"/api/v1/special-fees/{fee.pk}/payment-form/",
        {"payment_form": "cash", "note": "我来定"},
        format="json",
    )
    assert chosen.status_code == 403
    fee.refresh_from_db()
    assert fee.payment_form == ""


def test_r16_4_a_fee_sent_with_its_status_and_payment_is_a_draft(office, people):
    account = approved_account(office, people["sp"], name="临时工客户")
    response = api(people["sp"]).post(
        "/api/v1/special-fees/",
        {"account": account.pk, "kind": "temporary_staff", "amount": "900.00",
         "purpose": "临时工", "status": "approved", "payment_form": "cash",
         "paid_at": NOW.isoformat(), "promised_at": NOW.isoformat()},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.content
    fee = SpecialFee.objects.get(pk=response.json()["id"])
    assert (fee.status, fee.payment_form, fee.paid_at, fee.promised_at) == ("draft", "", None, None)


def test_r16_4_a_fee_is_paid_once_and_never_promised_before_the_manager(office, people):
    account = approved_account(office, people["sp"], name="付款客户")
    pending = fees.pending_fee(account, people["sp"], now=NOW)
    early = api(people["sp"]).post(f"/api/v1/special-fees/{pending.pk}/promise/")
    assert early.status_code == 409
    assert early.json()["code"] == "not_approved_by_manager"
    fee = fees.approved_fee(account, people["sp"], people["manager"], people["executive"], now=NOW)
    client = api(people["finance"])
    assert client.post(f"/api/v1/special-fees/{fee.pk}/pay/", {}).status_code == 200
    again = client.post(f"/api/v1/special-fees/{fee.pk}/pay/", {})
    assert again.status_code == 409
    assert again.json()["code"] == "already_paid"


def test_r16_4_a_colleague_cannot_see_or_promise_anothers_fee(office, people):
    account = approved_account(office, people["sp2"], name="同事客户")
    fee = fees.manager_approved_fee(account, people["sp2"], people["manager"], now=NOW)
    client = api(people["sp"])
    assert client.get(f"/api/v1/special-fees/{fee.pk}/").status_code == 404
    assert client.post(f"/api/v1/special-fees/{fee.pk}/promise/").status_code == 404
    fee.refresh_from_db()
    assert fee.promised_at is None


# ---------------------------------------------------------------- penalties


def _penalty(person, office, amount="20.00") -> dict:
    return {
        "office": office.pk,
        "person": person.pk,
        "date": TODAY.isoformat(),
        "amount": amount,
        "rule": "发票开具错误",
        "reason": "发票抬头错误",
    }


def test_r16_5_a_manager_never_penalises_themselves_or_another_offices_person(
    office, other_office, people
):
    before = rows()
    client = api(people["manager"])
    self_fined = client.post("/api/v1/penalties/", _penalty(people["manager"], office))
    assert self_fined.status_code == 403
    far = client.post("/api/v1/penalties/", _penalty(people["far"], office))
    assert far.status_code in (400, 403)
    far_office = client.post("/api/v1/penalties/", _penalty(people["far"], other_office))
    assert far_office.status_code in (400, 403, 404)
    # a salesperson records none, not even against a colleague
    sp = api(people["sp"]).post("/api/v1/penalties/", _penalty(people["sp2"], office))
    assert sp.status_code == 403
    assert rows() == before


@pytest.mark.parametrize(
    "amount", ["9.99", "100.01", "1000", "NaN", "Infinity", "-10", "1e3", "10.001", ""]
)
def test_r16_5_a_penalty_outside_10_to_100_is_400(office, people, amount):
    before = rows()
    response = api(people["manager"]).post(
        "/api/v1/penalties/", _penalty(people["sp"], office, amount)
    )
    assert response.status_code == 400, (amount, response.content)
    assert rows() == before


@pytest.mark.parametrize("amount", ["10.00", "100.00", "10", "55.5"])
def test_r16_5_a_penalty_of_10_to_100_is_taken(office, people, amount):
    response = api(people["manager"]).post(
        "/api/v1/penalties/", _penalty(people["sp"], office, amount)
    )
    assert response.status_code == 201, response.content
    assert Penalty.objects.get().amount == Decimal(amount)


def test_r16_5_the_person_cannot_withdraw_their_own_penalty(office, people):
    made = api(people["manager"]).post("/api/v1/penalties/", _penalty(people["sp"], office))
    assert made.status_code == 201
    pk = made.json()["id"]
    refused = api(people["sp"]).post(f"/api/v1/penalties/{pk}/withdraw/", {"reason": "不服"})
    assert refused.status_code == 403
    assert Penalty.objects.get(pk=pk).withdrawn_at is None


# ---------------------------------------------------------------- the approvals of R-16


def test_r16_a_salesperson_cannot_decide_any_r16_step(office, people):
    """Budgets, claims and fees wait for the manager: a salesperson's decision is refused
    whoever's document it is."""
    theirs = _budget(people["sp2"], office)
    budgets.budget_submit(budget=theirs, actor=people["sp2"], now=NOW)
    account = approved_account(office, people["sp2"], name="审批客户")
    fee = fees.pending_fee(account, people["sp2"], now=NOW)
    client = api(people["sp"])
    for document in (theirs, fee):
        step = Approval.objects.get(
            document_type=document.approval_document_type, document_id=document.pk, state="pending"
        )
        response = client.post(
            f"/api/v1/approvals/{step.pk}/decide/", {"decision": "approve"}, format="json"
        )
        assert response.status_code in (403, 404)
        step.refresh_from_db()
        assert step.state == "pending"
