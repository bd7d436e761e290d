"""Department reports (R-17.4): 5. salesperson's weekly work statistics (销售员工作周统计表) and
6. salesperson's monthly work statistics (销售员工作月统计表). Registered with
deptreports.registry.register.

Per salesperson in scope: the visits planned (R-9.6) and what became of them, the visit
records by kind (R-9.7), the new accounts they opened (R-9.2), enquiries and quotes (R-11),
contracts signed and money collected (targets.actuals). Each figure is one GROUP BY by
salesperson; the rows are put together in Python by the salesperson's id.
"""

import datetime
from decimal import Decimal

from django.db.models import Count, Q
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import Account
from approvals.choices import DocumentStatus
from contracts.choices import ContractStatus
from contracts.models import SalesContract
from quotes.models import Enquiry, Quote
from reports.periods import MONTH, WEEK, Period
from reports.tables import BAR, MONEY, TEXT, Chart, Col, Table, totals_of
from targets.actuals import actuals
from visits.choices import PlannedOutcome, PlanStatus, RecordKind
from visits.models import PlannedVisit, VisitPlan, VisitRecord

from .. import market
from ..registry import WORK, Report, register
from ..scope import Scope

ZERO = Decimal("0.00")
# a contract counts as signed in the period it was signed in, whatever became of it since
SIGNED = (ContractStatus.SIGNED, ContractStatus.FULFILLED, ContractStatus.CLOSED)

VISIT_COLUMNS = [
    Col("person", pgettext_lazy("sales department", "Salesperson"), TEXT),
    Col("office", pgettext_lazy("department report", "Branch"), TEXT),
    Col("planned", _("Visits planned")),
    Col("done", _("Done")),
    Col("missed", _("Missed")),
    Col("replaced", _("Replaced")),
    Col("records", _("Visit records")),
    Col("first", _("First visits")),
    Col("return", _("Return visits")),
    Col("call", _("Phone calls")),
    Col("new_accounts", _("New accounts")),
    Col("enquiries", _("Enquiries")),
    Col("quotes", _("Quotes")),
]
SALES_COLUMNS = [
    Col("person", pgettext_lazy("sales department", "Salesperson"), TEXT),
    Col("office", pgettext_lazy("department report", "Branch"), TEXT),
    Col("contracts", _("Contracts signed")),
    Col("signed", _("Amount signed"), MONEY),
    Col("collected", _("Amount collected"), MONEY),
]


def _by_person(qs, person: str, **measures) -> dict[int, dict]:
    rows = qs.order_by().values(person).annotate(**measures)
    return {row.pop(person): row for row in rows}


def _figures(scope: Scope, period: Period) -> tuple[list[dict], dict[int, dict]]:
    """The people in scope and, per person id, every figure of the two tables."""
    first, after = market.moments(period.start, period.end)
    within = {"day__gte": period.start, "day__lte": period.end}
    planned = _by_person(
        scope.rows(
            PlannedVisit.objects.filter(**within), office="plan__office", person="plan__salesperson"
        ),
        "plan__salesperson",
        planned=Count("pk"),
        done=Count("pk", filter=Q(outcome=PlannedOutcome.DONE)),
        missed=Count("pk", filter=Q(outcome=PlannedOutcome.MISSED)),
        replaced=Count("pk", filter=Q(outcome=PlannedOutcome.REPLACED)),
    )
    records = _by_person(
        scope.rows(
            VisitRecord.objects.filter(date__gte=period.start, date__lte=period.end),
            person="salesperson",
        ),
        "salesperson",
        records=Count("pk"),
        first=Count("pk", filter=Q(kind=RecordKind.FIRST)),
        **{"return": Count("pk", filter=Q(kind=RecordKind.RETURN))},
        call=Count("pk", filter=Q(kind=RecordKind.CALL)),
    )
    new_accounts = _by_person(
        scope.rows(
            Account.objects.filter(
                created_at__gte=first,
                created_at__lt=after,
                status__in=(DocumentStatus.APPROVED, DocumentStatus.PENDING),
            ),
            person="author",
        ),
        "author",
        new_accounts=Count("pk"),
    )
    enquiries = _by_person(
        scope.rows(
            Enquiry.objects.filter(received_on__gte=period.start, received_on__lte=period.end),
            person="owner",
        ),
        "owner",
        enquiries=Count("pk"),
    )
    quotes = _by_person(
        scope.rows(
            Quote.objects.filter(date__gte=period.start, date__lte=period.end), person="owner"
        ),
        "owner",
        quotes=Count("pk"),
    )
    contracts = _by_person(
        scope.rows(
            SalesContract.objects.filter(
                signed_at__gte=first, signed_at__lt=after, status__in=SIGNED
            ),
            person="owner",
        ),
        "owner",
        contracts=Count("pk"),
    )
    money = {
        row["salesperson"]: row
        for row in actuals(
            office_ids=scope.office_ids,
            start=period.start,
            end=period.end,
            by=("salesperson",),
            salesperson_id=scope.salesperson.pk if scope.salesperson else None,
        )
    }
    people = market.people(scope)
    figures = {}
    for person in people:
        pk = person["pk"]
        row = {}
        for source in (planned, records, new_accounts, enquiries, quotes, contracts):
            row.update(source.get(pk, {}))
        found = money.get(pk, {})
        row["signed"] = found.get("signed") or ZERO
        row["collected"] = found.get("collected") or ZERO
        figures[pk] = row
    return people, figures


def _rows(people: list[dict], figures: dict[int, dict], columns: list[Col]) -> list[dict]:
    rows = []
    for person in people:
        row = {"person": market.person_name(person), "office": person["branch"] or ""}
        found = figures[person["pk"]]
        for col in columns[2:]:
            zero = ZERO if col.kind == MONEY else 0
            row[col.key] = found.get(col.key, zero)
        rows.append(row)
    return rows


def build(scope: Scope, period: Period) -> list[Table]:
    people, figures = _figures(scope, period)
    visits = _rows(people, figures, VISIT_COLUMNS)
    sales = _rows(people, figures, SALES_COLUMNS)
    total = gettext("Total")
    return [
        Table(
            "work",
            _("Visits and accounts"),
            VISIT_COLUMNS,
            visits,
            totals=totals_of(visits, VISIT_COLUMNS, "person", total),
            chart=Chart(BAR, "person", ("planned", "done", "records", "new_accounts", "quotes")),
            note=_(
                "Visits planned in the visit plans and what became of them; visit records by "
                "kind; accounts opened (approved or awaiting approval); enquiries received and "
                "quotes dated in the period."
            ),
        ),
        Table(
            "work-sales",
            _("Contracts and collections"),
            SALES_COLUMNS,
            sales,
            totals=totals_of(sales, SALES_COLUMNS, "person", total),
            chart=Chart(BAR, "person", ("signed", "collected")),
            note=_(
                "Contracts signed in the period net of cancelled quantities; money collected "
                "from the salesperson's accounts net of reversals."
            ),
        ),
    ]


def _missing(scope: Scope, period: Period, *, plans: bool) -> list[dict]:
    """R-17.4: who has no visit record in the period and, weekly, who has not handed in the
    week's visit plan (R-9.6: submitted or confirmed)."""
    people = market.people(scope)
    ids = [p["pk"] for p in people]
    recorded = set(
        scope.rows(
            VisitRecord.objects.filter(
                salesperson__in=ids, date__gte=period.start, date__lte=period.end
            ),
            person="salesperson",
        )
        .order_by()
        .values_list("salesperson", flat=True)
        .distinct()
    )
    planned: set[int] = set()
    if plans:
        # the plan of a week (Monday to Sunday) that overlaps the period
        planned = set(
            scope.rows(
                VisitPlan.objects.filter(
                    salesperson__in=ids,
                    week_start__gt=period.start - datetime.timedelta(days=7),
                    week_start__lte=period.end,
                    status__in=(PlanStatus.SUBMITTED, PlanStatus.CONFIRMED),
                ),
                person="salesperson",
            )
            .order_by()
            .values_list("salesperson", flat=True)
            .distinct()
        )
    rows = []
    for person in people:
        name, office = market.person_name(person), person["branch"] or ""
        if plans and person["pk"] not in planned:
            rows.append({"person": name, "office": office, "what": gettext("Visit plan")})
        if person["pk"] not in recorded:
            rows.append({"person": name, "office": office, "what": gettext("Visit records")})
    return rows


register(
    Report(
        key="salesperson-weekly",
        number=5,
        title=_("Salesperson's weekly work statistics"),
        description=_(
            "Each salesperson's week: visits planned and done, visit records, new accounts, "
            "enquiries, quotes, contracts and collections."
        ),
        group=WORK,
        default_period=WEEK,
        build=build,
        missing=lambda scope, period: _missing(scope, period, plans=True),
    )
)

register(
    Report(
        key="salesperson-monthly",
        number=6,
        title=_("Salesperson's monthly work statistics"),
        description=_(
            "Each salesperson's month: visits planned and done, visit records, new accounts, "
            "enquiries, quotes, contracts and collections."
        ),
        group=WORK,
        default_period=MONTH,
        build=build,
        missing=lambda scope, period: _missing(scope, period, plans=False),
    )
)
