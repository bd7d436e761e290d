"""Reads of statements of account and collection notices (R-15.2, R-15.6) for the pages, the
API and the PDF. Which rows a user sees is receivables.selectors; these shape them."""

import datetime
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from . import rules
from .choices import LedgerKind, StatementStatus
from .models import LedgerLine, Statement

LINES_ON_PAGE = 500  # the page shows this many lines; the PDF has them all


def statement_lines(statement: Statement, *, limit: int | None = None) -> list[dict]:
    """The ledger lines of the statement's half as it was made (posted by `generated_at`), in
    date order, each with the balance after it (from the statement's opening): `[{id, date,
    kind, kind_label, document, debit, credit, balance}]`."""
    rows = (
        LedgerLine.objects.filter(
            account_id=statement.account_id,
            date__gte=statement.start,
            date__lte=statement.end,
            posted_at__lte=statement.generated_at,
        )
        .order_by("date", "pk")
        .values("id", "date", "kind", "document", "debit", "credit")
    )
    if limit is not None:
        rows = rows[:limit]
    running = statement.opening
    kinds = dict(LedgerKind.choices)
    out = []
    for row in rows:
        running += row["debit"] - row["credit"]
        row["balance"] = running
        row["kind_label"] = kinds.get(row["kind"], row["kind"])
        out.append(row)
    return out


COUNT_KEYS = ("generated", "sent", "agreed", "disputed", "resolved")


def office_counts(statements: QuerySet[Statement]) -> dict[str, int]:
    """R-15.6 "each office sees how many": of these statements, how many were generated,
    sent (whatever happened after), signed back as agreed, disputed and still open, and
    resolved. One aggregate."""
    row = statements.aggregate(
        generated=Count("pk"),
        sent=Count("pk", filter=Q(sent_at__isnull=False)),
        agreed=Count("pk", filter=Q(status=StatementStatus.AGREED)),
        disputed=Count("pk", filter=Q(status=StatementStatus.DISPUTED)),
        resolved=Count("pk", filter=Q(status=StatementStatus.RESOLVED)),
    )
    return {key: row[key] for key in COUNT_KEYS}


def period_label(period: str) -> str:
    """`2026H1` as people say it: 2026年上半年 / first half of 2026."""
    try:
        start, _end = rules.half_year(period)
    except ValueError:
        return period
    if start.month == 1:
        return _("first half of %(year)s") % {"year": start.year}
    return _("second half of %(year)s") % {"year": start.year}


def recent_periods(today: datetime.date, count: int = 6) -> list[tuple[str, str]]:
    """The last `count` half years that have ended by `today`, newest first, with labels."""
    out = []
    day = today
    for _i in range(count):
        start, _end = rules.half_year(rules.period_of(day))
        day = start - datetime.timedelta(days=1)
        period = rules.period_of(day)
        out.append((period, period_label(period)))
    return out


def open_difference_total(statement: Statement) -> Decimal:
    return sum(
        (d.amount for d in statement.differences.all() if d.resolved_at is None),
        Decimal("0.00"),
    )
