"""The tables of the receivables reports (R-15.7): rows of receivables.reports laid out as
reports.tables.Table, so that the page, the chart and the Excel file show the same numbers.
Nothing here computes a figure: rows are labelled (a date as text, a method by its name) and
totalled by reports.tables.totals_of."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from reports.tables import BAR, INT, MONEY, PERCENT, TEXT, Chart, Col, Table, totals_of

from .choices import LedgerKind, PaymentMethod
from .reports import BUCKETS

TOTAL = _("Total")

BUCKET_COLUMNS = [
    Col("current", pgettext_lazy("receivables report", "0–30 days"), MONEY),
    Col("d31_60", pgettext_lazy("receivables report", "31–60 days"), MONEY),
    Col("d61_90", pgettext_lazy("receivables report", "61–90 days"), MONEY),
    Col("d91_180", pgettext_lazy("receivables report", "91–180 days"), MONEY),
    Col("over_180", pgettext_lazy("receivables report", "Over 180 days"), MONEY),
    Col("total", pgettext_lazy("receivables report", "Open"), MONEY),
    Col("credit", pgettext_lazy("receivables report", "Unallocated credit"), MONEY),
    Col("balance", pgettext_lazy("receivables report", "Ledger balance"), MONEY),
]
ACCOUNT = Col("label", pgettext_lazy("receivables report", "Account"), TEXT)
SALESPERSON = Col("salesperson", pgettext_lazy("receivables report", "Salesperson"), TEXT)
BRANCH = Col("label", pgettext_lazy("receivables report", "Branch"), TEXT)
AGING_NOTE = _(
    "Days overdue on the day chosen; 0–30 days includes what is not yet due. Open less "
    "unallocated credit equals the ledger balance on every row."
)


def _totalled(key, title, columns, rows, label_key, chart=None, note="") -> Table:
    return Table(key, title, columns, rows, totals_of(rows, columns, label_key, TOTAL), chart, note)


def aging_tables(*, accounts: list, people: list, branches: list) -> list[Table]:
    by_person = [Col("label", SALESPERSON.label, TEXT), *BUCKET_COLUMNS]
    return [
        _totalled(
            "salespeople",
            pgettext_lazy("receivables report", "Aging by salesperson"),
            by_person,
            people,
            "label",
            Chart(BAR, "label", BUCKETS),
            AGING_NOTE,
        ),
        _totalled(
            "accounts",
            pgettext_lazy("receivables report", "Aging by account"),
            [ACCOUNT, SALESPERSON, *BUCKET_COLUMNS],
            accounts,
            "label",
        ),
        _totalled(
            "branches",
            pgettext_lazy("receivables report", "Aging by branch"),
            [BRANCH, *BUCKET_COLUMNS],
            branches,
            "label",
            Chart(BAR, "label", BUCKETS),
        ),
    ]


def _money_cols(*keys_labels) -> list[Col]:
    return [Col(key, label, MONEY) for key, label in keys_labels]


OPENING = pgettext_lazy("receivables report", "Opening balance")
DEBITS = pgettext_lazy("receivables report", "Debits")
CREDITS = pgettext_lazy("receivables report", "Credits")
CLOSING = pgettext_lazy("receivables report", "Closing balance")
LINES = pgettext_lazy("receivables report", "Lines")
DATE = pgettext_lazy("receivables report", "Date")


def _more_note(more: bool, limit: int):
    if not more:
        return ""
    return _(
        "Only the first %(n)d are listed; the other tables count them all. Choose a shorter "
        "period to see the rest."
    ) % {"n": limit}


def journal_tables(figures: dict, *, office_name: str, limit: int) -> list[Table]:
    flows = _money_cols(("opening", OPENING), ("debits", DEBITS), ("credits", CREDITS))
    flows.append(Col("closing", CLOSING, MONEY))
    summary_cols = [Col("office", BRANCH.label, TEXT), *flows, Col("count", LINES, INT)]
    day_cols = [
        Col("date", DATE, TEXT),
        *_money_cols(("debits", DEBITS), ("credits", CREDITS)),
        Col("count", LINES, INT),
    ]
    days = [{**row, "date": row["date"].isoformat()} for row in figures["days"]]
    account_cols = [Col("account__name", ACCOUNT.label, TEXT), *flows]
    line_cols = [
        Col("date", DATE, TEXT),
        Col("document", pgettext_lazy("receivables report", "Document"), TEXT),
        Col("kind", pgettext_lazy("receivables report", "Kind"), TEXT),
        Col("account__name", ACCOUNT.label, TEXT),
        *_money_cols(
            ("debit", pgettext_lazy("receivables report", "Debit")),
            ("credit", pgettext_lazy("receivables report", "Credit")),
        ),
    ]
    lines = [
        {**row, "date": row["date"].isoformat(), "kind": LedgerKind(row["kind"]).label}
        for row in figures["lines"]
    ]
    more = figures["more"]
    return [
        Table(
            "office",
            pgettext_lazy("receivables report", "The branch's receivables"),
            summary_cols,
            [{**figures["summary"], "office": office_name}],
        ),
        _totalled(
            "days",
            pgettext_lazy("receivables report", "By day"),
            day_cols,
            days,
            "date",
            Chart(BAR, "date", ("debits", "credits")),
        ),
        _totalled(
            "accounts",
            pgettext_lazy("receivables report", "By account"),
            account_cols,
            figures["accounts"],
            "account__name",
            note=_("The accounts with a line in the period."),
        ),
        Table(
            "lines",
            pgettext_lazy("receivables report", "Ledger lines"),
            line_cols,
            lines,
            None if more else totals_of(lines, line_cols, "date", TOTAL),
            note=_more_note(more, limit),
        ),
    ]


METHOD_COLUMNS = [Col(value, label, MONEY) for value, label in PaymentMethod.choices]


def collection_tables(figures: dict, *, limit: int) -> list[Table]:
    people_cols = [
        SALESPERSON,
        *METHOD_COLUMNS,
        Col("total", TOTAL, MONEY),
        Col("count", pgettext_lazy("receivables report", "Entries"), INT),
    ]
    receipt_cols = [
        Col("date", DATE, TEXT),
        Col("number", pgettext_lazy("receivables report", "Receipt"), TEXT),
        Col("account__name", ACCOUNT.label, TEXT),
        SALESPERSON,
        Col("method", pgettext_lazy("receivables report", "Method"), TEXT),
        Col("signed", pgettext_lazy("receivables report", "Amount"), MONEY),
        Col("reversal_of__number", pgettext_lazy("receivables report", "Reverses"), TEXT),
    ]
    receipts = [
        {**row, "date": row["date"].isoformat(), "method": PaymentMethod(row["method"]).label}
        for row in figures["receipts"]
    ]
    more = figures["more"]
    return [
        _totalled(
            "salespeople",
            pgettext_lazy("receivables report", "Receipts by salesperson and method"),
            people_cols,
            figures["people"],
            "salesperson",
            Chart(BAR, "salesperson", ("total",)),
            _("A reversed receipt counts against the day it was reversed."),
        ),
        Table(
            "receipts",
            pgettext_lazy("receivables report", "Receipts"),
            receipt_cols,
            receipts,
            None if more else totals_of(receipts, receipt_cols, "date", TOTAL),
            note=_more_note(more, limit),
        ),
    ]


UNPAID_COLUMNS = [
    Col("open", pgettext_lazy("receivables report", "Unpaid"), MONEY),
    Col("overdue", pgettext_lazy("receivables report", "Overdue"), MONEY),
    Col("invoices", pgettext_lazy("receivables report", "Invoices"), INT),
]


def unpaid_tables(figures: dict) -> list[Table]:
    return [
        _totalled(
            "salespeople",
            pgettext_lazy("receivables report", "Unpaid by salesperson"),
            [SALESPERSON, *UNPAID_COLUMNS],
            figures["people"],
            "salesperson",
            Chart(BAR, "salesperson", ("open", "overdue")),
        ),
        _totalled(
            "accounts",
            pgettext_lazy("receivables report", "Unpaid by account"),
            [SALESPERSON, Col("account__name", ACCOUNT.label, TEXT), *UNPAID_COLUMNS],
            figures["accounts"],
            "salesperson",
        ),
    ]


RATE_COLUMNS = [
    Col("due", pgettext_lazy("receivables report", "Falling due"), MONEY),
    Col("received", pgettext_lazy("receivables report", "Received"), MONEY),
    Col("rate", pgettext_lazy("receivables report", "Collection rate"), PERCENT),
    Col("invoices", pgettext_lazy("receivables report", "Invoices"), INT),
]


def _rate_table(key, title, first: Col, figures: dict) -> Table:
    return Table(
        key,
        title,
        [first, *RATE_COLUMNS],
        figures["rows"],
        {**figures["totals"], "label": TOTAL},
        Chart(BAR, "label", ("due", "received")),
    )


def rate_tables(people: dict, branches: dict) -> list[Table]:
    return [
        _rate_table(
            "salespeople",
            pgettext_lazy("receivables report", "Collection rate by salesperson"),
            Col("label", SALESPERSON.label, TEXT),
            people,
        ),
        _rate_table(
            "branches",
            pgettext_lazy("receivables report", "Collection rate by branch"),
            BRANCH,
            branches,
        ),
    ]
