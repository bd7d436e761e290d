"""The forms of after-sales, complaints, expenses, special fees, penalties and escalations
(R-16, R-7.3) for tests/security/test_form_fuzz.py, in the demo's branch (workspace.demo_r16):
each form posted by the person whose step it is, on an object in the state the step needs.

`R16_FORMS` are the arguments of test_form_fuzz.Form (name, role, url, fields, models, watch);
the strategies (text, number, …) are test_form_fuzz's, looked up when the fields are drawn.
`r16_targets` makes what the demo lacks: rep1's drafts (a budget, a claim with a receipt line
and its photo, a fee), a claim and a fee approved for finance to pay, a fee approved by the
branch manager for rep1 to promise."""

import importlib
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from hypothesis import strategies as st

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def h():
    """test_form_fuzz, whose strategies the fields use (imported when they are drawn)."""
    return importlib.import_module("tests.security.test_form_fuzz")


def _upload() -> st.SearchStrategy:
    content = st.one_of(
        st.just(PNG),
        st.binary(max_size=64),
        st.binary(max_size=64).map(lambda b: b"\xff\xd8\xff" + b),
        st.just(b"%PDF-1.4\n%%EOF\n"),
    )
    name = st.sampled_from(["photo.png", "x.jpg", "../../x.png", "", "收据.html"])
    return st.builds(lambda c, n: SimpleUploadedFile(n or "x", c), content, name)


def _models():
    from aftersales.models import Complaint, ServiceRequest, ServiceRequestPhoto
    from escalations.models import Escalation
    from expenses.models import ClaimLine, ClaimPhoto, ExpenseBudget, ExpenseClaim
    from reports.models import Penalty
    from specialfees.models import SpecialFee

    return {
        "request": (ServiceRequest, ServiceRequestPhoto, Escalation),
        "complaint": (Complaint, Escalation),
        "budget": (ExpenseBudget,),
        "claim": (ExpenseClaim, ClaimLine, ClaimPhoto),
        "fee": (SpecialFee,),
        "penalty": (Penalty,),
        "escalation": (Escalation,),
    }


def _watch(model_path: str, key: str):
    def watch(t):
        module, name = model_path.rsplit(".", 1)
        return getattr(importlib.import_module(module), name), t[key]

    return watch


REQUEST = "aftersales.models.ServiceRequest"
CLAIM = "expenses.models.ExpenseClaim"
FEE = "specialfees.models.SpecialFee"


def _f(name, role, url, fields, group, watch=None):
    return (name, role, url, fields, group, watch)


def _when():
    return st.one_of(h().date(), st.just("2026-11-27T10:00"), h().text())


R16_SPECS = [
    # after-sales: the call, then each step by the person whose step it is
    _f("aftersales: new", "rep", lambda t: "/aftersales/new/",
       lambda t: {"account": h().ids(t["r16_accounts"]), "contract": h().number(),
                  "product": h().number(), "problem": h().text(), "received_at": _when(),
                  "photos": _upload()}, "request"),
    _f("aftersales: confirm", "bmanager", lambda t: f"/aftersales/{t['as_new']}/confirm/",
       lambda t: {"approve": h().choice(["1", "0"]), "reason": h().text()}, "request",
       _watch(REQUEST, "as_new")),
    _f("aftersales: escalate", "bmanager", lambda t: f"/aftersales/{t['as_new']}/escalate/",
       lambda t: {"reason": h().text()}, "request", _watch(REQUEST, "as_new")),
    _f("aftersales: file", "clerk", lambda t: f"/aftersales/{t['as_confirmed']}/file/",
       lambda t: {"technician": h().ids(t["r16_staff"])}, "request",
       _watch(REQUEST, "as_confirmed")),
    _f("aftersales: take", "technician", lambda t: f"/aftersales/{t['as_filed']}/take/",
       lambda t: {"next": h().text()}, "request", _watch(REQUEST, "as_filed")),
    _f("aftersales: contact", "technician", lambda t: f"/aftersales/{t['as_filed']}/contact/",
       lambda t: {"contacted_at": _when(), "method": h().choice(["phone", "visit"]),
                  "note": h().text()}, "request", _watch(REQUEST, "as_filed")),
    _f("aftersales: result", "technician", lambda t: f"/aftersales/{t['as_contacted']}/result/",
       lambda t: {"status": h().text(), "result": h().text(), "resolved": h().choice(["on"])},
       "request", _watch(REQUEST, "as_contacted")),
    _f("aftersales: close", "clerk", lambda t: f"/aftersales/{t['as_resolved']}/close/",
       lambda t: {"next": h().text()}, "request", _watch(REQUEST, "as_resolved")),
    _f("aftersales: instruct", "executive",
       lambda t: f"/aftersales/{t['as_contacted']}/instruct/",
       lambda t: {"note": h().text()}, "request", _watch(REQUEST, "as_contacted")),
    _f("aftersales: rate", "bmanager", lambda t: f"/aftersales/{t['as_resolved']}/rate/",
       lambda t: {"score": h().choice(["1", "5"]), "comment": h().text()}, "request"),
    _f("aftersales: photo", "rep", lambda t: f"/aftersales/{t['as_new']}/photos/",
       lambda t: {"photo": _upload()}, "request"),
    # complaints
    _f("aftersales: complaint", "rep", lambda t: "/aftersales/complaints/new/",
       lambda t: {"account": h().ids(t["r16_accounts"]), "kind": h().choice(["complaint"]),
                  "text": h().text(), "staff": h().ids(t["r16_staff"]),
                  "major": h().choice(["on"]), "received_at": _when()}, "complaint"),
    _f("aftersales: complaint assign", "bmanager",
       lambda t: f"/aftersales/complaints/{t['complaint']}/assign/",
       lambda t: {"handler": h().ids(t["r16_staff"])}, "complaint"),
    _f("aftersales: complaint reply", "bmanager",
       lambda t: f"/aftersales/complaints/{t['complaint']}/reply/",
       lambda t: {"reply": h().text(), "method": h().choice(["phone", "written"]),
                  "replied_at": _when()}, "complaint"),
    # escalations: an after-sales one closes with its request (409)
    _f("escalations: close after-sales", "executive",
       lambda t: f"/escalations/{t['escalation']}/close/",
       lambda t: {f"e{t['escalation']}-resolution": h().text()}, "escalation"),
    _f("escalations: close a meeting's problem", "director",
       lambda t: f"/escalations/{t['meeting_escalation']}/close/",
       lambda t: {f"e{t['meeting_escalation']}-resolution": h().text()}, "escalation"),
    # expenses
    _f("expenses: budget", "rep", lambda t: "/expenses/budgets/new/",
       lambda t: {"office": st.just(str(t["branch"])), "month": h().text(),
                  "category": h().choice(["travel", "fuel"]), "amount": h().number(),
                  "purpose": h().text()}, "budget"),
    _f("expenses: budget submit", "rep",
       lambda t: f"/expenses/budgets/{t['r16_budget_draft']}/submit/",
       lambda t: {"next": h().text()}, "budget"),
    _f("expenses: budget close", "rep", lambda t: f"/expenses/budgets/{t['r16_budget']}/close/",
       lambda t: {"next": h().text()}, "budget"),
    _f("expenses: claim", "rep", lambda t: "/expenses/claims/new/",
       lambda t: {"budget": h().ids([t["r16_budget"]]), "claim-date": h().date(),
                  "claim-note": h().text(),
                  "line-kind": h().choice(["receipt", "meal", "fuel"]),
                  "line-description": h().text(), "line-amount": h().number(),
                  "line-meals": h().number(), "line-trip_date_0": h().date(),
                  "line-trip_from_0": h().text(), "line-trip_to_0": h().text(),
                  "line-trip_km_0": h().number()}, "claim"),
    _f("expenses: claim line", "rep", lambda t: f"/expenses/claims/{t['r16_claim_draft']}/lines/",
       lambda t: {"line-kind": h().choice(["receipt", "meal", "fuel"]),
                  "line-description": h().text(), "line-amount": h().number(),
                  "line-meals": h().number(), "line-trip_date_0": h().date(),
                  "line-trip_km_0": h().number()}, "claim", _watch(CLAIM, "r16_claim_draft")),
    _f("expenses: claim line remove", "rep",
       lambda t: f"/expenses/claims/{t['r16_claim_draft']}/lines/{t['r16_line']}/remove/",
       lambda t: {"next": h().text()}, "claim"),
    _f("expenses: claim photo", "rep",
       lambda t: f"/expenses/claims/{t['r16_claim_draft']}/photos/",
       lambda t: {"photo": _upload(), "line": h().ids([t["r16_line"]])}, "claim"),
    _f("expenses: claim photo remove", "rep",
       lambda t: f"/expenses/claims/{t['r16_claim_draft']}/photos/{t['r16_photo']}/remove/",
       lambda t: {"next": h().text()}, "claim"),
    _f("expenses: claim submit", "rep",
       lambda t: f"/expenses/claims/{t['r16_claim_draft']}/submit/",
       lambda t: {"next": h().text()}, "claim", _watch(CLAIM, "r16_claim_draft")),
    _f("expenses: claim pay", "finance",
       lambda t: f"/expenses/claims/{t['r16_claim_approved']}/pay/",
       lambda t: {"reference": h().text()}, "claim", _watch(CLAIM, "r16_claim_approved")),
    _f("expenses: ranks", "bmanager", lambda t: "/expenses/ranks/",
       lambda t: {"office": st.just(str(t["branch"])), "user": h().ids(t["r16_staff"]),
                  "rank": h().choice(["manager", "deputy", "staff"])}, "budget"),
    # special fees
    _f("specialfees: new", "rep", lambda t: "/special-fees/new/",
       lambda t: {"account": h().ids(t["r16_accounts"]), "contract": h().number(),
                  "kind": h().choice(["promotion", "temporary_staff"]), "amount": h().number(),
                  "purpose": h().text()}, "fee"),
    *[
        _f(f"specialfees: {action}", "rep",
           (lambda a: lambda t: f"/special-fees/{t['r16_fee_draft']}/{a}/")(action),
           lambda t: {"next": h().text()}, "fee", _watch(FEE, "r16_fee_draft"))
        for action in ("submit", "cancel")
    ],
    _f("specialfees: promise", "rep", lambda t: f"/special-fees/{t['r16_fee_promise']}/promise/",
       lambda t: {"next": h().text()}, "fee", _watch(FEE, "r16_fee_promise")),
    _f("specialfees: decide", "executive", lambda t: f"/special-fees/{t['r16_fee_form']}/decide/",
       lambda t: {"payment_form": h().choice(["transfer", "offset", "goods", "cash"]),
                  "note": h().text(), "decision": h().choice(["approve", "reject"])}, "fee",
       _watch(FEE, "r16_fee_form")),
    _f("specialfees: pay", "finance", lambda t: f"/special-fees/{t['r16_fee_approved']}/pay/",
       lambda t: {"reference": h().text()}, "fee", _watch(FEE, "r16_fee_approved")),
    # penalties, on the fines page
    _f("reports: penalty", "bmanager", lambda t: "/reports/fines/penalties/new/",
       lambda t: {"office": st.just(str(t["branch"])), "person": h().ids(t["r16_staff"]),
                  "date": h().date(), "amount": h().number(), "rule": h().text(),
                  "reason": h().text(), "month": h().text()}, "penalty"),
    _f("reports: penalty withdraw", "bmanager",
       lambda t: f"/reports/fines/penalties/{t['r16_penalty']}/withdraw/",
       lambda t: {f"p{t['r16_penalty']}-reason": h().text(), "reason": h().text()}, "penalty"),
]  # fmt: skip


def r16_forms(form_class) -> list:
    """test_form_fuzz's Form of each spec, its tables looked up now."""
    groups = _models()
    return [
        form_class(name, role, url, fields, groups[group], watch)
        for name, role, url, fields, group, watch in R16_SPECS
    ]


def _decide(document, person, now) -> None:
    from approvals.services import approval_decide

    step = document.approvals().get(state="pending")
    approval_decide(approval=step, actor=person, decision="approve", comment="", now=now)
    document.refresh_from_db()


def r16_targets(world: dict) -> dict:
    """The demo branch's R-16 objects (workspace.demo_r16) and rep1's drafts made here."""
    from accounts.models import Account
    from aftersales.models import Complaint, ServiceRequest
    from escalations.models import Escalation
    from expenses.models import ExpenseBudget
    from expenses.services import budgets, claims
    from reports.models import Penalty
    from specialfees import services as fees
    from specialfees.models import SpecialFee
    from staff.models import Office, User

    now = timezone.now()
    branch = Office.objects.get(code="demo-branch")
    people = {u.username: u for u in User.objects.filter(offices=branch)}
    rep, manager = people["rep1"], people["bmanager"]
    for role, name in (("bmanager", "bmanager"), ("executive", "executive")):
        world["users"].setdefault(role, people[name])
    world["users"].setdefault("rep", rep)
    world["users"].setdefault("technician", people["technician"])
    requests = ServiceRequest.objects.filter(office=branch).order_by("pk")
    today = timezone.localtime(now, branch.tzinfo).date()
    budget = ExpenseBudget.objects.get(office=branch, author=rep, status="approved")
    draft_budget = budgets.budget_create(
        actor=rep, office=branch, month=today, purpose="客户走访", category="travel",
        amount=Decimal("100.00"), now=now,
    )  # fmt: skip
    line = claims.LineInput(kind="receipt", description="出租车", amount="20.00")
    draft = claims.claim_create(
        actor=rep, budget=budget, date=today, note="", lines=[line], now=now
    )
    photo = claims.claim_add_photo(
        claim=draft,
        actor=rep,
        upload=SimpleUploadedFile("r.png", PNG, content_type="image/png"),
        now=now,
    )
    approved = claims.claim_create(
        actor=rep, budget=budget, date=today, note="", lines=[line], now=now
    )
    claims.claim_add_photo(
        claim=approved,
        actor=rep,
        upload=SimpleUploadedFile("r.png", PNG, content_type="image/png"),
        now=now,
    )
    claims.claim_submit(claim=approved, actor=rep, now=now)
    _decide(approved, manager, now)
    account = Account.objects.get(office=branch, name="上海浦江水务工程有限公司")

    def fee(purpose: str):
        return fees.special_fee_create(
            actor=rep, account=account, kind="promotion", amount=Decimal("500.00"),
            purpose=purpose, now=now,
        )  # fmt: skip

    fee_draft = fee("草稿")
    fee_promise = fee("待承诺")
    fees.special_fee_submit(fee=fee_promise, actor=rep, now=now)
    _decide(fee_promise, manager, now)
    fee_approved = fee("待付款")
    fees.special_fee_submit(fee=fee_approved, actor=rep, now=now)
    _decide(fee_approved, manager, now)
    fees.special_fee_executive_decide(
        fee=fee_approved, actor=people["executive"], decision="approve", payment_form="cash",
        note="", now=now,
    )  # fmt: skip
    by_state = {r.state: r.pk for r in requests}
    return {
        "branch": branch.pk,
        "r16_accounts": list(Account.objects.order_by("pk").values_list("pk", flat=True)[:40]),
        "r16_staff": list(User.objects.order_by("pk").values_list("pk", flat=True)[:60]),
        "as_new": by_state["new"],
        "as_confirmed": by_state["confirmed"],
        "as_filed": by_state["filed"],
        "as_contacted": by_state["contacted"],
        "as_resolved": by_state["resolved"],
        "complaint": Complaint.objects.get(office=branch, major=True).pk,
        "escalation": Escalation.objects.filter(source="after_sales").earliest("pk").pk,
        "meeting_escalation": Escalation.objects.filter(source="meeting_problem").earliest("pk").pk,
        "r16_budget": budget.pk,
        "r16_budget_draft": draft_budget.pk,
        "r16_claim_draft": draft.pk,
        "r16_line": draft.lines.get().pk,
        "r16_photo": photo.pk,
        "r16_claim_approved": approved.pk,
        "r16_fee_draft": fee_draft.pk,
        "r16_fee_promise": fee_promise.pk,
        "r16_fee_form": SpecialFee.objects.get(office=branch, purpose__startswith="排涝").pk,
        "r16_fee_approved": fee_approved.pk,
        "r16_penalty": Penalty.objects.filter(office=branch).earliest("pk").pk,
    }
