"""After-sales, complaints, escalations, expenses, special fees and penalties (R-16, issue 19)
for tests/security/test_field_exposure.py and test_csrf.py: a technician and an executive
join user a's office, and on an approved account of a's these are made once per test through
the services (found again by their marks):

- after-sales requests at every step: new, confirmed, filed (one escalated by the manager),
  taken by the technician, contacted, resolved;
- complaints: one waiting for a handler, one the manager handles;
- a's expense budgets (a draft, one approved by the manager) and claims (a draft with a
  receipt line and its photo, one approved for finance to pay);
- a's special fees: a draft, one the manager approved (the executive's form of payment next),
  one whose form the executive chose (finance pays it);
- a penalty against user b by the manager;

and the API requests that write them, one per writing endpoint (mass assignment, CSRF)."""

import datetime
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from accounts.models import Account
from aftersales.factories import png
from aftersales.models import Complaint, ServiceRequest
from approvals.services import approval_decide
from contracts.factories import approved_account
from escalations.models import Escalation
from expenses.models import ClaimLine, ClaimPhoto, ExpenseBudget, ExpenseClaim
from reports.models import Penalty
from specialfees.models import SpecialFee
from staff.choices import Role
from staff.factories import UserFactory
from staff.models import User

ACCOUNT = "售后暴露测试客户"
MARK = "R16暴露"
# their keys in `users` (tests/shipping/exposure_fixtures.py has its own "technician")
EXTRA_PEOPLE = {"x-technician": Role.TECHNICIAN, "x-executive": Role.EXECUTIVE}


def _people(office, users: dict) -> None:
    """The technician and the executive of the office (made when not there)."""
    for key, role in EXTRA_PEOPLE.items():
        users[key] = User.objects.filter(username=key).first() or UserFactory(
            username=key, roles=[role], offices=[office]
        )


def _decide(document, role: str, person, now) -> None:
    step = document.approvals().get(state="pending", role=role)
    approval_decide(approval=step, actor=person, decision="approve", comment="", now=now)
    document.refresh_from_db()


def _make(office, users: dict, account, now) -> None:
    from aftersales.services import complaints, requests
    from expenses.services import budgets, claims
    from reports import penalties
    from specialfees import services as fees

    a, manager, clerk = users["a"], users["manager"], users["clerk"]
    technician = users["x-technician"]
    earlier = now - datetime.timedelta(hours=2)
    day = timezone.localtime(now, office.tzinfo).date()

    def asked(step: str):
        return requests.request_create(
            actor=a, account=account, problem=f"{MARK}-{step}", received_at=earlier, now=earlier
        )

    def confirmed(step: str):
        made = asked(step)
        return requests.request_confirm(request=made, actor=manager, approve=True, now=earlier)

    def filed(step: str):
        return requests.request_file(request=confirmed(step), actor=clerk, now=earlier)

    def taken(step: str):
        return requests.request_take(request=filed(step), actor=technician, now=earlier)

    def contacted(step: str):
        return requests.request_contact(
            request=taken(step), actor=technician, contacted_at=earlier, method="phone",
            note="", now=earlier,
        )  # fmt: skip

    asked("new")
    confirmed("confirmed")
    filed("filed")
    escalated = filed("escalated")
    requests.request_escalate(request=escalated, actor=manager, reason="分部无法解决", now=now)
    taken("taken")
    contacted("contacted")
    requests.request_result(
        request=contacted("resolved"), actor=technician, result="已更换轴承", status="", now=now
    )
    complaints.complaint_create(
        actor=a, account=account, kind="complaint", text=f"{MARK}-投诉", now=now
    )
    handled = complaints.complaint_create(
        actor=a, account=account, kind="suggestion", text=f"{MARK}-建议", now=now
    )
    complaints.complaint_assign(complaint=handled, actor=manager, handler=manager, now=now)
    budgets.budget_create(
        actor=a, office=office, month=day, purpose=f"{MARK}-预算", category="travel",
        amount=Decimal("300.00"), now=now,
    )  # fmt: skip
    approved = budgets.budget_create(
        actor=a, office=office, month=day, purpose=f"{MARK}-已批预算", category="travel",
        amount=Decimal("500.00"), now=now,
    )  # fmt: skip
    budgets.budget_submit(budget=approved, actor=a, now=now)
    _decide(approved, Role.MANAGER, manager, now)
    for note in ("草稿", "已批"):
        made = claims.claim_create(
            actor=a, budget=approved, date=day, note=f"{MARK}-{note}", now=now,
            lines=[claims.LineInput(kind="receipt", description="票据", amount="50.00")],
        )  # fmt: skip
        claims.claim_add_photo(claim=made, actor=a, upload=png(), now=now)  # its receipt
        if note == "已批":
            claims.claim_submit(claim=made, actor=a, now=now)
            _decide(made, Role.MANAGER, manager, now)

    def fee(step: str):
        return fees.special_fee_create(
            actor=a, account=account, kind="promotion", amount=Decimal("800.00"),
            purpose=f"{MARK}-{step}", now=now,
        )  # fmt: skip

    fee("draft")
    at_executive = fee("at_executive")
    fees.special_fee_submit(fee=at_executive, actor=a, now=now)
    _decide(at_executive, Role.MANAGER, manager, now)
    decided = fee("decided")
    fees.special_fee_submit(fee=decided, actor=a, now=now)
    _decide(decided, Role.MANAGER, manager, now)
    fees.special_fee_executive_decide(
        fee=decided, actor=users["x-executive"], decision="approve", payment_form="transfer",
        note="", now=now,
    )  # fmt: skip
    penalties.penalty_record(
        office=office, person=users["b"], date=day, amount=Decimal("20.00"),
        rule="发票开具错误", reason=f"{MARK}-罚款", actor=manager, now=now,
    )  # fmt: skip


def r16_world(*, office, users: dict, now) -> dict:
    """The objects (made when not found)."""
    _people(office, users)
    account = Account.objects.filter(name=ACCOUNT).first()
    if account is None:
        account = approved_account(office, users["a"], name=ACCOUNT)
        _make(office, users, account, now)
    service = {
        r.problem.removeprefix(f"{MARK}-"): r
        for r in ServiceRequest.objects.filter(problem__startswith=MARK)
    }
    fees = {
        f.purpose.removeprefix(f"{MARK}-"): f
        for f in SpecialFee.objects.filter(purpose__startswith=MARK)
    }
    return {
        "account": account,
        "service": service,
        # an after-sales escalation closes with its request: the morning meeting's escalated
        # problem of the exposure world is closed from the list
        "escalation": Escalation.objects.get(source="meeting_problem", office=office),
        "complaint": Complaint.objects.get(text=f"{MARK}-投诉"),
        "handled": Complaint.objects.get(text=f"{MARK}-建议"),
        "budget": ExpenseBudget.objects.get(purpose=f"{MARK}-预算"),
        "approved_budget": ExpenseBudget.objects.get(purpose=f"{MARK}-已批预算"),
        "claim": ExpenseClaim.objects.get(note=f"{MARK}-草稿"),
        "approved_claim": ExpenseClaim.objects.get(note=f"{MARK}-已批"),
        "fees": fees,
        "penalty": Penalty.objects.get(reason=f"{MARK}-罚款"),
    }


def api_specs(r: dict, today, users: dict) -> list[dict]:
    day = today.isoformat()
    account = r["account"].pk
    service = {step: made.pk for step, made in r["service"].items()}
    fees = {step: made.pk for step, made in r["fees"].items()}
    at = timezone.now().isoformat()

    def on(name: str, user: str, path: str, body: dict | None = None, **kw) -> dict:
        return {"name": name, "user": user, "path": f"/api/v1/{path}", "body": body or {}, **kw}

    return [
        on("after-sales-list", "a", "after-sales/", {"account": account, "problem": "异响"}),
        on("after-sales-confirm", "manager", f"after-sales/{service['new']}/confirm/",
           {"approve": True}),
        on("after-sales-file-", "clerk", f"after-sales/{service['confirmed']}/file/"),
        on("after-sales-take", "x-technician", f"after-sales/{service['filed']}/take/"),
        on("after-sales-contact", "x-technician", f"after-sales/{service['taken']}/contact/",
           {"contacted_at": at, "method": "phone", "note": "已电话联系"}),
        # `status`: the technician's note of the machine's status, theirs to write
        on("after-sales-result", "x-technician", f"after-sales/{service['contacted']}/result/",
           {"result": "已更换轴承"}, legit=("status",)),
        on("after-sales-close", "clerk", f"after-sales/{service['resolved']}/close/"),
        on("after-sales-escalate", "manager", f"after-sales/{service['filed']}/escalate/",
           {"reason": "分部无法解决"}),
        on("after-sales-instruct", "x-executive", f"after-sales/{service['escalated']}/instruct/",
           {"note": "总部派人"}),
        on("after-sales-photos", "a", f"after-sales/{service['new']}/photos/",
           files=lambda: {"photo": png()}),
        on("complaint-list", "a", "complaints/",
           {"account": account, "kind": "complaint", "text": "送货延误"}),
        on("complaint-assign", "manager", f"complaints/{r['complaint'].pk}/assign/",
           {"handler": users["manager"].pk}),
        on("complaint-reply", "manager", f"complaints/{r['handled'].pk}/reply/",
           {"reply": "已致歉", "method": "phone"}),
        on("technician-rating-list", "clerk", "technician-ratings/",
           {"request": service["resolved"], "score": 5}),
        on("escalation-close", "x-executive", f"escalations/{r['escalation'].pk}/close/",
           {"resolution": "已解决"}),
        on("expense-budget-list", "a", "expense-budgets/",
           {"month": day[:7], "purpose": "拜访客户", "category": "travel", "amount": "100.00"}),
        on("expense-budget-submit", "a", f"expense-budgets/{r['budget'].pk}/submit/"),
        on("expense-budget-close", "a", f"expense-budgets/{r['approved_budget'].pk}/close/"),
        on("expense-claim-list", "a", "expense-claims/",
           {"budget": r["approved_budget"].pk, "date": day,
            "lines": [{"kind": "receipt", "description": "车票", "amount": "10.00"}]}),
        on("expense-claim-photos", "a", f"expense-claims/{r['claim'].pk}/photos/",
           files=lambda: {"photo": png()}),
        on("expense-claim-submit", "a", f"expense-claims/{r['claim'].pk}/submit/"),
        on("expense-claim-pay", "finance", f"expense-claims/{r['approved_claim'].pk}/pay/",
           {"reference": "网银"}),
        on("special-fee-list", "a", "special-fees/",
           {"account": account, "kind": "promotion", "amount": "100.00", "purpose": "促销"}),
        on("special-fee-submit", "a", f"special-fees/{fees['draft']}/submit/"),
        on("special-fee-promise", "a", f"special-fees/{fees['at_executive']}/promise/"),
        on("special-fee-payment-form", "x-executive",
           f"special-fees/{fees['at_executive']}/payment-form/",
           {"payment_form": "transfer", "approve": True}),
        on("special-fee-pay", "finance", f"special-fees/{fees['decided']}/pay/",
           {"reference": "网银"}),
        on("penalty-list", "manager", "penalties/",
           {"person": users["b"].pk, "date": day, "amount": "20.00", "rule": "迟到",
            "reason": "晨会迟到"}),
        on("penalty-withdraw", "manager", f"penalties/{r['penalty'].pk}/withdraw/",
           {"reason": "误记"}),
    ]  # fmt: skip


def page_specs(r: dict, today, users: dict) -> list[dict]:
    """The page forms of after-sales, complaints, special fees, expenses, penalties and
    escalations."""
    account = r["account"].pk
    service = {step: made.pk for step, made in r["service"].items()}
    fees = {step: made.pk for step, made in r["fees"].items()}
    at = timezone.localtime(timezone.now()).strftime("%Y-%m-%dT%H:%M")

    def on(name: str, user: str, path: str, body: dict | None = None, **kw) -> dict:
        return {"name": name, "user": user, "path": path, "body": body or {}, **kw}

    return [
        on("aftersales:new", "a", "/aftersales/new/", {"account": account, "problem": "异响"}),
        on("aftersales:confirm", "manager", f"/aftersales/{service['new']}/confirm/",
           {"approve": "1"}),
        on("aftersales:file", "clerk", f"/aftersales/{service['confirmed']}/file/"),
        on("aftersales:take", "x-technician", f"/aftersales/{service['filed']}/take/"),
        on("aftersales:contact", "x-technician", f"/aftersales/{service['taken']}/contact/",
           {"contacted_at": at, "method": "phone", "note": "已电话联系"}),
        on("aftersales:result", "x-technician", f"/aftersales/{service['contacted']}/result/",
           {"result": "已更换轴承", "resolved": "on"}, legit=("status",)),
        on("aftersales:close", "clerk", f"/aftersales/{service['resolved']}/close/"),
        on("aftersales:escalate", "manager", f"/aftersales/{service['filed']}/escalate/",
           {"reason": "分部无法解决"}),
        on("aftersales:instruct", "x-executive", f"/aftersales/{service['escalated']}/instruct/",
           {"note": "总部派人"}),
        on("aftersales:rate", "clerk", f"/aftersales/{service['resolved']}/rate/",
           {"score": "5"}),
        on("aftersales:photo_add", "a", f"/aftersales/{service['new']}/photos/",
           files=lambda: {"photo": png()}),
        on("aftersales:complaint_new", "a", "/aftersales/complaints/new/",
           {"account": account, "kind": "complaint", "text": "送货延误"}),
        on("aftersales:complaint_assign", "manager",
           f"/aftersales/complaints/{r['complaint'].pk}/assign/",
           {"handler": users["manager"].pk}),
        on("aftersales:complaint_reply", "manager",
           f"/aftersales/complaints/{r['handled'].pk}/reply/",
           {"reply": "已致歉", "method": "phone"}),
        on("specialfees:new", "a", "/special-fees/new/",
           {"account": account, "kind": "promotion", "amount": "100.00", "purpose": "促销"}),
        on("specialfees:submit", "a", f"/special-fees/{fees['draft']}/submit/"),
        on("specialfees:cancel", "a", f"/special-fees/{fees['draft']}/cancel/"),
        on("specialfees:promise", "a", f"/special-fees/{fees['at_executive']}/promise/"),
        on("specialfees:decide", "x-executive", f"/special-fees/{fees['at_executive']}/decide/",
           {"payment_form": "transfer", "note": ""}),
        on("specialfees:pay", "finance", f"/special-fees/{fees['decided']}/pay/",
           {"reference": "网银"}),
        *_expense_pages(r, today),
        on("reports:penalty_record", "manager", reverse("reports:penalty_record"),
           {"penalty-person": users["b"].pk, "penalty-date": today.isoformat(),
            "penalty-amount": "20.00", "penalty-rule": "迟到", "penalty-reason": "晨会迟到"}),
        on("reports:penalty_withdraw", "manager",
           reverse("reports:penalty_withdraw", args=[r["penalty"].pk]),
           {f"p{r['penalty'].pk}-reason": "误记"}),
        on("escalations:close", "x-executive", f"/escalations/{r['escalation'].pk}/close/",
           {f"e{r['escalation'].pk}-resolution": "已解决"}),  # the list's form, prefixed
    ]  # fmt: skip


def _expense_pages(r: dict, today) -> list[dict]:
    claim, paid = r["claim"].pk, r["approved_claim"].pk
    line = ClaimLine.objects.get(claim=claim).pk
    photo = ClaimPhoto.objects.get(claim=claim).pk
    budget, approved = r["budget"].pk, r["approved_budget"].pk
    receipt = {"line-kind": "receipt", "line-description": "车票", "line-amount": "10.00"}
    pages = [
        ("budget_new", "a", "budgets/new/",
         {"office": r["account"].office_id, "month": today.strftime("%Y-%m"),
          "category": "travel", "amount": "100.00", "purpose": "拜访客户"}),
        ("budget_submit", "a", f"budgets/{budget}/submit/", {}),
        ("budget_close", "a", f"budgets/{approved}/close/", {}),
        ("claim_new", "a", "claims/new/",
         {"budget": approved, "claim-date": today.isoformat(), "claim-note": "", **receipt}),
        ("claim_line_add", "a", f"claims/{claim}/lines/", receipt),
        ("claim_line_remove", "a", f"claims/{claim}/lines/{line}/remove/", {}),
        ("claim_photo_remove", "a", f"claims/{claim}/photos/{photo}/remove/", {}),
        ("claim_submit", "a", f"claims/{claim}/submit/", {}),
        ("claim_pay", "finance", f"claims/{paid}/pay/", {"reference": "网银"}),
        # the branch manager sets a person's rank (R-16.3: the monthly cap follows it)
        ("ranks", "manager", "ranks/", {"user": r["account"].owner_id, "rank": "deputy"}),
    ]  # fmt: skip
    specs = [
        {"name": f"expenses:{name}", "user": user, "path": f"/expenses/{path}", "body": body}
        for name, user, path, body in pages
    ]
    specs.append(
        {"name": "expenses:claim_photo_add", "user": "a", "body": {"line": str(line)},
         "path": f"/expenses/claims/{claim}/photos/", "files": lambda: {"photo": png()}}
    )  # fmt: skip
    return specs
