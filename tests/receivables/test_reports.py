"""The receivables reports (R-15.7) against books counted by hand: aging by account,
salesperson and branch reconciling with the ledgers to the cent, the journal, the daily
collection, the collection rate; each page's Excel file read back equal to its table; who
reads which report; a constant number of queries whatever the books hold.

The books (D = 2026-03-10, the day of contracts.factories.NOW; every invoice due 30 days after
its date), all through the services:

华东机械 (sales1, sunny), a contract of 2,250.00:
  I1 300.00 dated D-250 (due D-220): R1 100.00 at D-200, a write-off of 20.00 at D-30 → 180.00
  I2 400.00 dated D-160 (due D-130): a red-letter invoice of 50.00 at D-150          → 350.00
  I3 500.00 dated D-100 (due D-70):  200.00 of R2 (300.00 by cheque, D-5)             → 300.00
  I4 600.00 dated D-75  (due D-45)                                                    → 600.00
  I5 450.00 dated D-10  (due D+20, not yet due)                                       → 450.00
  R3 80.00 cash at D-3 (to I1) reversed at D-2. Open 1,880.00, credit 100.00, balance 1,780.00.
江南电气 (sales2, sunny): J1 500.00 dated D-40 (due D-10), R4 100.00 bank draft at D.
  Open 400.00, balance 400.00.
滨江贸易 (riverside): K1 1,000.00 dated D-50 (due D-20). Open and balance 1,000.00.
"""

import datetime
import io
from decimal import Decimal
from html.parser import HTMLParser

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from contracts.factories import NOW, approved_account, line, signed
from receivables import figures
from receivables.choices import PaymentMethod
from receivables.factories import issued_invoice, received
from receivables.services import invoices, receipts
from shipping.factories import decide_all, ship_everything
from staff.choices import Role
from staff.factories import UserFactory

pytestmark = pytest.mark.django_db

D = NOW.date()


def at(days_back: int) -> datetime.datetime:
    return NOW - datetime.timedelta(days=days_back)


def build_books(*, office, other_office, salesperson, other_salesperson, people, finance, depot):
    """The books of the module docstring; returns the accounts and documents by name."""
    director, executive = people["director"], people["executive"]
    approvers = people["approvers"]
    product = people["product"]
    a = approved_account(office, salesperson, name="华东机械有限公司")
    contract = signed(
        a,
        salesperson,
        [line(product, "10"), line(people["cable"], "100", "12.50")],
        approvers,
        now=at(260),
    )
    ship_everything(contract, now=at(255), people=approvers, warehouse=depot)
    books = {"a": a}
    for name, amount, back in [
        ("i1", "300.00", 250),
        ("i2", "400.00", 160),
        ("i3", "500.00", 100),
        ("i4", "600.00", 75),
        ("i5", "450.00", 10),
    ]:
        books[name] = issued_invoice(contract, now=at(back), amount=amount, ship=False)
    received(a, "100.00", now=at(200))
    invoices.invoice_red(
        actor=finance, invoice=books["i2"], amount="50.00", number="RED-1", date=at(150).date(),
        now=at(150),
    )  # fmt: skip
    write_off = receipts.write_off_create(
        actor=finance, invoice=books["i1"], amount="20.00", reason="无法收回", now=at(30)
    )
    receipts.write_off_submit(write_off=write_off, actor=finance, now=at(30))
    decide_all(write_off, [director, executive], now=at(30))
    received(
        a, "300.00", now=at(5), method=PaymentMethod.CHEQUE, allocations=[(books["i3"], "200.00")]
    )
    wrong = received(a, "80.00", now=at(3), method=PaymentMethod.CASH)
    receipts.receipt_reverse(actor=finance, receipt=wrong, reason="录错", now=at(2))

    b = approved_account(office, other_salesperson, name="江南电气有限公司")
    contract_b = signed(b, other_salesperson, [line(product, "5")], approvers, now=at(60))
    ship_everything(contract_b, now=at(55), people=approvers, warehouse=depot)
    books["j1"] = issued_invoice(contract_b, now=at(40), ship=False)
    received(b, "100.00", now=NOW, method=PaymentMethod.BANK_DRAFT)
    books["b"] = b

    far = UserFactory(username="sales-riverside", roles=[Role.SALESPERSON], offices=[other_office])
    c = approved_account(other_office, far, name="滨江贸易有限公司")
    far_approvers = [people["other_manager"], director, executive]
    contract_c = signed(c, far, [line(product, "10")], far_approvers, now=at(60))
    ship_everything(contract_c, now=at(55), people=far_approvers)
    books["k1"] = issued_invoice(contract_c, now=at(50), ship=False)
    books["c"] = c
    return books


@pytest.fixture
def people(director, executive, approvers, product, cable, other_manager):
    return {
        "director": director,
        "executive": executive,
        "approvers": approvers,
        "product": product,
        "cable": cable,
        "other_manager": other_manager,
    }


@pytest.fixture
def books(office, other_office, salesperson, other_salesperson, people, finance, depot, clerk):
    return build_books(
        office=office,
        other_office=other_office,
        salesperson=salesperson,
        other_salesperson=other_salesperson,
        people=people,
        finance=finance,
        depot=depot,
    )


@pytest.fixture(autouse=True)
def on_d():
    """The pages' today is D."""
    with time_machine.travel(NOW, tick=False):
        yield


# ---------------------------------------------------------------- reading a page back


class _Tables(HTMLParser):
    """The report tables of a page: {key: [[cell text, …], …]} (body and totals rows)."""

    def __init__(self):
        super().__init__()
        self.tables, self.key, self.row, self.cell = {}, None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section" and (attrs.get("id") or "").startswith("table-"):
            self.key = attrs["id"][len("table-") :]
            self.tables[self.key] = []
        elif tag == "tr" and self.key:
            self.row = []
        elif tag == "td" and self.row is not None:
            self.cell = ""

    def handle_endtag(self, tag):
        if tag == "td" and self.cell is not None:
            self.row.append(self.cell.strip())
            self.cell = None
        elif tag == "tr" and self.row is not None:
            if self.row:
                self.tables[self.key].append(self.row)
            self.row = None
        elif tag == "section":
            self.key = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data


def page_tables(response) -> dict:
    parser = _Tables()
    parser.feed(response.content.decode())
    return parser.tables


def excel_tables(response, *, formatted: bool = False) -> dict:
    """{sheet title: [[value, …], …]}: the rows under the column labels (with `formatted`,
    each value written as the page writes it, by the cell's number format)."""
    book = load_workbook(io.BytesIO(response.content))
    out = {}
    for sheet in book.worksheets:
        rows = list(sheet.iter_rows())
        blank = next(i for i, row in enumerate(rows) if i > 0 and row[0].value is None)
        out[sheet.title] = [
            [_as_shown(c) if formatted else c.value for c in row] for row in rows[blank + 2 :]
        ]
    return out


def _as_shown(cell) -> str:
    value = cell.value
    if value is None:
        return ""
    if cell.number_format == "#,##0.00":
        return f"{Decimal(str(value)):,.2f}"
    if cell.number_format == "0.0%":
        return f"{Decimal(str(value)) * 100:.1f}%"
    return str(value)


def assert_excel_equals_page(client, url: str) -> list:
    """The Excel file of the page holds the page's tables cell for cell; returns the sheets'
    rows (values)."""
    page = page_tables(client.get(url))
    response = client.get(url + "&format=xlsx")
    shown = excel_tables(response, formatted=True)
    assert list(page.values()) == list(shown.values())
    return list(excel_tables(response).values())


def keyed(rows: list) -> dict:
    return {row[0]: row[1:] for row in rows}


def login(client, user):
    client.force_login(user)
    return client


# ---------------------------------------------------------------- aging


def _aging_url(office, as_of=D):
    return f"{reverse('receivables:report_aging')}?office={office.pk}&as_of={as_of.isoformat()}"


def test_aging_by_salesperson_account_and_branch_counted_by_hand(
    client, books, manager, office, salesperson, other_salesperson
):
    by_person, by_account, by_branch = assert_excel_equals_page(
        login(client, manager), _aging_url(office)
    )
    # 0-30, 31-60, 61-90, 91-180, over 180, open, credit, balance
    assert keyed(by_person) == {
        str(salesperson): [450, 600, 300, 350, 180, 1880, 100, 1780],
        str(other_salesperson): [400, 0, 0, 0, 0, 400, 0, 400],
        "合计": [850, 600, 300, 350, 180, 2280, 100, 2180],
    }
    assert keyed(by_account) == {
        "华东机械有限公司": [str(salesperson), 450, 600, 300, 350, 180, 1880, 100, 1780],
        "江南电气有限公司": [str(other_salesperson), 400, 0, 0, 0, 0, 400, 0, 400],
        "合计": [None, 850, 600, 300, 350, 180, 2280, 100, 2180],
    }
    # a manager's branch table is their branch only
    assert keyed(by_branch) == {
        office.name: [850, 600, 300, 350, 180, 2280, 100, 2180],
        "合计": [850, 600, 300, 350, 180, 2280, 100, 2180],
    }


def test_the_aging_reconciles_with_every_ledger_to_the_cent(client, books, finance, office):
    response = login(client, finance).get(_aging_url(office) + "&format=xlsx")
    by_account = keyed(list(excel_tables(response).values())[1])
    for account in (books["a"], books["b"]):
        row = [Decimal(str(v)) for v in by_account[account.name][1:]]
        buckets, (open_total, credit, balance) = row[:5], row[5:]
        # open − unallocated credit = the ledger's balance
        assert open_total - credit == balance
        assert balance == figures.balance(account.pk, D)
        assert credit == figures.unallocated_credit(account.pk)
        assert sum(buckets) == open_total


def test_the_director_compares_every_branch(client, books, director, office, other_office):
    response = login(client, director).get(_aging_url(office) + "&format=xlsx")
    by_branch = keyed(list(excel_tables(response).values())[2])
    assert by_branch == {
        office.name: [850, 600, 300, 350, 180, 2280, 100, 2180],
        other_office.name: [1000, 0, 0, 0, 0, 1000, 0, 1000],
        "合计": [1850, 600, 300, 350, 180, 3280, 100, 3180],
    }


def test_aging_as_of_an_earlier_day_counts_only_what_was_dated_by_then(
    client, books, manager, office
):
    # D-6: before R2, R3, its reversal and R4; I1 180 (217 days overdue), I2 350 (124),
    # I3 500 (64), I4 600 (39), I5 450 (not yet due)
    day = D - datetime.timedelta(days=6)
    response = login(client, manager).get(_aging_url(office, day))
    rows = keyed(page_tables(response)["accounts"])
    assert rows["华东机械有限公司"][1:] == [
        "450.00", "600.00", "500.00", "350.00", "180.00", "2,080.00", "0.00", "2,080.00"
    ]  # fmt: skip
    assert figures.balance(books["a"].pk, day) == Decimal("2080.00")


@pytest.fixture
def early_contract(account, salesperson, product, approvers, depot):
    contract = signed(account, salesperson, [line(product, "1")], approvers, now=at(320))
    ship_everything(contract, now=at(310), people=approvers, warehouse=depot)
    return contract


BOUNDARIES = [
    (-1, "current"),  # not yet due counts with 0-30
    (0, "current"),
    (30, "current"),
    (31, "d31_60"),
    (60, "d31_60"),
    (61, "d61_90"),
    (90, "d61_90"),
    (91, "d91_180"),
    (180, "d91_180"),
    (181, "over_180"),
]


def test_aging_bucket_boundaries(client, early_contract, manager, office):
    invoice = issued_invoice(early_contract, now=at(300), ship=False)
    login(client, manager)
    for days_overdue, bucket in BOUNDARIES:
        as_of = invoice.due_date + datetime.timedelta(days=days_overdue)
        response = client.get(_aging_url(office, as_of) + "&format=json")
        chart = next(c for c in response.json()["charts"] if c["key"] == "salespeople")
        values = {d["key"]: d["data"] for d in chart["datasets"]}
        assert values[bucket] == ["100.00"], days_overdue
        others = [Decimal(str(v[0])) for k, v in values.items() if k != bucket]
        assert others == [0, 0, 0, 0], days_overdue


# ---------------------------------------------------------------- journal


def _url(name, office, **params):
    query = "&".join(f"{k}={v}" for k, v in {"office": office.pk, **params}.items())
    return f"{reverse(name)}?{query}"


def _since(days: int) -> dict:
    return {
        "period": "range",
        "start": (D - datetime.timedelta(days=days)).isoformat(),
        "end": D.isoformat(),
    }


def test_the_journal_of_a_period(client, books, manager, office):
    url = _url("receivables:report_journal", office, **_since(5))
    summary, days, accounts, lines = assert_excel_equals_page(login(client, manager), url)
    # opening, debits, credits, closing, lines: the closing is the branch's ledgers' balance
    assert summary == [[office.name, 2580, 80, 480, 2180, 4]]
    assert days == [
        [(D - datetime.timedelta(days=5)).isoformat(), 0, 300, 1],
        [(D - datetime.timedelta(days=3)).isoformat(), 0, 80, 1],
        [(D - datetime.timedelta(days=2)).isoformat(), 80, 0, 1],
        [D.isoformat(), 0, 100, 1],
        ["合计", 80, 480, 4],
    ]
    assert keyed(accounts) == {
        "华东机械有限公司": [2080, 80, 380, 1780],
        "江南电气有限公司": [500, 0, 100, 400],
        "合计": [2580, 80, 480, 2180],
    }
    assert [row[2] for row in lines[:-1]] == ["收款", "收款", "收款冲销", "收款"]
    assert lines[-1][4:] == [80, 480]
    total = sum(figures.balance(a.pk) for a in (books["a"], books["b"]))
    assert total == Decimal("2180.00")


def test_the_journal_of_one_day_defaults_to_today(client, books, finance, office):
    response = login(client, finance).get(_url("receivables:report_journal", office))
    assert response.status_code == 200
    assert page_tables(response)["office"] == [
        [office.name, "2,280.00", "0.00", "100.00", "2,180.00", "1"]
    ]


# ---------------------------------------------------------------- daily collection


def test_daily_collection_per_salesperson_and_method(
    client, books, manager, office, salesperson, other_salesperson
):
    url = _url("receivables:report_collections", office, **_since(5))
    people, lines = assert_excel_equals_page(login(client, manager), url)
    # transfer, cheque, acceptance bill, bank draft, cash, total, entries
    assert keyed(people) == {
        str(salesperson): [0, 300, 0, 0, 0, 300, 3],  # the cash and its reversal net to 0
        str(other_salesperson): [0, 0, 0, 100, 0, 100, 1],
        "合计": [0, 300, 0, 100, 0, 400, 4],
    }
    assert [row[5] for row in lines[:-1]] == [300, 80, -80, 100]


def test_a_reversal_counts_against_its_own_day(client, books, finance, office, salesperson):
    day = (D - datetime.timedelta(days=2)).isoformat()
    url = _url("receivables:report_collections", office, period="day", date=day)
    rows = page_tables(login(client, finance).get(url))["salespeople"]
    assert rows[0] == [str(salesperson), "0.00", "0.00", "0.00", "0.00", "-80.00", "-80.00", "1"]


def test_a_salesperson_sees_only_their_own_collection(client, books, other_salesperson, office):
    login(client, other_salesperson)
    response = client.get(_url("receivables:report_collections", office, **_since(5)))
    assert response.status_code == 200
    tables = page_tables(response)
    assert [row[0] for row in tables["salespeople"]] == [str(other_salesperson), "合计"]
    assert {row[2] for row in tables["receipts"][:-1]} == {"江南电气有限公司"}
    assert b'id="own-only"' in response.content


# ---------------------------------------------------------------- collection rate


def test_the_collection_rate_nets_reds_and_write_offs(
    client, books, manager, office, salesperson, other_salesperson
):
    url = _url("receivables:report_rate", office, **_since(230))
    people, branches = assert_excel_equals_page(login(client, manager), url)
    # falling due: I1 300-20, I2 400-50, I3 500, I4 600 = 1,730.00; received 100 + 200
    assert keyed(people) == {
        str(salesperson): [1730, 300, pytest.approx(0.1734), 4],
        str(other_salesperson): [500, 100, pytest.approx(0.2), 1],
        "合计": [2230, 400, pytest.approx(0.1794), 5],
    }
    assert keyed(branches) == {
        office.name: [2230, 400, pytest.approx(0.1794), 5],
        "合计": [2230, 400, pytest.approx(0.1794), 5],
    }
    response = client.get(url)
    assert "17.3%" in response.content.decode()
    assert b'id="rate-definition"' in response.content


def test_received_counts_only_what_was_allocated_by_the_period_end(
    client, books, manager, office, salesperson
):
    # the period ends before R2 (I3's 200.00 not yet received) and before the write-off of
    # 20.00 on I1 (so I1 still falls due in full)
    url = _url(
        "receivables:report_rate",
        office,
        period="range",
        start=(D - datetime.timedelta(days=230)).isoformat(),
        end=(D - datetime.timedelta(days=40)).isoformat(),
    )
    rows = keyed(page_tables(login(client, manager).get(url))["salespeople"])
    assert rows[str(salesperson)][:3] == ["1,750.00", "100.00", "5.7%"]


# ---------------------------------------------------------------- who reads what


@pytest.mark.parametrize("name", ["report_aging", "report_journal", "report_rate"])
def test_a_salesperson_or_clerk_cannot_open_the_branch_reports(
    client, books, salesperson, clerk, name
):
    for user in (salesperson, clerk):
        response = login(client, user).get(reverse(f"receivables:{name}") + "?format=xlsx")
        assert response.status_code == 403


def test_a_manager_of_another_branch_sees_none_of_its_rows(
    client, books, other_manager, office, other_office
):
    login(client, other_manager)
    for name in ("report_aging", "report_journal", "report_collections", "report_rate"):
        assert client.get(_url(f"receivables:{name}", office)).status_code == 404
    response = client.get(_aging_url(other_office))
    tables = page_tables(response)
    assert [row[0] for row in tables["accounts"]] == ["滨江贸易有限公司", "合计"]
    assert "华东机械" not in response.content.decode()


def test_the_reports_index_lists_the_receivables_reports_to_their_readers(
    client, finance, salesperson, warehouse
):
    page = login(client, finance).get(reverse("reports:index")).content.decode()
    for name in ("report_aging", "report_journal", "report_rate", "report_unpaid"):
        assert reverse(f"receivables:{name}") in page
    page = login(client, salesperson).get(reverse("reports:index")).content.decode()
    assert reverse("receivables:report_unpaid") in page
    assert reverse("receivables:report_collections") in page
    assert reverse("receivables:report_aging") not in page
    page = login(client, warehouse).get(reverse("reports:index")).content.decode()
    assert 'id="receivable-reports"' not in page


# ---------------------------------------------------------------- query counts


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_every_report_asks_the_same_number_of_queries_whatever_the_books(
    client, books, manager, office, people, depot
):
    urls = [
        _aging_url(office),
        _url("receivables:report_journal", office, **_since(230)),
        _url("receivables:report_collections", office, **_since(230)),
        _url("receivables:report_rate", office, **_since(230)),
        _url("receivables:report_unpaid", office),
    ]
    login(client, manager)
    before = [_queries(client, url) for url in urls]
    for n in range(3):  # more salespeople, accounts, invoices and receipts
        seller = UserFactory(username=f"more{n}", roles=[Role.SALESPERSON], offices=[office])
        account = approved_account(office, seller, name=f"新客户{n}")
        contract = signed(
            account, seller, [line(people["product"], "3")], people["approvers"], now=at(100)
        )
        ship_everything(contract, now=at(90), people=people["approvers"], warehouse=depot)
        issued_invoice(contract, now=at(80), ship=False, amount="100.00")
        issued_invoice(contract, now=at(20), ship=False, amount="200.00")
        received(account, "150.00", now=at(4))
    after = [_queries(client, url) for url in urls]
    assert after == before
