"""Spreadsheet cells that nobody's text can turn into a formula (issue 13).

Every workbook the application writes (the board export, the report downloads) puts its values
through `write` or `append_row`. A customer called `=HYPERLINK("http://x","y")` or a salesperson
called `=1+2` must reach Excel as those characters, not as a formula that runs, links or leaks
when the file is opened.

How: openpyxl makes any string that starts with "=" a formula cell. We assign the value, then set
the cell's type back to a string ("s"): the file then holds the text itself, so nothing is
evaluated, and the value read back is the name exactly. A text that Excel would reinterpret once
someone edits the cell (one starting with =, +, -, @, a tab or a carriage return) also gets
Excel's own "typed with a leading apostrophe" flag, the cell style's quotePrefix, which is what
Excel stores when a person types '=1+2. We do not put an apostrophe into the value itself: the
name in the file would no longer be the name (a search, a re-import or a mail merge would carry
it), and the string type alone already keeps the cell from running.

Numbers, decimals and dates are written as they are: they stay numbers and dates.
"""

from collections.abc import Iterable
from typing import Any

from django.utils.functional import Promise
from openpyxl.cell.cell import Cell
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula
from openpyxl.worksheet.worksheet import Worksheet

# what starts a formula in Excel, LibreOffice or Google Sheets when typed or pasted (OWASP's list)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def write(cell: Cell, value: Any) -> Cell:
    """Put `value` into `cell`; text always as a string cell, never a formula."""
    if isinstance(value, Promise):  # a lazy translation
        value = str(value)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl made "=…" a formula ("f"): the text it is
        if value.startswith(FORMULA_STARTS):
            cell.quotePrefix = True
    return cell


def append_row(sheet: Worksheet, values: Iterable[Any]) -> list[Cell]:
    """`sheet.append(values)` with every value put in through `write`; the row's cells.

    The cells are made first and appended as they are: asking the sheet for the row just
    appended (`max_row`) reads every cell of the sheet, which made a long export quadratic
    (issue 21: 2 minutes for a 10,000-row report)."""
    cells = [write(Cell(sheet), value) for value in values]
    sheet.append(cells)
    return cells


def is_formula(value: Any) -> bool:
    """A cell as openpyxl reads it without `data_only`: a formula (or a text starting with "=",
    which Excel would run once the cell is edited). The import refuses both."""
    if isinstance(value, ArrayFormula | DataTableFormula):
        return True
    return isinstance(value, str) and value.startswith("=")
