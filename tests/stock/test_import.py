"""Products and opening stock from Excel: all or nothing, row-numbered errors."""

import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import Workbook

from catalog.models import Product
from stock.excel import import_catalog
from stock.models import StockBalance, StockMove, Warehouse

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def _file(products, stock=()):
    book = Workbook()
    sheet = book.active
    sheet.append(["编码", "名称", "规格", "单位", "税率", "表价", "底价", "成本"])
    for row in products:
        sheet.append(list(row))
    second = book.create_sheet()
    second.append(["仓库编码", "产品编码", "数量"])
    for row in stock:
        second.append(list(row))
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


GOOD = [
    ("DJ-1", "电机", "7.5kW", "台", "13%", 3200, 2900, 2100),
    ("GL-2", "电缆", "", "米", 0.09, "12.50", "10", "8.3"),
]


@pytest.fixture
def store(office):
    return Warehouse.objects.create(office=office, code="WH-A", name="一号仓库")


def test_products_and_opening_stock_are_imported(office, manager, store):
    report = import_catalog(
        office=office,
        file=_file(GOOD, [("wh-a", "DJ-1", 5), ("WH-A", "GL-2", "120.5")]),
        actor=manager,
        now=NOW,
    )
    assert report.errors == [] and (report.products, report.lines) == (2, 2)
    cable = Product.objects.get(code="GL-2")
    assert cable.tax_rate == Decimal("0.09") and cable.prices.get().cost == Decimal("8.30")
    assert Product.objects.get(code="DJ-1").tax_rate == Decimal("0.13")
    assert StockBalance.objects.get(product=cable).on_hand == Decimal("120.5")
    assert set(StockMove.objects.values_list("kind", flat=True)) == {"opening"}


def test_any_error_imports_nothing_and_names_its_row(office, manager, store):
    bad = [
        *GOOD,
        ("DJ-3", "泵", "", "台", 1.5, 10, 5, 1),  # row 4: tax rate
        ("DJ-4", "阀", "", "个", 0.13, 10, 20, 1),  # row 5: floor above list
        ("DJ-1", "重复", "", "台", 0.13, 10, 5, 1),  # row 6: same code
    ]
    report = import_catalog(
        office=office,
        file=_file(bad, [("WH-X", "DJ-1", 5), ("WH-A", "DJ-1", -1)]),
        actor=manager,
        now=NOW,
    )
    assert [row for _sheet, row, _reasons in report.errors] == [4, 5, 6, 2, 3]
    assert len({sheet for sheet, _row, _reasons in report.errors}) == 2
    assert not Product.objects.exists() and not StockMove.objects.exists()


def test_a_formula_refuses_the_file(office, manager, store):
    from stock.excel import BadFile

    with pytest.raises(BadFile):
        import_catalog(
            office=office,
            file=_file([("DJ-1", "电机", "", "台", 0.13, "=1+2", 1, 1)]),
            actor=manager,
            now=NOW,
        )
    assert not Product.objects.exists()


def test_the_import_page(client, office, manager, store, salesperson):
    client.force_login(manager)
    r = client.post("/stock/import/", {"office": office.pk, "file": _named(_file(GOOD))})
    assert r.status_code == 200 and Product.objects.count() == 2
    r = client.post("/stock/import/", {"office": office.pk, "file": _named(_file(GOOD))})
    assert r.status_code == 422 and Product.objects.count() == 2
    client.force_login(salesperson)
    assert client.get("/stock/import/").status_code == 403


def _named(buffer):
    buffer.name = "products.xlsx"
    return buffer
