"""The pure rules of invoicing and receivables (receivables.rules), table-driven: each row names
the rule it checks. Due dates (R-15.2), aging buckets at their boundaries (R-15.7), receipts
allocated oldest due first (R-15.3), the invoicing cap (R-14.2), half years (R-15.6) and the
periods of the unpaid report (R-15.7)."""

import datetime
from decimal import Decimal

import pytest

from receivables import rules
from receivables.choices import AGING_BUCKETS

D = datetime.date


def _row(rule: str, *values):
    return pytest.param(*values, id=rule)


# ---------------------------------------------------------------- due dates


@pytest.mark.parametrize(
    ("kwargs", "due"),
    [
        _row("R-15.2 default: invoice date + 30", {"terms_days": None}, D(2026, 4, 9)),
        _row("R-15.2 contract terms: 45 days after the invoice", {"terms_days": 45},
             D(2026, 4, 24)),
        _row("R-15.2 contract terms: cash on the invoice (0 days)", {"terms_days": 0},
             D(2026, 3, 10)),
        _row(
            "R-15.2 after delivery: counted from the delivery",
            {"terms_days": 30, "after_delivery": True, "delivered_on": D(2026, 3, 1)},
            D(2026, 3, 31),
        ),
        _row(
            "R-15.2 after delivery, 60 days, across a year end",
            {"terms_days": 60, "after_delivery": True, "delivered_on": D(2025, 12, 15)},
            D(2026, 2, 13),
        ),
        _row(
            "R-15.2 after delivery but invoiced before delivery: from the invoice",
            {"terms_days": 30, "after_delivery": True, "delivered_on": None},
            D(2026, 4, 9),
        ),
        _row(
            "R-15.2 a delivery day given on terms after the invoice is ignored",
            {"terms_days": 30, "after_delivery": False, "delivered_on": D(2026, 3, 1)},
            D(2026, 4, 9),
        ),
    ],
)  # fmt: skip
def test_due_date(kwargs, due):
    assert rules.due_date(invoice_date=D(2026, 3, 10), **kwargs) == due


# ---------------------------------------------------------------- aging buckets

DUE = D(2026, 1, 15)


@pytest.mark.parametrize(
    ("days_after_due", "bucket", "overdue"),
    [
        _row("R-15.7 not yet due: current", -10, 0, 0),
        _row("R-15.7 due today: current", 0, 0, 0),
        _row("R-15.7 30 days overdue: still current (0–30)", 30, 0, 30),
        _row("R-15.7 31 days overdue: 31–60", 31, 1, 31),
        _row("R-15.7 60 days overdue: 31–60", 60, 1, 60),
        _row("R-15.7 61 days overdue: 61–90", 61, 2, 61),
        _row("R-15.7 90 days overdue: 61–90", 90, 2, 90),
        _row("R-15.7 91 days overdue: 91–180", 91, 3, 91),
        _row("R-15.7 180 days overdue: 91–180", 180, 3, 180),
        _row("R-15.7 181 days overdue: over 180", 181, 4, 181),
        _row("R-15.7 years overdue: over 180", 1000, 4, 1000),
    ],
)
def test_aging_bucket(days_after_due, bucket, overdue):
    as_of = DUE + datetime.timedelta(days=days_after_due)
    assert rules.days_overdue(DUE, as_of) == overdue
    assert rules.aging_bucket(DUE, as_of) == bucket
    low, high = AGING_BUCKETS[bucket]
    assert low <= overdue and (high is None or overdue <= high)


# ---------------------------------------------------------------- oldest due first

M = Decimal


@pytest.mark.parametrize(
    ("amount", "open_invoices", "plan"),
    [
        _row("R-15.3 the oldest due is paid first", M("120"), [(1, M("100")), (2, M("50"))],
             [(1, M("100")), (2, M("20"))]),
        _row("R-15.3 exactly what is open: nothing left", M("150"), [(1, M("100")), (2, M("50"))],
             [(1, M("100")), (2, M("50"))]),
        _row("R-15.3 more than is open: the rest stays a credit", M("500.01"),
             [(1, M("100")), (2, M("50"))], [(1, M("100")), (2, M("50"))]),
        _row("R-15.3 less than the oldest: only the oldest", M("0.01"),
             [(7, M("100")), (3, M("50"))], [(7, M("0.01"))]),
        _row("R-15.3 an invoice with nothing open is skipped", M("30"),
             [(1, M("0")), (2, M("50"))], [(2, M("30"))]),
        _row("R-15.3 no open invoice: all credit", M("80"), [], []),
        _row("R-15.3 never more than an invoice's open amount, in cents", M("100.00"),
             [(1, M("33.33")), (2, M("33.33")), (3, M("33.33"))],
             [(1, M("33.33")), (2, M("33.33")), (3, M("33.33"))]),
    ],
)  # fmt: skip
def test_allocate_oldest_first(amount, open_invoices, plan):
    made = rules.allocate_oldest_first(amount, open_invoices)
    assert made == plan
    opens = dict(open_invoices)
    assert all(0 < taken <= opens[i] for i, taken in made)
    assert sum(t for _i, t in made) <= amount


# ---------------------------------------------------------------- the invoicing cap


@pytest.mark.parametrize(
    ("before_delivery", "cap"),
    [
        _row("R-14.2 the value shipped net of returns", False, M("800.00")),
        _row("R-14.2 invoice before delivery: the contract's total", True, M("2250.00")),
    ],
)
def test_invoice_cap(before_delivery, cap):
    assert (
        rules.invoice_cap(
            shipped_net_value=M("800.00"),
            contract_total=M("2250.00"),
            before_delivery=before_delivery,
        )
        == cap
    )


@pytest.mark.parametrize(
    ("amount", "total", "tax_total", "tax"),
    [
        _row("R-14.1 the tax of a part at the contract's ratio", "1130.00", "2260.00", "260.00",
             "130.00"),
        _row("R-14.1 half a cent rounds up", "0.10", "200.00", "10.00", "0.01"),
        _row("R-14.1 the whole contract: its whole tax", "2260.00", "2260.00", "260.00", "260.00"),
        _row("R-14.1 a contract of nothing: no tax", "5.00", "0", "0", "0.00"),
    ],
)  # fmt: skip
def test_tax_part(amount, total, tax_total, tax):
    assert rules.tax_part(M(amount), total=M(total), tax_total=M(tax_total)) == M(tax)


# ---------------------------------------------------------------- half years


@pytest.mark.parametrize(
    ("period", "span"),
    [
        _row("R-15.6 first half: 1 January – 30 June", "2026H1", (D(2026, 1, 1), D(2026, 6, 30))),
        _row("R-15.6 second half: 1 July – 31 December", "2026H2",
             (D(2026, 7, 1), D(2026, 12, 31))),
        _row("R-15.6 a leap year's first half still ends 30 June", "2028H1",
             (D(2028, 1, 1), D(2028, 6, 30))),
    ],
)  # fmt: skip
def test_half_year(period, span):
    assert rules.half_year(period) == span
    assert rules.period_of(span[0]) == rules.period_of(span[1]) == period


@pytest.mark.parametrize(
    "period",
    [
        _row("R-15.6 refused: no third half", "2026H3"),
        _row("R-15.6 refused: a half is H1 or H2", "2026H0"),
        _row("R-15.6 refused: lower-case h", "2026h1"),
        _row("R-15.6 refused: a two-digit year", "26H1"),
        _row("R-15.6 refused: no half", "2026H"),
        _row("R-15.6 refused: trailing text", "2026H1 "),
        _row("R-15.6 refused: empty", ""),
        _row("R-15.6 refused: before 2000", "1999H2"),
        _row("R-15.6 refused: after 2100", "2101H1"),
        _row("R-15.6 refused: full-width digits", "２０２６H1"),
        _row("R-15.6 refused: a month", "2026-06"),
    ],
)
def test_half_year_refusals(period):
    with pytest.raises(ValueError):
        rules.half_year(period)


# ---------------------------------------------------------------- unpaid periods


@pytest.mark.parametrize(
    ("kind", "day", "span"),
    [
        _row("R-15.7 week: Monday to Sunday", "week", D(2026, 3, 11),
             (D(2026, 3, 9), D(2026, 3, 15))),
        _row("R-15.7 week: a Monday starts its week", "week", D(2026, 3, 9),
             (D(2026, 3, 9), D(2026, 3, 15))),
        _row("R-15.7 week: a Sunday ends its week", "week", D(2026, 3, 15),
             (D(2026, 3, 9), D(2026, 3, 15))),
        _row("R-15.7 week: across a year end", "week", D(2025, 12, 31),
             (D(2025, 12, 29), D(2026, 1, 4))),
        _row("R-15.7 旬: the 1st is in 1–10", "ten_days", D(2026, 3, 1),
             (D(2026, 3, 1), D(2026, 3, 10))),
        _row("R-15.7 旬: the 10th is in 1–10", "ten_days", D(2026, 3, 10),
             (D(2026, 3, 1), D(2026, 3, 10))),
        _row("R-15.7 旬: the 11th is in 11–20", "ten_days", D(2026, 3, 11),
             (D(2026, 3, 11), D(2026, 3, 20))),
        _row("R-15.7 旬: the 20th is in 11–20", "ten_days", D(2026, 3, 20),
             (D(2026, 3, 11), D(2026, 3, 20))),
        _row("R-15.7 旬: the 21st is in 21–end", "ten_days", D(2026, 3, 21),
             (D(2026, 3, 21), D(2026, 3, 31))),
        _row("R-15.7 旬: a 31-day month ends on the 31st", "ten_days", D(2026, 1, 31),
             (D(2026, 1, 21), D(2026, 1, 31))),
        _row("R-15.7 旬: a 30-day month ends on the 30th", "ten_days", D(2026, 4, 25),
             (D(2026, 4, 21), D(2026, 4, 30))),
        _row("R-15.7 旬: February of 2026 ends on the 28th", "ten_days", D(2026, 2, 21),
             (D(2026, 2, 21), D(2026, 2, 28))),
        _row("R-15.7 旬: a leap February ends on the 29th", "ten_days", D(2028, 2, 29),
             (D(2028, 2, 21), D(2028, 2, 29))),
        _row("R-15.7 旬: December ends on the 31st", "ten_days", D(2026, 12, 31),
             (D(2026, 12, 21), D(2026, 12, 31))),
    ],
)  # fmt: skip
def test_unpaid_period(kind, day, span):
    assert rules.unpaid_period(kind, day) == span
    start, end = span
    assert start <= day <= end


def test_unpaid_ten_day_periods_cover_a_year_without_gap_or_overlap():
    """R-15.7: the 旬 of every day of a leap year tile it: 36 periods, each one's end the day
    before the next one's start."""
    day, spans = D(2028, 1, 1), []
    while day.year == 2028:
        span = rules.unpaid_period("ten_days", day)
        if not spans or spans[-1] != span:
            spans.append(span)
        day += datetime.timedelta(days=1)
    assert len(spans) == 36
    assert spans[0][0] == D(2028, 1, 1) and spans[-1][1] == D(2028, 12, 31)
    assert all(
        a[1] + datetime.timedelta(days=1) == b[0] for a, b in zip(spans, spans[1:], strict=False)
    )
