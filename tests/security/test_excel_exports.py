"""Excel exports and imports under attack (issue 21, Security).

Exports: every URL that can answer an .xlsx is found from the URL resolver (a view whose code,
or the code of a function of its module it calls, builds a workbook or calls
reports.tables.respond) and from the department reports' registry (R-17.4), so that a new
export cannot be missed. The demo department (`demo_data`) is loaded once with every name a
person types (branches, people, accounts, products, projects, customers, warehouses) starting
with one of `=`, `+`, `-`, `@`; each export is downloaded by a role that sees it, and read back
with openpyxl: no cell is a formula, and the names come back as the text they are, flagged as
typed with an apostrophe (common.excel, issue 13).

Imports (the units of R-6.1, the products and opening stock of R-10.1/R-10.3, the targets of
R-17.1): formulas, wrong types and over-size files are refused with an error naming the row.
Already proven elsewhere, and not repeated here:

- units: tests/deals/test_excel_formulas.py (a formula, a text starting with "=", an array
  formula: refused, the row and cell named, nothing imported) and tests/deals/test_excel.py
  (`test_bad_rows_are_reported_and_the_good_ones_imported`: wrong types per row; not an .xlsx);
- products and stock: tests/stock/test_import.py (`test_a_formula_refuses_the_file`,
  `test_any_error_imports_nothing_and_names_its_row`);
- targets: tests/targets/test_excel.py (`test_a_formula_is_refused`,
  `test_a_text_amount_is_refused`, `test_an_oversize_file_is_refused`).

Added here: the over-size units and stock files, a text where the stock import wants a number
(a per-row error), and the stock import's formula refusal through its page naming the row.
"""

import inspect
import io
import re
import sys
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from common.excel import FORMULA_STARTS
from deals import excel as units_excel
from leads.factories import channels_restored
from stock import excel as stock_excel

from .fuzz_world import requests_keep_the_connection, rolled_back

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PLANTED = ("=", "+", "-", "@")  # what starts a formula when typed (OWASP), tab and CR aside

# ---------------------------------------------------------------- which URLs answer an .xlsx

# a view's code that makes an .xlsx answer
MAKES_XLSX = re.compile(r"\brespond\(|\bXLSX\b|[\"']xlsx[\"']|\.xlsx")
CALLS = re.compile(r"\b([A-Za-z_]\w*)\(")


def _makes_xlsx(function, seen: set) -> bool:
    """The function's code, or the code of a function of its own module that it calls (at any
    depth), answers with a workbook."""
    if function in seen:
        return False
    seen.add(function)
    try:
        source = inspect.getsource(function)
    except (OSError, TypeError):
        return False
    if MAKES_XLSX.search(source):
        return True
    module = sys.modules[function.__module__]
    for name in set(CALLS.findall(source)):
        called = getattr(module, name, None)
        ours = inspect.isfunction(called) and called.__module__ == function.__module__
        if ours and _makes_xlsx(called, seen):
            return True
    return False


def _patterns(patterns, namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace
            if namespace and inner:
                inner = f"{namespace}:{inner}"
            yield from _patterns(pattern.url_patterns, inner or namespace)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield name, pattern.callback


def _view_makes_xlsx(callback) -> bool:
    """A function view, or a class-based one (an API viewset: its class's code)."""
    view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    if view_class is not None:
        return bool(MAKES_XLSX.search(inspect.getsource(view_class)))
    return _makes_xlsx(inspect.unwrap(callback), set())


def xlsx_url_names() -> set[str]:
    """The names of every URL whose view can answer an .xlsx."""
    return {
        name
        for name, callback in _patterns(get_resolver().url_patterns)
        if _view_makes_xlsx(callback)
    }


# the forms of the fines page: a refused one renders the page again (a workbook with
# ?format=xlsx), which is the page's own export, downloaded below
SAME_AS_THE_PAGE = {
    "reports:fine_waive": "reports:fines",
    "reports:penalty_record": "reports:fines",
    "reports:penalty_withdraw": "reports:fines",
}

# url name -> (who downloads it: a demo user, the path with its query); {branch} is the sales
# branch, {demo} the demo office, {month} this month, {period_report} and {unpaid} objects of
# the world
EXPORTS = {
    "deals:board_export": ("manager", "/deals/export/?office={demo}"),
    "reports:fines": ("manager", "/reports/fines/?office={demo}&format=xlsx"),
    "reports:my_report": ("sales1", "/reports/my-report/?office={demo}&format=xlsx"),
    "reports:team": ("manager", "/reports/team/?office={demo}&format=xlsx"),
    "reports:period_report": ("manager", "/reports/period-reports/{period_report}/?format=xlsx"),
    "reports:team_report": ("manager", "/reports/team-report/?office={demo}&format=xlsx"),
    "reports:front_desk": ("assistant", "/reports/front-desk/?office={demo}&format=xlsx"),
    "reports:channels": ("assistant", "/reports/channels/?office={demo}&format=xlsx"),
    "reports:dashboard": ("manager", "/reports/dashboard/?office={demo}&format=xlsx"),
    "catalog:list": ("bmanager", "/products/?format=xlsx"),
    "contracts:register": (
        "clerk",
        "/contracts/register/?office={branch}&month={month}&format=xlsx",
    ),
    "receivables:report_aging": (
        "finance",
        "/receivables/reports/aging/?office={branch}&format=xlsx",
    ),
    "receivables:report_journal": (
        "finance",
        "/receivables/reports/journal/?office={branch}&format=xlsx",
    ),
    "receivables:report_collections": (
        "finance",
        "/receivables/reports/collections/?office={branch}&format=xlsx",
    ),
    "receivables:report_rate": (
        "finance",
        "/receivables/reports/collection-rate/?office={branch}&format=xlsx",
    ),
    "receivables:report_unpaid": (
        "bmanager",
        "/receivables/reports/unpaid/?office={branch}&format=xlsx",
    ),
    "receivables:unpaid": ("bmanager", "/receivables/reports/unpaid/{unpaid}/?format=xlsx"),
    "targets:download": ("director", "/targets/excel/"),
    "targets:download (a branch)": ("bmanager", "/targets/excel/?office={branch}"),
    "targets:actuals": ("director", "/targets/actuals/?format=xlsx"),
}


def department_reports() -> list[str]:
    from deptreports import registry

    return sorted(registry.REPORTS)


def test_every_url_that_answers_an_xlsx_is_downloaded_here():
    """A new export (a view that builds a workbook or calls reports.tables.respond) fails this
    test until it is added to EXPORTS; the department reports come from their registry."""
    listed = {name.split(" (")[0] for name in EXPORTS} | {"deptreports:report"}
    found = xlsx_url_names() - set(SAME_AS_THE_PAGE)
    assert found == listed
    assert len(department_reports()) >= 13  # R-17.4's twelve and the annual analysis


# ---------------------------------------------------------------- the world, names planted


def _plant(model, field: str, queryset=None) -> set[str]:
    """Every row's `field` prefixed with one of = + - @ in turn; the new texts."""
    planted = set()
    rows = (queryset if queryset is not None else model.objects.all()).order_by("pk")
    for index, (pk, value) in enumerate(rows.values_list("pk", field)):
        if not value:
            continue
        text = f"{PLANTED[index % len(PLANTED)]}{value}"
        model.objects.filter(pk=pk).update(**{field: text})
        planted.add(text)
    return planted


def _planted_names() -> set[str]:
    from accounts.models import Account
    from catalog.models import Product
    from deals.models import Project
    from leads.models import Customer
    from staff.models import Office, User
    from stock.models import Warehouse

    planted = set()
    planted |= _plant(Office, "name")
    planted |= _plant(User, "display_name")
    planted |= _plant(Account, "name")
    planted |= _plant(Product, "name")
    planted |= _plant(Project, "name")
    planted |= _plant(Customer, "name")
    planted |= _plant(Warehouse, "name")
    return planted


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    from receivables.services.unpaid import unpaid_report_submit
    from reports.models import PeriodReport
    from staff.models import Office, User

    with rolled_back(django_db_blocker), requests_keep_the_connection():
        channels_restored()
        call_command("demo_data", stdout=StringIO())
        now = timezone.now()
        branch = Office.objects.get(code="demo-branch")
        unpaid = unpaid_report_submit(
            actor=User.objects.get(username="rep1"),
            office=branch,
            kind="week",
            day=timezone.localdate(now),
            note="=1+2 本周回款",
            now=now,
        )
        planted = _planted_names() | {"=1+2 本周回款"}
        values = {
            "branch": branch.pk,
            "demo": Office.objects.get(code="demo").pk,
            "month": f"{timezone.localdate(now):%Y-%m}",
            "period_report": PeriodReport.objects.order_by("pk").first().pk,
            "unpaid": unpaid.pk,
        }
        yield {"planted": planted, "values": values}


def test_the_planted_names_start_with_each_formula_start(db, world):
    starts = {text[0] for text in world["planted"]}
    assert starts == set(PLANTED) and set(PLANTED) <= set(FORMULA_STARTS)


def _download(client, path: str, username: str):
    from staff.models import User

    client.force_login(User.objects.get(username=username))
    answer = client.get(path)
    assert answer.status_code == 200, (path, answer.status_code)
    assert answer["Content-Type"] == XLSX, path
    assert answer["Content-Disposition"].startswith("attachment"), path
    return load_workbook(io.BytesIO(answer.content))


def _check(book, planted: set[str], where: str) -> None:
    """No cell is a formula; every planted name found is a string flagged as typed text; at
    least one planted name is in the file, as it was typed."""
    found = set()
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (where, sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
                    assert cell.data_type == "s", (where, cell.coordinate)
                    assert cell.quotePrefix, (where, cell.coordinate, cell.value)
                if cell.value in planted:
                    found.add(cell.value)
    assert found, f"{where}: no planted name reached the file"


@pytest.mark.parametrize("export", sorted(EXPORTS))
def test_an_export_writes_formula_like_names_as_text(db, client, world, export):
    username, path = EXPORTS[export]
    book = _download(client, path.format(**world["values"]), username)
    _check(book, world["planted"], export)


@pytest.mark.parametrize("key", department_reports())
def test_a_department_report_writes_formula_like_names_as_text(db, client, world, key):
    """R-17.4: each report of the department, for the director (every branch)."""
    book = _download(client, f"/reports/department/{key}/?format=xlsx", "director")
    _check(book, world["planted"], key)


# ---------------------------------------------------------------- imports


def _stock_file(products, stock=()) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(list(stock_excel.PRODUCT_HEADERS))
    for row in products:
        sheet.append(list(row))
    second = book.create_sheet()
    second.append(list(stock_excel.STOCK_HEADERS))
    for row in stock:
        second.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


GOOD_PRODUCT = ("DJ-1", "电机", "7.5kW", "台", "13%", 3200, 2900, 2100)


@pytest.fixture
def store(office):
    from stock.models import Warehouse

    return Warehouse.objects.create(office=office, code="WH-A", name="一号仓库")


def _stock_post(client, office, content: bytes):
    upload = SimpleUploadedFile("products.xlsx", content, content_type=XLSX)
    return client.post("/stock/import/", {"office": office.pk, "file": upload})


def _rows() -> tuple[int, int]:
    """Products and stock moves (the module's world may hold some: the counts must not move)."""
    from catalog.models import Product
    from stock.models import StockMove

    return Product.objects.count(), StockMove.objects.count()


@pytest.mark.django_db
def test_the_stock_import_refuses_a_formula_naming_its_row(client, office, manager, store):
    """R-10.1: a formula in the products sheet's row 3 refuses the file and says where."""
    client.force_login(manager)
    before = _rows()
    bad = ("GL-2", "电缆", "", "米", 0.09, '=HYPERLINK("http://x","y")', 10, 8)
    answer = _stock_post(client, office, _stock_file([GOOD_PRODUCT, bad]))
    assert answer.status_code == 422
    assert answer.context["form"].errors["file"] == ["产品第 3 行含有公式。未导入任何数据。"]
    assert _rows() == before


@pytest.mark.django_db
def test_the_stock_import_names_each_row_with_a_wrong_type(client, office, manager, store):
    """A text where a price or a quantity belongs: an error for that row (sheet and number),
    the other rows fine, nothing imported."""
    client.force_login(manager)
    before = _rows()
    products = [GOOD_PRODUCT, ("GL-2", "电缆", "", "米", "百分之九", "十二元", 10, 8)]
    stock = [("WH-A", "DJ-1", "五台"), ("WH-A", "DJ-1", 5)]
    answer = _stock_post(client, office, _stock_file(products, stock))
    assert answer.status_code == 422
    report = answer.context["report"]
    assert [row for _sheet, row, _reasons in report.errors] == [3, 2]
    assert len({sheet for sheet, _row, _reasons in report.errors}) == 2
    assert _rows() == before


@pytest.mark.django_db
def test_an_over_size_stock_file_is_refused(client, office, manager, store):
    client.force_login(manager)
    before = _rows()
    big = _stock_file([GOOD_PRODUCT]) + b"\0" * stock_excel.MAX_BYTES
    answer = _stock_post(client, office, big)
    assert answer.status_code == 422
    assert "5 MB" in answer.context["form"].errors["file"][0]
    assert _rows() == before


@pytest.mark.django_db
def test_an_over_size_units_file_is_refused(client, office, manager):
    from deals.models import Unit

    client.force_login(manager)
    before = Unit.objects.count()
    big = SimpleUploadedFile("units.xlsx", b"PK\x03\x04" + b"\0" * units_excel.MAX_BYTES, XLSX)
    answer = client.post("/deals/import/", {"office": office.pk, "file": big})
    assert answer.status_code == 422
    assert "5 MB" in answer.context["form"].errors["file"][0]
    assert Unit.objects.count() == before
