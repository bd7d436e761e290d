"""Posting to an account's ledger (R-15.1): one function, called in the transaction of the
document that causes the line. A line is never changed; a correction is a new line."""

import datetime
from decimal import Decimal

from .choices import DEBIT_KINDS
from .models import LedgerLine


def post(
    *,
    account,
    kind: str,
    document: str,
    amount: Decimal,
    date: datetime.date,
    actor,
    now: datetime.datetime,
    invoice=None,
    receipt=None,
    refund=None,
    write_off=None,
) -> LedgerLine:
    debit = kind in DEBIT_KINDS
    return LedgerLine.objects.create(
        office_id=account.office_id,
        account=account,
        date=date,
        kind=kind,
        document=document,
        debit=amount if debit else Decimal("0.00"),
        credit=Decimal("0.00") if debit else amount,
        invoice=invoice,
        receipt=receipt,
        refund=refund,
        write_off=write_off,
        posted_by=actor,
        posted_at=now,
    )


# ---------------------------------------------------------------- reading


PAGE = 200  # ledger lines per page (keyset)


def _totals(qs) -> Decimal:
    from django.db.models import Sum

    row = qs.aggregate(d=Sum("debit"), c=Sum("credit"))
    return (row["d"] or Decimal("0.00")) - (row["c"] or Decimal("0.00"))


def parse_cursor(text: str | None) -> tuple[datetime.date, int] | None:
    """`2026-06-30.1234`: the date and id of the last line of the previous page. Raises
    ValueError on anything else."""
    if not text:
        return None
    day, _dot, pk = text.partition(".")
    if not (pk.isascii() and pk.isdigit() and len(pk) < 19):
        raise ValueError(text)
    return datetime.date.fromisoformat(day), int(pk)


def ledger_page(
    account_id: int,
    *,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    cursor: tuple[datetime.date, int] | None = None,
    size: int = PAGE,
) -> dict:
    """R-15.1: a page of an account's ledger in date order, each line with the balance after
    it: `{opening, lines, balance, next}`. `opening` is the balance before the page's first
    line; `balance` the balance after the period (or everything). Three queries whatever the
    ledger's length: the opening sum, the page, the closing sum."""
    from django.db.models import Q

    lines = LedgerLine.objects.filter(account_id=account_id)
    period = lines
    if start is not None:
        period = period.filter(date__gte=start)
    if end is not None:
        period = period.filter(date__lte=end)
    before = Q(date__lt=start) if start is not None else Q(pk__in=[])
    if cursor is not None:
        day, pk = cursor
        before = before | Q(date__lt=day) | Q(date=day, pk__lte=pk)
        period = period.filter(Q(date__gt=day) | Q(date=day, pk__gt=pk))
    opening = _totals(lines.filter(before))
    rows = list(
        period.order_by("date", "pk").values("id", "date", "kind", "document", "debit", "credit")[
            : size + 1
        ]
    )
    more = len(rows) > size
    rows = rows[:size]
    running = opening
    for row in rows:
        running += row["debit"] - row["credit"]
        row["balance"] = running
    closing = _totals(lines.filter(date__lte=end)) if end is not None else _totals(lines)
    last = rows[-1] if rows else None
    return {
        "account": account_id,
        "opening": opening,
        "lines": rows,
        "balance": closing,
        "next": f"{last['date'].isoformat()}.{last['id']}" if more and last else None,
    }
