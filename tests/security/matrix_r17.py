"""The permission matrix's rows of targets, work plans, dealers, dealer disputes, the
department's reports and the director's dashboard (R-17): every page and API endpoint of
targets/, workplans/, dealers/ and deptreports/, per persona and scope
(tests/security/matrix_r17_world.py makes the objects).

Who sees what (RULES.md R-17, staff/permissions.py, the helpers' briefs of issue 20):
- a department report (every key of deptreports.registry.REPORTS): a salesperson their own
  figures, the branch manager the branch's, the director and the executive every branch's;
  anyone else 403. `?office=` of a branch one may not read is refused by the form (422) and the
  reader's own scope shown — never the other branch's figures;
- targets: the director sets the department's, regions', branches' and branch months'; the
  branch manager their salespeople's months; a salesperson reads their own row only; the
  executive reads all;
- a work plan: its salesperson (author), the branch manager (who approves), the director and
  the executive read; another salesperson's plan is not there (404);
- a dealer and its disputes: its owner (and deputy), the branch manager, leadership; another
  salesperson's dealer is not there (404).

Each scope's markers (matrix_r17_world.markers: the dealer's name, the contract's amount, the
salesperson's target, the plan's goals, the dispute's text, the market notes) are never in a
response to who may not read that scope.
"""

from typing import Any

from deptreports.registry import REPORTS
from tests.security.matrix_data import World
from tests.security.matrix_r17_world import markers
from tests.security.matrix_receivables import scoped
from tests.security.matrix_rows import OK, Row, elsewhere, who

SCOPES = ("own", "peer", "other")
LEADERSHIP = "DI EX"
# whose figures a persona reads (the markers of the other scopes are hidden)
READS = {"SP": {"own"}, "MA": {"own", "peer"}, "DI": set(SCOPES), "EX": set(SCOPES)}


def r17_hidden(world: World, scope: str, persona: str) -> list[str]:
    """The markers of the scopes whose figures the persona may not read."""
    readable = READS.get(persona, set())
    return [m for s in SCOPES if s not in readable for m in markers(s)]


def r17(name: str, method: str = "GET", *, kind: str | None = None, **kw) -> Row:
    """An R-17 row: the sales department's personas too, the other scopes' markers hidden."""
    kw.setdefault("hidden", r17_hidden)
    return Row(name, method, kind=kind, second_part=True, **kw)


def _ok_200(column: dict) -> dict:
    return {p: 200 if v == OK else v for p, v in column.items()}


def listing(name: str, allowed: str, method: str = "GET", ok: Any = None, **kw) -> Row:
    """A list or form of no object: the role in any of one's offices first (403)."""
    ok = ok if ok is not None else (200 if method == "GET" else OK)
    return r17(name, method, own=who(allowed, ok, 403), **kw)


# ---------------------------------------------------------------- the department's reports

READERS = "SP MA DI EX"  # deptreports.view


def _report(key: str):
    def kwargs(world: World, scope: str, persona: str) -> dict:
        return {"key": key}

    return kwargs


def _office(world: World, scope: str, persona: str) -> dict:
    return {"office": world.office(scope).pk}


def _region(world: World, scope: str, persona: str) -> dict:
    return {"region": world.office(scope).region}


# ?office= (or ?region=) of one's own branch: the readers; of the other branch: leadership, the
# others' form refuses the choice (422) and shows their own scope; a role reading no report 403
BRANCH_CHOSEN = {
    "own": who(READERS, 200, 403),
    "other": who(LEADERSHIP, 200, 403, SP=422, MA=422),
}


def report_rows(key: str) -> list[Row]:
    """The page (and its Excel file) of one's own branch; the page of the other branch or
    region (422 for who may not choose it: the Excel file and the JSON of a refused choice are
    the reader's own scope with 200, their bodies checked by test_r17_abuse.py)."""
    kw = {"kwargs": _report(key)}
    return [
        r17("deptreports:report", query=_office, export=True, own=BRANCH_CHOSEN["own"], **kw),
        r17("deptreports:report", query=_office, other=BRANCH_CHOSEN["other"], **kw),
        r17("deptreports:report", query=_region, **BRANCH_CHOSEN, **kw),
    ]


def _unknown(world: World, scope: str, persona: str) -> dict:
    return {"key": "no-such-report"}


DEPTREPORTS = [
    *[row for key in sorted(REPORTS) for row in report_rows(key)],
    # an unknown report is not there for a reader; a role reading no report is refused first
    r17("deptreports:report", kwargs=_unknown, own=who(READERS, 404, 403)),
]

# the director's dashboard: leadership every branch, a manager their own (another branch's
# ?office= falls back to their own scope); a salesperson reads no dashboard
DASHBOARD = [
    r17(
        "deptreports:dashboard",
        query=_office,
        own=who("MA DI EX", 200, 403),
        other=who("MA DI EX", 200, 403),
    ),
]

# ---------------------------------------------------------------- work plans

PLAN_READERS = "SP MA DI EX"  # workplans.view: the role is checked first (403)
PLAN_SEEN = ("SP MA DI EX", "MA DI EX", "DI EX")  # the author, the branch manager, leadership
AUTHOR = ("SP", "", "")  # only the salesperson who wrote it edits, submits or withdraws it


def plan(name: str, method: str, kind: str, act=None, body=None, ok: Any = None, **kw) -> Row:
    ok = ok if ok is not None else (200 if method == "GET" else OK)
    cells = scoped(ok, see=PLAN_SEEN, act=act, readers=PLAN_READERS, stranger=403)
    return r17(name, method, kind=kind, body=body, **{**cells, **kw})


def _plan_line(world: World, scope: str, persona: str) -> dict:
    return {"pk": world.pk("work_plan_draft", scope), "line": world.pk("work_plan_line", scope)}


def _plan_office(world: World, scope: str, persona: str) -> dict:
    return {"office": world.office(scope).pk, "kind": "monthly", "which": "this"}


WORKPLAN_PAGES = [
    listing("workplans:list", PLAN_READERS),
    # a plan is made by a salesperson of the branch chosen (staff.places.place_for)
    r17(
        "workplans:new",
        "POST",
        body=_plan_office,
        own=who("SP", OK, 403),
        other=elsewhere(who("SP", OK, 403)),  # not their office: 404 (the director's: 403)
    ),
    plan("workplans:detail", "GET", "work_plan"),
    plan("workplans:edit", "POST", "work_plan_draft", AUTHOR, {"target_amount": "100.00"}),
    plan("workplans:line_add", "POST", "work_plan_draft", AUTHOR, {"purpose": "拜访新客户"}),
    plan("workplans:line_remove", "POST", None, AUTHOR, kwargs=_plan_line),
    plan("workplans:refresh", "POST", "work_plan_draft", AUTHOR),
    plan("workplans:submit", "POST", "work_plan_draft", AUTHOR),
    plan("workplans:cancel", "POST", "work_plan_draft", AUTHOR),
]


def _api_plan(world: World, scope: str, persona: str) -> dict:
    return {"kind": "monthly", "office": world.office(scope).pk}


WORKPLAN_API = [
    listing("work-plan-list", PLAN_READERS),
    # a salesperson makes their own; another branch is not one of theirs (400)
    r17(
        "work-plan-list",
        "POST",
        body=_api_plan,
        own=who("SP", 201, 403),
        other=who("", 201, 403, SP=400),
    ),
    plan("work-plan-detail", "GET", "work_plan"),
    plan("work-plan-detail", "PATCH", "work_plan_draft", AUTHOR, {"goals": "本周目标"}),
    plan("work-plan-detail", "PUT", "work_plan_draft", AUTHOR, {"goals": "本周目标"}),
    # a pending plan is not edited (409), even by its author
    plan("work-plan-detail", "PATCH", "work_plan", AUTHOR, {"goals": "改"}, ok=409),
    plan("work-plan-submit", "POST", "work_plan_draft", AUTHOR),
    plan("work-plan-cancel", "POST", "work_plan_draft", AUTHOR),
    plan("work-plan-refresh", "POST", "work_plan_draft", AUTHOR),
    plan("work-plan-lines", "POST", "work_plan_draft", AUTHOR, {"purpose": "拜访新客户"}),
]

# ---------------------------------------------------------------- dealers

DEALER_READERS = "SP MA DI EX"  # dealers.selectors.READERS: the role first (403)
DEALER_SEEN = ("SP MA DI EX", "MA DI EX", "DI EX")  # its owner, the branch manager, leadership
RECORDERS = ("SP MA DI", "MA DI", "DI")  # its salesperson or the branch's manager
SALESPERSON = ("SP", "", "")  # helps or escalates: the dealer's own salesperson
SETTLERS = ("MA DI", "MA DI", "DI")  # an escalated dispute: the branch manager


def dealer(name: str, method: str, kind: str | None, act=None, body=None, **kw) -> Row:
    ok = 200 if method == "GET" else OK
    cells = scoped(ok, see=DEALER_SEEN, act=act, readers=DEALER_READERS, stranger=403)
    return r17(name, method, kind=kind, body=body, **{**cells, **kw})


def _dealer_id(world: World, scope: str, persona: str) -> dict:
    return {"account_id": world.pk("dealer", scope)}


def _moved(kind: str, prefix: str, field: str, text: str):
    def body(world: World, scope: str, persona: str) -> dict:
        return {f"{prefix}{world.pk(kind, scope)}-{field}": text}

    return body


DEALER_PAGES = [
    listing("dealers:list", DEALER_READERS),
    dealer("dealers:detail", "GET", None, kwargs=_dealer_id),
    dealer(
        "dealers:dispute_new",
        "POST",
        None,
        RECORDERS,
        {"description": "两家经销商争抢同一项目"},
        kwargs=_dealer_id,
    ),
    dealer(
        "dealers:dispute_help",
        "POST",
        "dealer_dispute",
        SALESPERSON,
        _moved("dealer_dispute", "h", "note", "已约双方面谈"),
    ),
    dealer(
        "dealers:dispute_escalate",
        "POST",
        "dealer_dispute",
        SALESPERSON,
        _moved("dealer_dispute", "e", "reason", "需经理裁定"),
    ),
    dealer(
        "dealers:dispute_settle",
        "POST",
        "dealer_dispute_escalated",
        SETTLERS,
        _moved("dealer_dispute_escalated", "s", "resolution", "按区域划分处理"),
    ),
]


def _api_dispute(world: World, scope: str, persona: str) -> dict:
    return {"dealer": world.pk("dealer", scope), "description": "两家经销商争抢同一项目"}


DEALER_API = [
    listing("dealer-dispute-list", DEALER_READERS),
    # a dealer one does not see is not a choice (400); seen but not theirs to record: 403
    r17(
        "dealer-dispute-list",
        "POST",
        body=_api_dispute,
        own=who("SP MA DI", 201, 403),
        peer=who("MA DI", 201, 403, SP=400),
        other=who("DI", 201, 403, SP=400, MA=400),
    ),
    dealer("dealer-dispute-detail", "GET", "dealer_dispute"),
    dealer("dealer-dispute-help", "POST", "dealer_dispute", SALESPERSON, {"note": "已约双方面谈"}),
    dealer(
        "dealer-dispute-escalate", "POST", "dealer_dispute", SALESPERSON, {"reason": "需经理裁定"}
    ),
    dealer(
        "dealer-dispute-settle",
        "POST",
        "dealer_dispute_escalated",
        SETTLERS,
        {"resolution": "按区域划分处理"},
    ),
]

# ---------------------------------------------------------------- targets

TARGET_READERS = "SP MA DI EX"  # targets.view in a branch
SPLITTERS = {"own": who("MA DI", OK, 403), "other": who("DI", OK, 403)}  # targets.set_branch


def _year(world: World, scope: str, persona: str) -> dict:
    return {"year": world.today(scope).year}


def _office_year(world: World, scope: str, persona: str) -> dict:
    return {**_office(world, scope, persona), **_year(world, scope, persona)}


def _explained(world: World, scope: str, persona: str) -> dict:
    row = world.obj("target_explanation", scope)
    return {"office": row.office_id, "salesperson": row.salesperson_id, "year": row.year}
    # (the month is added by the rows: GET in the query, POST in the body)


def _explain_query(world: World, scope: str, persona: str) -> dict:
    return {
        **_explained(world, scope, persona),
        "month": world.obj("target_explanation", scope).month,
    }


def _explain_body(world: World, scope: str, persona: str) -> dict:
    return {**_explain_query(world, scope, persona), "text": "大客户推迟签约"}


def _target_body(world: World, scope: str, persona: str) -> dict:
    row = world.obj("sales_target", scope)
    return {
        "year": row.year,
        "office": row.office_id,
        "salesperson": row.salesperson_id,
        "month": row.month,
        "amount": "100.00",
    }


TARGET_PAGES = [
    # the targets' home sends each reader to their page (the page refuses who may not)
    r17("targets:home", own=who("", 302, 302)),
    listing("targets:year", LEADERSHIP, query=_year),
    listing("targets:year", "DI", "POST", body=_year),  # targets.set_company: the director
    # a branch's salespeople × months: a salesperson reads their own row only; another
    # branch one may not read is refused (403: it exists)
    r17(
        "targets:branch",
        query=_office_year,
        own=who(TARGET_READERS, 200, 403),
        other=who(LEADERSHIP, 200, 403),
    ),
    r17("targets:branch", "POST", body=_office_year, **SPLITTERS),
    r17("targets:download", query=_office_year, **{k: _ok_200(c) for k, c in SPLITTERS.items()}),
    listing("targets:download", "DI", query=_year),  # the branch × month grid: the director
    r17("targets:upload", "POST", body=_office, **SPLITTERS),  # no file: 400, nothing saved
    listing("targets:upload", "DI", "POST"),
    r17(
        "targets:actuals",
        query=_office_year,
        export=True,
        own=who(TARGET_READERS, 200, 403),
        other=who(LEADERSHIP, 200, 403),
    ),
    # the explanation of a variance: the branch's manager (the director); not the executive
    r17(
        "targets:explain",
        query=_explain_query,
        own=who("MA DI", 200, 403),
        other=who("DI", 200, 403),
    ),
    r17("targets:explain", "POST", body=_explain_body, **SPLITTERS),
]

TARGET_API = [
    listing("sales-target-list", TARGET_READERS),
    # a salesperson's month: the branch's manager (the director); never the salesperson
    r17(
        "sales-target-list",
        "POST",
        body=_target_body,
        own=who("MA DI", 201, 403),
        other=who("DI", 201, 403),
    ),
    listing("target-explanation-list", TARGET_READERS),
    r17(
        "target-explanation-list",
        "POST",
        body=_explain_body,
        own=who("MA DI", 201, 403),
        other=who("DI", 201, 403),
    ),
]


def _get_405(name: str, kind: str, readers: str) -> Row:
    """GET on an action that only takes POST: the viewset checks the role first (403), then the
    method (405)."""
    return r17(name, kind=kind, own=who(readers, 405, 403))


ACTIONS_GET = [
    *[
        _get_405(f"work-plan-{a}", "work_plan_draft", PLAN_READERS)
        for a in ("submit", "cancel", "refresh", "lines")
    ],
    *[
        _get_405(f"dealer-dispute-{a}", "dealer_dispute", DEALER_READERS)
        for a in ("help", "escalate", "settle")
    ],
]

PAGES: list[Row] = [
    *DEPTREPORTS, *DASHBOARD, *TARGET_PAGES, *WORKPLAN_PAGES, *DEALER_PAGES
]  # fmt: skip
API: list[Row] = [*TARGET_API, *WORKPLAN_API, *DEALER_API, *ACTIONS_GET]

__all__ = ["API", "PAGES", "scoped"]
