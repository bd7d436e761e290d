"""Special customer fees through the API (R-16.4, R-8): the right person at each step and the
wrong one refused; promised only after the branch manager's approval; the executive's step
needs the form of payment; finance pays an approved fee once."""

from decimal import Decimal

import pytest

from approvals.models import Approval
from notifications.models import Notification
from specialfees.factories import approved_fee, draft_fee, manager_approved_fee, pending_fee
from specialfees.models import SpecialFee

pytestmark = pytest.mark.django_db

FEES = "/api/v1/special-fees/"


def as_(api, user):
    api.force_authenticate(user)
    return api


def step(fee, role) -> Approval:
    return Approval.objects.get(
        document_type="special_fee", document_id=fee["id"] if isinstance(fee, dict) else fee.pk,
        role=role, void=False,
    )  # fmt: skip


def decide(api, user, approval, decision="approve", comment=""):
    return as_(api, user).post(
        f"/api/v1/approvals/{approval.pk}/decide/",
        {"decision": decision, "comment": comment},
        format="json",
    )


def test_r16_4_fee_flow_with_the_wrong_person_refused_at_each_step(
    api, account, salesperson, other_salesperson, manager, executive, finance
):
    body = {"account": account.pk, "kind": "promotion", "amount": "8000.00", "purpose": "店庆促销"}
    made = as_(api, salesperson).post(FEES, body, format="json")
    assert made.status_code == 201, made.content
    fee = made.json()
    assert fee["status"] == "draft" and fee["number"].startswith("TF-")
    url = f"{FEES}{fee['id']}/"
    # a peer salesperson of the branch neither sees nor touches it
    assert as_(api, other_salesperson).get(url).status_code == 404
    assert as_(api, other_salesperson).post(f"{url}submit/").status_code == 404
    assert fee["id"] not in [f["id"] for f in api.get(FEES).json()["results"]]
    # finance does not see a fee before it is approved
    assert as_(api, finance).post(f"{url}pay/", {}, format="json").status_code == 404

    assert as_(api, salesperson).post(f"{url}submit/").json()["status"] == "pending"
    # no promise before the manager's approval
    early = api.post(f"{url}promise/")
    assert early.status_code == 409 and early.json()["code"] == "not_approved_by_manager"
    # the salesperson cannot decide; the manager cannot choose the form of payment
    assert decide(api, salesperson, step(fee, "manager")).status_code == 403
    chosen = as_(api, manager).post(
        f"{url}payment-form/", {"payment_form": "cash", "approve": True}, format="json"
    )
    assert chosen.status_code == 403
    assert decide(api, manager, step(fee, "manager")).status_code == 200
    # now the salesperson may promise it, once
    promised = as_(api, salesperson).post(f"{url}promise/")
    assert promised.status_code == 200 and promised.json()["promised_at"]
    again = api.post(f"{url}promise/")
    assert again.status_code == 409 and again.json()["code"] == "already_promised"
    # the executive approving without a form of payment: 409, the step still waits
    bare = decide(api, executive, step(fee, "executive"))
    assert bare.status_code == 409 and bare.json()["code"] == "payment_form_required"
    assert step(fee, "executive").state == "pending"
    assert SpecialFee.objects.get(pk=fee["id"]).status == "pending"
    # the salesperson cannot choose the form either
    assert (
        as_(api, salesperson)
        .post(f"{url}payment-form/", {"payment_form": "cash"}, format="json")
        .status_code
        == 403
    )
    # the executive chooses the form and approves in one call
    done = as_(api, executive).post(
        f"{url}payment-form/",
        {"payment_form": "offset", "note": "冲抵下期货款", "approve": True},
        format="json",
    )
    assert done.status_code == 200, done.content
    assert (done.json()["status"], done.json()["payment_form"]) == ("approved", "offset")
    # finance pays once
    paid = as_(api, finance).post(f"{url}pay/", {"reference": "银行回单 0042"}, format="json")
    assert paid.status_code == 200 and paid.json()["status"] == "paid"
    twice = api.post(f"{url}pay/", {}, format="json")
    assert twice.status_code == 409 and twice.json()["code"] == "already_paid"
    kinds = set(Notification.objects.values_list("kind", flat=True))
    assert {"special_fee_promisable", "special_fee_to_pay", "special_fee_paid"} <= kinds


def test_executive_sets_the_form_then_approves_in_the_inbox(
    api, account, salesperson, manager, executive, finance
):
    fee = manager_approved_fee(account, salesperson, manager)
    url = f"{FEES}{fee.pk}/payment-form/"
    bad = as_(api, executive).post(url, {"payment_form": "cheque"}, format="json")
    assert bad.status_code == 400
    response = api.post(url, {"payment_form": "goods", "note": "以样机抵"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "pending"
    assert decide(api, executive, step(fee, "executive")).status_code == 200
    fee.refresh_from_db()
    assert (fee.status, fee.payment_form, fee.payment_note) == ("approved", "goods", "以样机抵")


def test_finance_cannot_pay_before_the_executive_and_other_branch_finance_never(
    api, account, salesperson, manager, executive, finance, other_finance
):
    fee = manager_approved_fee(account, salesperson, manager)
    assert as_(api, finance).post(f"{FEES}{fee.pk}/pay/", {}, format="json").status_code == 404
    fee = approved_fee(account, salesperson, manager, executive)
    assert (
        as_(api, other_finance).post(f"{FEES}{fee.pk}/pay/", {}, format="json").status_code == 404
    )
    assert as_(api, manager).post(f"{FEES}{fee.pk}/pay/", {}, format="json").status_code == 403
    fee.refresh_from_db()
    assert fee.status == "approved" and fee.paid_at is None


def test_a_rejected_fee_goes_back_and_its_form_is_decided_again(
    api, account, salesperson, manager, executive
):
    fee = manager_approved_fee(account, salesperson, manager)
    as_(api, executive).post(
        f"{FEES}{fee.pk}/payment-form/", {"payment_form": "cash"}, format="json"
    )
    assert decide(api, executive, step(fee, "executive"), "reject", "金额过高").status_code == 200
    fee.refresh_from_db()
    assert fee.status == "rejected"
    resubmitted = as_(api, salesperson).post(f"{FEES}{fee.pk}/submit/")
    assert resubmitted.status_code == 200 and resubmitted.json()["payment_form"] == ""
    # a new round: the manager's approval is needed again before any promise
    again = api.post(f"{FEES}{fee.pk}/promise/")
    assert again.status_code == 409 and again.json()["code"] == "not_approved_by_manager"


@pytest.mark.parametrize(
    ("amount", "status"),
    [
        ("0.01", 201),
        ("10000000.00", 201),
        ("10000000.01", 400),
        ("0", 400),
        ("-5.00", 400),
        ("NaN", 400),
        ("1e3", 400),  # money is written out, never in exponent notation
        ("12.345", 400),
        (12.5, 400),  # a float, not a decimal string
    ],
)
def test_amount_boundaries(api, account, salesperson, amount, status):
    body = {"account": account.pk, "kind": "temporary_staff", "amount": amount, "purpose": "x"}
    response = as_(api, salesperson).post(FEES, body, format="json")
    assert response.status_code == status, response.content
    assert SpecialFee.objects.count() == (1 if status == 201 else 0)


def test_who_may_ask_for_a_fee(
    api, account, office, other_office, salesperson, other_salesperson, manager, secretary,
    other_manager,
):  # fmt: skip
    body = {"account": account.pk, "kind": "other", "amount": "100.00", "purpose": "x"}
    # a peer salesperson asks a fee for a colleague's account: the account is not theirs
    assert as_(api, other_salesperson).post(FEES, body, format="json").status_code == 400
    assert as_(api, secretary).post(FEES, body, format="json").status_code == 403
    assert as_(api, other_manager).post(FEES, body, format="json").status_code == 400
    assert SpecialFee.objects.count() == 0
    # the branch manager may ask for the account's fee; then another manager decides
    made = as_(api, manager).post(FEES, body, format="json")
    assert made.status_code == 201
    # a contract of another account is refused
    from contracts.factories import approved_account

    other = approved_account(office, other_salesperson, name="江南电气")
    draft = draft_fee(other, other_salesperson)
    assert draft.account_id == other.pk
    assert as_(api, salesperson).get(f"{FEES}{draft.pk}/").status_code == 404


def test_list_is_scoped_and_bounded(
    api, account, salesperson, other_salesperson, manager, executive, director, finance,
    django_assert_max_num_queries,
):  # fmt: skip
    for _i in range(3):
        pending_fee(account, salesperson, amount="10.00")
    approved_fee(account, salesperson, manager, executive)
    with django_assert_max_num_queries(12):
        mine = as_(api, salesperson).get(FEES)
    assert mine.json()["count"] == 4
    assert as_(api, other_salesperson).get(FEES).json()["count"] == 0
    assert as_(api, manager).get(FEES).json()["count"] == 4
    assert as_(api, director).get(FEES).json()["count"] == 4
    assert as_(api, executive).get(f"{FEES}?status=pending").json()["count"] == 3
    assert as_(api, finance).get(FEES).json()["count"] == 1  # the approved one, to pay
    assert api.get(f"{FEES}?status=bogus").status_code == 400
    assert Decimal(as_(api, salesperson).get(FEES).json()["results"][-1]["amount"]) == Decimal("10")


def test_notifications_are_said_in_the_readers_words(account, salesperson, manager, executive):
    from django.utils import translation

    from notifications.messages import render

    approved_fee(account, salesperson, manager, executive, form="offset")
    with translation.override("zh-hans"):
        texts = {n.kind: render(n) for n in Notification.objects.all()}
    assert "现在可以向客户承诺" in texts["special_fee_promisable"]
    assert "冲抵货款" in texts["special_fee_approved"]
    assert all(kind not in text for kind, text in texts.items())  # never the raw kind
