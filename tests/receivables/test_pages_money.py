"""The money-in pages (R-15.1, R-15.3 – R-15.6): finance's desk and home, receipts with their
allocation and reversal, refunds, an account's ledger, collection requests, handovers to
finance with their lateness, and the clerk's daily check; each for the right role, refused
to the wrong role (403) and hidden from another branch or salesperson (404)."""

import datetime
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from approvals.models import CalendarDay
from contracts.factories import NOW, approved_account
from receivables import figures, ledger
from receivables.factories import issued_invoice, received
from receivables.models import CollectionRequest, Handover, Receipt, Refund
from receivables.services import collection, invoices
from shipping.factories import decide_all
from staff.choices import Role
from staff.factories import UserFactory

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
TODAY = NOW.astimezone(SH).date()  # 2026-03-10, a Tuesday


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def two_invoices(shipped, finance):
    """1,000.00 invoiced 40 days ago (due 10 days ago), then 1,250.00 five days ago."""
    older = issued_invoice(
        shipped,
        now=NOW - datetime.timedelta(days=40),
        amount="1000.00",
        ship=False,
        finance=finance,
    )
    newer = issued_invoice(
        shipped,
        now=NOW - datetime.timedelta(days=5),
        amount="1250.00",
        ship=False,
        finance=finance,
    )
    return older, newer


@pytest.fixture
def other_finance(other_office):
    return UserFactory(username="finance-riverside", roles=[Role.FINANCE], offices=[other_office])


@pytest.fixture
def others_account(office, other_salesperson):
    return approved_account(office, other_salesperson, name="江南电气有限公司")


def open_of(invoice) -> Decimal:
    return figures.open_amount(invoice)


# ---------------------------------------------------------------- who sees which page


PAGES = {
    "desk": "/receivables/",
    "receipts": "/receivables/receipts/",
    "receipt_new": "/receivables/receipts/new/",
    "refund_new": "/receivables/refunds/new/",
    "collections": "/receivables/collections/",
    "collection_new": "/receivables/collections/new/",
    "handovers": "/receivables/handovers/",
    "handover_new": "/receivables/handovers/new/",
    "check": "/receivables/check/",
}
ALLOWED = {
    "finance": {
        "desk",
        "receipts",
        "receipt_new",
        "refund_new",
        "collections",
        "handovers",
        "check",
    },
    "clerk": {"receipts", "collections", "handovers", "handover_new", "check"},
    "salesperson": {"receipts", "collections", "collection_new", "handovers", "handover_new"},
    "manager": {"receipts", "collections", "handovers", "check"},
}


@pytest.mark.parametrize("role", sorted(ALLOWED))
def test_each_page_answers_its_roles_and_refuses_the_others(
    client, role, finance, clerk, salesperson, manager, account
):
    client.force_login(
        {"finance": finance, "clerk": clerk, "salesperson": salesperson, "manager": manager}[role]
    )
    for name, url in PAGES.items():
        expected = 200 if name in ALLOWED[role] else 403
        assert client.get(url).status_code == expected, (role, name)


def test_a_warehouse_keeper_has_none_of_the_pages(client, warehouse):
    client.force_login(warehouse)
    for url in PAGES.values():
        assert client.get(url).status_code == 403, url


# ---------------------------------------------------------------- the desk and finance's home


def test_finances_desk_lists_what_finance_has_to_do(
    client, office, finance, clerk, salesperson, shipped, two_invoices
):
    older, newer = two_invoices
    kept = received(shipped.account, "300.00", now=NOW, allocations=[], finance=finance)
    handover = collection.handover_record(
        actor=clerk,
        account=shipped.account,
        kind="cheque",
        amount="800.00",
        instrument_number="ZP-1",
        now=NOW - datetime.timedelta(days=1),
    )
    client.force_login(finance)
    html = text(client.get("/receivables/"))
    assert f'id="desk-receipt-{kept.pk}"' in html and "300.00" in html
    assert f'id="desk-handover-{handover.pk}"' in html
    # received yesterday and not signed: late
    row = html[html.index(f'id="desk-handover-{handover.pk}"') :]
    assert row.index('class="tag red"') < row.index("</li>")
    # aging of the office: 1,000.00 is 10 days overdue (0–30), 1,250.00 not yet due
    total = html[html.index('id="desk-aging-total"') :]
    assert "2,250.00" in total[: total.index("</tr>")]
    assert 'data-chart="chart-aging"' in html and 'id="chart-aging"' in html
    assert "<script>" not in html  # the chart's data is JSON, drawn by a static script (CSP)


def test_the_desk_lists_requests_to_issue_and_collections_expected(
    client, office, finance, salesperson, manager, shipped
):
    from receivables.factories import invoice_request

    request = invoice_request(shipped, now=NOW, amount="500.00")
    made = collection.collection_request_create(
        actor=salesperson,
        account=shipped.account,
        expected_amount="700.00",
        method="transfer",
        expected_date=TODAY + datetime.timedelta(days=3),
        now=NOW,
    )
    collection.collection_request_submit(request=made, actor=salesperson, now=NOW)
    decide_all(made, [manager, finance], now=NOW)
    client.force_login(finance)
    html = text(client.get("/receivables/"))
    assert f'id="desk-request-{request.pk}"' in html and request.number in html
    assert f'id="desk-collection-{made.pk}"' in html and "700.00" in html
    assert f"/receivables/receipts/new/?collection={made.pk}" in html


def test_finances_home_is_the_desk_then_the_days_cash(client, office, finance):
    client.force_login(finance)
    response = client.get("/w/finance/")
    html = text(response)
    assert response.status_code == 200
    assert html.index('id="desk-receipts"') < html.index('id="desk-cash"')
    assert 'id="sum-fees">0.00<' in html
    assert f'href="/finance/?office={office.pk}"' in html


def test_the_desk_of_another_office_is_404(client, other_office, finance):
    client.force_login(finance)
    assert client.get("/receivables/", {"office": other_office.pk}).status_code == 404


# ---------------------------------------------------------------- receipts


def test_finance_records_a_receipt_oldest_due_first(client, finance, shipped, two_invoices):
    older, newer = two_invoices
    client.force_login(finance)
    form = client.get("/receivables/receipts/new/", {"account": shipped.account_id})
    html = text(form)
    assert f'id="open-invoice-{older.pk}"' in html and f'id="open-invoice-{newer.pk}"' in html
    response = client.post(
        "/receivables/receipts/new/",
        {
            "account": shipped.account_id,
            "amount": "1200.00",
            "method": "transfer",
            "date": TODAY.isoformat(),
            "reference": "BANK-778",
            "mode": "oldest",
        },
    )
    receipt = Receipt.objects.get(reference="BANK-778")
    assert (
        response.status_code == 302
        and response["Location"] == f"/receivables/receipts/{receipt.pk}/"
    )
    assert (open_of(older), open_of(newer)) == (Decimal("0.00"), Decimal("1050.00"))
    assert figures.balance(shipped.account_id) == Decimal("1050.00")
    html = text(client.get(response["Location"]))
    assert receipt.number in html and 'id="receipt-unallocated"><strong>0.00<' in html


def test_finance_records_a_receipt_allocated_as_chosen(client, finance, shipped, two_invoices):
    older, newer = two_invoices
    client.force_login(finance)
    data = {
        "account": shipped.account_id,
        "amount": "500.00",
        "method": "cheque",
        "date": TODAY.isoformat(),
        "mode": "chosen",
        f"alloc-{newer.pk}": "400.00",
    }
    response = client.post("/receivables/receipts/new/", data)
    assert response.status_code == 302
    assert (open_of(older), open_of(newer)) == (Decimal("1000.00"), Decimal("850.00"))
    receipt = Receipt.objects.get()
    assert figures.receipt_unallocated(receipt) == Decimal("100.00")  # a credit on the account


def test_a_receipt_over_an_open_amount_is_refused_and_nothing_saved(
    client, finance, shipped, two_invoices
):
    older, newer = two_invoices
    client.force_login(finance)
    data = {
        "account": shipped.account_id,
        "amount": "2000.00",
        "method": "transfer",
        "date": TODAY.isoformat(),
        "mode": "chosen",
        f"alloc-{older.pk}": "1000.01",
    }
    response = client.post("/receivables/receipts/new/", data)
    assert response.status_code == 422
    html = text(response)
    assert "1,000.00" in html and 'class="field-error"' in html
    # as chosen with nothing entered, a zero amount, a date ahead: refused as well
    for bad in (
        {**data, f"alloc-{older.pk}": ""},
        {**data, f"alloc-{older.pk}": "10.00", "amount": "0"},
        {
            **data,
            f"alloc-{older.pk}": "10.00",
            "date": (TODAY + datetime.timedelta(days=1)).isoformat(),
        },
    ):
        assert client.post("/receivables/receipts/new/", bad).status_code == 422
    assert not Receipt.objects.exists()
    assert open_of(older) == Decimal("1000.00")


def test_the_accounts_open_invoices_load_as_a_fragment(client, finance, shipped, two_invoices):
    older, _newer = two_invoices
    client.force_login(finance)
    response = client.get(
        "/receivables/receipts/new/", {"account": shipped.account_id}, HTTP_HX_REQUEST="true"
    )
    html = text(response)
    assert html.strip().startswith('<div id="receipt-account">') and "<html" not in html
    assert f'name="alloc-{older.pk}"' in html and "1,000.00" in html


def test_the_rest_of_a_receipt_is_allocated_later_from_its_page(
    client, finance, shipped, two_invoices
):
    older, newer = two_invoices
    receipt = received(shipped.account, "1500.00", now=NOW, allocations=[], finance=finance)
    client.force_login(finance)
    html = text(client.get(f"/receivables/receipts/{receipt.pk}/"))
    assert 'id="allocate-form"' in html and 'id="reverse-form"' in html
    response = client.post(
        f"/receivables/receipts/{receipt.pk}/allocate/",
        {"mode": "chosen", f"alloc-{newer.pk}": "1250.00", f"alloc-{older.pk}": "250.00"},
    )
    assert response.status_code == 302
    assert (open_of(older), open_of(newer)) == (Decimal("750.00"), Decimal("0.00"))
    # nothing left: no allocate form any more
    assert 'id="allocate-form"' not in text(client.get(f"/receivables/receipts/{receipt.pk}/"))


def test_a_receipt_is_reversed_from_its_page_once(client, finance, shipped, two_invoices):
    older, _newer = two_invoices
    receipt = received(shipped.account, "600.00", now=NOW, finance=finance)
    assert open_of(older) == Decimal("400.00")
    client.force_login(finance)
    url = f"/receivables/receipts/{receipt.pk}/reverse/"
    assert client.post(url, {"reason": ""}).status_code == 422  # a reason is required
    assert not Receipt.objects.filter(reversal_of=receipt).exists()
    response = client.post(url, {"reason": "录错了客户"})
    reversal = Receipt.objects.get(reversal_of=receipt)
    assert response["Location"] == f"/receivables/receipts/{reversal.pk}/"
    assert open_of(older) == Decimal("1000.00")
    assert figures.balance(shipped.account_id) == Decimal("2250.00")
    html = text(client.get(f"/receivables/receipts/{receipt.pk}/"))
    assert reversal.number in html and 'id="reverse-form"' not in html
    response = client.post(url, {"reason": "again"}, follow=True)
    assert response.status_code == 200 and '<li class="error">' in response.content.decode()
    assert Receipt.objects.count() == 2


def test_a_salesperson_records_no_receipt(client, salesperson, shipped, two_invoices):
    receipt = received(shipped.account, "100.00", now=NOW)
    client.force_login(salesperson)
    data = {
        "account": shipped.account_id,
        "amount": "100.00",
        "method": "transfer",
        "date": TODAY.isoformat(),
        "mode": "oldest",
    }
    assert client.post("/receivables/receipts/new/", data).status_code == 403
    assert (
        client.post(f"/receivables/receipts/{receipt.pk}/reverse/", {"reason": "x"}).status_code
        == 403
    )
    assert (
        client.post(f"/receivables/receipts/{receipt.pk}/allocate/", {"mode": "oldest"}).status_code
        == 403
    )
    assert Receipt.objects.count() == 1
    # their own account's receipt they read, without the forms
    html = text(client.get(f"/receivables/receipts/{receipt.pk}/"))
    assert receipt.number in html and "reverse-form" not in html


def test_another_salesperson_or_office_does_not_see_a_receipt(
    client, other_salesperson, other_finance, other_office, shipped, two_invoices
):
    receipt = received(shipped.account, "100.00", now=NOW)
    for user in (other_salesperson, other_finance):
        client.force_login(user)
        assert client.get(f"/receivables/receipts/{receipt.pk}/").status_code == 404
        assert receipt.number not in text(client.get("/receivables/receipts/"))
    assert (
        client.post(f"/receivables/receipts/{receipt.pk}/reverse/", {"reason": "x"}).status_code
        == 404
    )
    assert (
        client.get("/receivables/receipts/new/", {"office": shipped.office_id}).status_code == 404
    )


def test_the_receipts_list_filters(client, finance, shipped, two_invoices):
    allocated = received(shipped.account, "1000.00", now=NOW, finance=finance)
    credit = received(
        shipped.account, "50.00", now=NOW, allocations=[], finance=finance, method="cash"
    )
    client.force_login(finance)
    html = text(client.get("/receivables/receipts/", {"unallocated": "on"}))
    assert f'id="receipt-{credit.pk}"' in html and f'id="receipt-{allocated.pk}"' not in html
    html = text(client.get("/receivables/receipts/", {"method": "transfer"}))
    assert f'id="receipt-{allocated.pk}"' in html and f'id="receipt-{credit.pk}"' not in html
    tomorrow = (TODAY + datetime.timedelta(days=1)).isoformat()
    assert "receipt-" not in text(client.get("/receivables/receipts/", {"from": tomorrow})).replace(
        "receipt-table", ""
    ).replace("receipt-filters", "")
    html = text(client.get("/receivables/receipts/", {"account": shipped.account_id}))
    assert 'id="receipts-account"' in html and html.count('<tr id="receipt-') == 2


def test_the_receipts_list_does_not_grow_its_queries(client, finance, shipped, two_invoices):
    client.force_login(finance)

    def count() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/receivables/receipts/")
        return len(captured), text(response).count('<tr id="receipt-')

    received(shipped.account, "10.00", now=NOW, finance=finance)
    few, rows = count()
    assert rows == 1
    for _n in range(5):
        received(shipped.account, "10.00", now=NOW, allocations=[], finance=finance)
    many, rows = count()
    assert rows == 6 and many == few


# ---------------------------------------------------------------- refunds


def test_finance_refunds_a_credit_never_more(client, finance, shipped):
    received(shipped.account, "300.00", now=NOW, allocations=[], finance=finance)
    client.force_login(finance)
    url = "/receivables/refunds/new/"
    html = text(client.get(url, {"account": shipped.account_id}))
    assert 'id="refund-credit"><strong>300.00<' in html
    data = {
        "account": shipped.account_id,
        "amount": "300.01",
        "method": "transfer",
        "date": TODAY.isoformat(),
    }
    response = client.post(url, data)
    assert response.status_code == 422 and "300.00" in text(response)
    assert not Refund.objects.exists()
    assert client.get(url, {"account": 999999}).status_code == 404
    response = client.post(url, {**data, "amount": "300.00"})
    assert response["Location"] == f"/receivables/ledger/{shipped.account_id}/"
    assert figures.unallocated_credit(shipped.account_id) == Decimal("0.00")
    assert figures.balance(shipped.account_id) == Decimal("0.00")


# ---------------------------------------------------------------- the ledger


def test_the_ledger_shows_opening_lines_running_balance_and_closing(
    client, finance, shipped, two_invoices
):
    older, newer = two_invoices
    receipt = received(shipped.account, "400.00", now=NOW, finance=finance)
    client.force_login(finance)
    url = f"/receivables/ledger/{shipped.account_id}/"
    html = text(client.get(url))
    assert 'id="ledger-opening">0.00<' in html
    balances = re.findall(r'data-label="余额">([\d,.-]+)<', html)
    assert balances == ["1,000.00", "2,250.00", "1,850.00"]
    assert 'id="ledger-closing"><strong>1,850.00<' in html
    assert older.number in html and receipt.number in html
    # a period: what came before is the opening balance
    start = (TODAY - datetime.timedelta(days=10)).isoformat()
    html = text(client.get(url, {"from": start, "to": TODAY.isoformat()}))
    assert 'id="ledger-opening">1,000.00<' in html and older.number not in html
    assert 'id="ledger-closing"><strong>1,850.00<' in html


def test_the_ledger_pages_with_a_next_link(client, finance, shipped, two_invoices, monkeypatch):
    received(shipped.account, "400.00", now=NOW, finance=finance)
    monkeypatch.setattr(ledger, "PAGE", 2)
    client.force_login(finance)
    url = f"/receivables/ledger/{shipped.account_id}/"
    html = text(client.get(url))
    assert html.count('<tr id="line-') == 2
    next_url = re.search(r'href="(\?cursor=[^"]+)" id="ledger-next"', html).group(1)
    html = text(client.get(url + next_url.replace("&amp;", "&")))
    assert html.count('<tr id="line-') == 1
    assert 'id="ledger-opening">2,250.00<' in html and 'id="ledger-next"' not in html
    assert 'id="ledger-closing"><strong>1,850.00<' in html
    # a cursor that does not parse starts from the first page
    assert text(client.get(url, {"cursor": "nonsense"})).count('<tr id="line-') == 2


def test_who_sees_an_accounts_ledger(
    client, salesperson, other_salesperson, manager, clerk, other_manager, shipped, others_account
):
    url = f"/receivables/ledger/{shipped.account_id}/"
    for user in (salesperson, manager, clerk):
        client.force_login(user)
        assert client.get(url).status_code == 200
    client.force_login(salesperson)  # the account's page links to its ledger
    assert f'href="{url}"' in text(client.get(f"/accounts/{shipped.account_id}/"))
    client.force_login(salesperson)  # another salesperson's account: as if it did not exist
    assert client.get(f"/receivables/ledger/{others_account.pk}/").status_code == 404
    for user in (other_salesperson, other_manager):
        client.force_login(user)
        assert client.get(url).status_code == 404


# ---------------------------------------------------------------- collection requests


def test_a_collection_request_from_filing_to_the_receipt(
    client, salesperson, manager, finance, shipped, two_invoices
):
    client.force_login(salesperson)
    response = client.post(
        "/receivables/collections/new/",
        {
            "account": shipped.account_id,
            "expected_amount": "1000.00",
            "method": "transfer",
            "expected_date": (TODAY + datetime.timedelta(days=7)).isoformat(),
            "submit": "1",
        },
    )
    made = CollectionRequest.objects.get()
    assert response["Location"] == f"/receivables/collections/{made.pk}/"
    assert made.status == "pending"
    made = decide_all(made, [manager, finance], now=NOW)
    assert made.status == "approved"
    html = text(client.get(f"/receivables/collections/{made.pk}/"))
    assert 'id="told-button"' in html and 'id="record-receipt"' not in html
    client.post(f"/receivables/collections/{made.pk}/told/")
    made.refresh_from_db()
    assert made.customer_told_at == NOW
    # finance records the receipt from the request: its amount and account are filled in
    client.force_login(finance)
    html = text(client.get(f"/receivables/collections/{made.pk}/"))
    assert 'id="record-receipt"' in html and 'id="told-button"' not in html
    form = text(client.get("/receivables/receipts/new/", {"collection": made.pk}))
    assert 'value="1000.00"' in form and f'<option value="{made.pk}" selected>' in form
    client.post(
        "/receivables/receipts/new/",
        {
            "account": shipped.account_id,
            "amount": "1000.00",
            "method": "transfer",
            "date": TODAY.isoformat(),
            "mode": "oldest",
            "collection_request": made.pk,
        },
    )
    made.refresh_from_db()
    assert made.status == "received"
    assert Receipt.objects.get().collection_request == made


def test_a_collection_request_is_the_salespersons_own(
    client, salesperson, other_salesperson, clerk, other_manager, shipped, others_account
):
    client.force_login(salesperson)
    data = {
        "account": others_account.pk,
        "expected_amount": "10.00",
        "method": "cash",
        "expected_date": TODAY.isoformat(),
    }
    response = client.post("/receivables/collections/new/", data)
    assert response.status_code == 422  # not one of their accounts to choose
    assert (
        client.post(
            "/receivables/collections/new/",
            {**data, "expected_amount": "-1", "account": shipped.account_id},
        ).status_code
        == 422
    )
    assert not CollectionRequest.objects.exists()
    client.post("/receivables/collections/new/", {**data, "account": shipped.account_id})
    made = CollectionRequest.objects.get()
    assert made.status == "draft"
    client.force_login(other_salesperson)
    assert client.get(f"/receivables/collections/{made.pk}/").status_code == 404
    assert client.post(f"/receivables/collections/{made.pk}/submit/").status_code == 404
    client.force_login(clerk)  # sees it, does not act on it
    assert client.get(f"/receivables/collections/{made.pk}/").status_code == 200
    assert client.post(f"/receivables/collections/{made.pk}/cancel/").status_code == 403
    client.force_login(other_manager)
    assert client.get(f"/receivables/collections/{made.pk}/").status_code == 404
    made.refresh_from_db()
    assert made.status == "draft"
    # withdrawn by its salesperson; withdrawing again says why not
    client.force_login(salesperson)
    client.post(f"/receivables/collections/{made.pk}/cancel/")
    made.refresh_from_db()
    assert made.status == "cancelled"
    response = client.post(f"/receivables/collections/{made.pk}/cancel/", follow=True)
    assert '<li class="error">' in response.content.decode()


def test_the_collection_list_does_not_grow_its_queries(client, salesperson, finance, shipped):
    def make(n):
        for _i in range(n):
            collection.collection_request_create(
                actor=salesperson,
                account=shipped.account,
                expected_amount="10.00",
                method="transfer",
                expected_date=TODAY,
                now=NOW,
            )

    client.force_login(finance)

    def count():
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/receivables/collections/")
        return len(captured), text(response).count('<li class="visit-row" id="collection-')

    make(1)
    few, rows = count()
    make(4)
    many, more = count()
    assert (rows, more) == (1, 5) and few == many


# ---------------------------------------------------------------- handovers


def test_a_clerk_records_a_cheque_and_finance_signs_for_it(client, clerk, finance, shipped):
    client.force_login(clerk)
    data = {"account": shipped.account_id, "kind": "cheque", "amount": "800.00"}
    response = client.post("/receivables/handovers/new/", data)
    assert response.status_code == 422 and not Handover.objects.exists()  # no number
    client.post("/receivables/handovers/new/", {**data, "instrument_number": "ZP-7788"})
    handover = Handover.objects.get()
    assert (handover.received_by, handover.amount) == (clerk, Decimal("800.00"))
    assert client.post(f"/receivables/handovers/{handover.pk}/sign/").status_code == 403
    client.force_login(finance)
    html = text(client.get("/receivables/handovers/"))
    assert f'id="handover-{handover.pk}"' in html and "sign-button" in html
    client.post(f"/receivables/handovers/{handover.pk}/sign/")
    handover.refresh_from_db()
    assert (handover.signed_by, handover.signed_at) == (finance, NOW)
    response = client.post(f"/receivables/handovers/{handover.pk}/sign/", follow=True)
    assert '<li class="error">' in response.content.decode()
    # signed: finance records it as a receipt, the handover's amount and kind filled in
    html = text(client.get("/receivables/handovers/"))
    assert f"/receivables/receipts/new/?handover={handover.pk}" in html
    form = text(client.get("/receivables/receipts/new/", {"handover": handover.pk}))
    assert 'value="800.00"' in form


def test_a_salesperson_records_only_for_their_own_accounts(
    client, salesperson, other_salesperson, other_finance, shipped, others_account
):
    client.force_login(salesperson)
    data = {"account": others_account.pk, "kind": "cash", "amount": "50.00"}
    assert client.post("/receivables/handovers/new/", data).status_code == 422
    client.post("/receivables/handovers/new/", {**data, "account": shipped.account_id})
    handover = Handover.objects.get()
    client.force_login(other_salesperson)  # not theirs: not listed, not signed
    assert f'id="handover-{handover.pk}"' not in text(client.get("/receivables/handovers/"))
    assert client.post(f"/receivables/handovers/{handover.pk}/sign/").status_code == 404
    client.force_login(other_finance)  # another branch's finance: as if it did not exist
    assert client.post(f"/receivables/handovers/{handover.pk}/sign/").status_code == 404
    handover.refresh_from_db()
    assert handover.signed_at is None


def _late_on_page(client, handover) -> bool:
    html = text(client.get("/receivables/handovers/"))
    row = html[html.index(f'id="handover-{handover.pk}"') :]
    return 'class="tag red"' in row[: row.index("</li>")]


def _at(day: datetime.date, hour: int, minute: int = 0, second: int = 0) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=SH)


def test_an_instrument_is_late_after_the_end_of_the_day_it_came(client, clerk, finance, shipped):
    handover = collection.handover_record(
        actor=clerk,
        account=shipped.account,
        kind="acceptance_bill",
        amount="5000.00",
        instrument_number="CD-1",
        now=_at(TODAY, 10),
    )
    client.force_login(finance)
    with time_machine.travel(_at(TODAY, 23, 59, 59), tick=False):
        assert not _late_on_page(client, handover)
    with time_machine.travel(_at(TODAY + datetime.timedelta(days=1), 0), tick=False):
        assert _late_on_page(client, handover)
        html = text(client.get("/receivables/handovers/"))
        assert 'id="late-count"' in html


def test_cash_is_late_after_one_working_day(client, office, salesperson, finance, shipped):
    friday = TODAY + datetime.timedelta(days=3)  # 2026-03-13
    monday = friday + datetime.timedelta(days=3)
    handover = collection.handover_record(
        actor=salesperson,
        account=shipped.account,
        kind="cash",
        amount="200.00",
        now=_at(friday, 17),
    )
    client.force_login(finance)
    with time_machine.travel(_at(monday, 23, 59, 59), tick=False):
        assert not _late_on_page(client, handover)
    with time_machine.travel(_at(monday + datetime.timedelta(days=1), 0), tick=False):
        assert _late_on_page(client, handover)
    # Monday a holiday of the office's calendar: Tuesday is the working day it has
    CalendarDay.objects.create(office=office, date=monday, working=False)
    with time_machine.travel(_at(monday + datetime.timedelta(days=1), 23), tick=False):
        assert not _late_on_page(client, handover)
    with time_machine.travel(_at(monday + datetime.timedelta(days=2), 0), tick=False):
        assert _late_on_page(client, handover)


def test_the_handover_list_does_not_grow_its_queries(client, clerk, finance, shipped):
    def make(n):
        for i in range(n):
            collection.handover_record(
                actor=clerk,
                account=shipped.account,
                kind="cheque",
                amount="10.00",
                instrument_number=f"ZP-{i}",
                now=NOW,
            )

    client.force_login(finance)

    def count():
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/receivables/handovers/")
        return len(captured), text(response).count('<li class="visit-row" id="handover-')

    make(1)
    few, rows = count()
    make(4)
    many, more = count()
    assert (rows, more) == (1, 5) and few == many


# ---------------------------------------------------------------- the daily check


def test_the_daily_check_is_one_list_of_receipts_and_questions(
    client, office, other_office, clerk, finance, manager, salesperson, shipped, two_invoices
):
    older, newer = two_invoices
    allocated = received(shipped.account, "100.00", now=NOW, finance=finance)
    credit = received(shipped.account, "70.00", now=NOW, allocations=[], finance=finance)
    invoices.invoice_query(actor=salesperson, invoice=newer, question="客户说单价不对", now=NOW)
    for user in (clerk, finance, manager):
        client.force_login(user)
        html = text(client.get("/receivables/check/"))
        assert f'id="check-receipt-{credit.pk}"' in html
        assert f'id="check-receipt-{allocated.pk}"' not in html
        assert f'id="check-invoice-{newer.pk}"' in html and "客户说单价不对" in html
        assert f'id="check-invoice-{older.pk}"' not in html
    # yesterday had no receipt; the open question is still listed
    client.force_login(clerk)
    yesterday = (TODAY - datetime.timedelta(days=1)).isoformat()
    html = text(client.get("/receivables/check/", {"date": yesterday}))
    assert (
        f'id="check-receipt-{credit.pk}"' not in html and f'id="check-invoice-{newer.pk}"' in html
    )
    assert client.get("/receivables/check/", {"office": other_office.pk}).status_code == 404


def test_the_daily_check_does_not_grow_its_queries(client, clerk, finance, shipped, two_invoices):
    client.force_login(clerk)

    def count():
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/receivables/check/")
        return len(captured), text(response).count('<tr id="check-')

    received(shipped.account, "1.00", now=NOW, allocations=[], finance=finance)
    few, rows = count()
    for _n in range(4):
        received(shipped.account, "1.00", now=NOW, allocations=[], finance=finance)
    many, more = count()
    assert (rows, more) == (1, 5) and few == many


def test_the_desk_does_not_grow_its_queries(client, clerk, finance, shipped, two_invoices):
    client.force_login(finance)

    def count():
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/receivables/")
        return len(captured), text(response).count('id="desk-receipt-')

    def make(n):
        for i in range(n):
            received(shipped.account, "1.00", now=NOW, allocations=[], finance=finance)
            collection.handover_record(
                actor=clerk,
                account=shipped.account,
                kind="cheque",
                amount="10.00",
                instrument_number=f"D-{i}",
                now=NOW,
            )

    make(1)
    few, rows = count()
    make(3)
    many, more = count()
    assert (rows, more) == (1, 4) and few == many


def test_a_refunded_credit_is_not_allocated_again(client, finance, shipped, two_invoices):
    older, _newer = two_invoices
    receipt = received(shipped.account, "300.00", now=NOW, allocations=[], finance=finance)
    client.force_login(finance)
    client.post(
        "/receivables/refunds/new/",
        {
            "account": shipped.account_id,
            "amount": "300.00",
            "method": "transfer",
            "date": TODAY.isoformat(),
        },
    )
    assert Refund.objects.count() == 1
    response = client.post(
        f"/receivables/receipts/{receipt.pk}/allocate/", {"mode": "oldest"}, follow=True
    )
    assert response.status_code == 200 and '<li class="error">' in response.content.decode()
    assert open_of(older) == Decimal("1000.00")
    assert not receipt.allocations.exists()
