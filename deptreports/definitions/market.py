"""Department reports (R-17.4): 7. weekly market situation (市场状况周统计表) and 8. monthly
market situation (市场状况月统计表). Registered with deptreports.registry.register.

The visit records' market information (R-9.7) read in a minute: how many records speak of
each theme per branch, the competitors named most, the products named in price feedback, the
latest notes of each theme, and the dealers' stock shortages per product. The SQL that reads
the free text is in deptreports.market.
"""

from django.db.models import Count, Max, Q, QuerySet
from django.db.models.functions import Trim
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from reports.periods import MONTH, WEEK, Period
from reports.tables import BAR, TEXT, Chart, Col, Table, totals_of
from visits.models import DealerStock, VisitRecord

from .. import market
from ..registry import MARKET, Report, register
from ..scope import Scope

THEME_COLUMNS = [
    Col("office", pgettext_lazy("department report", "Branch"), TEXT),
    Col("records", _("Visit records")),
    *[Col(key, label) for key, _field, label in market.THEMES],
    Col("stock_short", _("Stock shortages")),
]
COMPETITOR_COLUMNS = [
    Col("name", _("Competitor"), TEXT),
    Col("records", _("Visit records")),
    Col("accounts", _("Number of accounts")),
    Col("latest", _("Latest"), TEXT),
]
PRICE_COLUMNS = [
    Col("product", _("Product"), TEXT),
    Col("records", _("Visit records")),
    Col("latest", _("Latest"), TEXT),
    Col("note", _("Latest note"), TEXT),
]
NOTE_COLUMNS = [
    Col("theme", _("Theme"), TEXT),
    Col("date", _("Date"), TEXT),
    Col("account", _("Account"), TEXT),
    Col("person", pgettext_lazy("sales department", "Salesperson"), TEXT),
    Col("note", pgettext_lazy("market note", "Note"), TEXT),
]
STOCK_COLUMNS = [
    Col("product", _("Product"), TEXT),
    Col("short", _("Shortages")),
    Col("dealers", _("Number of dealers")),
    Col("latest", _("Latest"), TEXT),
    Col("note", _("Latest reason and remedy"), TEXT),
]


def _records(scope: Scope, period: Period) -> QuerySet[VisitRecord]:
    return scope.rows(
        VisitRecord.objects.filter(date__gte=period.start, date__lte=period.end),
        person="salesperson",
    )


def _short() -> Q:
    """A dealer's stock line is short when it is empty or says why and what is done."""
    return Q(quantity=0) | ~Q(note_t="")


def _themes(records: QuerySet[VisitRecord]) -> list[dict]:
    counts = {
        key: Count("pk", filter=market.has_text(field)) for key, field, _label in market.THEMES
    }
    rows = (
        market.trimmed(records)
        .order_by()
        .values("office", "office__name")
        .annotate(records=Count("pk"), **counts)
        .order_by("office__name", "office")
    )
    short = dict(
        DealerStock.objects.filter(record__in=records.values("pk"))
        .alias(note_t=Trim("note"))
        .filter(_short())
        .order_by()
        .values("record__office")
        .annotate(n=Count("pk"))
        .values_list("record__office", "n")
    )
    result = []
    for row in rows:
        office = row.pop("office")
        name = row.pop("office__name")
        result.append({"office": name, **row, "stock_short": short.get(office, 0)})
    return result


def _stock(records: QuerySet[VisitRecord]) -> list[dict]:
    """Per product, the dealers' short stock lines seen on the period's visits, and the latest
    reason and remedy noted (DISTINCT ON the product): two queries."""
    lines = DealerStock.objects.filter(record__in=records.values("pk")).alias(note_t=Trim("note"))
    rows = (
        lines.filter(_short())
        .order_by()
        .values("product", "product__code", "product__name")
        .annotate(
            short=Count("pk"),
            dealers=Count("record__account", distinct=True),
            latest=Max("record__date"),
        )
        .order_by("-short", "product__code")
    )
    notes = dict(
        lines.filter(~Q(note_t=""))
        .order_by("product", "-record__date", "-pk")
        .distinct("product")
        .values_list("product", "note")
    )
    return [
        {
            "product": f"{row['product__code']} {row['product__name']}",
            "short": row["short"],
            "dealers": row["dealers"],
            "latest": row["latest"].isoformat(),
            "note": (notes.get(row["product"]) or "")[: market.NOTE_CHARS],
        }
        for row in rows
    ]


def build(scope: Scope, period: Period) -> list[Table]:
    records = _records(scope, period)
    themes = _themes(records)
    competitors = [
        {**row, "latest": row["latest"].isoformat()} for row in market.competitors_named(records)
    ]
    prices = [
        {
            "product": f"{row['code']} {row['name']}",
            "records": row["records"],
            "latest": row["latest"].isoformat(),
            "note": row["note"],
        }
        for row in market.price_feedback_by_product(records)
    ]
    notes = [
        {
            "theme": str(market.theme_label(row["theme"])),
            "date": row["date"].isoformat(),
            "account": row["account"],
            "person": row["person"],
            "note": row["note"],
        }
        for row in market.latest_notes(records)
    ]
    total = gettext("Total")
    return [
        Table(
            "market-themes",
            _("Market information by theme"),
            THEME_COLUMNS,
            themes,
            totals=totals_of(themes, THEME_COLUMNS, "office", total),
            chart=Chart(BAR, "office", tuple(key for key, _f, _l in market.THEMES)),
            note=_(
                "How many visit records of the period speak of each theme, per branch, and "
                "how many dealer stock lines were short."
            ),
        ),
        Table(
            "market-competitors",
            _("Competitors named most"),
            COMPETITOR_COLUMNS,
            competitors,
            chart=Chart(BAR, "name", ("records",)),
            note=_("The ten names met most often in the competitors' notes."),
        ),
        Table(
            "market-prices",
            _("Price feedback by product"),
            PRICE_COLUMNS,
            prices,
            chart=Chart(BAR, "product", ("records",)),
            note=_("The products whose name appears in the price feedback, with the latest note."),
        ),
        Table(
            "market-notes",
            _("Latest notes"),
            NOTE_COLUMNS,
            notes,
            note=_("The five latest notes of each theme."),
        ),
        Table(
            "market-stock",
            _("Dealer stock shortages"),
            STOCK_COLUMNS,
            _stock(records),
            chart=Chart(BAR, "product", ("short",)),
        ),
    ]


def missing(scope: Scope, period: Period) -> list[dict]:
    """R-17.4: the salespeople in scope without a visit record that carries any market
    information in the period."""
    people = market.people(scope)
    informed = set(
        market.trimmed(_records(scope, period))
        .filter(market.any_market_info())
        .order_by()
        .values_list("salesperson", flat=True)
        .distinct()
    )
    what = gettext("Market information in visit records")
    return [
        {"person": market.person_name(p), "office": p["branch"] or "", "what": what}
        for p in people
        if p["pk"] not in informed
    ]


for key, number, title, description, period_kind in (
    (
        "market-weekly",
        7,
        _("Weekly market situation"),
        _(
            "The week's market information from the visit records: themes, competitors, "
            "prices by product, the latest notes and dealer stock shortages."
        ),
        WEEK,
    ),
    (
        "market-monthly",
        8,
        _("Monthly market situation"),
        _(
            "The month's market information from the visit records: themes, competitors, "
            "prices by product, the latest notes and dealer stock shortages."
        ),
        MONTH,
    ),
):
    register(
        Report(
            key=key,
            number=number,
            title=title,
            description=description,
            group=MARKET,
            default_period=period_kind,
            build=build,
            missing=missing,
        )
    )
