"""The rules of invoicing and receivables as pure functions (R-14, R-15)."""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from .choices import AGING_BUCKETS

CENT = Decimal("0.01")


def cents(value: Decimal) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def due_date(
    *,
    invoice_date: datetime.date,
    terms_days: int | None,
    after_delivery: bool = False,
    delivered_on: datetime.date | None = None,
) -> datetime.date:
    """R-15.2: due on the contract's payment terms, counted from the invoice (default 30
    days), or from delivery where the contract says so (the last shipment before the invoice;
    an invoice before delivery counts from its own date)."""
    days = 30 if terms_days is None else terms_days
    start = invoice_date
    if after_delivery and delivered_on is not None:
        start = delivered_on
    return start + datetime.timedelta(days=days)


def days_overdue(due: datetime.date, as_of: datetime.date) -> int:
    return max((as_of - due).days, 0)


def aging_bucket(due: datetime.date, as_of: datetime.date) -> int:
    """R-15.7: the index of AGING_BUCKETS an amount falls in: 0 = not yet due or 0–30 days
    overdue, 1 = 31–60, 2 = 61–90, 3 = 91–180, 4 = over 180."""
    overdue = days_overdue(due, as_of)
    for index, (low, high) in enumerate(AGING_BUCKETS):
        if high is None or low <= overdue <= high:
            return index
    raise AssertionError("unreachable")  # pragma: no cover


def invoice_cap(
    *, shipped_net_value: Decimal, contract_total: Decimal, before_delivery: bool
) -> Decimal:
    """R-14.2: a contract's invoiced amount never exceeds the value shipped net of returns,
    unless its terms say invoice before delivery (then the contract's total)."""
    return contract_total if before_delivery else shipped_net_value


def to_credit(
    *,
    invoiced: Decimal,
    credited: Decimal,
    returned: Decimal,
    net_shipped: Decimal,
    before_delivery: bool,
) -> Decimal:
    """R-13.5, R-14.3: what a red-letter invoice still has to credit because invoiced goods
    came back: the value received back, capped by what was invoiced, less what red-letter
    invoices have credited. Invoiced on delivery, also never less than the excess over the
    value shipped net of returns (R-14.2: invoiced net of red-letter invoices may not exceed
    it), never more than the value received back: a red-letter invoice issued for another
    reason (a price corrected, then invoiced again) never hides a later return."""
    zero = Decimal("0.00")
    if not invoiced or not returned:
        return zero
    received_back = min(returned, invoiced) - credited
    if before_delivery:
        return max(received_back, zero)
    over_shipped = min(returned, invoiced - credited - net_shipped)
    return max(received_back, over_shipped, zero)


def tax_part(amount: Decimal, *, total: Decimal, tax_total: Decimal) -> Decimal:
    """The tax in a tax-inclusive amount taken from a contract, at the contract's own ratio."""
    if not total:
        return Decimal("0.00")
    return cents(amount * tax_total / total)


def allocate_oldest_first(
    amount: Decimal, open_invoices: list[tuple[int, Decimal]]
) -> list[tuple[int, Decimal]]:
    """R-15.3: a receipt set against invoices oldest due first (the list comes in that
    order), never more than an invoice's open amount; what is left stays unallocated."""
    left = amount
    out = []
    for invoice_id, open_amount in open_invoices:
        if left <= 0:
            break
        take = min(left, open_amount)
        if take > 0:
            out.append((invoice_id, take))
            left -= take
    return out


def half_year(period: str) -> tuple[datetime.date, datetime.date]:
    """R-15.6: `2026H1` is 1 January – 30 June 2026, `2026H2` 1 July – 31 December.
    Raises ValueError on anything else."""
    # ASCII only: "２０２６H1" (full-width digits) would otherwise name 2026H1 a second way
    if (
        len(period) != 6
        or not period.isascii()
        or period[4] != "H"
        or period[5] not in "12"
        or not period[:4].isdigit()
    ):
        raise ValueError(period)
    year = int(period[:4])
    if not 2000 <= year <= 2100:
        raise ValueError(period)
    if period[5] == "1":
        return datetime.date(year, 1, 1), datetime.date(year, 6, 30)
    return datetime.date(year, 7, 1), datetime.date(year, 12, 31)


def period_of(day: datetime.date) -> str:
    return f"{day.year}H{1 if day.month <= 6 else 2}"


def unpaid_period(kind: str, day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """R-15.7: the week (Monday–Sunday) or the ten days (旬: 1–10, 11–20, 21–end) of a day."""
    if kind == "week":
        start = day - datetime.timedelta(days=day.weekday())
        return start, start + datetime.timedelta(days=6)
    if day.day <= 10:
        return day.replace(day=1), day.replace(day=10)
    if day.day <= 20:
        return day.replace(day=11), day.replace(day=20)
    next_month = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return day.replace(day=21), next_month - datetime.timedelta(days=1)
