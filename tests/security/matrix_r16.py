"""The permission matrix's rows of after-sales, complaints, expenses, special fees, penalties
and escalations (R-16, R-7.3): every page and API endpoint of escalations/, aftersales/,
expenses/, specialfees/ and the penalties of reports/, per persona and scope
(tests/security/matrix_r16_world.py makes the objects).

Who sees what (the apps' selectors, from the helpers' briefs of issue 19):
- an after-sales request or complaint: the account's salesperson (never a colleague's), the
  branch's manager and clerk, a technician of the branch once it is filed (unassigned or
  theirs; never a complaint), the director and the executive every branch's; finance, the
  warehouse keeper, purchasing, the secretary and the assistant none;
- an expense budget or claim: its author, the branch manager, the director and the executive;
  finance the office's budgets and its approved or paid claims (to pay); nobody else;
- a special fee: the account's salesperson (author, owner or deputy), the branch manager,
  the director and the executive; finance the office's approved ones (to pay);
- a penalty: the person penalised and the office's managers (the director everywhere);
- an escalation: the branch's manager, the director and the executive.

Not seen: 404. Seen but not theirs to do: 403. A role that may not open the pages at all: 403
where the page checks the role first (the lists, the expense and special fee pages), else 404.
Each scope's marker text (R16_TEXT) is never in a response to who may not read that scope's
after-sales request.
"""

import dataclasses
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.security.matrix_data import World
from tests.security.matrix_r16_world import PNG, R16_TEXT
from tests.security.matrix_receivables import scoped
from tests.security.matrix_rows import OK, Row, elsewhere, who

SCOPES = ("own", "peer", "other")


def r16(name: str, method: str = "GET", *, kind: str | None = None, **kw) -> Row:
    """An R-16 row: the sales department's personas (technician, executive, purchasing) too."""
    return Row(name, method, kind=kind, second_part=True, **kw)


# whose after-sales requests, complaints and escalations a persona reads, by scope
READ_AFTERSALES = {"SP": {"own"}, **{p: {"own", "peer"} for p in ("MA", "CL", "TE")}}
READ_AFTERSALES |= {"DI": set(SCOPES), "EX": set(SCOPES)}


def aftersales_hidden(world: World, scope: str, persona: str) -> list[str]:
    """The marker texts of the scopes whose after-sales the persona may not read."""
    readable = READ_AFTERSALES.get(persona, set())
    return [R16_TEXT[s] for s in SCOPES if s not in readable]


def _hiding(rows: list[Row]) -> list[Row]:
    return [dataclasses.replace(r, hidden=aftersales_hidden) for r in rows]


def listing(name: str, allowed: str, method: str = "GET", ok: Any = None, **kw) -> Row:
    """A list or form of no object: the role in any of one's offices first."""
    ok = ok if ok is not None else (200 if method == "GET" else OK)
    return r16(name, method, own=who(allowed, ok, 403), **kw)


def _ok(columns: dict[str, dict]) -> dict[str, dict]:
    return {s: {p: OK if v == 200 else v for p, v in c.items()} for s, c in columns.items()}


def _pk(kind: str, key: str = "pk"):
    def kwargs(world: World, scope: str, persona: str) -> dict:
        return {key: world.pk(kind, scope)}

    return kwargs


def _photo_path(kind: str, photo_kind: str, key: str = "photo_pk"):
    def kwargs(world: World, scope: str, persona: str) -> dict:
        return {"pk": world.pk(kind, scope), key: world.pk(photo_kind, scope)}

    return kwargs


def _photo_body(extra: dict | None = None):
    def body(world: World, scope: str, persona: str) -> dict:
        upload = SimpleUploadedFile("photo.png", PNG, content_type="image/png")
        return {"photo": upload, **(extra or {})}

    return body


def _local_now(world: World, scope: str) -> str:
    return f"{world.today(scope).isoformat()}T09:30"


# ---------------------------------------------------------------- after-sales

AS_READERS = "SP MA CL TE DI EX"  # aftersales.view (the lists)
# a request before it is filed: the account's salesperson, the branch's manager and clerk
SEEN_NEW = ("SP MA CL DI EX", "MA CL DI EX", "DI EX")
# once filed: the technician of the branch too (unassigned, or theirs)
SEEN_FILED = ("SP MA CL TE DI EX", "MA CL TE DI EX", "DI EX")
BRANCH_MANAGERS = ("MA DI", "MA DI", "DI")  # manages(): the branch's manager, the director
TECHNICIAN = ("TE", "TE", "")  # the branch's technician (the persona is in office A)
CLERK = ("CL", "CL", "")
LEADERSHIP = "DI EX"


def request_rows(name: str, kind: str, act, body=None, *, see=SEEN_FILED) -> Row:
    return r16(name, "POST", kind=kind, body=body, **scoped(OK, see=see, act=act, stranger=404))


def _account(world: World, scope: str, persona: str) -> dict:
    return {"account": world.objects["sales_contract"][scope].account.pk}


def _new_request(world: World, scope: str, persona: str) -> dict:
    return {**_account(world, scope, persona), "problem": "电机异响"}


def _new_complaint(world: World, scope: str, persona: str) -> dict:
    return {**_account(world, scope, persona), "kind": "complaint", "text": "送货太慢"}


def _contact(world: World, scope: str, persona: str) -> dict:
    return {"contacted_at": _local_now(world, scope), "method": "phone", "note": "已电话联系"}


def _handler(world: World, scope: str, persona: str) -> dict:
    manager = world.users["MA"] if scope != "other" else world.people["mab"]
    return {"handler": manager.pk}


# who takes a customer's call (aftersales.report): own account for the salesperson, the branch
# for the manager and the clerk; an account not among theirs is not a choice (400)
_CALL_TAKERS = {
    "own": who("SP MA CL", OK, 403),
    "peer": who("MA CL", OK, 403, SP=400),
    "other": who("", OK, 403, SP=400, MA=400, CL=400),
}

AFTERSALES_PAGES = [
    listing("aftersales:list", AS_READERS),
    listing("aftersales:new", "SP MA CL"),
    r16("aftersales:new", "POST", body=_new_request, **_CALL_TAKERS),
    r16("aftersales:detail", kind="as_new", **scoped(see=SEEN_NEW, stranger=404)),
    r16("aftersales:detail", kind="as_filed", **scoped(see=SEEN_FILED, stranger=404)),
    request_rows("aftersales:confirm", "as_new", BRANCH_MANAGERS, {"approve": "1"}, see=SEEN_NEW),
    request_rows("aftersales:file", "as_confirmed", CLERK, {"technician": ""}, see=SEEN_NEW),
    request_rows("aftersales:take", "as_filed", TECHNICIAN),
    request_rows("aftersales:contact", "as_filed", TECHNICIAN, _contact),
    request_rows(
        "aftersales:result", "as_contacted", TECHNICIAN, {"result": "已修复", "resolved": "on"}
    ),
    request_rows("aftersales:close", "as_resolved", CLERK),
    request_rows(
        "aftersales:escalate", "as_new", BRANCH_MANAGERS, {"reason": "分部无法解决"}, see=SEEN_NEW
    ),
    request_rows("aftersales:instruct", "as_filed", LEADERSHIP, {"note": "请总部技术支持"}),
    request_rows("aftersales:rate", "as_resolved", ("MA CL DI", "MA CL DI", "DI"), {"score": "5"}),
    r16(
        "aftersales:photo_add",
        "POST",
        kind="as_new",
        body=_photo_body(),
        # who may take the account's calls adds photos (the technician once it is filed)
        **scoped(OK, see=SEEN_NEW, act=("SP MA CL", "MA CL", ""), stranger=404),
    ),
    r16(
        "aftersales:photo",
        kwargs=_photo_path("as_new", "as_photo"),
        **scoped(see=SEEN_NEW, stranger=404),
    ),
    listing("aftersales:times", "MA DI EX"),
    # complaints: not the technician's
    listing("aftersales:complaints", "SP MA CL DI EX"),
    listing("aftersales:complaint_new", "SP MA CL"),
    r16("aftersales:complaint_new", "POST", body=_new_complaint, **_CALL_TAKERS),
    r16("aftersales:complaint", kind="complaint", **scoped(see=SEEN_NEW, stranger=404)),
    request_rows(
        "aftersales:complaint_assign", "complaint", BRANCH_MANAGERS, _handler, see=SEEN_NEW
    ),
    request_rows(
        "aftersales:complaint_reply",
        "complaint_assigned",
        ("MA", "MA", ""),  # its handler: the branch manager named themself
        {"reply": "已致歉并补发", "method": "phone"},
        see=SEEN_NEW,
    ),
    listing("aftersales:ratings", "MA TE DI EX"),
]


def _api_request(world: World, scope: str, persona: str) -> dict:
    return _new_request(world, scope, persona)


def _api_contact(world: World, scope: str, persona: str) -> dict:
    return {"contacted_at": f"{world.today(scope).isoformat()}T09:30:00+08:00", "method": "phone"}


def _api_complaint(world: World, scope: str, persona: str) -> dict:
    return _new_complaint(world, scope, persona)


def _api_rating(world: World, scope: str, persona: str) -> dict:
    return {"request": world.pk("as_resolved", scope), "score": 4}


_API_CALL_TAKERS = {
    "own": who("SP MA CL", 201, 403),
    "peer": who("MA CL", 201, 403, SP=400),
    "other": who("", 201, 403, SP=400, MA=400, CL=400),
}


def api_object(name: str, kind: str, act, body=None, *, see=SEEN_FILED) -> Row:
    return r16(name, "POST", kind=kind, body=body, **scoped(OK, see=see, act=act, stranger=404))


AFTERSALES_API = [
    listing("after-sales-list", AS_READERS),
    r16("after-sales-list", "POST", body=_api_request, **_API_CALL_TAKERS),
    r16("after-sales-detail", kind="as_new", **scoped(see=SEEN_NEW, stranger=404)),
    api_object("after-sales-confirm", "as_new", BRANCH_MANAGERS, {"approve": True}, see=SEEN_NEW),
    api_object("after-sales-file-", "as_confirmed", CLERK, {}, see=SEEN_NEW),
    api_object("after-sales-take", "as_filed", TECHNICIAN),
    api_object("after-sales-contact", "as_filed", TECHNICIAN, _api_contact),
    api_object(
        "after-sales-result", "as_contacted", TECHNICIAN, {"result": "已修复", "resolved": True}
    ),
    api_object("after-sales-close", "as_resolved", CLERK),
    api_object(
        "after-sales-escalate", "as_new", BRANCH_MANAGERS, {"reason": "无法解决"}, see=SEEN_NEW
    ),
    api_object("after-sales-instruct", "as_filed", LEADERSHIP, {"note": "请总部支持"}),
    r16(
        "after-sales-photos",
        "POST",
        kind="as_new",
        body=_photo_body(),
        **scoped(OK, see=SEEN_NEW, act=("SP MA CL", "MA CL", ""), stranger=404),
    ),
    listing("complaint-list", "SP MA CL DI EX"),
    r16("complaint-list", "POST", body=_api_complaint, **_API_CALL_TAKERS),
    r16("complaint-detail", kind="complaint", **scoped(see=SEEN_NEW, stranger=404)),
    api_object("complaint-assign", "complaint", BRANCH_MANAGERS, _handler, see=SEEN_NEW),
    api_object(
        "complaint-reply",
        "complaint_assigned",
        ("MA", "MA", ""),
        {"reply": "已致歉", "method": "phone"},
        see=SEEN_NEW,
    ),
    listing("technician-rating-list", "MA TE DI EX"),
    # the customer's rating of the technician: the branch's manager or clerk, once per request
    r16(
        "technician-rating-list",
        "POST",
        body=_api_rating,
        own=who("MA CL DI", 201, 403),
        peer=who("MA CL DI", 201, 403),
        other=who("DI", 201, 403, MA=400, CL=400),
    ),
]

# ---------------------------------------------------------------- escalations

FOLLOWERS = "MA DI EX"  # escalations.view: the branch's manager and company leadership
ESCALATION_SEEN = (FOLLOWERS, FOLLOWERS, LEADERSHIP)


def _resolution(kind: str):
    def body(world: World, scope: str, persona: str) -> dict:
        return {f"e{world.pk(kind, scope)}-resolution": "已解决"}

    return body


ESCALATION_PAGES = [
    listing("escalations:list", FOLLOWERS),
    # an after-sales escalation closes with its request, never from the list (409)
    r16(
        "escalations:close",
        "POST",
        kind="escalation",
        body=_resolution("escalation"),
        **scoped(409, see=ESCALATION_SEEN, act=LEADERSHIP, stranger=404),
    ),
    # a meeting's problem: leadership closes it from the list
    r16(
        "escalations:close",
        "POST",
        kind="meeting_escalation",
        body=_resolution("meeting_escalation"),
        own=scoped(OK, see=ESCALATION_SEEN, act=LEADERSHIP, stranger=404)["own"],
        other=scoped(OK, see=ESCALATION_SEEN, act=LEADERSHIP, stranger=404)["other"],
    ),
]
ESCALATION_API = [
    listing("escalation-list", FOLLOWERS),
    r16("escalation-detail", kind="escalation", **scoped(see=ESCALATION_SEEN, stranger=404)),
    r16(
        "escalation-close",
        "POST",
        kind="escalation",
        body={"resolution": "已解决"},
        **scoped(409, see=ESCALATION_SEEN, act=LEADERSHIP, stranger=404),
    ),
]

# ---------------------------------------------------------------- expenses

EXPENSE_READERS = "SP MA CL FI DI EX"  # expenses.selectors.may_read
SPENDERS = "SP MA CL"  # expenses.spend: who has budgets and claims of their own
BUDGET_SEEN = ("SP MA FI DI EX", "MA FI DI EX", "DI EX")  # the author, managers, finance
DRAFT_CLAIM_SEEN = ("SP MA DI EX", "MA DI EX", "DI EX")  # finance: approved or paid only
APPROVED_CLAIM_SEEN = BUDGET_SEEN
AUTHOR = ("SP", "", "")


def expense(name: str, method: str, kind: str, see, act=None, body=None, ok=None, **kw) -> Row:
    ok = ok if ok is not None else (200 if method == "GET" else OK)
    cells = scoped(ok, see=see, act=act, readers=EXPENSE_READERS, stranger=403)
    return r16(name, method, kind=kind, body=body, **{**cells, **kw})


def _budget_form(world: World, scope: str, persona: str) -> dict:
    return {
        "office": world.office(scope).pk,
        "month": f"{world.today(scope):%Y-%m}",
        "category": "travel",
        "amount": "100.00",
        "purpose": "拜访客户差旅",
    }


def _approved_budget(world: World, scope: str, persona: str) -> dict:
    return {"budget": world.pk("approved_budget", scope)}


def _claim_form(world: World, scope: str, persona: str) -> dict:
    return {**_approved_budget(world, scope, persona), "date": world.today(scope).isoformat()}


def _line_form(world: World, scope: str, persona: str) -> dict:
    return {"kind": "meal", "meals": "1", "description": "误餐"}


def _claim_photo(world: World, scope: str, persona: str) -> dict:
    return _photo_body({"line": world.pk("expense_line", scope)})(world, scope, persona)


def _rank(world: World, scope: str, persona: str) -> dict:
    return {"office": world.a.pk, "user": world.users["SP"].pk, "rank": "deputy"}


# a spender's own budget page: another's branch is not a choice (400)
_SPENDING = {
    "own": who(SPENDERS, OK, 403),
    "other": who("", OK, 403, SP=400, MA=400, CL=400),
}
# a claim is made on one's own approved budget: a budget one sees but did not write is 403,
# one not seen is not there (404)
_CLAIMANTS = scoped(see=BUDGET_SEEN, act=AUTHOR, readers=EXPENSE_READERS, stranger=403)

EXPENSE_PAGES = [
    listing("expenses:home", EXPENSE_READERS),
    listing("expenses:month", EXPENSE_READERS),
    listing("expenses:ranks", "MA DI"),
    listing("expenses:ranks", "MA DI", "POST", body=_rank),
    listing("expenses:budget_new", SPENDERS),
    r16("expenses:budget_new", "POST", body=_budget_form, **_SPENDING),
    expense("expenses:budget", "GET", "budget", BUDGET_SEEN),
    expense("expenses:budget_submit", "POST", "budget", BUDGET_SEEN, AUTHOR),
    expense(
        "expenses:budget_close", "POST", "approved_budget", BUDGET_SEEN, ("SP MA DI", "MA DI", "DI")
    ),
    r16("expenses:claim_new", query=_approved_budget, **_CLAIMANTS),
    r16("expenses:claim_new", "POST", query=_approved_budget, body=_claim_form, **_ok(_CLAIMANTS)),
    expense("expenses:claim", "GET", "expense_claim", DRAFT_CLAIM_SEEN),
    expense("expenses:claim", "GET", "approved_expense_claim", APPROVED_CLAIM_SEEN),
    expense(
        "expenses:claim_line_add", "POST", "expense_claim", DRAFT_CLAIM_SEEN, AUTHOR, _line_form
    ),
    expense(
        "expenses:claim_line_remove",
        "POST",
        None,
        DRAFT_CLAIM_SEEN,
        AUTHOR,
        kwargs=_photo_path("expense_claim", "expense_line", "line_pk"),
    ),
    expense(
        "expenses:claim_photo_add", "POST", "expense_claim", DRAFT_CLAIM_SEEN, AUTHOR, _claim_photo
    ),
    expense(
        "expenses:photo",
        "GET",
        None,
        DRAFT_CLAIM_SEEN,
        kwargs=_photo_path("expense_claim", "expense_claim_photo"),
    ),
    expense(
        "expenses:claim_photo_remove",
        "POST",
        None,
        DRAFT_CLAIM_SEEN,
        AUTHOR,
        kwargs=_photo_path("expense_claim", "expense_claim_photo"),
    ),
    expense("expenses:claim_submit", "POST", "expense_claim", DRAFT_CLAIM_SEEN, AUTHOR),
    expense(
        "expenses:claim_pay",
        "POST",
        "approved_expense_claim",
        APPROVED_CLAIM_SEEN,
        ("FI", "FI", ""),
        {"reference": "转账0001"},
    ),
]


def _api_budget(world: World, scope: str, persona: str) -> dict:
    body = _budget_form(world, scope, persona)
    return {**body, "month": f"{world.today(scope):%Y-%m}-01"}


def _api_claim(world: World, scope: str, persona: str) -> dict:
    return {
        **_claim_form(world, scope, persona),
        "lines": [{"kind": "meal", "meals": 1, "description": "误餐"}],
    }


EXPENSE_API = [
    listing("expense-budget-list", EXPENSE_READERS),
    r16(
        "expense-budget-list",
        "POST",
        body=_api_budget,
        own=who(SPENDERS, 201, 403),
        other=who("", 201, 403, SP=400, MA=400, CL=400),
    ),
    expense("expense-budget-detail", "GET", "budget", BUDGET_SEEN),
    expense("expense-budget-submit", "POST", "budget", BUDGET_SEEN, AUTHOR),
    expense(
        "expense-budget-close", "POST", "approved_budget", BUDGET_SEEN, ("SP MA DI", "MA DI", "DI")
    ),
    listing("expense-claim-list", EXPENSE_READERS),
    r16(
        "expense-claim-list",
        "POST",
        body=_api_claim,
        own=who("SP", 201, 403, CL=400),  # the manager sees it: not theirs (403)
        peer=who("", 201, 403, SP=400, CL=400),
        other=who("", 201, 403, SP=400, MA=400, CL=400),
    ),
    expense("expense-claim-detail", "GET", "expense_claim", DRAFT_CLAIM_SEEN),
    expense(
        "expense-claim-photos", "POST", "expense_claim", DRAFT_CLAIM_SEEN, AUTHOR, _photo_body()
    ),
    expense("expense-claim-submit", "POST", "expense_claim", DRAFT_CLAIM_SEEN, AUTHOR),
    expense(
        "expense-claim-pay",
        "POST",
        "approved_expense_claim",
        APPROVED_CLAIM_SEEN,
        ("FI", "FI", ""),
        {"reference": "转账0001"},
    ),
    listing("expenses-month", EXPENSE_READERS),
]

# ---------------------------------------------------------------- special fees

FEE_READERS = "SP MA DI EX FI"  # specialfees.views.READERS
FEE_SEEN = ("SP MA DI EX", "MA DI EX", "DI EX")  # before approval: not finance's
APPROVED_FEE_SEEN = ("SP MA DI EX FI", "MA DI EX FI", "DI EX")
FEE_SALESPERSON = ("SP", "", "")


def fee(name: str, method: str, kind: str, see, act=None, body=None, ok=None) -> Row:
    ok = ok if ok is not None else (200 if method == "GET" else OK)
    cells = scoped(ok, see=see, act=act, readers=FEE_READERS, stranger=403)
    return r16(name, method, kind=kind, body=body, **cells)


def _fee_form(world: World, scope: str, persona: str) -> dict:
    return {**_account(world, scope, persona), "kind": "promotion", "amount": "300.00",
            "purpose": "促销活动"}  # fmt: skip


_FEE_ASKERS = {
    "own": who("SP MA DI", OK, 403),
    "peer": who("MA DI", OK, 403, SP=400),
    "other": who("DI", OK, 403, SP=400, MA=400),
}

FEE_PAGES = [
    listing("specialfees:list", FEE_READERS),
    listing("specialfees:new", "SP MA DI"),
    r16("specialfees:new", "POST", body=_fee_form, **_FEE_ASKERS),
    fee("specialfees:detail", "GET", "fee", FEE_SEEN),
    fee("specialfees:detail", "GET", "approved_fee", APPROVED_FEE_SEEN),
    fee("specialfees:submit", "POST", "fee", FEE_SEEN, FEE_SALESPERSON),
    fee("specialfees:cancel", "POST", "fee", FEE_SEEN, FEE_SALESPERSON),
    fee("specialfees:promise", "POST", "fee_at_executive", FEE_SEEN, FEE_SALESPERSON),
    fee(
        "specialfees:decide",
        "POST",
        "fee_at_executive",
        FEE_SEEN,
        "EX",
        {"payment_form": "transfer", "note": "", "decision": "approve"},
    ),
    fee(
        "specialfees:pay",
        "POST",
        "approved_fee",
        APPROVED_FEE_SEEN,
        ("FI", "FI", ""),
        {"reference": "转账0002"},
    ),  # fmt: skip
]
FEE_API = [
    listing("special-fee-list", FEE_READERS),
    r16(
        "special-fee-list",
        "POST",
        body=_fee_form,
        own=who("SP MA DI", 201, 403),
        peer=who("MA DI", 201, 403, SP=400),
        other=who("DI", 201, 403, SP=400, MA=400),
    ),
    fee("special-fee-detail", "GET", "fee", FEE_SEEN),
    fee("special-fee-submit", "POST", "fee", FEE_SEEN, FEE_SALESPERSON),
    fee("special-fee-promise", "POST", "fee_at_executive", FEE_SEEN, FEE_SALESPERSON),
    fee(
        "special-fee-payment-form",
        "POST",
        "fee_at_executive",
        FEE_SEEN,
        "EX",
        {"payment_form": "transfer", "note": ""},
    ),
    fee(
        "special-fee-pay",
        "POST",
        "approved_fee",
        APPROVED_FEE_SEEN,
        ("FI", "FI", ""),
        {"reference": "转账0002"},
    ),  # fmt: skip
]

# ---------------------------------------------------------------- penalties

# a person's own penalty, the office's for its managers (the director: every office)
PENALTY_SEEN = ("SP MA DI", "MA DI", "DI")


def _penalty_form(world: World, scope: str, persona: str) -> dict:
    person = world.users["SP"] if scope != "other" else world.people["spb"]
    return {
        "person": person.pk,
        "date": world.today(scope).isoformat(),
        "amount": "20.00",
        "rule": "发票开具错误",
        "reason": "发票抬头错误",
    }


def _withdraw(world: World, scope: str, persona: str) -> dict:
    return {f"p{world.pk('penalty', scope)}-reason": "误录", "reason": "误录"}


_RECORDERS = who("MA DI", OK, 403)
PENALTY_PAGES = [
    r16(
        "reports:penalty_record",
        "POST",
        body=_penalty_form,
        office_param=True,
        own=_RECORDERS,
        other=elsewhere(_RECORDERS),
    ),  # fmt: skip
    r16(
        "reports:penalty_withdraw",
        "POST",
        kind="penalty",
        body=_withdraw,
        **scoped(OK, see=PENALTY_SEEN, act="MA DI", stranger=404),
    ),
]
PENALTY_API = [
    listing("penalty-list", "SE SP MA DI AS FI CL WH TE EX PU"),  # one's own, or the office's
    r16(
        "penalty-list",
        "POST",
        body=lambda w, s, p: {**_penalty_form(w, s, p), "office": w.office(s).pk},
        own=who("MA DI", 201, 403),
        other=who("DI", 201, 403, MA=400),
    ),
    r16(
        "penalty-withdraw",
        "POST",
        kind="penalty",
        body={"reason": "误录"},
        **scoped(OK, see=PENALTY_SEEN, act="MA DI", stranger=404),
    ),
]

# GET on a POST-only action of a viewset that checks the role first (`initial`): who may
# read gets 405, anyone else 403 (the role is refused before the method)
_ROLE_FIRST = [
    (EXPENSE_READERS, "expense-budget-submit", "budget"),
    (EXPENSE_READERS, "expense-budget-close", "approved_budget"),
    (EXPENSE_READERS, "expense-claim-photos", "expense_claim"),
    (EXPENSE_READERS, "expense-claim-submit", "expense_claim"),
    (EXPENSE_READERS, "expense-claim-pay", "approved_expense_claim"),
    (FEE_READERS, "special-fee-submit", "fee"),
    (FEE_READERS, "special-fee-promise", "fee_at_executive"),
    (FEE_READERS, "special-fee-payment-form", "fee_at_executive"),
    (FEE_READERS, "special-fee-pay", "approved_fee"),
]
EXPENSE_API += [r16(n, kind=k, own=who(r, 405, 403)) for r, n, k in _ROLE_FIRST[:5]]
FEE_API += [r16(n, kind=k, own=who(r, 405, 403)) for r, n, k in _ROLE_FIRST[5:]]

PAGES = _hiding(AFTERSALES_PAGES + ESCALATION_PAGES) + EXPENSE_PAGES + FEE_PAGES + PENALTY_PAGES
API = _hiding(AFTERSALES_API + ESCALATION_API) + EXPENSE_API + FEE_API + PENALTY_API
