"""The API of invoicing and receivables exactly as API.md writes it (second part):
`/invoice-requests/` (POST, submit/, 400 over the value shipped), `/invoices/` (POST issues,
POST {id}/red/), `/receipts/` (POST with and without allocations), `/accounts/{id}/ledger/`
(keyset pages) and `/receivables/aging/`; who may call what (anonymous 401, wrong role 403,
another branch 404 or 400); a refused call saves nothing; and the OpenAPI schema documents
every status these endpoints answer."""

import datetime
import functools
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command

from contracts.factories import NOW, approved_account
from receivables import figures, ledger, rules
from receivables.factories import invoice_request, issued_invoice, received
from receivables.models import Receipt
from staff.choices import Role
from staff.factories import UserFactory

from .books import row_counts, signed_contract

pytestmark = pytest.mark.django_db

TODAY = NOW.date()
DAY = datetime.timedelta(days=1)
M = Decimal
REQUEST = {"id", "contract", "amount", "invoice_type", "status", "approvals"}
INVOICE = {
    "id",
    "number",
    "account",
    "contract",
    "amount",
    "tax",
    "date",
    "due_date",
    "open_amount",
    "red_of",
}
RECEIPT = {"id", "allocations", "unallocated"}
LEDGER = {"opening", "lines", "balance"}
LEDGER_LINE = {"date", "document", "debit", "credit", "balance"}
AGING = {"account", "current", "d31_60", "d61_90", "d91_180", "over_180", "total"}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def call(api, user, method, path, body=None, **extra):
    if user is None:
        api.force_authenticate(None)
    else:
        api.force_authenticate(user)
    return getattr(api, method)(path, body, format="json", **extra)


def unchanged(api, user, method, path, body=None):
    """The response of a call that must save nothing."""
    before = row_counts()
    response = call(api, user, method, path, body)
    assert row_counts() == before, response.content
    return response


@pytest.fixture
def other_branch(other_office):
    """The riverside branch: its finance, manager and salesperson."""
    return {
        role: UserFactory(username=f"{role}-rs", roles=[role], offices=[other_office])
        for role in (Role.FINANCE, Role.MANAGER, Role.SALESPERSON)
    }


# ---------------------------------------------------------------- /invoice-requests/


def test_an_invoice_request_as_written(api, shipped, salesperson, manager):
    r = call(
        api,
        salesperson,
        "post",
        "/api/v1/invoice-requests/",
        {"contract": shipped.pk, "invoice_type": "ordinary", "amount": "1130.00"},
    )
    assert r.status_code == 201, r.json()
    body = r.json()
    assert set(body) >= REQUEST
    assert (body["contract"], body["amount"], body["invoice_type"], body["status"]) == (
        shipped.pk,
        "1130.00",
        "ordinary",
        "draft",
    )
    assert body["approvals"] == []
    r = call(api, salesperson, "post", f"/api/v1/invoice-requests/{body['id']}/submit/")
    assert r.status_code == 200, r.json()
    assert r.json()["status"] == "pending"
    assert [(a["step"], a["role"], a["state"]) for a in r.json()["approvals"]] == [
        (0, "manager", "pending")
    ]
    r = call(api, salesperson, "post", f"/api/v1/invoice-requests/{body['id']}/submit/")
    assert (r.status_code, r.json()["code"]) == (409, "not_editable")


def test_an_invoice_request_by_lines(api, shipped, salesperson, product, cable):
    r = call(
        api,
        salesperson,
        "post",
        "/api/v1/invoice-requests/",
        {
            "contract": shipped.pk,
            "invoice_type": "vat_special",
            "buyer_address_phone": "上海 021-1",
            "buyer_bank_account": "工行 1",
            "lines": [
                {"product": product.pk, "quantity": "2"},
                {"product": cable.pk, "quantity": "10"},
            ],
        },
    )
    assert r.status_code == 201, r.json()
    assert r.json()["amount"] == "325.00"


def test_400_over_the_value_shipped_and_nothing_saved(api, shipped, contract, salesperson):
    r = unchanged(
        api,
        salesperson,
        "post",
        "/api/v1/invoice-requests/",
        {"contract": shipped.pk, "invoice_type": "ordinary", "amount": "2250.01"},
    )
    assert r.status_code == 400 and "amount" in r.json()
    r = unchanged(
        api,
        salesperson,
        "post",
        "/api/v1/invoice-requests/",
        {"contract": shipped.pk, "invoice_type": "vat_special", "amount": "1.00"},
    )
    assert r.status_code == 400 and "buyer_bank_account" in r.json()


def test_invoice_request_permissions(
    api, shipped, salesperson, other_salesperson, finance, other_branch
):
    body = {"contract": shipped.pk, "invoice_type": "ordinary", "amount": "10.00"}
    path = "/api/v1/invoice-requests/"
    assert unchanged(api, None, "post", path, body).status_code in (401, 403)
    assert unchanged(api, finance, "post", path, body).status_code == 403
    # a contract the user may not see answers as one that does not exist
    assert unchanged(api, other_salesperson, "post", path, body).status_code == 400
    assert unchanged(api, other_branch["salesperson"], "post", path, body).status_code == 400
    made = invoice_request(shipped, now=NOW, amount="10.00", submit=False)
    submit = f"{path}{made.pk}/submit/"
    assert unchanged(api, other_salesperson, "post", submit).status_code == 404
    assert unchanged(api, finance, "post", submit).status_code == 403
    assert call(api, salesperson, "get", f"{path}{made.pk}/").status_code == 200
    assert call(api, other_branch["manager"], "get", f"{path}{made.pk}/").status_code == 404


# ---------------------------------------------------------------- /invoices/


def test_issuing_an_invoice_as_written(api, shipped, finance):
    request = invoice_request(shipped, now=NOW, amount="1130.00")
    r = call(
        api,
        finance,
        "post",
        "/api/v1/invoices/",
        {"request": request.pk, "number": "44001234", "date": TODAY.isoformat()},
    )
    assert r.status_code == 201, r.json()
    body = r.json()
    assert set(body) >= INVOICE
    assert {
        k: body[k]
        for k in (
            "number",
            "account",
            "contract",
            "amount",
            "date",
            "due_date",
            "open_amount",
            "red_of",
        )
    } == {
        "number": "44001234",
        "account": shipped.account_id,
        "contract": shipped.pk,
        "amount": "1130.00",
        "date": "2026-03-10",
        "due_date": "2026-04-09",
        "open_amount": "1130.00",
        "red_of": None,
    }
    assert body["tax"] == f"{request.tax:.2f}"
    r = unchanged(
        api,
        finance,
        "post",
        "/api/v1/invoices/",
        {"request": request.pk, "number": "44001235", "date": TODAY.isoformat()},
    )
    assert (r.status_code, r.json()["code"]) == (409, "not_approved")


def test_issuing_refusals(api, shipped, finance, manager, other_branch):
    request = invoice_request(shipped, now=NOW, amount="100.00")
    body = {"request": request.pk, "number": "1", "date": TODAY.isoformat()}
    path = "/api/v1/invoices/"
    assert unchanged(api, None, "post", path, body).status_code in (401, 403)
    assert unchanged(api, manager, "post", path, body).status_code == 403
    assert unchanged(api, other_branch["finance"], "post", path, body).status_code == 400
    future = {**body, "date": (TODAY + DAY).isoformat()}
    assert unchanged(api, finance, "post", path, future).status_code == 400
    assert call(api, finance, "post", path, body).status_code == 201
    second = invoice_request(shipped, now=NOW, amount="100.00")
    r = unchanged(api, finance, "post", path, {**body, "request": second.pk})
    assert r.status_code == 400 and "number" in r.json()


def test_a_red_invoice_as_written(api, shipped, finance, salesperson, other_branch):
    invoice = issued_invoice(shipped, now=NOW, ship=False, finance=finance)
    path = f"/api/v1/invoices/{invoice.pk}/red/"
    body = {"amount": "250.00", "number": "R-1", "date": TODAY.isoformat()}
    assert unchanged(api, salesperson, "post", path, body).status_code == 403
    assert unchanged(api, other_branch["finance"], "post", path, body).status_code == 404
    r = unchanged(api, finance, "post", path, {**body, "amount": "2250.01"})
    assert r.status_code == 400 and "amount" in r.json()
    r = call(api, finance, "post", path, body)
    assert r.status_code == 201, r.json()
    red = r.json()
    assert set(red) >= INVOICE
    assert (red["red_of"], red["amount"], red["due_date"], red["open_amount"]) == (
        invoice.pk,
        "250.00",
        None,
        "0.00",
    )
    r = call(api, finance, "get", f"/api/v1/invoices/{invoice.pk}/")
    assert r.json()["open_amount"] == "2000.00"
    r = unchanged(
        api,
        finance,
        "post",
        f"/api/v1/invoices/{red['id']}/red/",
        {**body, "number": "R-2", "amount": "1.00"},
    )
    assert (r.status_code, r.json()["code"]) == (409, "red_of_red")


# ---------------------------------------------------------------- /receipts/


@pytest.fixture
def two(shipped, finance):
    older = issued_invoice(
        shipped, now=NOW - 10 * DAY, amount="500.00", ship=False, finance=finance
    )
    newer = issued_invoice(shipped, now=NOW, amount="1750.00", ship=False, finance=finance)
    return older, newer


def test_a_receipt_oldest_due_first_as_written(api, two, finance):
    older, newer = two
    r = call(
        api,
        finance,
        "post",
        "/api/v1/receipts/",
        {
            "account": older.account_id,
            "amount": "800.00",
            "method": "transfer",
            "date": TODAY.isoformat(),
        },
    )
    assert r.status_code == 201, r.json()
    body = r.json()
    assert set(body) >= RECEIPT
    assert [(a["invoice"], a["amount"]) for a in body["allocations"]] == [
        (older.pk, "500.00"),
        (newer.pk, "300.00"),
    ]
    assert body["unallocated"] == "0.00"


def test_a_receipt_with_chosen_allocations(api, two, finance):
    older, newer = two
    r = call(
        api,
        finance,
        "post",
        "/api/v1/receipts/",
        {
            "account": older.account_id,
            "amount": "800.00",
            "method": "cheque",
            "date": TODAY.isoformat(),
            "allocations": [{"invoice": newer.pk, "amount": "600.00"}],
        },
    )
    assert r.status_code == 201, r.json()
    assert [(a["invoice"], a["amount"]) for a in r.json()["allocations"]] == [(newer.pk, "600.00")]
    assert r.json()["unallocated"] == "200.00"
    assert figures.open_amount(older) == M("500.00")


def test_receipt_refusals_save_nothing(
    api, two, finance, manager, office, salesperson, product, approvers, other_branch
):
    older, newer = two
    other = approved_account(office, salesperson, name="西北重工")
    theirs = issued_invoice(
        signed_contract(other, salesperson, product, approvers), now=NOW, finance=finance
    )
    base = {
        "account": older.account_id,
        "amount": "800.00",
        "method": "transfer",
        "date": TODAY.isoformat(),
    }
    path = "/api/v1/receipts/"
    for body in (
        {**base, "allocations": [{"invoice": older.pk, "amount": "500.01"}]},
        {**base, "allocations": [{"invoice": theirs.pk, "amount": "10.00"}]},
        {**base, "amount": "-5.00"},
        {**base, "amount": "0.00"},
        {**base, "method": "barter"},
    ):
        r = unchanged(api, finance, "post", path, body)
        assert r.status_code == 400, body
    assert unchanged(api, None, "post", path, base).status_code in (401, 403)
    assert unchanged(api, manager, "post", path, base).status_code == 403
    assert unchanged(api, other_branch["finance"], "post", path, base).status_code == 400
    assert Receipt.objects.count() == 0


def test_later_allocation_and_reversal_in_the_api(api, two, finance):
    older, newer = two
    receipt = received(older.account, "300.00", now=NOW, allocations=[], finance=finance)
    r = call(api, finance, "post", f"/api/v1/receipts/{receipt.pk}/allocate/", {})
    assert r.status_code == 200, r.json()
    assert [(a["invoice"], a["amount"]) for a in r.json()["allocations"]] == [(older.pk, "300.00")]
    r = call(api, finance, "post", f"/api/v1/receipts/{receipt.pk}/reverse/", {"reason": "录错"})
    assert r.status_code == 201, r.json()
    assert r.json()["reversal_of"] == receipt.pk
    assert [(a["invoice"], a["amount"]) for a in r.json()["allocations"]] == [(older.pk, "-300.00")]
    r = unchanged(api, finance, "post", f"/api/v1/receipts/{receipt.pk}/reverse/", {"reason": "x"})
    assert (r.status_code, r.json()["code"]) == (409, "already_reversed")


# ---------------------------------------------------------------- /accounts/{id}/ledger/


def test_the_ledger_as_written(api, two, finance, salesperson):
    older, newer = two
    account = older.account
    received(account, "800.00", now=NOW, finance=finance)
    r = call(api, salesperson, "get", f"/api/v1/accounts/{account.pk}/ledger/")
    assert r.status_code == 200, r.json()
    body = r.json()
    assert set(body) >= LEDGER and all(set(x) >= LEDGER_LINE for x in body["lines"])
    assert body["opening"] == "0.00" and body["balance"] == "1450.00"
    assert [(x["document"], x["debit"], x["credit"], x["balance"]) for x in body["lines"]] == [
        (older.number, "500.00", "0.00", "500.00"),
        (newer.number, "1750.00", "0.00", "2250.00"),
        ("SK-2026-0001", "0.00", "800.00", "1450.00"),
    ]
    assert body["lines"][0]["date"] == (TODAY - 10 * DAY).isoformat()
    r = call(api, finance, "get", f"/api/v1/accounts/{account.pk}/ledger/?from={TODAY}")
    assert r.json()["opening"] == "500.00" and len(r.json()["lines"]) == 2
    r = call(api, finance, "get", f"/api/v1/accounts/{account.pk}/ledger/?to={TODAY - DAY}")
    assert r.json()["balance"] == "500.00" and len(r.json()["lines"]) == 1


def test_the_ledger_is_paged_by_keyset(api, two, finance, monkeypatch):
    older, _newer = two
    account = older.account
    for n in range(3):
        received(account, f"{n + 1}.00", now=NOW, finance=finance)
    monkeypatch.setattr(ledger, "ledger_page", functools.partial(ledger.ledger_page, size=2))
    path = f"/api/v1/accounts/{account.pk}/ledger/"
    seen, cursor, balances = [], None, []
    while True:
        r = call(api, finance, "get", path + (f"?cursor={cursor}" if cursor else ""))
        assert r.status_code == 200, r.json()
        page = r.json()
        if seen:
            assert page["opening"] == balances[-1]  # each page opens where the last ended
        seen += [x["document"] for x in page["lines"]]
        balances += [x["balance"] for x in page["lines"]]
        assert page["balance"] == "2244.00"
        cursor = page["next"]
        if cursor is None:
            break
    assert len(seen) == 5 and len(set(seen)) == 5
    assert balances[-1] == "2244.00"
    r = call(api, finance, "get", path + "?cursor=garbage")
    assert r.status_code == 400 and "cursor" in r.json()


def test_ledger_permissions(
    api,
    two,
    salesperson,
    other_salesperson,
    manager,
    finance,
    clerk,
    warehouse,
    other_branch,
    director,
):
    path = f"/api/v1/accounts/{two[0].account_id}/ledger/"
    assert call(api, None, "get", path).status_code in (401, 403)
    for who in (salesperson, manager, finance, clerk, director):
        assert call(api, who, "get", path).status_code == 200, who
    assert call(api, other_salesperson, "get", path).status_code == 404
    assert call(api, warehouse, "get", path).status_code == 403
    for who in other_branch.values():
        assert call(api, who, "get", path).status_code == 404
    assert call(api, finance, "get", "/api/v1/accounts/999999/ledger/").status_code == 404


# ---------------------------------------------------------------- /receivables/aging/


@pytest.fixture
def aged(shipped, finance):
    """An invoice of 1,000.00 dated 40 days back (due 10 days back) and one of 1,250.00 of
    today; 200.00 of the old one paid 5 days back."""
    old = issued_invoice(shipped, now=NOW - 40 * DAY, amount="1000.00", ship=False, finance=finance)
    new = issued_invoice(shipped, now=NOW, amount="1250.00", ship=False, finance=finance)
    received(shipped.account, "200.00", now=NOW - 5 * DAY, finance=finance)
    return old, new


def aging(api, user, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return call(api, user, "get", f"/api/v1/receivables/aging/?{query}")


@pytest.mark.parametrize(
    ("days_after_due", "bucket"),
    [
        (30, "current"),
        (31, "d31_60"),
        (60, "d31_60"),
        (61, "d61_90"),
        (90, "d61_90"),
        (91, "d91_180"),
        (180, "d91_180"),
        (181, "over_180"),
    ],
)
def test_aging_buckets_at_their_boundaries(api, aged, finance, days_after_due, bucket):
    old, new = aged
    as_of = old.due_date + days_after_due * DAY
    r = aging(api, finance, as_of=as_of.isoformat())
    assert r.status_code == 200, r.json()
    (row,) = r.json()
    assert set(row) >= AGING and row["account"] == old.account_id
    expected = {key: "0.00" for key in AGING - {"account", "total"}}
    expected[bucket] = "800.00"
    # the new invoice (due 30 days after today) in its own bucket of that day
    new_bucket = figures.AGING_KEYS[rules.aging_bucket(new.due_date, as_of)]
    expected[new_bucket] = f"{M(expected[new_bucket]) + M('1250.00'):.2f}"
    assert {k: row[k] for k in expected} == expected
    assert row["total"] == "2050.00"


def test_aging_as_of_a_past_day_counts_what_was_then(api, aged, finance):
    old, _new = aged
    # before the receipt and the new invoice: the old invoice whole, not yet due
    r = aging(api, finance, as_of=(TODAY - 20 * DAY).isoformat())
    assert [(x["current"], x["total"]) for x in r.json()] == [("1000.00", "1000.00")]
    # before any invoice: nothing
    assert aging(api, finance, as_of=(TODAY - 41 * DAY).isoformat()).json() == []


def test_aging_permissions_and_filters(
    api,
    aged,
    salesperson,
    other_salesperson,
    manager,
    finance,
    director,
    other_branch,
    office,
    other_office,
):
    assert call(api, None, "get", "/api/v1/receivables/aging/").status_code in (401, 403)
    assert aging(api, salesperson).status_code == 403
    for who in (manager, finance, director):
        r = aging(api, who, office=office.pk)
        assert r.status_code == 200 and [x["total"] for x in r.json()] == ["2050.00"], who
    r = aging(api, finance, office=other_office.pk)
    assert r.status_code == 400 and "office" in r.json()
    r = aging(api, other_branch["manager"])
    assert r.status_code == 200 and r.json() == []
    assert aging(api, director, office=other_office.pk).json() == []
    assert aging(api, finance, salesperson=other_salesperson.pk).json() == []
    assert len(aging(api, finance, salesperson=salesperson.pk).json()) == 1
    assert aging(api, finance, as_of="2026-13-01").status_code == 400


# ---------------------------------------------------------------- the schema


def test_the_schema_documents_every_status(tmp_path):
    """`manage.py spectacular --fail-on-warn` is clean, and each operation lists the statuses
    the tests above get from it (409 with the codes its services raise)."""
    import yaml

    out = tmp_path / "schema.yml"
    call_command("spectacular", "--fail-on-warn", "--file", str(out))
    paths = yaml.safe_load(out.read_text())["paths"]
    expected = {
        ("/api/v1/invoice-requests/", "post"): {"201", "400", "401", "403", "409"},
        ("/api/v1/invoice-requests/{id}/submit/", "post"): {"200", "401", "403", "404", "409"},
        ("/api/v1/invoices/", "post"): {"201", "400", "401", "403", "409"},
        ("/api/v1/invoices/{id}/red/", "post"): {"201", "400", "401", "403", "404", "409"},
        ("/api/v1/receipts/", "post"): {"201", "400", "401", "403", "409"},
        ("/api/v1/receipts/{id}/allocate/", "post"): {"200", "400", "403", "404", "409"},
        ("/api/v1/receipts/{id}/reverse/", "post"): {"201", "400", "403", "404", "409"},
        ("/api/v1/accounts/{id}/ledger/", "get"): {"200", "400", "401", "403", "404"},
        ("/api/v1/receivables/aging/", "get"): {"200", "400", "401", "403"},
    }
    for (path, method), statuses in expected.items():
        documented = set(paths[path][method]["responses"])
        assert statuses <= documented, (path, method, statuses - documented)
    codes = {
        ("/api/v1/invoices/", "post"): ("not_approved", "over_shipped", "contract_not_signed"),
        ("/api/v1/invoices/{id}/red/", "post"): ("red_of_red",),
        ("/api/v1/receipts/{id}/reverse/", "post"): ("already_reversed", "refunded"),
        ("/api/v1/invoice-requests/{id}/submit/", "post"): ("not_editable",),
    }
    for (path, method), names in codes.items():
        text = paths[path][method]["responses"]["409"]["description"]
        assert all(name in text for name in names), (path, text)
