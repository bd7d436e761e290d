"""Reads of the money-in pages: finance's desk, the handovers with their lateness and the
clerk's daily check (R-15.3 – R-15.6). Each is a few queries whatever the rows.

A handover is late (R-15.4) when a cheque, bill or draft is not signed for by the end of the
day it was received, or cash not within 1 working day of the office's calendar.
"""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from approvals.rules import add_working_days
from approvals.selectors import office_calendar
from reports.tables import BAR, MONEY, TEXT, Chart, Col, Table, chart_data

from . import figures
from .choices import (
    INSTRUMENTS,
    CollectionStatus,
    InvoiceRequestStatus,
    StatementStatus,
)
from .models import CollectionRequest, Handover, Invoice, InvoiceRequest, Receipt, Statement

ROWS = 200  # rows of one section of a page
CASH_WORKING_DAYS = 1  # cash collected as an exception is remitted within this


def office_today(office, now: datetime.datetime) -> datetime.date:
    return timezone.localtime(now, office.tzinfo).date()


# ---------------------------------------------------------------- receipts


def unallocated(qs: QuerySet[Receipt]) -> QuerySet[Receipt]:
    """Receipts with something left to allocate: neither a reversal nor reversed."""
    return figures.receipts_with_unallocated(qs).filter(
        reversal_of__isnull=True, reversal__isnull=True, unallocated__gt=0
    )


# ---------------------------------------------------------------- handovers


def handover_deadline(
    kind: str, received: datetime.date, *, off: set[datetime.date], on: set[datetime.date]
) -> datetime.date:
    """R-15.4: the last day on which finance signs: an instrument the day it was received,
    cash the first working day after it."""
    if kind in INSTRUMENTS:
        return received
    return add_working_days(received, CASH_WORKING_DAYS, off=off, on=on)


def mark_late(handovers: list[Handover], now: datetime.datetime) -> list[Handover]:
    """Set `received_day`, `deadline` and `late` on each handover (one calendar query per
    office): late when still unsigned after its deadline, or signed after it."""
    by_office = defaultdict(list)
    for handover in handovers:
        by_office[handover.office_id].append(handover)
    for rows in by_office.values():
        office = rows[0].office
        today = office_today(office, now)
        for handover in rows:
            handover.received_day = office_today(office, handover.received_at)
        start = min(h.received_day for h in rows)
        # a working day follows within a fortnight whatever the holidays
        end = max(today, max(h.received_day for h in rows)) + datetime.timedelta(days=15)
        off, on = office_calendar(office, start, end)
        for handover in rows:
            handover.deadline = handover_deadline(
                handover.kind, handover.received_day, off=off, on=on
            )
            if handover.signed_at is None:
                handover.late = today > handover.deadline
            else:
                handover.late = office_today(office, handover.signed_at) > handover.deadline
    return handovers


def handovers_listed(qs: QuerySet[Handover], now: datetime.datetime) -> list[Handover]:
    """Unsigned first (oldest first), then the signed ones (latest first), each marked."""
    related = qs.select_related("office", "account", "received_by", "signed_by", "receipt")
    unsigned = list(related.filter(signed_at__isnull=True).order_by("received_at", "pk")[:ROWS])
    signed = list(related.filter(signed_at__isnull=False).order_by("-signed_at", "-pk")[:ROWS])
    return mark_late([*unsigned, *signed], now)


# ---------------------------------------------------------------- the aging chart


def _bucket_labels():
    return (
        _("0–30 days"),
        _("31–60 days"),
        _("61–90 days"),
        _("91–180 days"),
        _("over 180 days"),
    )


def aging_table(office, today: datetime.date) -> Table:
    """The office's open receivables by days overdue as of today (one GROUP BY), a table
    of the five buckets drawn as bars."""
    rows = list(figures.aging_rows(Invoice.objects.filter(office=office), today, group="office"))
    total = rows[0] if rows else {}
    buckets = [
        {"bucket": label, "amount": total.get(key) or Decimal("0.00")}
        for key, label in zip(figures.AGING_KEYS, _bucket_labels(), strict=True)
    ]
    return Table(
        key="aging",
        title=_("Receivables by days overdue"),
        columns=[Col("bucket", _("days overdue"), TEXT), Col("amount", _("open amount"), MONEY)],
        rows=buckets,
        totals={"bucket": _("Total"), "amount": total.get("total") or Decimal("0.00")},
        chart=Chart(BAR, "bucket", ("amount",)),
    )


# ---------------------------------------------------------------- finance's desk


def desk_sections(office, now: datetime.datetime) -> dict:
    """What finance has to do in an office today (R-15.3 – R-15.6)."""
    today = office_today(office, now)
    receipts = unallocated(Receipt.objects.filter(office=office, date=today))
    older = unallocated(Receipt.objects.filter(office=office, date__lt=today))
    handovers = Handover.objects.filter(office=office, signed_at__isnull=True).select_related(
        "office", "account", "received_by"
    )
    aging = aging_table(office, today)
    return {
        "today": today,
        "receipts": list(receipts.select_related("account").order_by("pk")[:ROWS]),
        "older_unallocated": older.count(),
        "handovers": mark_late(list(handovers.order_by("received_at", "pk")[:ROWS]), now),
        "requests": list(
            InvoiceRequest.objects.filter(office=office, status=InvoiceRequestStatus.APPROVED)
            .select_related("account", "contract", "owner")
            .order_by("approved_at", "pk")[:ROWS]
        ),
        "collections": list(
            CollectionRequest.objects.filter(office=office, status=CollectionStatus.APPROVED)
            .select_related("account", "owner")
            .order_by("expected_date", "pk")[:ROWS]
        ),
        "disputed": list(
            Statement.objects.filter(office=office, status=StatementStatus.DISPUTED)
            .select_related("account")
            .annotate(open_items=Count("differences", filter=Q(differences__resolved_at=None)))
            .order_by("end", "account__name", "pk")[:ROWS]
        ),
        "aging": aging,
        "aging_chart": chart_data(aging),
    }


# ---------------------------------------------------------------- the clerk's daily check


def daily_check(office, day: datetime.date) -> list[dict]:
    """R-15.5: one list: the day's receipts not yet wholly allocated, then the receivables
    with an open question (whenever asked), oldest question first. Two queries."""
    rows = [
        {"kind": "receipt", "receipt": r, "account": r.account, "amount": r.unallocated}
        for r in unallocated(Receipt.objects.filter(office=office, date=day))
        .select_related("account")
        .order_by("pk")[:ROWS]
    ]
    questions = (
        figures.with_open_amount(
            Invoice.objects.filter(office=office, query_answered_at__isnull=True).exclude(query="")
        )
        .select_related("account", "queried_by")
        .order_by("queried_at", "pk")[:ROWS]
    )
    rows += [
        {"kind": "question", "invoice": i, "account": i.account, "amount": i.open_amount}
        for i in questions
    ]
    return rows
