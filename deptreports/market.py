"""What the work, market and account reports (R-17.4, 5-8, 12 and 13) share: the period's
moments in the department's calendar, the salespeople a report is about with their branches,
and the SQL that turns the visit records' free text (R-9.7) into counts a manager reads in a
minute — themes, the competitors named most, price feedback by product, the latest notes.

Every function here is a fixed number of queries whatever the data size: GROUP BY and window
functions in PostgreSQL, never a query per row.
"""

import datetime

from django.db import connection
from django.db.models import Q, QuerySet, StringAgg, Value
from django.db.models.functions import Trim
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Account
from catalog.models import Product
from staff.models import Office, User
from visits.models import VisitRecord

from .scope import Scope

# R-9.7's market information, in the order the reports show it
THEMES = (
    ("quality", "quality_feedback", _("Quality")),
    ("price", "price_feedback", _("Price")),
    ("competitor", "competitors", _("Competitors")),
    ("demand", "demand", _("Demand")),
    ("new_product", "new_products", _("New products")),
)
THEME_FIELDS = tuple(field for _key, field, _label in THEMES)
# how the competitors' names are split: , ， 、 ; ； / and new lines (R-9.7's free text)
COMPETITOR_SEPARATORS = "[,，、;；/\\r\\n]+"
# spaces trimmed from each name, the ideographic space too
TRIMMED = " \t\u3000"
NAME_MIN, NAME_MAX = 2, 30
TOP_COMPETITORS = 10
TOP_PRODUCTS = 20
LATEST_NOTES = 5
NOTE_CHARS = 200


def moments(start: datetime.date, end: datetime.date) -> tuple[datetime.datetime, ...]:
    """[start, end] as [first moment, moment after) in the department's calendar (the same
    days targets.actuals counts contracts and receipts in)."""
    tz = timezone.get_default_timezone()
    first = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    after = datetime.datetime.combine(
        end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz
    )
    return first, after


def as_of(end: datetime.date) -> datetime.datetime:
    """When "overdue" is judged for a period: its end, or now while the period runs (an
    account that may still be visited this month is not overdue yet)."""
    return min(moments(end, end)[1] - datetime.timedelta(microseconds=1), timezone.now())


def has_text(field: str) -> Q:
    """The field holds something besides spaces (annotate `<field>_t` with `trimmed` first)."""
    return ~Q(**{f"{field}_t": ""})


def trimmed(qs: QuerySet, fields=THEME_FIELDS) -> QuerySet:
    return qs.alias(**{f"{f}_t": Trim(f) for f in fields})


def any_market_info() -> Q:
    q = Q()
    for field in THEME_FIELDS:
        q |= has_text(field)
    return q | Q(dealer_stock__isnull=False)


def people(scope: Scope) -> list[dict]:
    """The salespeople a report is about, each with the names of their branches in scope:
    one query."""
    ids = scope.people().values("pk")
    return list(
        User.objects.filter(pk__in=ids)
        .annotate(
            branch=StringAgg(
                "offices__name",
                delimiter=Value("、"),
                filter=Q(offices__in=scope.office_ids),
                order_by="offices__name",
            )
        )
        .order_by("display_name", "username", "pk")
        .values("pk", "display_name", "username", "branch")
    )


def person_name(row: dict) -> str:
    return row.get("display_name") or row.get("username") or ""


def _sql(qs: QuerySet) -> tuple[str, tuple]:
    sql, params = qs.query.sql_with_params()
    return sql, tuple(params)


def competitors_named(records: QuerySet[VisitRecord]) -> list[dict]:
    """The competitors named most in `records` (R-9.7's "other brands and competitors'
    moves"): the text split on its separators, each name trimmed, names of 2-30 characters
    counted once per record, grouped case-insensitively; the top ten."""
    sub, params = _sql(records.order_by().values("pk"))
    table = VisitRecord._meta.db_table
    query = f"""
        SELECT min(name) AS name, count(DISTINCT id) AS records,
               count(DISTINCT account_id) AS accounts, max(date) AS latest
        FROM (
            SELECT r.id, r.account_id, r.date, btrim(part, %s) AS name
            FROM {table} r, regexp_split_to_table(r.competitors, %s) AS part
            WHERE r.id IN ({sub})
        ) named
        WHERE char_length(name) BETWEEN %s AND %s
        GROUP BY lower(name)
        ORDER BY records DESC, accounts DESC, min(name)
        LIMIT %s
    """  # noqa: S608 (table names and theme keys are constants, the values are params)
    args = (TRIMMED, COMPETITOR_SEPARATORS, *params, NAME_MIN, NAME_MAX, TOP_COMPETITORS)
    return _fetch(query, args)


def price_feedback_by_product(records: QuerySet[VisitRecord]) -> list[dict]:
    """The catalog's products named in the price feedback of `records`: how many records
    name each, the latest day and the latest note (a product's name found in the text,
    case-insensitively)."""
    sub, params = _sql(records.order_by().values("pk"))
    table = VisitRecord._meta.db_table
    products = Product._meta.db_table
    query = f"""
        SELECT p.id AS product, p.code AS code, p.name AS name,
               count(r.id) AS records, max(r.date) AS latest,
               left((array_agg(r.price_feedback ORDER BY r.date DESC, r.id DESC))[1], %s)
                   AS note
        FROM {products} p
        JOIN {table} r
          ON char_length(p.name) > 0 AND strpos(lower(r.price_feedback), lower(p.name)) > 0
        WHERE r.id IN ({sub})
        GROUP BY p.id, p.code, p.name
        ORDER BY records DESC, latest DESC, p.code
        LIMIT %s
    """  # noqa: S608 (table names and theme keys are constants, the values are params)
    return _fetch(query, (NOTE_CHARS, *params, TOP_PRODUCTS))


def latest_notes(records: QuerySet[VisitRecord]) -> list[dict]:
    """The latest five notes of each theme among `records`, newest first: one query, the
    themes unfolded with a LATERAL VALUES list and numbered with ROW_NUMBER() per theme."""
    sub, params = _sql(records.order_by().values("pk"))
    table = VisitRecord._meta.db_table
    values = ", ".join(f"('{key}', r.{field})" for key, field, _label in THEMES)
    order = " ".join(f"WHEN '{key}' THEN {n}" for n, (key, _f, _l) in enumerate(THEMES))
    query = f"""
        SELECT n.theme, n.date, a.name AS account, coalesce(nullif(u.display_name, ''),
               u.username) AS person, o.name AS office, left(btrim(n.note, %s), %s) AS note
        FROM (
            SELECT t.theme, t.note, r.date, r.account_id, r.salesperson_id, r.office_id,
                   row_number() OVER (PARTITION BY t.theme ORDER BY r.date DESC, r.id DESC)
                       AS place
            FROM {table} r
            CROSS JOIN LATERAL (VALUES {values}) AS t(theme, note)
            WHERE r.id IN ({sub}) AND btrim(t.note, %s) <> ''
        ) n
        JOIN {Account._meta.db_table} a ON a.id = n.account_id
        JOIN {User._meta.db_table} u ON u.id = n.salesperson_id
        JOIN {Office._meta.db_table} o ON o.id = n.office_id
        WHERE n.place <= %s
        ORDER BY CASE n.theme {order} END, n.place
    """  # noqa: S608 (table names and theme keys are constants, the values are params)
    return _fetch(query, (TRIMMED, NOTE_CHARS, *params, TRIMMED, LATEST_NOTES))


def theme_label(key: str):
    return next(label for k, _f, label in THEMES if k == key)


def _fetch(query: str, args: tuple) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(query, args)
        names = [c.name for c in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
