"""Products and opening stock from one Excel file (R-10.1, R-10.3): all or nothing.

Sheet 1, products, one per row below a header row: code, name, specification, unit, tax rate
(0.13 or 13%), list price, floor price, cost. Sheet 2 (optional), opening stock: warehouse code
(of the office imported into), product code (of sheet 1 or an existing product), quantity.
Every row is checked; any error (reported with its sheet and row number, as Excel shows it)
imports nothing. A formula anywhere refuses the file, as the units import does (issue 13).
"""

import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models.functions import Upper
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException
from rest_framework.exceptions import ValidationError

from catalog import rules as catalog_rules
from catalog.models import Product
from catalog.services import product_create
from common.errors import DomainError
from common.excel import is_formula

from .choices import MoveKind
from .models import StockMove, Warehouse
from .services import Line, stock_moves

MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024
CENT = Decimal("0.01")
PRODUCT_HEADERS = ("编码", "名称", "规格", "单位", "税率", "表价", "底价", "成本")
STOCK_HEADERS = ("仓库编码", "产品编码", "数量")


class BadFile(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class Report:
    products: int = 0
    lines: int = 0
    errors: list[tuple[str, int, list[str]]] = field(default_factory=list)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _number(value) -> Decimal | None:
    if isinstance(value, bool) or _text(value) == "":
        return None
    if isinstance(value, float):
        value = repr(value)
    text = str(value).strip().replace(",", "")
    percent = text.endswith("%")
    try:
        number = Decimal(text.rstrip("%"))
    except (InvalidOperation, ValueError):
        return None
    if not number.is_finite():
        return None
    return number / 100 if percent else number


def _rows(sheet, sheet_name: str):
    for number, line in enumerate(sheet.iter_rows(values_only=True), start=1):
        for value in line:
            if is_formula(value):
                raise BadFile(
                    _("%(sheet)s, row %(row)d holds a formula. Nothing was imported.")
                    % {"sheet": sheet_name, "row": number}
                )
        if number == 1 or all(_text(v) == "" for v in line):
            continue
        if number > MAX_ROWS + 1:
            raise BadFile(_("The file has too many rows: split it."))
        yield number, [*line, *([None] * 8)]


def _product_row(line) -> tuple[dict, list[str]]:
    code, name, spec, unit = (_text(v) for v in line[:4])
    reasons = []
    if not code or len(code) > 40:
        reasons.append(_("The code is missing or longer than 40 characters."))
    if not name or len(name) > 200:
        reasons.append(_("The name is missing or longer than 200 characters."))
    if not unit or len(unit) > 20:
        reasons.append(_("The unit is missing or longer than 20 characters."))
    if len(spec) > 200:
        reasons.append(_("The specification is longer than 200 characters."))
    rate = _number(line[4]) if _text(line[4]) else Decimal("0.13")
    if rate is None or catalog_rules.tax_rate_error(rate):
        reasons.append(_("The tax rate must be between 0 and 1 (0.13 is 13%)."))
    prices = {}
    for key, value in zip(("list_price", "floor_price", "cost"), line[5:8], strict=True):
        prices[key] = _number(value)
        if prices[key] is None:
            reasons.append(_("The prices (list, floor, cost) must be numbers."))
            break
    else:
        reasons += list(catalog_rules.price_errors(**prices).values())
    clean = {"code": code, "name": name, "specification": spec, "unit": unit, "tax_rate": rate}
    return {**clean, **prices}, reasons


def read_file(file, *, office) -> tuple[list[tuple[int, dict]], list[tuple[int, tuple]], Report]:
    try:
        if getattr(file, "size", 0) and file.size > MAX_BYTES:
            raise BadFile(_("The file is too large (5 MB at most)."))
        book = load_workbook(file, read_only=True)
    except BadFile:
        raise
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise BadFile(_("This is not an Excel (.xlsx) file.")) from exc
    report = Report()
    products: list[tuple[int, dict]] = []
    lines: list[tuple[int, tuple]] = []
    try:
        sheets = book.worksheets
        if not sheets:
            raise BadFile(_("The file has no worksheet."))
        products_sheet, stock_sheet = _("Products"), _("Opening stock")
        codes = {}
        for number, line in _rows(sheets[0], products_sheet):
            clean, reasons = _product_row(line)
            key = clean["code"].upper()
            if key and key in codes:
                reasons.append(_("The same code is on row %(row)d.") % {"row": codes[key]})
            elif key and Product.objects.filter(code__iexact=key).exists():
                reasons.append(_("A product with this code exists already."))
            codes.setdefault(key, number)
            if reasons:
                report.errors.append((products_sheet, number, reasons))
            products.append((number, clean))
        warehouses = {w.code.upper(): w for w in Warehouse.objects.filter(office=office)}
        for number, line in _rows(sheets[1], stock_sheet) if len(sheets) > 1 else []:
            w_code, p_code = _text(line[0]).upper(), _text(line[1]).upper()
            quantity = _number(line[2])
            reasons = []
            if w_code not in warehouses:
                reasons.append(_("This branch has no warehouse with this code."))
            existing = Product.objects.filter(code__iexact=p_code).first()
            if p_code not in codes and existing is None:
                reasons.append(_("No product has this code."))
            elif existing is not None and not existing.active:
                reasons.append(_("This product is no longer sold."))
            if quantity is None or quantity <= 0 or quantity != quantity.quantize(Decimal("0.001")):
                reasons.append(_("The quantity must be more than zero, three decimals at most."))
            if reasons:
                report.errors.append((stock_sheet, number, reasons))
            else:
                lines.append((number, (warehouses[w_code], p_code, quantity)))
    except BadFile:
        raise
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise BadFile(_("This is not an Excel (.xlsx) file.")) from exc
    finally:
        book.close()
    if not products and not lines and not report.errors:
        raise BadFile(_("The file has no row below its header rows."))
    return products, lines, report


def import_catalog(*, office, file, actor, now) -> Report:
    """All or nothing: with any error, nothing is imported and every error is reported."""
    products, lines, report = read_file(file, office=office)
    if report.errors:
        return report
    try:
        with transaction.atomic():
            for _row, clean in products:
                product_create(actor=actor, now=now, **clean)
            report.products = len(products)
            if lines:
                wanted = {c for _n, (_w, c, _q) in lines}  # upper case, as the codes are unique
                by_code = {
                    p.code.upper(): p
                    for p in Product.objects.annotate(key=Upper("code")).filter(key__in=wanted)
                }
                moved = StockMove.objects.filter(
                    warehouse__office=office, product__in=by_code.values()
                ).values_list("warehouse_id", "product_id")
                if moved.exists():
                    raise BadFile(_("Some products already have stock moves in this branch."))
                stock_moves(
                    lines=[Line(w, by_code[c], q) for _n, (w, c, q) in lines],
                    kind=MoveKind.OPENING,
                    reason=_("Opening stock"),
                    actor=actor,
                    now=now,
                )
                report.lines = len(lines)
    except (ValidationError, DomainError) as exc:
        raise BadFile(str(getattr(exc, "detail", exc))) from exc
    return report
