"""The permission matrix's rows of invoicing and receivables (R-14, R-15): every page and API
endpoint of receivables/urls.py and receivables/api/urls.py, per persona and scope
(tests/security/matrix_receivables_world.py makes the objects).

Who sees what is receivables.selectors: the invoices, requests, receipts, collection requests,
ledgers and statements of an account are its salesperson's (owner or deputy), the branch's
manager's, finance's and clerk's, and every branch's for the director and the executive; never
another salesperson's, never the technician's, the warehouse keeper's or purchasing's. Write-offs
are the branch manager's and finance's; a handover, a collection notice and an unpaid report are
their salesperson's (or who received it) and the branch manager's and finance's. The office's
figures (aging, journal, collection rate) are the branch manager's and finance's (R-15.7), not
a salesperson's. Not seen: 404. Seen but not theirs to do: 403. A role that may not read
receivables at all: 403 where the page checks the role first (the lists, the invoicing pages),
else 404 (the object is simply not among theirs).

Each scope's invoice number (INVOICE_NUMBERS) is never in a response to who may not read that
scope's invoices."""

from typing import Any

from tests.security.matrix_data import PERSONAS, World
from tests.security.matrix_receivables_world import INVOICE_NUMBERS, PERIOD
from tests.security.matrix_rows import OK, Row, elsewhere, who

SCOPES = ("own", "peer", "other")
READERS = "SP MA DI FI CL EX"  # receivables.view in an office, or the director, the executive
SEEN = (READERS, "MA DI FI CL EX", "DI EX")  # an account's receivables: own, peer, other
OFFICE = "MA DI FI EX"  # receivables.office: the branch's manager and finance, and above
OFFICE_SEEN = (OFFICE, OFFICE, "DI EX")  # write-offs
HANDOVER_SEEN = ("SP MA DI FI EX", "MA DI FI EX", "DI EX")  # who received it, not the clerk
NOTICE_SEEN = HANDOVER_SEEN  # the salesperson's, the branch manager's and finance's
READ_INVOICES = {"SP": {"own"}, **{p: {"own", "peer"} for p in ("MA", "FI", "CL")}}
READ_INVOICES |= {"DI": set(SCOPES), "EX": set(SCOPES)}


def invoices_hidden(world: World, scope: str, persona: str) -> list[str]:
    """The invoice numbers of the scopes whose receivables the persona may not read."""
    readable = READ_INVOICES.get(persona, set())
    return [INVOICE_NUMBERS[s] for s in SCOPES if s not in readable]


def scoped(
    ok: Any = 200,
    *,
    see: tuple[str, str, str] = SEEN,
    act: str | tuple[str, str, str] | None = None,
    readers: str = READERS,
    stranger: Any = 403,
) -> dict[str, dict]:
    """The three scopes' columns of a URL naming an object: who sees the scope's object and
    may act gets `ok`, who sees it only 403, a reader who does not see it 404, anyone else
    `stranger` (403 where the role is checked first, else 404)."""
    acts = (act,) * 3 if isinstance(act, str) else act or see
    columns = {}
    for scope, seeing, acting in zip(SCOPES, see, acts, strict=True):
        column = {}
        for persona in PERSONAS:
            if persona in seeing.split():
                column[persona] = ok if persona in acting.split() else 403
            else:
                column[persona] = 404 if persona in readers.split() else stranger
        columns[scope] = column
    return columns


def rv(name: str, method: str = "GET", *, kind: str | None = None, **kw) -> Row:
    """A receivables row: the sales department's personas too, the invoice numbers hidden."""
    kw.setdefault("hidden", invoices_hidden)
    return Row(name, method, kind=kind, second_part=True, **kw)


def peer_account(world: World, scope: str, persona: str) -> dict:
    """?account= a colleague's account (seca, issue 21)."""
    return {"account": world.objects["sales_contract"]["peer"].account_id}


def listing(name: str, allowed: str, **kw) -> Row:
    """A list or form of no object and no office: the role check in any of one's offices."""
    ok = 200 if kw.get("method", "GET") == "GET" else OK
    return rv(name, kw.pop("method", "GET"), own=who(allowed, ok, 403), **kw)


def branch_page(name: str, allowed: str, method: str = "GET", **kw) -> Row:
    """A page of one branch picked with ?office= (staff.places.place_for): another branch is
    not there (404; the director's as in his own)."""
    own = who(allowed, 200 if method == "GET" else OK, 403)
    return rv(name, method, own=own, other=elsewhere(own), office_param=True, **kw)


def _contract(world: World, scope: str, persona: str) -> dict:
    return {"contract": world.pk("sales_contract", scope)}


def _invoice(world: World, scope: str, persona: str) -> dict:
    return {"invoice": world.pk("invoice", scope)}


def _account(world: World, scope: str, persona: str) -> dict:
    return {"account": world.pk("receivable_account", scope)}


def _period(world: World, scope: str, persona: str) -> dict:
    return {"period": PERIOD}


# the contract's salesperson asks; a contract they do not see is not there (404)
_ASKERS = {
    "own": who("SP", 200, 403),
    "peer": who("", 200, 403, SP=404),
    "other": who("", 200, 403, SP=404),
}
# finance or the branch manager (the director: any branch) proposes a write-off of an invoice
_PROPOSERS = {
    "own": who("MA DI FI", 200, 403),
    "peer": who("MA DI FI", 200, 403),
    "other": who("DI", 200, 403, MA=404, FI=404),
}


def _as_ok(columns: dict[str, dict]) -> dict[str, dict]:
    return {s: {p: OK if v == 200 else v for p, v in c.items()} for s, c in columns.items()}


# what each role may do to an account's receivables (receivables.services and the views)
SALESPERSON = "SP"  # the account's salesperson
SIGNERS = "SP MA DI FI CL"  # the customer's signature, a question: finance, the clerk, the
# branch manager (receivables.daily_check), the account's salesperson
CHECKERS = "MA DI FI CL"  # receivables.daily_check: the answer to a question
RESOLVERS = "MA DI FI"  # a statement's difference

PAGES = [
    # invoice requests
    listing("receivables:requests", READERS),
    listing("receivables:request_new", "SP"),  # the salesperson's contracts to choose from
    rv("receivables:request_new", query=_contract, **_ASKERS),
    rv("receivables:request_new", "POST", body=_contract, **_as_ok(_ASKERS)),
    rv("receivables:request", kind="invoice_request", **scoped()),
    *[
        rv(name, method, kind="invoice_request", **scoped(ok, act=SALESPERSON))
        for name, method, ok in (
            ("receivables:request_submit", "POST", OK),
            ("receivables:request_cancel", "GET", 200),
            ("receivables:request_cancel", "POST", OK),
        )
    ],
    rv(
        "receivables:invoice_issue",
        "POST",
        kind="approved_invoice_request",
        **scoped(OK, act="FI"),
    ),
    # invoices, their signature, questions, red-letter invoices
    listing("receivables:invoices", READERS),
    rv("receivables:invoice", kind="invoice", **scoped()),
    rv("receivables:invoice_sign", "POST", kind="invoice", **scoped(OK, act=SIGNERS)),
    rv("receivables:invoice_query", "POST", kind="invoice", **scoped(OK, act=SIGNERS)),
    rv("receivables:invoice_answer", "POST", kind="invoice", **scoped(OK, act=CHECKERS)),
    rv("receivables:invoice_red", "POST", kind="invoice", **scoped(OK, act="FI")),
    listing("receivables:to_credit", OFFICE),
    # write-offs: proposed by finance or the branch manager, decided above them
    listing("receivables:write_offs", OFFICE),
    listing("receivables:write_off_new", "MA DI FI"),
    rv("receivables:write_off_new", query=_invoice, **_PROPOSERS),
    rv("receivables:write_off_new", "POST", body=_invoice, **_as_ok(_PROPOSERS)),
    rv("receivables:write_off", kind="write_off", **scoped(see=OFFICE_SEEN, readers=OFFICE)),
    *[
        rv(name, method, kind="write_off", **scoped(ok, see=OFFICE_SEEN, act="FI", readers=OFFICE))
        for name, method, ok in (
            ("receivables:write_off_submit", "POST", OK),  # its author: finance
            ("receivables:write_off_cancel", "GET", 200),
            ("receivables:write_off_cancel", "POST", OK),
        )
    ],
    # finance's desk, receipts and refunds
    branch_page("receivables:desk", "FI"),
    listing("receivables:receipts", READERS),
    # BEGIN seca: its search box and account filter: another salesperson's account is
    # never found by its name nor by its id (test_permission_matrix.accounts_hidden)
    listing("receivables:receipts", READERS, query={"q": "合同客户"}),
    listing("receivables:receipts", READERS, query=peer_account),
    # END seca
    branch_page("receivables:receipt_new", "FI"),
    branch_page("receivables:receipt_new", "FI", "POST"),
    rv("receivables:receipt", kind="receipt", **scoped(stranger=404)),
    *[
        rv(name, "POST", kind="receipt", **scoped(OK, act="FI", stranger=404))
        for name in ("receivables:receipt_allocate", "receivables:receipt_reverse")
    ],
    branch_page("receivables:refund_new", "FI"),
    branch_page("receivables:refund_new", "FI", "POST"),
    # the ledger: its account's people (selectors.may_see_account_ledger)
    rv("receivables:ledger", kind="receivable_account", **scoped(stranger=404)),
    # collection requests: the account's salesperson files and handles them
    listing("receivables:collections", READERS),
    listing("receivables:collection_new", "SP"),
    listing("receivables:collection_new", "SP", method="POST"),
    rv("receivables:collection", kind="collection_request", **scoped(stranger=404)),
    *[
        rv(name, "POST", kind="collection_request", **scoped(OK, act=SALESPERSON, stranger=404))
        for name in (
            "receivables:collection_submit",
            "receivables:collection_cancel",
            "receivables:collection_told",
        )
    ],
    # handovers: who received it records it, finance signs for it
    listing("receivables:handovers", "SP MA DI FI CL EX"),
    listing("receivables:handover_new", "SP CL"),
    listing("receivables:handover_new", "SP CL", method="POST"),
    rv(
        "receivables:handover_sign",
        "POST",
        kind="handover",
        **scoped(OK, see=HANDOVER_SEEN, act="FI", stranger=404, readers=""),
    ),
    # the clerk's daily check with finance (and the branch manager)
    branch_page("receivables:daily_check", "MA DI FI CL"),
    # collection notices: the salesperson's to sign for
    listing("receivables:notices", READERS),
    rv("receivables:notice", kind="notice", **scoped(see=NOTICE_SEEN, stranger=404, readers="")),
    rv(
        "receivables:notice_sign",
        "POST",
        kind="notice",
        **scoped(OK, see=NOTICE_SEEN, act="SP", stranger=404, readers=""),
    ),
    # statements: finance makes them, the account's salesperson sends and answers,
    # finance or the branch manager resolves a difference
    branch_page("receivables:statements", READERS, query=_period),
    branch_page("receivables:statement_generate", "FI"),
    branch_page("receivables:statement_generate", "FI", "POST"),
    rv(
        "receivables:statement_run",
        kind="statement_run",
        own=who("MA DI FI EX", 200, 403),
        other=who("DI", 200, 404),
    ),
    *[
        rv(name, kind="statement", **scoped(stranger=404))
        for name in ("receivables:statement", "receivables:statement_pdf")
    ],
    *[
        rv(name, "POST", kind="statement", **scoped(OK, act=SALESPERSON, stranger=404))
        for name in ("receivables:statement_send", "receivables:statement_answer")
    ],
    rv(
        "receivables:difference_resolve",
        "POST",
        kind="difference",
        **scoped(OK, act=RESOLVERS, stranger=404),
    ),
    # reports: the office's figures for its manager and finance; a salesperson reads
    # their own daily collection and unpaid report, and submits the latter; finance checks it
    branch_page("receivables:report_aging", OFFICE, export=True),
    branch_page("receivables:report_journal", OFFICE, export=True),
    branch_page("receivables:report_rate", OFFICE, export=True),
    branch_page("receivables:report_collections", f"SP {OFFICE}", export=True),
    branch_page("receivables:report_unpaid", f"SP {OFFICE}", export=True),
    branch_page("receivables:unpaid_submit", "SP", "POST"),
    rv("receivables:unpaid", kind="unpaid_report", **scoped(see=NOTICE_SEEN, stranger=404)),
    rv(
        "receivables:unpaid_check",
        "POST",
        kind="unpaid_report",
        **scoped(OK, see=NOTICE_SEEN, act="FI", stranger=404, readers=""),
    ),
]


def _request_body(world: World, scope: str, persona: str) -> dict:
    return {**_contract(world, scope, persona), "invoice_type": "ordinary", "amount": "10.00"}


def _issue_body(world: World, scope: str, persona: str) -> dict:
    return {
        "request": world.pk("approved_invoice_request", scope),
        "number": f"77{scope}01",
        "date": world.today(scope).isoformat(),
    }


def _receipt_body(world: World, scope: str, persona: str) -> dict:
    return {
        **_account(world, scope, persona),
        "amount": "5.00",
        "method": "transfer",
        "date": world.today(scope).isoformat(),
    }


def _collection_body(world: World, scope: str, persona: str) -> dict:
    return {
        **_account(world, scope, persona),
        "expected_amount": "5.00",
        "method": "transfer",
        "expected_date": world.today(scope).isoformat(),
    }


def _write_off_body(world: World, scope: str, persona: str) -> dict:
    return {**_invoice(world, scope, persona), "amount": "1.00", "reason": "核销"}


def _handover_body(world: World, scope: str, persona: str) -> dict:
    return {
        **_account(world, scope, persona),
        "kind": "cheque",
        "amount": "5.00",
        "instrument_number": "555",
    }


def api_listing(name: str, allowed: str, method: str = "GET", ok: Any = 200, **kw) -> Row:
    return rv(name, method, own=who(allowed, ok, 403), **kw)


def api_create(name: str, allowed: str, columns: dict[str, str], *, body) -> Row:
    """A POST of a list: the role in any office first (403), then the body's object among
    those one may use (400 when it is not: not a choice)."""
    made = {s: who(allowed, 201, 403, **{p: 400 for p in no.split()}) for s, no in columns.items()}
    return rv(name, "POST", body=body, **made)


API = [
    api_listing("invoice-request-list", READERS),
    api_create(
        "invoice-request-list", "SP", {"own": "", "peer": "SP", "other": "SP"}, body=_request_body
    ),  # fmt: skip
    rv("invoice-request-detail", kind="invoice_request", **scoped(stranger=404)),
    *[
        rv(name, "POST", kind="invoice_request", **scoped(OK, act=SALESPERSON, stranger=404))
        for name in ("invoice-request-submit", "invoice-request-cancel")
    ],
    api_listing("invoice-list", READERS),
    api_create("invoice-list", "FI", {"own": "", "peer": "", "other": "FI"}, body=_issue_body),
    rv("invoice-detail", kind="invoice", **scoped(stranger=404)),
    rv("invoice-red", "POST", kind="invoice", **scoped(OK, act="FI", stranger=404)),
    rv("invoice-signature", "POST", kind="invoice", **scoped(OK, act=SIGNERS, stranger=404)),
    api_listing("receipt-list", READERS),
    api_create("receipt-list", "FI", {"own": "", "peer": "", "other": "FI"}, body=_receipt_body),
    rv("receipt-detail", kind="receipt", **scoped(stranger=404)),
    *[
        rv(name, "POST", kind="receipt", **scoped(OK, act="FI", stranger=404))
        for name in ("receipt-allocate", "receipt-reverse")
    ],
    api_listing("collection-request-list", READERS),
    api_create(
        "collection-request-list",
        "SP",
        {"own": "", "peer": "SP", "other": "SP"},
        body=_collection_body,
    ),  # fmt: skip
    rv("collection-request-detail", kind="collection_request", **scoped(stranger=404)),
    *[
        rv(name, "POST", kind="collection_request", **scoped(OK, act=SALESPERSON, stranger=404))
        for name in ("collection-request-submit", "collection-request-cancel")
    ],
    api_listing("write-off-list", OFFICE),
    rv(
        "write-off-list",
        "POST",
        body=_write_off_body,
        own=who("MA DI FI", 201, 403),
        peer=who("MA DI FI", 201, 403),
        other=who("DI", 201, 403, MA=400, FI=400),
    ),
    rv("write-off-detail", kind="write_off", **scoped(see=OFFICE_SEEN, stranger=404, readers="")),
    rv(
        "write-off-submit",
        "POST",
        kind="write_off",
        **scoped(OK, see=OFFICE_SEEN, act="FI", stranger=404, readers=""),
    ),
    api_listing("handover-list", "SP MA DI FI CL EX"),
    rv(
        "handover-list",
        "POST",
        body=_handover_body,
        own=who("SP CL", 201, 403),
        peer=who("CL", 201, 403),  # a salesperson records only their own accounts' money
        other=who("", 201, 403, SP=400, CL=400),
    ),
    rv("handover-detail", kind="handover", **scoped(see=HANDOVER_SEEN, stranger=404, readers="")),
    rv(
        "handover-sign",
        "POST",
        kind="handover",
        **scoped(OK, see=HANDOVER_SEEN, act="FI", stranger=404, readers=""),
    ),
    api_listing("statement-list", READERS, query=_period),
    rv(
        "statement-list",
        "POST",
        body=_period,
        office_param=True,
        own=who("FI", 202, 403),
        other=who("", 202, 403, FI=400),
    ),
    rv("statement-detail", kind="statement", **scoped(stranger=404)),
    rv("statement-send", "POST", kind="statement", **scoped(OK, act=SALESPERSON, stranger=404)),
    rv(
        "statement-answer",
        "POST",
        kind="statement",
        body={"agreed": True},
        **scoped(OK, act=SALESPERSON, stranger=404),
    ),
    # the ledger: readers only (403), then the account's people (404 for the rest)
    rv("account-ledger", kind="receivable_account", **scoped()),
    # aging: the branch's manager and finance, the director and the executive; a
    # branch the reader may not age is a bad parameter (400)
    rv(
        "receivables-aging",
        office_param=True,
        own=who(OFFICE, 200, 403),
        other=who("DI EX", 200, 403, MA=400, FI=400),
    ),
]
