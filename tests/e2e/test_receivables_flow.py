"""Money in, from the pages of the people who handle it (R-14, R-15).

- Finance, at the desk, finds the approved invoice request on the receivables desk (their home
  page), issues its invoice with the tax authority's number, records the customer's transfer
  with the allocation left at "oldest due first", sees it set against the invoice, then opens
  the account's ledger and reads the balance: the invoice less the transfer.
- The salesperson, on a 390 px phone, files a collection request for the rest; it is waiting
  for the branch manager.

Every phone page fits 390 px."""

from decimal import Decimal

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import Page, expect

from contracts.factories import approved_account, line, make_product, signed
from receivables.factories import invoice_request
from receivables.models import CollectionRequest, Invoice, Receipt
from shipping.factories import ship_everything
from staff.choices import Role
from staff.factories import DEFAULT_PASSWORD, OfficeFactory, UserFactory
from stock.services import stock_receive, warehouse_create
from tests.e2e.conftest import assert_no_horizontal_scroll, login

pytestmark = pytest.mark.e2e

ROLES = (
    Role.SALESPERSON,
    Role.MANAGER,
    Role.DIRECTOR,
    Role.FINANCE,
    Role.CLERK,
    Role.WAREHOUSE,
)
ACCOUNT = "华东机械有限公司"


def zh(text: str) -> str:
    with translation.override("zh-hans"):
        return gettext(text)


@pytest.fixture
def branch(transactional_db) -> dict:
    """A branch with one person per role and a contract of 10 motors (1,000.00) shipped in
    full, its invoice request of 1,000.00 approved by the branch manager."""
    now = timezone.now()
    office = OfficeFactory(name="华东分部", code="east")
    people = {
        role: UserFactory(username=f"m-{role}", roles=[role], offices=[office]) for role in ROLES
    }
    account = approved_account(office, people[Role.SALESPERSON], name=ACCOUNT)
    product = make_product(people[Role.MANAGER], "DJ-100", name="三相电机", now=now)
    depot = warehouse_create(
        office=office, code="W1", name="一号仓库", keeper=people[Role.WAREHOUSE]
    )
    stock_receive(
        warehouse=depot, product=product, quantity=Decimal("20"), supplier="供应商",
        actor=people[Role.WAREHOUSE], now=now,
    )  # fmt: skip
    approvers = list(people.values())
    contract = signed(account, people[Role.SALESPERSON], [line(product, "10")], approvers, now=now)
    ship_everything(contract, now=now, people=approvers, warehouse=depot)
    request = invoice_request(contract, now=now, amount="1000.00")
    assert request.status == "approved"
    return {"office": office, "account": account, "request": request, **people}


def test_finance_issues_records_a_receipt_and_reads_the_ledger(
    desk_page: Page, live_server, branch
):
    page = desk_page
    finance = branch[Role.FINANCE]
    login(page, live_server, finance.username, DEFAULT_PASSWORD)
    # the home page is the receivables desk, the approved request among those to issue
    request = branch["request"]
    row = page.locator(f"#desk-request-{request.pk}")
    expect(row).to_contain_text(ACCOUNT)
    expect(row).to_contain_text("1,000.00")
    row.get_by_role("link", name=request.number).click()

    page.locator("#issue-form input[name=number]").fill("32010001")
    page.locator("#issue-invoice").click()
    invoice = Invoice.objects.get(number="32010001")
    expect(page).to_have_url(f"{live_server.url}/receivables/invoices/{invoice.pk}/")
    expect(page.locator("#invoice-open")).to_contain_text("1,000.00")

    # the customer's transfer of 600.00, allocated oldest due first (the form's default)
    page.goto(f"{live_server.url}/receivables/receipts/new/")
    page.locator("#id_account").select_option(label=ACCOUNT)
    expect(page.locator("#receipt-account")).to_contain_text("32010001")  # loaded with htmx
    page.locator("#id_amount").fill("600.00")
    page.locator("#id_reference").fill("工行网银 0318")
    page.locator("#save-receipt").click()
    receipt = Receipt.objects.get(account=branch["account"])
    expect(page).to_have_url(f"{live_server.url}/receivables/receipts/{receipt.pk}/")
    expect(page.locator("#receipt-allocations")).to_contain_text("32010001")
    expect(page.locator("#receipt-unallocated")).to_contain_text("0.00")

    page.locator("#receipt-facts").get_by_role("link", name=ACCOUNT).click()
    expect(page).to_have_url(f"{live_server.url}/receivables/ledger/{branch['account'].pk}/")
    expect(page.locator("#ledger-closing")).to_have_text("400.00")
    expect(page.locator("#ledger")).to_contain_text("32010001")
    expect(page.locator("#ledger")).to_contain_text(receipt.number)


def test_a_salesperson_files_a_collection_request_on_the_phone(page: Page, live_server, branch):
    seller = branch[Role.SALESPERSON]
    login(page, live_server, seller.username, DEFAULT_PASSWORD)
    # the menu leads there
    entry = page.locator("nav.nav a[href='/receivables/collections/']")
    expect(entry).to_have_text(zh("Collection requests"))
    page.goto(f"{live_server.url}/receivables/collections/")
    assert_no_horizontal_scroll(page)
    page.goto(f"{live_server.url}/receivables/collections/new/")
    assert_no_horizontal_scroll(page)
    page.locator("#id_account").select_option(label=ACCOUNT)
    page.locator("#id_expected_amount").fill("400.00")
    page.locator("#id_method").select_option("transfer")
    page.locator("#id_expected_date").fill(timezone.localdate().isoformat())
    page.locator("#id_note").fill("客户答应本周五付清余款")
    page.locator("#save-submit").click()

    made = CollectionRequest.objects.get(account=branch["account"])
    expect(page).to_have_url(f"{live_server.url}/receivables/collections/{made.pk}/")
    assert_no_horizontal_scroll(page)
    assert (made.status, made.expected_amount, made.owner) == ("pending", 400, seller)
    assert made.approvals().get(state="pending").role == Role.MANAGER
    expect(page.locator("main")).to_contain_text("400.00")
