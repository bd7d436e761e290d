"""The invoice request and invoice pages (R-14.1–R-14.3, R-15.5): the salesperson's request
against a contract, the manager's card in the inbox, finance issuing from the request's page,
the invoice with its signature, question and red-letter invoice; each refused to the wrong role
(403) and the other branch (404), bad input re-rendered with nothing saved."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contracts.factories import NOW
from receivables import figures
from receivables.factories import invoice_request, received
from receivables.invoice_pages import contract_figures
from receivables.models import Invoice, InvoiceRequest
from receivables.services import invoices
from shipping.factories import decide_all

from . import page_fixtures as shared
from .page_fixtures import html, money_in, request_form, rows

# the shared fixtures, by the names the tests ask for
frozen = shared.frozen
invoice = shared.invoice
other_finance = shared.other_finance
overdue = shared.overdue
stranger_salesperson = shared.stranger_salesperson

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------- the request form


def test_the_salesperson_chooses_a_contract_and_sees_what_it_may_be_invoiced(
    client, shipped, salesperson
):
    client.force_login(salesperson)
    page = html(client.get("/receivables/requests/new/"))
    assert shipped.number in page and f"?contract={shipped.pk}" in page
    r = client.get(f"/receivables/requests/new/?contract={shipped.pk}")
    assert r.status_code == 200
    text = html(r)
    assert money_in(text, "figure-total") == "2,250.00"
    assert money_in(text, "figure-shipped") == "2,250.00"
    assert money_in(text, "figure-invoiced") == "0.00"
    assert money_in(text, "figure-left") == "2,250.00"
    # the buyer's details come from the account
    assert f'value="{shipped.account.name}"' in text
    assert f'value="{shipped.account.credit_code}"' in text
    assert "增值税专用发票" in text and "增值税普通发票" in text


def test_an_unshipped_contract_has_nothing_to_invoice(client, contract, salesperson):
    client.force_login(salesperson)
    text = html(client.get(f"/receivables/requests/new/?contract={contract.pk}"))
    assert money_in(text, "figure-shipped") == "0.00"
    assert money_in(text, "figure-left") == "0.00"
    r = client.post("/receivables/requests/new/", request_form(contract, amount="1.00"))
    assert r.status_code == 422
    assert "超过此合同可开票金额" in html(r)
    assert InvoiceRequest.objects.count() == 0


def test_a_request_by_lines_is_priced_as_the_contract(client, shipped, salesperson, product):
    client.force_login(salesperson)
    r = client.post("/receivables/requests/new/", request_form(shipped, lines={product.code: "4"}))
    assert r.status_code == 302, html(r)
    made = InvoiceRequest.objects.get()
    assert r["Location"] == f"/receivables/requests/{made.pk}/"
    assert (made.amount, made.status, made.owner_id) == (Decimal("400.00"), "draft", salesperson.pk)
    line = made.lines.get()
    assert (line.product_id, line.quantity, line.amount) == (product.pk, Decimal("4"), made.amount)
    page = html(client.get(r["Location"]))
    assert money_in(page, "request-amount") == "400.00"
    assert 'id="submit-request"' in page and 'id="withdraw-request"' in page
    # a draft holds nothing: the contract may still be invoiced in full beside it
    assert money_in(page, "figure-left") == "2,250.00"


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"amount": "2250.01"}, "超过此合同可开票金额"),
        ({"amount": ""}, None),  # neither an amount nor lines
        ({"amount": "100.00", "lines": {"DJ-100": "1"}}, None),  # both
        ({"amount": "-5"}, None),
        ({"amount": "12.345"}, None),
        (
            {"amount": "100.00", "buyer_tax_number": "123"},
            "纳税人识别号由 15 至 20 位字母和数字组成",
        ),
        ({"amount": "100.00", "invoice_type": "vat_special"}, None),  # no bank, no address
        ({"amount": "100.00", "invoice_type": "cash"}, None),
        ({"lines": {"DJ-100": "11"}}, "超过合同该行的数量"),
        ({"lines": {"DJ-100": "abc"}}, None),
    ],
)
def test_bad_input_comes_back_with_its_errors_and_saves_nothing(
    client, shipped, salesperson, form, message
):
    client.force_login(salesperson)
    before = rows()
    form = dict(form)
    data = request_form(shipped, amount=form.pop("amount", ""), lines=form.pop("lines", None))
    data.update(form)
    r = client.post("/receivables/requests/new/", data)
    assert r.status_code == 422
    text = html(r)
    assert "field-error" in text or 'class="error"' in text
    if message:
        assert message in text
    assert rows() == before
    # what was typed is kept
    assert f'value="{shipped.account.name}"' in text


def test_an_over_quantity_line_shows_its_error_on_its_row(client, shipped, salesperson, product):
    client.force_login(salesperson)
    motor = shipped.lines.get(product=product)
    r = client.post("/receivables/requests/new/", request_form(shipped, lines={"DJ-100": "11"}))
    text = html(r)
    row = text[text.index(f'id="row-{motor.pk}"') :]
    row = row[: row.index("</tr>")]
    assert "field-error" in row and 'value="11"' in row


def test_the_form_is_refused_to_the_wrong_people(
    client,
    shipped,
    manager,
    finance,
    clerk,
    warehouse,
    other_salesperson,
    stranger_salesperson,
):
    url = f"/receivables/requests/new/?contract={shipped.pk}"
    for user, status in (
        (manager, 403),
        (finance, 403),
        (clerk, 403),
        (warehouse, 403),
        (other_salesperson, 404),  # not their contract to see
        (stranger_salesperson, 404),  # another branch
    ):
        client.force_login(user)
        assert client.get(url).status_code == status, user
        r = client.post("/receivables/requests/new/", request_form(shipped, amount="10.00"))
        assert r.status_code == status, user
    assert InvoiceRequest.objects.count() == 0
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


def test_the_inbox_reads_every_cards_contract_figures_at_once(
    client, shipped, manager, finance, django_assert_num_queries
):
    """R-8.4, R-14.2: a page of invoice-request cards shows each its contract's figures (the
    others waiting held aside), as the request's own page computes them, and the page reads
    them in the same number of queries for 2 cards as for 5."""
    issued_invoice_amount = Decimal("250.00")
    invoices.invoice_issue(
        actor=finance,
        request=invoice_request(shipped, now=NOW, amount=issued_invoice_amount),
        number="04400009",
        date=NOW.date(),
        now=NOW,
    )
    made = [invoice_request(shipped, now=NOW, amount="100.00", approve=False) for _ in range(2)]
    client.force_login(manager)
    client.get("/approvals/inbox/")
    with CaptureQueriesContext(connection) as two:
        page = client.get("/approvals/inbox/")
    shown = {i["document"].pk: i["document"].contract_figures for i in page.context["items"]}
    for request in made:
        expected = contract_figures(shipped, excluding_request=request.pk)
        assert shown[request.pk] == expected
        assert (expected.invoiced, expected.held) == (issued_invoice_amount, Decimal("100.00"))
    made += [invoice_request(shipped, now=NOW, amount="1.00", approve=False) for _ in range(3)]
    with django_assert_num_queries(len(two.captured_queries)):
        page = client.get("/approvals/inbox/")
    assert len(page.context["items"]) == 5
    assert page.context["items"][0]["document"].contract_figures.held == Decimal("103.00")


# ---------------------------------------------------------------- the whole path


def test_request_inbox_card_issue_and_the_invoice(client, shipped, salesperson, manager, finance):
    """R-14.1: the salesperson asks, the manager approves from the inbox card (the contract's
    figures beside it), finance issues from the request's page, the invoice shows."""
    client.force_login(salesperson)
    r = client.post(
        "/receivables/requests/new/", request_form(shipped, amount="1000.00", submit="1")
    )
    assert r.status_code == 302
    made = InvoiceRequest.objects.get()
    assert made.status == "pending"
    page = html(client.get(f"/receivables/requests/{made.pk}/"))
    assert 'id="submit-request"' not in page and "分部经理" in page

    client.force_login(manager)
    inbox = html(client.get("/approvals/inbox/"))
    assert made.number in inbox and shipped.number in inbox
    card = inbox[inbox.index("card-request-amount") :]
    assert "1,000.00" in card[:200]
    table = inbox[inbox.index("card-contract-figures") :]
    table = table[: table.index("</table>")]
    cells = re.findall(r'<td class="qty"[^>]*>(?:<strong[^>]*>)?([^<]+)<', table)
    # total, shipped net of returns, invoiced, left to invoice (this request aside)
    assert cells == ["2,250.00", "2,250.00", "0.00", "2,250.00"]
    step = made.approvals().get(state="pending")
    r = client.post(f"/approvals/{step.pk}/decide/", {"decision": "approve", "comment": "同意"})
    assert r.status_code == 302
    made.refresh_from_db()
    assert made.status == "approved"

    client.force_login(finance)
    listing = html(client.get("/receivables/requests/"))
    to_issue = listing[listing.index('id="to-issue"') :]
    assert made.number in to_issue[: to_issue.index("</section>")]
    page = html(client.get(f"/receivables/requests/{made.pk}/"))
    assert 'id="issue-form"' in page
    assert "同意" in page and str(manager) in page  # who decided, with the comment
    r = client.post(
        f"/receivables/requests/{made.pk}/issue/",
        {"number": "04400001", "date": NOW.date().isoformat()},
    )
    invoice = Invoice.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/receivables/invoices/{invoice.pk}/"
    made.refresh_from_db()
    assert made.status == "issued"
    assert (invoice.number, invoice.amount) == ("04400001", Decimal("1000.00"))
    assert invoice.due_date == NOW.date() + datetime.timedelta(days=30)
    text = html(client.get(r["Location"]))
    assert money_in(text, "invoice-amount") == "1,000.00"
    assert money_in(text, "invoice-open") == "1,000.00"
    assert money_in(text, "invoice-due") == invoice.due_date.isoformat()
    assert figures.balance(shipped.account_id) == Decimal("1000.00")
    # the request's page now links the invoice, and the issue form is gone
    page = html(client.get(f"/receivables/requests/{made.pk}/"))
    assert 'id="request-invoice"' in page and 'id="issue-form"' not in page


def test_issuing_is_finances_and_a_used_number_is_refused(
    client, shipped, salesperson, manager, finance, other_finance, invoice
):
    made = invoice_request(shipped, now=NOW, amount="500.00")
    url = f"/receivables/requests/{made.pk}/issue/"
    data = {"number": "X-1", "date": NOW.date().isoformat()}
    for user, status in ((salesperson, 403), (manager, 403), (other_finance, 404)):
        client.force_login(user)
        assert client.post(url, data).status_code == status, user
        assert 'id="issue-form"' not in html(client.get(f"/receivables/requests/{made.pk}/"))
    client.force_login(finance)
    before = rows()
    r = client.post(url, {"number": invoice.number, "date": NOW.date().isoformat()})
    assert r.status_code == 422 and "field-error" in html(r)
    r = client.post(url, {"number": "X-2", "date": (NOW.date() + datetime.timedelta(days=1))})
    assert r.status_code == 422
    r = client.post(url, {"number": "", "date": "not a date"})
    assert r.status_code == 422
    assert rows() == before
    made.refresh_from_db()
    assert made.status == "approved"


def test_the_request_page_is_refused_to_the_wrong_role_and_the_other_branch(
    client, shipped, warehouse, other_manager, other_salesperson, stranger_salesperson
):
    made = invoice_request(shipped, now=NOW, amount="300.00", submit=False)
    url = f"/receivables/requests/{made.pk}/"
    client.force_login(warehouse)
    assert client.get(url).status_code == 403
    assert client.get("/receivables/requests/").status_code == 403
    for user in (other_manager, other_salesperson, stranger_salesperson):
        client.force_login(user)
        assert client.get(url).status_code == 404, user
        assert client.post(f"{url}submit/").status_code == 404, user
        assert made.number not in html(client.get("/receivables/requests/"))
    made.refresh_from_db()
    assert made.status == "draft"


def test_submit_and_withdraw_are_the_salespersons(client, shipped, salesperson, manager, finance):
    made = invoice_request(shipped, now=NOW, amount="300.00", submit=False)
    url = f"/receivables/requests/{made.pk}/"
    for user in (manager, finance):
        client.force_login(user)
        page = html(client.get(url))
        assert 'id="submit-request"' not in page and 'id="withdraw-request"' not in page
        assert client.post(f"{url}submit/").status_code == 403
        assert client.get(f"{url}cancel/").status_code == 403
    client.force_login(salesperson)
    assert client.post(f"{url}submit/").status_code == 302
    made.refresh_from_db()
    assert made.status == "pending"
    # pending: no withdrawal until decided
    page = html(client.get(url))
    assert 'id="withdraw-request"' not in page
    decide_all(made, [manager], now=NOW)
    confirm = client.get(f"{url}cancel/")
    assert confirm.status_code == 200 and 'id="confirm-cancel"' in confirm.content.decode()
    made.refresh_from_db()
    assert made.status == "approved"  # the confirmation page changes nothing
    assert client.post(f"{url}cancel/").status_code == 302
    made.refresh_from_db()
    assert made.status == "cancelled"


def test_the_lists_show_each_their_own_and_finance_the_approved_first(
    client, shipped, salesperson, other_salesperson, manager, finance, director, other_manager
):
    approved = invoice_request(shipped, now=NOW, amount="100.00")
    draft = invoice_request(shipped, now=NOW + datetime.timedelta(minutes=1), submit=False)
    for user, sees in (
        (salesperson, True),
        (manager, True),
        (finance, True),
        (director, True),
        (other_salesperson, False),
        (other_manager, False),
    ):
        client.force_login(user)
        text = html(client.get("/receivables/requests/"))
        assert (approved.number in text and draft.number in text) is sees, user
    client.force_login(finance)
    text = html(client.get("/receivables/requests/"))
    assert text.index(approved.number) < text.index(draft.number)
    client.force_login(salesperson)
    text = html(client.get("/receivables/requests/"))
    assert 'id="to-issue"' not in text
    text = html(client.get("/receivables/requests/?status=draft"))
    assert draft.number in text and approved.number not in text


# ---------------------------------------------------------------- invoices


def test_the_invoice_list_marks_the_overdue_and_filters(
    client, shipped, finance, salesperson, invoice, overdue, other_manager, warehouse
):
    client.force_login(finance)
    text = html(client.get("/receivables/invoices/"))
    assert invoice.number in text and overdue.number in text
    row = text[text.index(f'id="invoice-{overdue.pk}"') :]
    row = row[: row.index("</tr>")]
    assert "逾期 15 天" in row and "1,200.00" in row
    row = text[text.index(f'id="invoice-{invoice.pk}"') :]
    assert "逾期" not in row[: row.index("</tr>")]
    assert money_in(text, "total-open") == "2,200.00"
    text = html(client.get("/receivables/invoices/?overdue=1"))
    assert overdue.number in text and invoice.number not in text
    received(shipped.account, "1000.00", now=NOW, allocations=[(invoice, "1000.00")])
    text = html(client.get("/receivables/invoices/?open=1"))
    assert overdue.number in text and invoice.number not in text
    text = html(client.get(f"/receivables/invoices/?account={shipped.account_id}"))
    assert overdue.number in text
    text = html(client.get(f"/receivables/invoices/?account={shipped.account_id + 999}"))
    assert overdue.number not in text
    client.force_login(salesperson)
    assert overdue.number in html(client.get("/receivables/invoices/"))
    client.force_login(other_manager)
    assert overdue.number not in html(client.get("/receivables/invoices/"))
    client.force_login(warehouse)
    assert client.get("/receivables/invoices/").status_code == 403


def test_the_invoice_page_shows_its_allocations_reds_and_what_remains(
    client, shipped, finance, invoice
):
    receipt = received(shipped.account, "300.00", now=NOW, allocations=[(invoice, "300.00")])
    red = invoices.invoice_red(
        actor=finance, invoice=invoice, amount="200.00", number="R-9", date=NOW.date(), now=NOW
    )
    client.force_login(finance)
    text = html(client.get(f"/receivables/invoices/{invoice.pk}/"))
    assert money_in(text, "figure-allocated") == "300.00"
    assert money_in(text, "figure-credited") == "200.00"
    assert money_in(text, "invoice-open") == "500.00"
    assert receipt.number in text and f"/receivables/receipts/{receipt.pk}/" in text
    assert f"/receivables/invoices/{red.pk}/" in text
    text = html(client.get(f"/receivables/invoices/{red.pk}/"))
    assert "红字发票" in text and "-200.00" in text
    assert f'id="red-of" href="/receivables/invoices/{invoice.pk}/"' in text
    assert 'id="red-form"' not in text  # a red-letter invoice is not credited again


def test_the_invoice_page_is_refused_to_the_wrong_role_and_the_other_branch(
    client, invoice, warehouse, other_manager, other_finance, other_salesperson
):
    url = f"/receivables/invoices/{invoice.pk}/"
    client.force_login(warehouse)
    assert client.get(url).status_code == 403
    for user in (other_manager, other_finance, other_salesperson):
        client.force_login(user)
        assert client.get(url).status_code == 404, user
        r = client.post(f"{url}sign/", {"signed_by": "王", "signed_on": NOW.date().isoformat()})
        assert r.status_code == 404, user
    invoice.refresh_from_db()
    assert invoice.signed_on is None


def test_the_customers_signature_is_recorded_once(client, invoice, salesperson, manager):
    url = f"/receivables/invoices/{invoice.pk}/"
    client.force_login(salesperson)
    assert 'id="sign-form"' in html(client.get(url))
    r = client.post(f"{url}sign/", {"signed_by": "", "signed_on": NOW.date().isoformat()})
    assert r.status_code == 422
    r = client.post(f"{url}sign/", {"signed_by": "王经理", "signed_on": "2020-01-01"})
    assert r.status_code == 422  # before the invoice
    invoice.refresh_from_db()
    assert invoice.signed_on is None
    r = client.post(f"{url}sign/", {"signed_by": "王经理", "signed_on": NOW.date().isoformat()})
    assert r.status_code == 302
    invoice.refresh_from_db()
    assert (invoice.signed_by, invoice.signed_on) == ("王经理", NOW.date())
    text = html(client.get(url))
    assert money_in(text, "signed-by") == "王经理" and 'id="sign-form"' not in text
    r = client.post(f"{url}sign/", {"signed_by": "李", "signed_on": NOW.date().isoformat()})
    assert r.status_code == 409
    invoice.refresh_from_db()
    assert invoice.signed_by == "王经理"


def test_a_question_is_asked_and_finance_answers_it(client, invoice, salesperson, finance, clerk):
    url = f"/receivables/invoices/{invoice.pk}/"
    client.force_login(salesperson)
    assert client.post(f"{url}query/", {"question": "  "}).status_code == 422
    assert client.post(f"{url}query/", {"question": "客户称单价有误"}).status_code == 302
    assert client.post(f"{url}answer/", {"answer": "已核对"}).status_code == 403
    text = html(client.get(url))
    assert "客户称单价有误" in text and 'id="answer-form"' not in text
    client.force_login(finance)
    text = html(client.get(url))
    assert 'id="answer-form"' in text
    assert client.post(f"{url}answer/", {"answer": ""}).status_code == 422
    assert client.post(f"{url}answer/", {"answer": "已核对，单价无误"}).status_code == 302
    invoice.refresh_from_db()
    assert invoice.query_answer == "已核对，单价无误" and invoice.query_answered_at is not None
    text = html(client.get(url))
    assert "已核对，单价无误" in text and 'id="answer-form"' not in text
    # no open question: a second answer is refused
    r = client.post(f"{url}answer/", {"answer": "再答"})
    assert r.status_code == 409
    client.force_login(clerk)
    assert 'id="query-form"' in html(client.get(url))


def test_a_red_letter_invoice_over_what_remains_is_refused_on_the_page(
    client, shipped, invoice, finance, salesperson
):
    received(shipped.account, "400.00", now=NOW, allocations=[(invoice, "400.00")])
    url = f"/receivables/invoices/{invoice.pk}/red/"
    data = {
        "amount": "600.01",
        "number": "R-1",
        "date": NOW.date().isoformat(),
        "reason": "退货",
        "return_request": "",
    }
    client.force_login(salesperson)
    assert client.post(url, data).status_code == 403
    client.force_login(finance)
    before = rows()
    r = client.post(url, data)
    assert r.status_code == 422
    assert f"超过发票 {invoice.number} 的剩余金额：600.00 元" in html(r)
    r = client.post(url, {**data, "confirmed": "1"})  # confirmed or not
    assert r.status_code == 422
    assert client.post(url, {**data, "amount": "100", "reason": ""}).status_code == 422
    assert rows() == before


def test_a_red_letter_invoice_is_confirmed_then_issued(client, shipped, invoice, finance):
    url = f"/receivables/invoices/{invoice.pk}/red/"
    data = {
        "amount": "250.00",
        "number": "R-2",
        "date": NOW.date().isoformat(),
        "reason": "部分退货",
        "return_request": "",
    }
    client.force_login(finance)
    assert 'id="red-form"' in html(client.get(f"/receivables/invoices/{invoice.pk}/"))
    before = rows()
    r = client.post(url, data)
    assert r.status_code == 200
    text = html(r)
    assert 'id="confirm-red"' in text and "-250.00" in text and 'name="confirmed"' in text
    assert rows() == before  # asked, nothing issued yet
    r = client.post(url, {**data, "confirmed": "1"})
    red = Invoice.objects.get(red_of=invoice)
    assert r.status_code == 302 and r["Location"] == f"/receivables/invoices/{red.pk}/"
    assert (red.amount, red.number, red.reason) == (Decimal("250.00"), "R-2", "部分退货")
    assert figures.open_amount(invoice) == Decimal("750.00")
    assert figures.balance(shipped.account_id) == Decimal("750.00")
