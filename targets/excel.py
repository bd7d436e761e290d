"""The splits as spreadsheets (R-17.1): how offices plan. The director downloads the branch ×
month grid, a manager the salesperson × month grid of the branch; each uploads the same layout
back. Every cell goes out through common.excel (formula-safe); an upload refuses formulas,
text where an amount belongs, unknown branches or people and oversize files, row by row, and
nothing is saved unless every row is good and every split stays within its parent.

Layout of both sheets: row 1 the year (and the branch's code), row 2 the column heads, then one
row per branch (code, name, year target, 12 months) or per salesperson (username, name,
12 months). An empty cell leaves that target as it is.
"""

import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from rest_framework.exceptions import PermissionDenied, ValidationError

from common.excel import append_row, is_formula
from staff.models import Office, User

from . import rules, selectors, services

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 2000
MONEY_FORMAT = "#,##0.00"


def month_label(month: int) -> str:
    return _("Month %(n)d") % {"n": month}


def _book(title: str, head: list, columns: list, rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title[:28] or "Sheet"
    append_row(sheet, head)
    for cell in append_row(sheet, columns):
        cell.font = Font(bold=True)
    for values in rows:
        for cell in append_row(sheet, values):
            if isinstance(cell.value, Decimal):
                cell.number_format = MONEY_FORMAT
    sheet.column_dimensions["B"].width = 20
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def branch_sheet(year: int) -> bytes:
    """The director's grid: every branch's year target and months."""
    overview = selectors.year_overview(year)
    columns = [
        _("Branch code"),
        pgettext("department report", "Branch"),
        _("Year target"),
        *map(month_label, range(1, 13)),
    ]
    rows = [
        [b["office"].code, b["office"].name, b["amount"], *b["months"]]
        for b in overview["branches"]
    ]
    return _book(_("Branch targets"), [_("Year"), year], columns, rows)


def people_sheet(office: Office, year: int) -> bytes:
    """A branch's grid: its salespeople's months."""
    grid = selectors.branch_grid(office, year)
    columns = [
        _("Username"),
        pgettext("sales department", "Salesperson"),
        *map(month_label, range(1, 13)),
    ]
    rows = [[r["person"].username, str(r["person"]), *r["months"]] for r in grid["rows"]]
    head = [_("Year"), year, _("Branch code"), office.code]
    return _book(_("Salesperson targets"), head, columns, rows)


@dataclass
class Upload:
    """What a file asks for: checked entries, or the errors of its rows (row 0: the file)."""

    year: int | None = None
    entries: list = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)

    def refuse(self, row: int, message: str) -> None:
        self.errors.append((row, message))


def _open(upload: Upload, file):
    if file is None:
        upload.refuse(0, _("Choose a file."))
        return None
    if file.size > MAX_BYTES:
        upload.refuse(0, _("The file is larger than 2 MB."))
        return None
    try:
        book = load_workbook(file, read_only=True, data_only=False)
        sheet = book.worksheets[0]
        rows = []
        for n, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if n > MAX_ROWS + 2:
                upload.refuse(0, _("The file has more than %(n)d rows.") % {"n": MAX_ROWS})
                return None
            rows.append(list(values))
        return rows
    except Exception:  # any unreadable upload is the user's file, never a 500
        upload.refuse(0, _("The file is not an Excel workbook (.xlsx) of this layout."))
        return None


def _amount(upload: Upload, row: int, label: str, value):
    """None for an empty cell; the amount; or an error for the row."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if is_formula(value):
        upload.refuse(
            row, _("%(col)s: a formula is not accepted, enter the number.") % {"col": label}
        )
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        upload.refuse(row, _("%(col)s: enter a number, not text.") % {"col": label})
        return None
    try:
        return rules.clean_amount(value)
    except rules.BadNumber:
        upload.refuse(
            row, _("%(col)s: %(error)s") % {"col": label, "error": services.BAD_NUMBER["amount"]()}
        )
        return None


def _year(upload: Upload, rows) -> int | None:
    try:
        value = rows[0][1]
        if is_formula(value) or isinstance(value, float):
            raise rules.BadNumber("year")
        return rules.clean_year(value)
    except (IndexError, TypeError, rules.BadNumber):
        upload.refuse(1, services.BAD_NUMBER["year"]())
        return None


def _check(upload: Upload, row: int, actor, known_regions, **level):
    try:
        upload.entries.append(
            services.entry_check(
                year=upload.year, actor=actor, known_regions=known_regions, **level
            )
        )
    except (ValidationError, PermissionDenied) as exc:
        detail = exc.detail
        messages = []
        if isinstance(detail, dict):
            for errors in detail.values():
                messages += [str(e) for e in (errors if isinstance(errors, list) else [errors])]
        else:
            messages.append(str(detail))
        for message in messages:
            upload.refuse(row, message)


def _cells(row_values: list, size: int) -> list:
    return (list(row_values) + [None] * size)[:size]


def read_branch_sheet(file, *, actor) -> Upload:
    """The director's grid back: one entry per filled cell."""
    upload = Upload()
    rows = _open(upload, file)
    if rows is None:
        return upload
    upload.year = _year(upload, rows)
    if upload.year is None:
        return upload
    offices = {o.code: o for o in Office.objects.all()}
    known = services.regions()
    labels = [_("Year target"), *map(month_label, range(1, 13))]
    for n, values in enumerate(rows[2:], start=3):
        values = _cells(values, 15)
        if all(v is None or v == "" for v in values):
            continue
        code = values[0]
        office = offices.get(str(code).strip()) if isinstance(code, str | int) else None
        if office is None or is_formula(code):
            upload.refuse(n, _("Unknown branch code %(code)s.") % {"code": str(code or "")[:40]})
            continue
        for index, value in enumerate(values[2:]):
            amount = _amount(upload, n, labels[index], value)
            if amount is not None:
                month = None if index == 0 else index
                _check(upload, n, actor, known, office=office, month=month, amount=amount)
    return upload


def read_people_sheet(file, *, office: Office, actor) -> Upload:
    """A branch's grid back: one entry per filled cell of a salesperson of the branch."""
    upload = Upload()
    rows = _open(upload, file)
    if rows is None:
        return upload
    upload.year = _year(upload, rows)
    if upload.year is None:
        return upload
    code = _cells(rows[0], 4)[3]
    if code != office.code:
        upload.refuse(
            1,
            _("This file is for another branch (code %(code)s).") % {"code": str(code or "")[:40]},
        )
        return upload
    names = {str(v[0]).strip() for v in rows[2:] if v and isinstance(v[0], str) and v[0].strip()}
    people = {u.username: u for u in User.objects.filter(username__in=names)}
    labels = [month_label(m) for m in range(1, 13)]
    for n, values in enumerate(rows[2:], start=3):
        values = _cells(values, 14)
        if all(v is None or v == "" for v in values):
            continue
        username = values[0]
        person = people.get(str(username).strip()) if isinstance(username, str) else None
        if person is None:
            upload.refuse(
                n, _("Unknown salesperson %(name)s.") % {"name": str(username or "")[:40]}
            )
            continue
        for index, value in enumerate(values[2:]):
            amount = _amount(upload, n, labels[index], value)
            if amount is not None:
                _check(
                    upload,
                    n,
                    actor,
                    (),
                    office=office,
                    salesperson=person,
                    month=index + 1,
                    amount=amount,
                )
    return upload
