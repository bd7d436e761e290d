"""The figures of the director's dashboard for the sales department (R-17): this month against
target by region and by branch, the collection rate, receivables over 90 days, late approval
steps, contracts not filed and contracts past their delivery date — each a GROUP BY per branch
in PostgreSQL, a fixed number of queries whatever the number of documents.

- target: the month's branch month rows (deptreports.definitions.sales.month_targets) against
  contracts signed this month (targets.actuals);
- collection rate: R-15.7's figure (receivables.reports.collection_rate) of the invoices falling
  due from the month's first day to today;
- over 90 days: invoices open today more than 90 days past their due date (the 91–180 and over
  180 buckets of the aging, receivables.figures), their sum and the accounts that owe them;
- late approvals: pending steps past R-8.4's one working day (approvals.rules.is_late, with
  each branch's calendar);
- unfiled: contracts signed before today and not filed (R-12.2: filed by the end of their
  signing day, contracts.selectors.unfiled);
- late shipments: signed contracts, not fulfilled, whose delivery date has passed (R-13).
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate

from approvals import rules as approval_rules
from approvals.choices import ApprovalState
from approvals.models import Approval, CalendarDay
from contracts.choices import ContractStatus
from contracts.models import SalesContract
from contracts.selectors import unfiled
from receivables import figures as receivable_figures
from receivables.models import Invoice
from receivables.reports import collection_rate
from reports.periods import month_of
from staff.models import Office
from targets.actuals import actuals

from .definitions.sales import month_targets
from .scope import Scope

ZERO = Decimal("0.00")
OVER_DAYS = 90


@dataclass
class Branch:
    office: Office
    target: Decimal = ZERO
    signed: Decimal = ZERO
    due: Decimal = ZERO
    received: Decimal = ZERO
    over_90: Decimal = ZERO
    over_90_accounts: int = 0
    late_approvals: int = 0
    unfiled: int = 0
    late_shipments: int = 0

    @property
    def completion(self) -> Decimal | None:
        return _ratio(self.signed, self.target)

    @property
    def rate(self) -> Decimal | None:
        return _ratio(self.received, self.due)

    @property
    def completion_percent(self) -> Decimal | None:
        return _percent(self.completion)

    @property
    def rate_percent(self) -> Decimal | None:
        return _percent(self.rate)


@dataclass
class Region:
    name: str
    target: Decimal = ZERO
    signed: Decimal = ZERO

    @property
    def completion(self) -> Decimal | None:
        return _ratio(self.signed, self.target)

    @property
    def completion_percent(self) -> Decimal | None:
        return _percent(self.completion)


@dataclass
class Board:
    today: datetime.date
    start: datetime.date
    end: datetime.date
    branches: list[Branch]
    regions: list[Region]
    totals: Branch
    over_90_accounts: int = 0
    extra: dict = field(default_factory=dict)


def _ratio(part: Decimal, whole: Decimal) -> Decimal | None:
    return (part / whole).quantize(Decimal("0.0001")) if whole else None


def _percent(ratio: Decimal | None) -> Decimal | None:
    return None if ratio is None else (ratio * 100).quantize(Decimal("0.1"))


def _local_tz(offices):
    zones = {o.timezone for o in offices}
    return offices[0].tzinfo if len(zones) == 1 else None


def _midnight(offices: list[Office], today: datetime.date) -> Q:
    """Rows of each branch dated before its local midnight of today."""
    q = Q(pk__in=[])
    for office in offices:
        start = datetime.datetime.combine(today, datetime.time.min, tzinfo=office.tzinfo)
        q |= Q(office_id=office.pk, signed_at__lt=start)
    return q


def _late_approvals(offices: list[Office], today: datetime.date) -> dict[int, int]:
    """Pending steps per branch that are late (R-8.4): two queries, the steps counted per
    branch and day they began waiting, and the branches' calendars."""
    from django.utils import timezone

    ids = [o.pk for o in offices]
    tz = _local_tz(offices) or timezone.get_default_timezone()
    # late needs the waiting day and one whole working day after it: at least two days
    before = datetime.datetime.combine(today - datetime.timedelta(days=1), datetime.time.min, tz)
    rows = list(
        Approval.objects.filter(
            state=ApprovalState.PENDING,
            void=False,
            office_id__in=ids,
            waiting_since__lt=before,
        )
        .annotate(day=TruncDate("waiting_since", tzinfo=tz))
        .values("office_id", "day")
        .annotate(n=Count("pk"))
        .order_by()
    )
    if not rows:
        return {}
    first = min(r["day"] for r in rows)
    off: dict[int, set] = {}
    on: dict[int, set] = {}
    for office_id, day, working in CalendarDay.objects.filter(
        office_id__in=ids, date__range=(first, today + datetime.timedelta(days=1))
    ).values_list("office_id", "date", "working"):
        (on if working else off).setdefault(office_id, set()).add(day)
    late: dict[int, int] = {}
    for row in rows:
        office_id = row["office_id"]
        if approval_rules.is_late(
            row["day"], today, off=off.get(office_id, set()), on=on.get(office_id, set())
        ):
            late[office_id] = late.get(office_id, 0) + row["n"]
    return late


def _over_90(ids: list[int], today: datetime.date) -> tuple[dict, int]:
    """Per branch the open amount over 90 days past due and its accounts; and the accounts in
    all (an account owes in one branch). Two queries."""
    qs = receivable_figures.with_open_amount(
        Invoice.objects.filter(office_id__in=ids, red_of__isnull=True, date__lte=today).order_by(),
        today,
    ).filter(open_amount__gt=0, due_date__lte=today - datetime.timedelta(days=OVER_DAYS + 1))
    per = {
        r["office"]: r
        for r in qs.values("office").annotate(
            total=Sum("open_amount"), accounts=Count("account", distinct=True)
        )
    }
    accounts = qs.aggregate(n=Count("account", distinct=True))["n"] or 0
    return per, accounts


def board_for(scope: Scope, today: datetime.date) -> Board:
    """The dashboard of the scope's branches on `today` (their local date)."""
    offices = sorted(scope.offices, key=lambda o: (o.region, o.name))
    ids = [o.pk for o in offices]
    month = month_of(today)
    branches = {o.pk: Branch(o) for o in offices}
    if not ids:
        return Board(today, month.start, month.end, [], [], Branch(Office(name="")))
    for row in actuals(office_ids=ids, start=month.start, end=month.end, by=("office",)):
        branches[row["office"]].signed = row["signed"]
    for office_id, target in month_targets(scope, month, "office").items():
        if office_id in branches:
            branches[office_id].target = target or ZERO
    regions = {
        row["region"]: Region(row["region"], signed=row["signed"])
        for row in actuals(office_ids=ids, start=month.start, end=month.end, by=("region",))
    }
    for name, target in month_targets(scope, month, "office__region").items():
        regions.setdefault(name, Region(name)).target = target or ZERO
    for office in offices:  # every region of the scope, even with nothing yet
        regions.setdefault(office.region, Region(office.region))
    rate = collection_rate(
        invoices=Invoice.objects.filter(office_id__in=ids),
        start=month.start,
        end=today,
        group="office",
    )
    for row in rate["rows"]:
        branches[row["office"]].due = row["due"]
        branches[row["office"]].received = row["received"]
    over, accounts = _over_90(ids, today)
    for office_id, row in over.items():
        branches[office_id].over_90 = row["total"] or ZERO
        branches[office_id].over_90_accounts = row["accounts"]
    for office_id, n in _late_approvals(offices, today).items():
        branches[office_id].late_approvals = n
    waiting = (
        unfiled(SalesContract.objects.filter(office_id__in=ids))
        .filter(_midnight(offices, today))
        .values("office_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in waiting:
        branches[row["office_id"]].unfiled = row["n"]
    late = (
        SalesContract.objects.filter(
            office_id__in=ids, status=ContractStatus.SIGNED, delivery_date__lt=today
        )
        .values("office_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in late:
        branches[row["office_id"]].late_shipments = row["n"]
    rows = [branches[i] for i in ids]
    totals = Branch(Office(name=""))
    for b in rows:
        for name in ("target", "signed", "due", "received", "over_90"):
            setattr(totals, name, getattr(totals, name) + getattr(b, name))
        for name in ("late_approvals", "unfiled", "late_shipments"):
            setattr(totals, name, getattr(totals, name) + getattr(b, name))
    totals.over_90_accounts = accounts
    region_rows = sorted(regions.values(), key=lambda r: (r.name == "", r.name))
    return Board(today, month.start, month.end, rows, region_rows, totals, accounts)
