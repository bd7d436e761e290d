"""Units and prices in and out of Excel (R-6.1): the manager's import and the board's export.

The import reads an .xlsx whose first row names the columns, in Chinese or English:
项目/project, 楼栋/building, 房号/number, 楼层/floor, 户型/layout, 面积/area, 朝向/orientation,
表价/list_price (户型 and 朝向 are optional columns). Every row is validated on its own.

The policy, when some rows are wrong: the valid rows are imported, in one transaction, and each
rejected row is reported with its row number (as Excel shows it) and its reasons — the manager
fixes those rows and imports them again, the units already imported being then rejected as
duplicates. A malformed file (not an .xlsx, a required column missing, no data row, too many
rows) is refused as a whole with a single error: nothing is imported. So is a file with a formula
in any cell, or a text starting with "=" (issue 13): the import takes values, never formulas, and
its error names the row.

The export writes every cell through common.excel, so that a name like `=HYPERLINK(…)` is a
text cell in the file, never a formula.
"""

import datetime
import io
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import pghistory
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from common.excel import append_row, is_formula

from . import services
from .choices import HoldStatus, SubscriptionStatus, UnitStatus
from .models import Hold, Project, Subscription, Unit

CENT = Decimal("0.01")
MAX_ROWS = 5000  # data rows per file
MAX_BYTES = 5 * 1024 * 1024

# field -> the headers accepted for it (compared case-insensitively, spaces trimmed)
HEADERS = {
    "project": ("项目", "project"),
    "building": ("楼栋", "building"),
    "number": ("房号", "number"),
    "floor": ("楼层", "floor"),
    "layout": ("户型", "layout"),
    "area": ("面积", "area"),
    "orientation": ("朝向", "orientation"),
    "list_price": ("表价", "list_price", "list price"),
}
REQUIRED = ("project", "building", "number", "floor", "area", "list_price")
LENGTHS = {"project": 100, "building": 20, "number": 20, "layout": 40, "orientation": 20}


class BadFile(Exception):
    """The file as a whole cannot be imported; `message` says why (translated)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class Row:
    row: int  # the spreadsheet's row number (the header is row 1)
    project: str
    building: str
    number: str
    floor: int
    area: Decimal
    list_price: Decimal
    layout: str = ""
    orientation: str = ""

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.project, self.building, self.number)


@dataclass
class Report:
    imported: int = 0
    rejected: list[tuple[int, list[str]]] = field(default_factory=list)


# ---------------------------------------------------------------- reading


def _missing() -> dict[str, str]:
    return {
        "project": _("The project is missing."),
        "building": _("The building is missing."),
        "number": _("The unit number is missing."),
        "floor": _("The floor is missing."),
        "area": _("The area is missing."),
        "list_price": _("The list price is missing."),
    }


def _too_long() -> dict[str, str]:
    return {
        "project": _("The project is longer than 100 characters."),
        "building": _("The building is longer than 20 characters."),
        "number": _("The unit number is longer than 20 characters."),
        "layout": _("The layout is longer than 40 characters."),
        "orientation": _("The orientation is longer than 20 characters."),
    }


def _header_map(header: tuple) -> dict[str, int]:
    lookup = {alias.casefold(): name for name, aliases in HEADERS.items() for alias in aliases}
    columns: dict[str, int] = {}
    for index, cell in enumerate(header):
        name = lookup.get(str(cell).strip().casefold()) if cell is not None else None
        if name is not None and name not in columns:
            columns[name] = index
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        names = ", ".join(f"{HEADERS[m][0]}/{HEADERS[m][1]}" for m in missing)
        raise BadFile(_("The header row lacks a required column: %(names)s.") % {"names": names})
    return columns


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # 101 typed in a numeric cell
    return str(value).strip()


def _decimal(value) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        value = repr(value)  # the shortest form Excel stored: 89.5, not 89.4999…
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _check_row(values: dict) -> tuple[dict, list[str]]:
    """The cleaned fields of one row, and the reasons it is rejected (none when valid)."""
    missing = _missing()
    reasons: list[str] = []
    clean: dict = {}
    for name in ("project", "building", "number", "layout", "orientation"):
        text = _text(values.get(name))
        if name in REQUIRED and not text:
            reasons.append(missing[name])
        elif len(text) > LENGTHS[name]:
            reasons.append(_too_long()[name])
        clean[name] = text

    raw = values.get("floor")
    if _text(raw) == "":
        reasons.append(missing["floor"])
    else:
        floor = _decimal(raw)
        if floor is None or floor != floor.to_integral_value() or not -99 <= floor <= 999:
            reasons.append(_("The floor must be a whole number."))
        else:
            clean["floor"] = int(floor)

    checks = {
        "area": (
            _("The area is not a number."),
            _("The area has more than two decimal places."),
            _("The area must be more than zero."),
            _("The area is too large."),
        ),
        "list_price": (
            _("The list price is not a number."),
            _("The list price has more than two decimal places."),
            _("The list price cannot be negative."),
            _("The list price is too large."),
        ),
    }
    for name, (nan_error, places_error, sign_error, large_error) in checks.items():
        raw = values.get(name)
        if _text(raw) == "":
            reasons.append(missing[name])
            continue
        number = _decimal(raw)
        if number is None:
            reasons.append(nan_error)
        elif number.adjusted() >= (6 if name == "area" else 12):  # before quantize: 1E+30
            reasons.append(large_error)
        elif number != number.quantize(CENT):
            reasons.append(places_error)
        elif (number <= 0) if name == "area" else (number < 0):
            reasons.append(sign_error)
        else:
            clean[name] = number.quantize(CENT)
    return clean, reasons


def _refuse_formulas(number: int, line: tuple) -> None:
    """Issue 13: a formula (or a text starting with "=") anywhere refuses the whole file."""
    for index, value in enumerate(line):
        if is_formula(value):
            raise BadFile(
                _(
                    "Row %(row)d holds a formula (cell %(cell)s). The import takes values only: "
                    "replace the formula with its value and import the file again. "
                    "Nothing was imported."
                )
                % {"row": number, "cell": f"{get_column_letter(index + 1)}{number}"}
            )


def read_units(file, *, office=None) -> tuple[list[Row], list[tuple[int, list[str]]]]:
    """The valid rows of the file and the rejected ones as (row number, reasons).

    With `office`, a row naming a unit the office already has is rejected as a duplicate.
    Raises BadFile when the file cannot be read as a whole, or holds a formula."""
    try:
        size = getattr(file, "size", None)
        if size is not None and size > MAX_BYTES:
            raise BadFile(_("The file is too large (5 MB at most)."))
        if hasattr(file, "seek"):
            file.seek(0)
        # not data_only: a formula is read as its text ("=…"), so that it can be refused
        book = load_workbook(file, read_only=True)
    except BadFile:
        raise
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise BadFile(_("This is not an Excel (.xlsx) file.")) from exc
    try:
        sheet = book.worksheets[0] if book.worksheets else None
        if sheet is None:
            raise BadFile(_("The file has no worksheet."))
        lines = sheet.iter_rows(values_only=True)
        header = next(lines, None)
        if header is None:
            raise BadFile(_("The file is empty."))
        _refuse_formulas(1, header)
        columns = _header_map(header)
        rows: list[Row] = []
        rejected: list[tuple[int, list[str]]] = []
        seen: dict[tuple[str, str, str], int] = {}
        count = 0
        for number, line in enumerate(lines, start=2):
            if line is None or all(_text(v) == "" for v in line):
                continue  # blank lines are skipped, not reported
            _refuse_formulas(number, line)
            count += 1
            if count > MAX_ROWS:
                raise BadFile(
                    _("The file has more than %(max)d units: split it.") % {"max": MAX_ROWS}
                )
            values = {
                name: (line[index] if index < len(line) else None)
                for name, index in columns.items()
            }
            clean, reasons = _check_row(values)
            key = (clean["project"], clean["building"], clean["number"])
            if not reasons:
                if key in seen:
                    reasons.append(
                        _("The same unit is already on row %(row)d of the file.")
                        % {"row": seen[key]}
                    )
                else:
                    seen[key] = number
            if reasons:
                rejected.append((number, reasons))
            else:
                rows.append(Row(row=number, **clean))
    except BadFile:
        raise
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise BadFile(_("This is not an Excel (.xlsx) file.")) from exc
    finally:
        book.close()
    if count == 0:
        raise BadFile(_("The file has no units below its header row."))
    if office is not None and rows:
        rows, rejected = _drop_existing(office, rows, rejected)
    return rows, rejected


def _drop_existing(office, rows: list[Row], rejected: list) -> tuple[list[Row], list]:
    existing = set(
        Unit.objects.filter(office=office, project__name__in={r.project for r in rows})
        .values_list("project__name", "building", "number")
        .iterator()
    )
    kept = []
    for row in rows:
        if row.key in existing:
            rejected.append((row.row, [_("This unit already exists.")]))
        else:
            kept.append(row)
    rejected.sort(key=lambda item: item[0])
    return kept, rejected


# ---------------------------------------------------------------- importing


def import_units(*, office, file, actor) -> Report:
    """Import the file's valid rows in one transaction; report the rejected ones.
    Raises BadFile (nothing imported) when the file is malformed."""
    rows, rejected = read_units(file, office=office)
    report = Report(rejected=list(rejected))
    with transaction.atomic(), pghistory.context(units_import=True, actor=actor.pk):
        for row in rows:
            try:
                services.unit_create(
                    office=office,
                    project=row.project,
                    building=row.building,
                    number=row.number,
                    floor=row.floor,
                    area=row.area,
                    list_price=row.list_price,
                    layout=row.layout,
                    orientation=row.orientation,
                )
            except ValidationError as exc:  # created meanwhile by someone else
                report.rejected.append((row.row, exc.messages))
            else:
                report.imported += 1
    report.rejected.sort(key=lambda item: item[0])
    return report


# ---------------------------------------------------------------- exporting


def export_board(*, office, project: Project, now: datetime.datetime | None = None) -> bytes:
    """Every unit of the project with its status and list price; the customer and the hold's
    expiry for a held unit, the customer and the agreement number for a subscribed one. A hold
    past its expiry is shown as available, as on the board (the job lapses it soon)."""
    if project.office_id != office.pk:
        raise ValueError("the project is not the office's")
    now = now or timezone.now()
    tz = office.tzinfo
    holds = {
        h.unit_id: h
        for h in Hold.objects.filter(
            unit__project=project, status=HoldStatus.ACTIVE, expires_at__gt=now
        ).select_related("customer")
    }
    subs = {
        s.unit_id: s
        for s in Subscription.objects.filter(
            unit__project=project, status=SubscriptionStatus.ACTIVE
        ).select_related("customer")
    }
    book = Workbook()
    sheet = book.active
    # a project's name may hold [ ] : * ? / \, which a sheet title cannot (openpyxl refuses)
    sheet.title = re.sub(r"[\[\]:*?/\\]", " ", project.name).strip()[:31] or "units"
    append_row(
        sheet,
        [
            _("Project"),
            _("Building"),
            _("Unit number"),
            _("Floor"),
            _("Layout"),
            _("Area (m²)"),
            _("Orientation"),
            _("List price"),
            _("Status"),
            _("Customer"),
            _("Hold expires"),
            _("Agreement number"),
        ],
    )
    units = Unit.objects.filter(project=project).order_by("building", "-floor", "number")
    for unit in units.iterator():
        status, customer, expires, agreement = unit.status, "", "", ""
        hold, sub = holds.get(unit.pk), subs.get(unit.pk)
        if status == UnitStatus.HELD:
            if hold is None:
                status = UnitStatus.AVAILABLE
            else:
                customer = hold.customer.name
                expires = timezone.localtime(hold.expires_at, tz).strftime("%Y-%m-%d %H:%M")
        elif status in (UnitStatus.SUBSCRIBED, UnitStatus.CONTRACTED) and sub is not None:
            customer, agreement = sub.customer.name, sub.number
        append_row(
            sheet,
            [
                project.name,
                unit.building,
                unit.number,
                unit.floor,
                unit.layout,
                unit.area,
                unit.orientation,
                unit.list_price,
                str(UnitStatus(status).label),
                customer,
                expires,
                agreement,
            ],
        )
    for column in ("F", "H"):
        for cell in sheet[column][1:]:
            cell.number_format = "#,##0.00"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
