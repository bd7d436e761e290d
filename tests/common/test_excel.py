"""common.excel (issue 13): what a workbook cell becomes when it is written through it."""

import datetime
import io
from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook

from common.excel import append_row, is_formula


def round_trip(values):
    book = Workbook()
    append_row(book.active, values)
    out = io.BytesIO()
    book.save(out)
    return list(load_workbook(io.BytesIO(out.getvalue())).active[1])


def test_text_that_starts_a_formula_is_text_flagged_as_typed_with_an_apostrophe():
    names = ['=HYPERLINK("http://x","y")', "=1+2", "+1", "-1", "@SUM(A1)", "\t=1"]
    cells = round_trip(names)
    assert [(c.value, c.data_type, c.quotePrefix) for c in cells] == [
        (name, "s", True) for name in names
    ]
    (cell,) = append_row(Workbook().active, ["\r=1"])  # XML turns the CR into LF on the way
    assert (cell.data_type, cell.quotePrefix) == ("s", True)


def test_numbers_dates_and_plain_text_stay_what_they_are():
    day, moment = datetime.date(2026, 3, 9), datetime.datetime(2026, 3, 9, 10, 30)
    values = [3, Decimal("1500000.50"), -5, day, moment, "周女士", gettext_lazy("Total")]
    with translation.override("en"):
        cells = round_trip(values)
    assert [c.data_type for c in cells[:5]] == ["n", "n", "n", "d", "d"]
    assert [c.value for c in cells[:5]] == [3, 1500000.5, -5, datetime.datetime(2026, 3, 9), moment]
    assert [(c.value, c.data_type, c.quotePrefix) for c in cells[5:7]] == [
        ("周女士", "s", False),
        ("Total", "s", False),
    ]


def test_is_formula():
    assert is_formula("=1+2") and is_formula("=HYPERLINK(1)")
    assert not any(is_formula(v) for v in ("+1", "1=1", " x", 5, None, Decimal("1")))
