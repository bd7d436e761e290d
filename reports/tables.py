"""A report table and its three renderings with the same numbers (R-7.5): the page's HTML
table, the chart's data (JSON, drawn by the vendored Chart.js) and the Excel download.

Every report builds `Table`s from rows its SQL aggregation returned; nothing here computes a
figure, so the page, the chart and the spreadsheet cannot disagree. Every cell of the download
goes through common.excel: a salesperson named `=1+2` is a text cell, never a formula (issue 13).
"""

import io
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.styles import Font

from common.excel import append_row

TEXT, INT, MONEY, PERCENT = "text", "int", "money", "percent"
BAR, LINE, FUNNEL = "bar", "line", "funnel"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_FORMATS = {INT: "0", MONEY: "#,##0.00", PERCENT: "0.0%"}
# a page shows at most this many rows of a table; its totals and the Excel file cover them all
PAGE_ROWS = 500


@dataclass(frozen=True)
class Col:
    key: str
    label: Any  # a (lazy) translated string
    kind: str = INT

    def display(self, value: Any) -> str:
        """The cell as the page shows it (the spreadsheet keeps the number itself)."""
        if value is None:
            return ""
        if self.kind == MONEY:
            return f"{Decimal(value):,.2f}"
        if self.kind == PERCENT:
            return f"{Decimal(value) * 100:.1f}%"
        return str(value)


@dataclass(frozen=True)
class Chart:
    """How a table is drawn: `label_key` names the column whose values label the x axis (or
    the funnel's stages); `series` the numeric columns drawn. A funnel draws one row's
    `series` values as its stages (the totals row, or the only row)."""

    kind: str
    label_key: str
    series: tuple[str, ...]


@dataclass
class Table:
    key: str  # unique on its page: the sheet's and the chart's id
    title: Any
    columns: list[Col]
    rows: list[dict]
    totals: dict | None = None
    chart: Chart | None = None
    note: Any = ""

    def column(self, key: str) -> Col:
        return next(c for c in self.columns if c.key == key)

    @property
    def html_rows(self) -> list[list[tuple[Col, str]]]:
        """The rows the page shows: the first PAGE_ROWS (the Excel file has them all)."""
        shown = self.rows[:PAGE_ROWS]
        return [[(c, c.display(row.get(c.key))) for c in self.columns] for row in shown]

    @property
    def rows_not_shown(self) -> int:
        return max(len(self.rows) - PAGE_ROWS, 0)

    @property
    def html_totals(self) -> list[tuple[Col, str]] | None:
        if self.totals is None:
            return None
        return [(c, c.display(self.totals.get(c.key))) for c in self.columns]


def totals_of(rows: list[dict], columns: list[Col], label_key: str, label: Any) -> dict:
    """The sums of the count and money columns of already aggregated rows; percentages are
    not summed (a report that shows one computes its total rate from the summed counts)."""
    totals: dict = {label_key: label}
    for col in columns:
        if col.kind in (INT, MONEY):
            zero = Decimal("0.00") if col.kind == MONEY else 0
            totals[col.key] = sum((row.get(col.key) or zero for row in rows), zero)
    return totals


def _number(value: Any) -> Any:
    # JSON keeps money exact as a string ("1234.50"); the chart script reads it as a number
    if isinstance(value, Decimal):
        return str(value)
    return value


def chart_data(table: Table) -> dict:
    """The chart's data: what the page's canvas draws and what `?format=json` returns."""
    chart = table.chart
    if chart is None:
        return {"key": table.key, "title": str(table.title), "kind": None}
    if chart.kind == FUNNEL:
        source = table.totals if table.totals is not None else (table.rows or [{}])[0]
        return {
            "key": table.key,
            "title": str(table.title),
            "kind": FUNNEL,
            "labels": [str(table.column(key).label) for key in chart.series],
            "datasets": [
                {
                    "label": str(table.title),
                    "data": [_number(source.get(key) or 0) for key in chart.series],
                }
            ],
        }
    return {
        "key": table.key,
        "title": str(table.title),
        "kind": chart.kind,
        "labels": [str(row.get(chart.label_key) or "") for row in table.rows],
        "datasets": [
            {
                "key": key,
                "label": str(table.column(key).label),
                "data": [_number(row.get(key) or 0) for row in table.rows],
            }
            for key in chart.series
        ],
    }


def _sheet_title(title: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", " ", title).strip()[:28] or "Sheet"
    name, n = base, 2
    while name in used:
        name, n = f"{base[:25]} {n}", n + 1
    used.add(name)
    return name


def workbook(tables: list[Table], heading: list[str]) -> bytes:
    """One sheet per table: the heading lines (report, office, period), the column labels,
    the rows and the totals, with numbers stored as numbers (money as exact decimals)."""
    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    bold = Font(bold=True)
    for table in tables:
        sheet = book.create_sheet(_sheet_title(str(table.title), used))
        for line in [*heading, str(table.title)]:
            append_row(sheet, [line])
        sheet.append([])
        for cell in append_row(sheet, [str(c.label) for c in table.columns]):
            cell.font = bold
        body = list(table.rows) + ([table.totals] if table.totals is not None else [])
        cells = []
        for row in body:
            cells = append_row(sheet, [_cell(row.get(c.key), c) for c in table.columns])
            for cell, col in zip(cells, table.columns, strict=True):
                if col.kind in _FORMATS:
                    cell.number_format = _FORMATS[col.kind]
        if table.totals is not None:
            for cell in cells:
                cell.font = bold
        for index, col in enumerate(table.columns, start=1):
            width = max(len(str(col.label)) * 2, 10)
            sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(value: Any, col: Col) -> Any:
    if value is None:
        return None
    if col.kind == TEXT:
        return str(value)
    return value


def respond(
    request: HttpRequest,
    template: str,
    context: dict,
    tables: list[Table],
    *,
    filename: str,
    heading: list[str],
    status: int = 200,
) -> HttpResponse:
    """The report page, or with `?format=json` the charts' data, or with `?format=xlsx` the
    Excel file: the same tables each time (R-7.5)."""
    fmt = request.GET.get("format")
    if fmt == "json":
        return JsonResponse({"heading": heading, "charts": [chart_data(t) for t in tables]})
    if fmt == "xlsx":
        response = HttpResponse(workbook(tables, heading), content_type=XLSX)
        # a Chinese file name survives (RFC 6266 filename*), with an ASCII fallback
        response["Content-Disposition"] = content_disposition_header(True, f"{filename}.xlsx")
        return response
    context = {
        **context,
        "tables": tables,
        "charts": [chart_data(t) for t in tables if t.chart],
        "heading": heading,
        "xlsx_query": _with_format(request, "xlsx"),
    }
    return render(request, template, context, status=status)


def _with_format(request: HttpRequest, fmt: str) -> str:
    query = request.GET.copy()
    query["format"] = fmt
    return query.urlencode()
