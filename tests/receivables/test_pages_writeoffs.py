"""The pages of returns to credit and write-offs (R-14.3, R-15.1), the collection request's
inbox card (R-15.3), and the invoicing lists' query counts: each refused to the wrong role
(403) and the other branch (404), bad input re-rendered with nothing saved."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contracts.factories import NOW
from receivables import figures
from receivables.factories import invoice_request, issued_invoice, received
from receivables.models import Invoice, WriteOff
from receivables.services import collection, invoices, receipts

from . import page_fixtures as shared
from .page_fixtures import html, money_in, return_received_back, rows

# the shared fixtures, by the names the tests ask for
frozen = shared.frozen
invoice = shared.invoice
other_finance = shared.other_finance
overdue = shared.overdue

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------- to credit


def test_returned_goods_of_an_invoiced_contract_wait_to_be_credited(
    client,
    shipped,
    invoice,
    product,
    salesperson,
    clerk,
    warehouse,
    approvers,
    finance,
    manager,
    other_finance,
    depot,
):
    client.force_login(finance)
    assert shipped.number not in html(client.get("/receivables/to-credit/"))
    ret = return_received_back(
        shipped,
        product,
        "2",
        salesperson=salesperson,
        clerk=clerk,
        warehouse=warehouse,
        people=approvers,
        depot=depot,
    )
    assert figures.to_credit(shipped) == Decimal("200.00")
    for user in (finance, manager):
        client.force_login(user)
        text = html(client.get("/receivables/to-credit/"))
        row = text[text.index(f'id="contract-{shipped.pk}"') :]
        row = row[: row.index("</tr>")]
        assert "200.00" in row and f"/receivables/invoices/{invoice.pk}/" in row
    client.force_login(other_finance)
    assert shipped.number not in html(client.get("/receivables/to-credit/"))
    for user in (salesperson, clerk):
        client.force_login(user)
        assert client.get("/receivables/to-credit/").status_code == 403
    # crediting it takes it off the list
    invoices.invoice_red(
        actor=finance,
        invoice=invoice,
        amount="200.00",
        number="R-3",
        date=NOW.date(),
        now=NOW,
        return_request=ret,
    )
    client.force_login(finance)
    assert shipped.number not in html(client.get("/receivables/to-credit/"))


# ---------------------------------------------------------------- write-offs


def _write_off_form(invoice, **extra):
    return {"invoice": invoice.pk, "amount": "1200.00", "reason": "客户破产清算", **extra}


def test_a_write_off_is_proposed_approved_in_the_inbox_and_posted(
    client, shipped, overdue, finance, director, executive, salesperson
):
    client.force_login(finance)
    text = html(client.get("/receivables/write-offs/new/"))
    assert overdue.number in text and "逾期 15 天" in text
    page = html(client.get(f"/receivables/write-offs/new/?invoice={overdue.pk}"))
    assert "1,200.00" in page and "逾期 15 天" in page
    r = client.post("/receivables/write-offs/new/", _write_off_form(overdue, submit="1"))
    assert r.status_code == 302
    made = WriteOff.objects.get()
    assert (made.status, made.amount, made.author_id) == ("pending", Decimal("1200.00"), finance.pk)
    assert r["Location"] == f"/receivables/write-offs/{made.pk}/"

    client.force_login(director)
    inbox = html(client.get("/approvals/inbox/"))
    assert made.number in inbox and "客户破产清算" in inbox
    assert re.search(r'class="card-open">1,200.00<', inbox)
    assert "逾期 15 天" in inbox
    step = made.approvals().get(state="pending")
    assert client.post(f"/approvals/{step.pk}/decide/", {"decision": "approve"}).status_code == 302
    client.force_login(executive)
    assert made.number in html(client.get("/approvals/inbox/"))
    step = made.approvals().get(state="pending")
    assert client.post(f"/approvals/{step.pk}/decide/", {"decision": "approve"}).status_code == 302
    made.refresh_from_db()
    assert made.status == "approved"
    assert figures.open_amount(overdue) == Decimal("0.00")
    text = html(client.get(f"/receivables/write-offs/{made.pk}/"))
    assert "已核销" in text and str(director) in text and str(executive) in text
    client.force_login(finance)
    text = html(client.get(f"/receivables/invoices/{overdue.pk}/"))
    assert money_in(text, "figure-written-off") == "1,200.00"
    assert made.number in text


def test_a_write_off_over_the_open_amount_is_refused(client, shipped, overdue, finance):
    received(shipped.account, "500.00", now=NOW, allocations=[(overdue, "500.00")])
    client.force_login(finance)
    before = rows()
    r = client.post("/receivables/write-offs/new/", _write_off_form(overdue))
    assert r.status_code == 422
    assert "超过发票的剩余金额：700.00 元" in html(r)
    for bad in ({"amount": "0"}, {"amount": "abc"}, {"reason": " "}):
        assert (
            client.post("/receivables/write-offs/new/", _write_off_form(overdue, **bad)).status_code
            == 422
        )
    assert rows() == before


def test_write_off_pages_are_for_finance_managers_and_leadership(
    client,
    overdue,
    finance,
    manager,
    director,
    executive,
    salesperson,
    clerk,
    other_manager,
    other_finance,
):
    made = receipts.write_off_create(
        actor=finance, invoice=overdue, amount="100.00", reason="无法收回", now=NOW
    )
    url = f"/receivables/write-offs/{made.pk}/"
    for user in (finance, manager, director, executive):
        client.force_login(user)
        assert made.number in html(client.get("/receivables/write-offs/")), user
        assert client.get(url).status_code == 200, user
    for user in (salesperson, clerk):
        client.force_login(user)
        assert client.get("/receivables/write-offs/").status_code == 403
        assert client.get(url).status_code == 403
        assert client.get(f"/receivables/write-offs/new/?invoice={overdue.pk}").status_code == 403
    for user in (other_manager, other_finance):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.post(f"{url}submit/").status_code == 404
        assert client.get(f"/receivables/write-offs/new/?invoice={overdue.pk}").status_code == 404
    made.refresh_from_db()
    assert made.status == "draft"


def test_the_author_submits_and_withdraws_the_write_off(client, overdue, finance, manager):
    made = receipts.write_off_create(
        actor=finance, invoice=overdue, amount="100.00", reason="无法收回", now=NOW
    )
    url = f"/receivables/write-offs/{made.pk}/"
    client.force_login(manager)
    page = html(client.get(url))
    assert 'id="submit-write-off"' not in page
    assert client.post(f"{url}submit/").status_code == 403
    assert client.get(f"{url}cancel/").status_code == 403
    client.force_login(finance)
    page = html(client.get(url))
    assert 'id="submit-write-off"' in page and "销售部经理" in page
    assert client.get(f"{url}cancel/").status_code == 200
    assert client.post(f"{url}cancel/").status_code == 302
    made.refresh_from_db()
    assert made.status == "cancelled"
    page = html(client.get(url))
    assert 'id="submit-write-off"' not in page and 'id="withdraw-write-off"' not in page


# ---------------------------------------------------------------- the collection card


def test_the_collection_request_card_shows_the_accounts_figures(
    client, shipped, overdue, salesperson, manager
):
    made = collection.collection_request_create(
        actor=salesperson,
        account=shipped.account,
        expected_amount="800.00",
        method="transfer",
        expected_date=NOW.date() + datetime.timedelta(days=3),
        now=NOW,
    )
    collection.collection_request_submit(request=made, actor=salesperson, now=NOW)
    client.force_login(manager)
    inbox = html(client.get("/approvals/inbox/"))
    assert made.number in inbox
    assert re.search(r'class="money"><strong class="card-expected">800.00<', inbox)
    assert re.search(r'class="money card-balance">1,200.00<', inbox)
    assert re.search(r'class="money card-overdue">1,200.00<', inbox)


# ---------------------------------------------------------------- query counts


def _queries(client, path) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_the_lists_read_the_same_number_of_queries_whatever_the_rows(
    client, shipped, finance, salesperson, clerk, warehouse, approvers, product, depot
):
    issued_invoice(shipped, now=NOW, ship=False, amount="100.00", finance=finance)
    first = issued_invoice(shipped, now=NOW, ship=False, amount="300.00", finance=finance)
    invoice_request(shipped, now=NOW, amount="50.00")
    receipts.write_off_create(actor=finance, invoice=first, amount="10.00", reason="甲", now=NOW)
    return_received_back(
        shipped,
        product,
        "1",
        salesperson=salesperson,
        clerk=clerk,
        warehouse=warehouse,
        people=approvers,
        depot=depot,
    )
    paths = [
        "/receivables/requests/",
        "/receivables/invoices/",
        "/receivables/invoices/?open=1&overdue=1",
        "/receivables/to-credit/",
        "/receivables/write-offs/",
        "/receivables/write-offs/new/",
    ]
    client.force_login(finance)
    for path in paths:
        client.get(path)  # warm up
    counts = {path: _queries(client, path) for path in paths}
    for amount in ("110.00", "120.00", "130.00"):
        more = issued_invoice(shipped, now=NOW, ship=False, amount=amount, finance=finance)
        invoice_request(shipped, now=NOW, amount="5.00", submit=False)
        receipts.write_off_create(actor=finance, invoice=more, amount="1.00", reason="乙", now=NOW)
    assert Invoice.objects.count() == 5 and WriteOff.objects.count() == 4
    assert {path: _queries(client, path) for path in paths} == counts
    assert max(counts.values()) <= 20
