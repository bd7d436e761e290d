"""A salesperson trying to get at money that is not theirs to touch (R-8.1, R-14, R-15), over
the API and the pages: another salesperson's ledger, statement or invoice learnt by its id; a
receipt allocated; their own account's write-off or collection request approved; an invoice
request over the value shipped, by lines, by amount or by racing two at once; the fields only
the services set (status, amounts, allocations, the ledger's figures) sent in a body; another
account's statement answered. Each is refused (403/404/400) and nothing changes: the rows of
receivables are counted before and after."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from rest_framework.test import APIClient

from contracts.factories import approved_account, line, make_product, signed
from receivables import figures
from receivables.factories import invoice_request, issued_invoice, received
from receivables.models import (
    Allocation,
    CollectionRequest,
    Invoice,
    InvoiceRequest,
    LedgerLine,
    Receipt,
    Statement,
    WriteOff,
)
from receivables.services import collection, receipts, statements
from shipping.factories import ship_everything
from staff.choices import Role
from staff.factories import UserFactory
from stock.services import warehouse_create
from tests.concurrency.harness import run_together

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 3, 18, 10, 0, tzinfo=SH)
THEN = NOW - datetime.timedelta(days=100)  # in 2025H2: on the statement of that half
MODELS = (InvoiceRequest, Invoice, Receipt, Allocation, LedgerLine, WriteOff, CollectionRequest)


def rows() -> dict[str, int]:
    counts = {m.__name__: m.objects.count() for m in MODELS}
    counts["Statement answered"] = Statement.objects.filter(answered_at__isnull=False).count()
    return counts


@pytest.fixture
def people(office, salesperson, other_salesperson, manager, director, finance, clerk, warehouse):
    executive = UserFactory(username="ab-exec", roles=[Role.EXECUTIVE], offices=[office])
    technician = UserFactory(username="ab-tech", roles=[Role.TECHNICIAN], offices=[office])
    return {
        "sp": salesperson,
        "sp2": other_salesperson,
        "manager": manager,
        "director": director,
        "executive": executive,
        "finance": finance,
        "approvers": [manager, director, executive, technician, clerk, warehouse, finance],
    }


def _shipped_contract(office, owner, people, product, depot, *, name, quantity="10"):
    account = approved_account(office, owner, name=name)
    contract = signed(account, owner, [line(product, quantity)], people["approvers"], now=THEN)
    ship_everything(contract, now=THEN, people=people["approvers"], warehouse=depot)
    contract.refresh_from_db()
    return contract


@pytest.fixture
def books(db, office, people, warehouse):
    """sales1's and sales2's accounts, each with a contract of 10 motors (1,000.00) shipped
    and invoiced for 600.00 100 days ago; 2025H2's statements, sent."""
    product = make_product(people["manager"], now=THEN)
    depot = warehouse_create(office=office, code="AB1", name="一号仓库", keeper=warehouse)
    made = {}
    for key, name in (("sp", "甲方机械"), ("sp2", "乙方水务")):
        contract = _shipped_contract(office, people[key], people, product, depot, name=name)
        invoice = issued_invoice(contract, now=THEN, amount="600.00", ship=False)
        made[key] = {"contract": contract, "account": contract.account, "invoice": invoice}
    run = statements.statement_run_start(
        actor=people["finance"], office=office, period="2025H2", now=NOW
    )
    statements.statements_generate(run_id=run.pk, now=NOW)
    for key in ("sp", "sp2"):
        statement = Statement.objects.get(account=made[key]["account"])
        statements.statement_send(statement=statement, actor=people[key], now=NOW)
        made[key]["statement"] = statement
    return made


def api_as(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def page_as(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock():
    """The pages and the API read the clock: the morning of NOW, whatever day it is."""
    with time_machine.travel(NOW, tick=False):
        yield


def test_a_salesperson_learns_nothing_of_a_colleagues_ledger_statement_or_invoice(books, people):
    """R-9.1, R-15.1, R-15.6: by its id, another salesperson's account's ledger, statement
    (and its PDF) and invoice are not there (404); the lists hold only their own."""
    api, page = api_as(people["sp"]), page_as(people["sp"])
    theirs = books["sp2"]
    for path in (
        f"/api/v1/accounts/{theirs['account'].pk}/ledger/",
        f"/api/v1/statements/{theirs['statement'].pk}/",
        f"/api/v1/invoices/{theirs['invoice'].pk}/",
    ):
        assert api.get(path).status_code == 404, path
    for path in (
        f"/receivables/ledger/{theirs['account'].pk}/",
        f"/receivables/statements/{theirs['statement'].pk}/",
        f"/receivables/statements/{theirs['statement'].pk}/pdf/",
        f"/receivables/invoices/{theirs['invoice'].pk}/",
    ):
        assert page.get(path).status_code == 404, path
    listed = api.get("/api/v1/statements/", {"period": "2025H2"}).json()
    listed = listed.get("results", listed) if isinstance(listed, dict) else listed
    assert [s["id"] for s in listed] == [books["sp"]["statement"].pk]
    invoices_page = page.get("/receivables/invoices/").content.decode()
    assert books["sp"]["invoice"].number in invoices_page
    assert theirs["invoice"].number not in invoices_page
    # the branch's aging is the manager's and finance's, not a salesperson's
    assert api.get("/api/v1/receivables/aging/").status_code == 403
    assert page.get("/receivables/reports/aging/").status_code == 403
    assert api_as(people["manager"]).get("/api/v1/receivables/aging/").status_code == 200


def test_a_salesperson_does_not_allocate_a_receipt(books, people):
    """R-15.3: finance allocates; the account's own salesperson sees the receipt but may not
    set it against an invoice, on the API or the page (403), and nothing is allocated."""
    mine = books["sp"]
    receipt = received(mine["account"], "100.00", now=NOW, allocations=[])  # kept as credit
    before = rows()
    body = {"allocations": [{"invoice": mine["invoice"].pk, "amount": "100.00"}]}
    api = api_as(people["sp"])
    assert api.get(f"/api/v1/receipts/{receipt.pk}/").status_code == 200
    response = api.post(f"/api/v1/receipts/{receipt.pk}/allocate/", body, format="json")
    assert response.status_code == 403
    response = page_as(people["sp"]).post(
        f"/receivables/receipts/{receipt.pk}/allocate/",
        {"mode": "chosen", f"alloc-{mine['invoice'].pk}": "100.00"},
    )
    assert response.status_code == 403
    assert rows() == before
    assert figures.receipt_unallocated(receipt) == Decimal("100.00")
    # nor records one, nor reverses one
    record = {
        "account": mine["account"].pk,
        "amount": "1.00",
        "method": "cash",
        "date": "2026-03-18",
    }
    assert api.post("/api/v1/receipts/", record, format="json").status_code == 403
    reverse = api.post(f"/api/v1/receipts/{receipt.pk}/reverse/", {"reason": "x"}, format="json")
    assert reverse.status_code == 403
    assert rows() == before


def _decide(client, document, status):
    step = document.approvals().get(state="pending")
    response = client.post(
        f"/api/v1/approvals/{step.pk}/decide/", {"decision": "approve"}, format="json"
    )
    assert response.status_code == status, response.content
    return step


def test_nobody_approves_their_own_accounts_write_off_or_collection(office, books, people):
    """R-8.1: a director who also sells, and a manager who also sells, may not decide a step
    of their own account's write-off or collection request (403, still pending); a plain
    salesperson decides no step at all."""
    selling_director = UserFactory(
        username="ab-sd", roles=[Role.SALESPERSON, Role.DIRECTOR], offices=[office]
    )
    selling_manager = UserFactory(
        username="ab-sm", roles=[Role.SALESPERSON, Role.MANAGER], offices=[office]
    )
    account = books["sp"]["account"]
    account.owner, account.deputy = selling_director, selling_manager
    account.save(update_fields=["owner", "deputy"])
    write_off = receipts.write_off_create(
        actor=people["finance"], invoice=books["sp"]["invoice"], amount="50.00",
        reason="客户破产", now=NOW,
    )  # fmt: skip
    receipts.write_off_submit(write_off=write_off, actor=people["finance"], now=NOW)
    request = collection.collection_request_create(
        actor=selling_manager, account=account, expected_amount="600.00", method="transfer",
        expected_date=NOW.date(), now=NOW,
    )  # fmt: skip
    collection.collection_request_submit(request=request, actor=selling_manager, now=NOW)
    before = rows()

    _decide(api_as(selling_director), write_off, 403)  # the director's step: theirs to own
    _decide(api_as(selling_manager), request, 403)  # the manager's step: their own request
    _decide(api_as(people["sp"]), request, 403)
    _decide(api_as(people["sp2"]), write_off, 403)
    write_off.refresh_from_db(), request.refresh_from_db()
    assert (write_off.status, request.status) == ("pending", "pending")
    assert rows() == before
    assert figures.open_amount(books["sp"]["invoice"]) == Decimal("600.00")
    # the branch's own director and manager may
    _decide(api_as(people["director"]), write_off, 200)
    _decide(api_as(people["manager"]), request, 200)


def test_an_invoice_request_over_the_shipped_value_is_refused(books, people):
    """R-14.2: 1,000.00 shipped, 600.00 invoiced: 400.00 is left. Asked for by amount or by
    lines over it, or submitted when another request already holds it: 400, nothing saved."""
    contract = books["sp"]["contract"]
    api = api_as(people["sp"])
    before = rows()
    over = {"contract": contract.pk, "invoice_type": "ordinary", "amount": "400.01"}
    assert api.post("/api/v1/invoice-requests/", over, format="json").status_code == 400
    by_lines = {
        "contract": contract.pk,
        "invoice_type": "ordinary",
        "lines": [{"contract_line": contract.lines.get().pk, "quantity": "5"}],  # 500.00
    }
    assert api.post("/api/v1/invoice-requests/", by_lines, format="json").status_code == 400
    page = page_as(people["sp"]).post(
        "/receivables/requests/new/",
        {
            "contract": contract.pk,
            "invoice_type": "ordinary",
            "buyer_name": contract.account.name,
            "buyer_tax_number": contract.account.credit_code,
            "amount": "999.00",
        },
    )
    assert page.status_code == 422
    assert rows() == before
    # two drafts of the whole 400.00: the second one submitted is over what is left
    first = invoice_request(contract, now=NOW, amount="400.00", submit=False)
    second = invoice_request(contract, now=NOW, amount="400.00", submit=False)
    assert api.post(f"/api/v1/invoice-requests/{first.pk}/submit/").status_code == 200
    assert api.post(f"/api/v1/invoice-requests/{second.pk}/submit/").status_code == 400
    second.refresh_from_db()
    assert second.status == "draft"
    assert figures.invoiceable(contract) == Decimal("0.00")


def test_fields_only_the_services_set_are_ignored_or_refused(books, people):
    """Mass assignment: a request posted as approved stays a draft; an invoice is the
    request's amount whatever amount, open amount or due date is sent; a receipt's
    allocation to another account's invoice is refused (400) and nothing is saved; the
    ledger's figures and a receipt's credit are never taken from the body."""
    mine, theirs = books["sp"], books["sp2"]
    api = api_as(people["sp"])
    made = api.post(
        "/api/v1/invoice-requests/",
        {
            "contract": mine["contract"].pk,
            "invoice_type": "ordinary",
            "amount": "100.00",
            "status": "approved",
            "approvals": [{"role": "manager", "state": "approved"}],
            "owner": people["sp2"].pk,
            "tax": "0.00",
        },
        format="json",
    )
    assert made.status_code == 201
    request = InvoiceRequest.objects.get(pk=made.json()["id"])
    assert (request.status, request.owner, request.amount) == ("draft", people["sp"], 100)
    assert request.tax > 0 and not request.approvals().exists()
    invoice_request(mine["contract"], now=NOW, amount="50.00")  # approved by the manager
    approved = InvoiceRequest.objects.get(contract=mine["contract"], status="approved")
    issued = api_as(people["finance"]).post(
        "/api/v1/invoices/",
        {
            "request": approved.pk,
            "number": "AB-0001",
            "date": "2026-03-18",
            "amount": "99999.00",
            "open_amount": "0.00",
            "due_date": "2001-01-01",
            "account": theirs["account"].pk,
        },
        format="json",
    )
    assert issued.status_code == 201, issued.content
    invoice = Invoice.objects.get(number="AB-0001")
    assert (invoice.amount, invoice.account) == (Decimal("50.00"), mine["account"])
    assert invoice.due_date == datetime.date(2026, 4, 17)  # 30 days after the invoice
    before = rows()
    finance = api_as(people["finance"])
    response = finance.post(
        "/api/v1/receipts/",
        {
            "account": mine["account"].pk,
            "amount": "100.00",
            "method": "transfer",
            "date": "2026-03-18",
            "allocations": [{"invoice": theirs["invoice"].pk, "amount": "100.00"}],
        },
        format="json",
    )
    assert response.status_code == 400
    assert rows() == before
    response = finance.post(
        "/api/v1/receipts/",
        {
            "account": mine["account"].pk,
            "amount": "100.00",
            "method": "transfer",
            "date": "2026-03-18",
            "unallocated": "0.00",
            "ledger": [{"debit": "0.00", "credit": "99999.00"}],
            "balance": "0.00",
        },
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["unallocated"] == "0.00"  # oldest due first: 100.00 allocated
    line = LedgerLine.objects.filter(account=mine["account"]).latest("pk")
    assert (line.credit, line.debit) == (Decimal("100.00"), Decimal("0.00"))
    assert figures.balance(mine["account"].pk) == Decimal("600.00") + 50 - 100


def test_a_salesperson_does_not_answer_another_accounts_statement(books, people):
    """R-15.6: the account's salesperson records the customer's answer; a colleague's
    statement is not there (404), the branch manager sees it but may not answer (403);
    nothing is recorded."""
    theirs = books["sp2"]["statement"]
    before = rows()
    body = {"agreed": False, "differences": [{"item": "货款", "amount": "-600.00"}]}
    path = f"/api/v1/statements/{theirs.pk}/answer/"
    assert api_as(people["sp"]).post(path, body, format="json").status_code == 404
    assert api_as(people["manager"]).post(path, body, format="json").status_code == 403
    page = page_as(people["sp"]).post(
        f"/receivables/statements/{theirs.pk}/answer/", {"agreed": "1"}
    )
    assert page.status_code == 404
    send = api_as(people["sp"]).post(f"/api/v1/statements/{theirs.pk}/send/")
    assert send.status_code == 404
    theirs.refresh_from_db()
    assert (theirs.status, theirs.differences.count()) == ("sent", 0)
    assert rows() == before
    # its own salesperson may
    response = api_as(people["sp2"]).post(path, body, format="json")
    assert response.status_code == 200 and response.json()["status"] == "disputed"


@pytest.mark.django_db(transaction=True)
def test_two_requests_for_the_last_value_submitted_at_once_one_refused(books, people):
    """R-14.2 under a race: two drafts of the 400.00 left, submitted at the same moment over
    the API: one is pending, the other refused (400) and still a draft; never over."""
    contract = books["sp"]["contract"]
    drafts = [invoice_request(contract, now=NOW, amount="400.00", submit=False) for _ in range(2)]

    def submit(draft):
        def call():
            with time_machine.travel(NOW, tick=False):
                return api_as(people["sp"]).post(f"/api/v1/invoice-requests/{draft.pk}/submit/")

        return call

    outcomes = run_together([submit(d) for d in drafts])
    assert all(o.error is None for o in outcomes), [o.error for o in outcomes]
    assert sorted(o.value.status_code for o in outcomes) == [200, 400]
    statuses = sorted(
        InvoiceRequest.objects.filter(pk__in=[d.pk for d in drafts]).values_list(
            "status", flat=True
        )
    )
    assert statuses == ["draft", "pending"]
    assert figures.invoiceable(contract) == Decimal("0.00")
