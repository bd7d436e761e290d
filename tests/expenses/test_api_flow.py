"""R-16.3 end to end through the API: a budget approved by the branch manager, a claim with a
receipt photo against it, submitted, approved, paid by finance; the wrong person refused at
each step, and what a refused call leaves (nothing)."""

import pytest

from approvals.models import Approval
from expenses.models import ClaimPhoto, ExpenseBudget, ExpenseClaim
from notifications.models import Notification

from .conftest import MONTH, TODAY, png_upload

pytestmark = pytest.mark.django_db

BUDGETS = "/api/v1/expense-budgets/"
CLAIMS = "/api/v1/expense-claims/"


def call(api, user, method, path, body=None, **extra):
    api.force_authenticate(user)
    return getattr(api, method)(path, body, format="json", **extra)


def pending_step(document) -> Approval:
    return document.approvals().get(state="pending")


def decide(api, user, step, decision="approve", comment=""):
    return call(
        api,
        user,
        "post",
        f"/api/v1/approvals/{step.pk}/decide/",
        {"decision": decision, "comment": comment},
    )


def test_budget_to_payment_with_the_wrong_person_refused_at_each_step(
    api, salesperson, other_salesperson, manager, other_manager, finance, clerk, director
):
    # the budget: anonymous 401/403, a finance officer may not spend (403)
    body = {"month": "2026-03", "purpose": "拜访客户", "category": "travel", "amount": "800.00"}
    api.force_authenticate(None)
    assert api.post(BUDGETS, body, format="json").status_code in (401, 403)
    assert call(api, finance, "post", BUDGETS, body).status_code == 403
    made = call(api, salesperson, "post", BUDGETS, body)
    assert made.status_code == 201, made.content
    budget_id = made.json()["id"]
    assert made.json()["number"].startswith("FY-2026-")
    assert made.json()["status"] == "draft"

    # a colleague cannot see it (404), the manager sees it but may not submit it (403)
    path = f"{BUDGETS}{budget_id}/submit/"
    assert call(api, other_salesperson, "post", path).status_code == 404
    assert call(api, manager, "post", path).status_code == 403
    assert call(api, salesperson, "post", path).json()["status"] == "pending"

    # only the manager step (800 ≤ 1000, the staff cap): the other branch's manager refused
    budget = ExpenseBudget.objects.get(pk=budget_id)
    step = pending_step(budget)
    assert step.role == "manager"
    assert not budget.approvals().filter(role="director").exclude(state="skipped").exists()
    assert decide(api, other_manager, step).status_code in (403, 404)
    assert decide(api, salesperson, step).status_code in (403, 404)
    assert decide(api, manager, step).status_code == 200
    budget.refresh_from_db()
    assert budget.status == "approved"

    # the claim against it, a receipt line; the client's total and status are ignored
    claim_body = {
        "budget": budget_id,
        "date": TODAY.isoformat(),
        "total": "1.00",
        "status": "paid",
        "paid_at": "2026-03-10T00:00:00Z",
        "lines": [{"kind": "receipt", "description": "高铁票", "amount": "553.50"}],
    }
    assert call(api, other_salesperson, "post", CLAIMS, claim_body).status_code == 400
    made = call(api, salesperson, "post", CLAIMS, claim_body)
    assert made.status_code == 201, made.content
    claim = made.json()
    assert (claim["total"], claim["status"], claim["paid_at"]) == ("553.50", "draft", None)
    assert claim["number"].startswith("BX-2026-")
    claim_id = claim["id"]

    # submit without the receipt's photo: 409 photo_missing
    submit = f"{CLAIMS}{claim_id}/submit/"
    refused = call(api, salesperson, "post", submit)
    assert (refused.status_code, refused.json()["code"]) == (409, "photo_missing")

    # the photo: a colleague 404, the manager 403 (not theirs to change), the author 201
    photos = f"{CLAIMS}{claim_id}/photos/"
    api.force_authenticate(other_salesperson)
    assert api.post(photos, {"photo": png_upload()}, format="multipart").status_code == 404
    api.force_authenticate(manager)
    assert api.post(photos, {"photo": png_upload()}, format="multipart").status_code == 403
    api.force_authenticate(salesperson)
    uploaded = api.post(photos, {"photo": png_upload()}, format="multipart")
    assert uploaded.status_code == 201, uploaded.content
    assert ClaimPhoto.objects.filter(claim_id=claim_id).count() == 1

    # finance does not see a draft claim; the author submits
    assert call(api, finance, "get", f"{CLAIMS}{claim_id}/").status_code == 404
    assert call(api, salesperson, "post", submit).json()["status"] == "pending"
    claim = ExpenseClaim.objects.get(pk=claim_id)
    step = pending_step(claim)
    assert decide(api, clerk, step).status_code in (403, 404)
    assert decide(api, manager, step).status_code == 200
    claim.refresh_from_db()
    assert claim.status == "approved"
    assert Notification.objects.filter(recipient=finance, kind="expense_claim_to_pay").exists()

    # paying: the author 403, the manager 403, finance 200, twice 409 already_paid
    pay = f"{CLAIMS}{claim_id}/pay/"
    assert call(api, salesperson, "post", pay, {"reference": "x"}).status_code == 403
    assert call(api, manager, "post", pay, {"reference": "x"}).status_code == 403
    paid = call(api, finance, "post", pay, {"reference": "转账 0310"})
    assert paid.status_code == 200, paid.content
    assert (paid.json()["status"], paid.json()["reference"]) == ("paid", "转账 0310")
    again = call(api, finance, "post", pay, {"reference": "again"})
    assert (again.status_code, again.json()["code"]) == (409, "already_paid")
    claim.refresh_from_db()
    assert (claim.reference, claim.paid_by) == ("转账 0310", finance)
    assert Notification.objects.filter(recipient=salesperson, kind="expense_claim_paid").exists()

    # the month: used 553.50 of the staff cap 1000
    month = call(api, salesperson, "get", "/api/v1/expenses/month/?month=2026-03").json()
    assert (month["cap"], month["used"], month["pending"], month["left"]) == (
        "1000.00",
        "553.50",
        "0.00",
        "446.50",
    )
    assert month["month"] == MONTH.isoformat()


def test_a_claim_without_an_approved_budget_is_refused_and_nothing_is_saved(api, salesperson):
    body = {"month": "2026-03", "purpose": "招待", "category": "entertainment", "amount": "300"}
    budget_id = call(api, salesperson, "post", BUDGETS, body).json()["id"]
    claim_body = {
        "budget": budget_id,
        "date": TODAY.isoformat(),
        "lines": [{"kind": "receipt", "amount": "100.00"}],
    }
    refused = call(api, salesperson, "post", CLAIMS, claim_body)
    assert (refused.status_code, refused.json()["code"]) == (409, "budget_not_approved")
    assert not ExpenseClaim.objects.exists()


def test_a_closed_budget_takes_no_claim(api, salesperson, manager):
    from .conftest import budget

    made = budget(salesperson, people=[manager])
    assert call(api, salesperson, "post", f"{BUDGETS}{made.pk}/close/").json()["status"] == (
        "closed"
    )
    again = call(api, manager, "post", f"{BUDGETS}{made.pk}/close/")
    assert (again.status_code, again.json()["code"]) == (409, "already_closed")
    refused = call(
        api,
        salesperson,
        "post",
        CLAIMS,
        {
            "budget": made.pk,
            "date": TODAY.isoformat(),
            "lines": [{"kind": "receipt", "amount": "1"}],
        },
    )
    assert (refused.status_code, refused.json()["code"]) == (409, "budget_closed")


def test_a_budget_of_someone_else_is_not_claimed_against(api, salesperson, manager):
    """Abuse: a manager who sees a salesperson's approved budget cannot claim against it."""
    from .conftest import budget

    made = budget(salesperson, people=[manager])
    body = {
        "budget": made.pk,
        "date": TODAY.isoformat(),
        "lines": [{"kind": "receipt", "amount": "1"}],
    }
    assert call(api, manager, "post", CLAIMS, body).status_code == 403
    assert not ExpenseClaim.objects.exists()


def test_mass_assignment_on_a_budget_changes_nothing(api, salesperson):
    body = {
        "month": "2026-03",
        "purpose": "差旅",
        "category": "travel",
        "amount": "500.00",
        "status": "approved",
        "number": "FY-1999-0001",
        "author": 999,
        "approved_at": "2026-03-01T00:00:00Z",
    }
    made = call(api, salesperson, "post", BUDGETS, body).json()
    assert (made["status"], made["approved_at"], made["author"]) == ("draft", None, salesperson.pk)
    assert made["number"] != "FY-1999-0001"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("amount", "0"),
        ("amount", "-5"),
        ("amount", "1000000.01"),
        ("amount", "12.345"),
        ("amount", "NaN"),
        ("category", "bribes"),
        ("month", "2025-01"),
        ("month", "2026-13"),
        ("purpose", ""),
    ],
)
def test_bad_budget_input_is_a_400_and_saves_nothing(api, salesperson, field, value):
    body = {"month": "2026-03", "purpose": "差旅", "category": "travel", "amount": "500.00"}
    body[field] = value
    refused = call(api, salesperson, "post", BUDGETS, body)
    assert refused.status_code == 400, refused.content
    assert not ExpenseBudget.objects.exists()
