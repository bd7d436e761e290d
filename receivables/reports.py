"""The figures of the receivables reports (R-15.7), each a GROUP BY in PostgreSQL: a page asks
a fixed number of queries whatever the number of accounts, invoices or receipts, and no figure
is added up in Python (the tables' totals rows are reports.tables.totals_of over these rows).

- aging: open amounts per account, salesperson (the account's owner) or branch in the buckets of
  figures.aging_rows, beside the unallocated credit and the ledger balance as of the same day, so
  that open − credit = balance on every row (R-15.1);
- journal: an office's ledger lines of the day(s), per day and per account, with the office's
  opening and closing balance;
- daily collection: the receipts of the day(s) per salesperson and method, a reversal counting
  against its day;
- unpaid: each account's open and overdue amounts at a day, per salesperson;
- collection rate: received ÷ due of the invoices falling due in the period.
"""

import datetime
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, NullIf, Round

from accounts.models import Account

from . import figures
from .choices import PaymentMethod
from .models import Allocation, Invoice, LedgerLine, Receipt, Refund

ZERO = Decimal("0.00")
MONEY = DecimalField(max_digits=14, decimal_places=2)
RATIO = DecimalField(max_digits=9, decimal_places=4)
BUCKETS = figures.AGING_KEYS  # current, d31_60, d61_90, d91_180, over_180
# a reversal takes its original's money back on its own day
SIGNED = Case(
    When(reversal_of__isnull=False, then=-F("amount")), default=F("amount"), output_field=MONEY
)


def _money(expression):
    return Coalesce(expression, Value(ZERO), output_field=MONEY)


def name_of(path: str):
    """A person's name as the pages show it: the display name, else the username."""
    return Coalesce(NullIf(f"{path}display_name", Value("")), f"{path}username")


def _sum_of(model, link: str, amount, condition: Q):
    rows = (
        model.objects.filter(condition, **{link: OuterRef("pk")})
        .order_by()
        .values(link)
        .annotate(total=Sum(amount))
        .values("total")
    )
    return _money(Subquery(rows, output_field=MONEY))


# ---------------------------------------------------------------- aging


def with_credit_and_balance(accounts: QuerySet[Account], as_of: datetime.date) -> QuerySet:
    """Accounts with `credit_one` (received, less allocated, less refunded, each dated on or
    before the day) and `balance_one` (their ledger's debits − credits to the day)."""
    dated = Q(date__lte=as_of)
    received = _sum_of(Receipt, "account", SIGNED, dated)
    allocated = _sum_of(Allocation, "receipt__account", F("amount"), dated)
    refunded = _sum_of(Refund, "account", F("amount"), dated)
    ledger = _sum_of(LedgerLine, "account", F("debit") - F("credit"), dated)
    return accounts.annotate(
        credit_one=ExpressionWrapper(received - allocated - refunded, output_field=MONEY),
        balance_one=ledger,
    )


GROUPS = {
    # aging_rows' group → the account's field and the label's source
    "account": ("pk", "name"),
    "account__owner": ("owner", None),
    "office": ("office", "office__name"),
}


def aging(
    *, invoices: QuerySet[Invoice], accounts: QuerySet[Account], as_of: datetime.date, group: str
) -> list[dict]:
    """R-15.7: one row per account, salesperson or branch with an open amount, a credit or a
    balance: `{key, label, salesperson?, current … over_180, total, credit, balance}`. Two
    queries: the buckets (figures.aging_rows) and the accounts' credit and balance."""
    key, label = GROUPS[group]
    buckets = {row[group]: row for row in figures.aging_rows(invoices, as_of, group)}
    money = with_credit_and_balance(accounts.order_by(), as_of)
    if group == "account":
        rows = (
            money.filter(~Q(credit_one=0) | ~Q(balance_one=0) | Q(pk__in=list(buckets)))
            .annotate(label=F("name"), salesperson=name_of("owner__"))
            .values("pk", "label", "salesperson", credit=F("credit_one"), balance=F("balance_one"))
            .order_by("salesperson", "label", "pk")
        )
    else:
        label_expr = name_of("owner__") if label is None else F(label)
        rows = (
            money.annotate(label=label_expr)
            .values(key, "label")
            .annotate(credit=_money(Sum("credit_one")), balance=_money(Sum("balance_one")))
            .order_by("label", key)
        )
    out = []
    for row in rows:
        ident = row["pk"] if group == "account" else row[key]
        found = buckets.get(ident)
        if found is None and not row["credit"] and not row["balance"]:
            continue
        empty = {k: ZERO for k in (*BUCKETS, "total")}
        out.append({**row, "key": ident, **empty, **(found or {})})
    return out


# ---------------------------------------------------------------- the journal


def journal(*, office, start: datetime.date, end: datetime.date, limit: int) -> dict:
    """R-15.7: the receivables journal (应收账款日记表) of an office for the day(s): `summary`
    (the office's opening balance, debits, credits, closing balance), `days`, `accounts`
    (each account that moved: opening, debits, credits, closing) and the first `limit`
    `lines` (with `more` when there are others). Four queries."""
    lines = LedgerLine.objects.filter(office=office, date__lte=end).order_by()
    net = F("debit") - F("credit")
    within = Q(date__gte=start)
    sums = {
        "opening": _money(Sum(net, filter=Q(date__lt=start))),
        "debits": _money(Sum("debit", filter=within)),
        "credits": _money(Sum("credit", filter=within)),
        "closing": _money(Sum(net)),
    }
    summary = lines.aggregate(**sums, count=Count("pk", filter=within))
    period = lines.filter(within)
    days = (
        period.values("date")
        .annotate(debits=_money(Sum("debit")), credits=_money(Sum("credit")), count=Count("pk"))
        .order_by("date")
    )
    accounts = (
        lines.values("account", "account__name")
        .annotate(**sums)
        .filter(Q(debits__gt=0) | Q(credits__gt=0))
        .order_by("account__name", "account")
    )
    detail = list(
        period.order_by("date", "pk").values(
            "date", "document", "kind", "account__name", "debit", "credit"
        )[: limit + 1]
    )
    return {
        "summary": summary,
        "days": list(days),
        "accounts": list(accounts),
        "lines": detail[:limit],
        "more": len(detail) > limit,
    }


# ---------------------------------------------------------------- daily collection


def collections(
    *, office, start: datetime.date, end: datetime.date, owner=None, limit: int
) -> dict:
    """R-15.7: the daily collection report (收款日报表): the receipts of the day(s) net of
    reversals per salesperson (the account's owner) and method, and the first `limit`
    receipts themselves. Two queries."""
    receipts = Receipt.objects.filter(office=office, date__gte=start, date__lte=end).order_by()
    if owner is not None:
        receipts = receipts.filter(account__owner=owner)
    receipts = receipts.annotate(salesperson=name_of("account__owner__"))
    by_method = {m: _money(Sum(SIGNED, filter=Q(method=m))) for m in PaymentMethod.values}
    people = (
        receipts.values("account__owner", "salesperson")
        .annotate(**by_method, total=_money(Sum(SIGNED)), count=Count("pk"))
        .order_by("salesperson", "account__owner")
    )
    detail = list(
        receipts.annotate(signed=SIGNED)
        .order_by("date", "pk")
        .values(
            "date",
            "number",
            "account__name",
            "salesperson",
            "method",
            "signed",
            "reversal_of__number",
        )[: limit + 1]
    )
    return {"people": list(people), "receipts": detail[:limit], "more": len(detail) > limit}


# ---------------------------------------------------------------- the unpaid report


def _open_at(*, office, as_of: datetime.date, owner=None) -> QuerySet:
    invoices = Invoice.objects.filter(office=office, red_of__isnull=True, date__lte=as_of)
    if owner is not None:
        invoices = invoices.filter(account__owner=owner)
    return (
        figures.with_open_amount(invoices.order_by(), as_of)
        .filter(open_amount__gt=0)
        .annotate(salesperson=name_of("account__owner__"))
    )


def _unpaid_sums(as_of: datetime.date) -> dict:
    # overdue: past its due date on the day (at least one day overdue)
    overdue = Case(When(due_date__lt=as_of, then=F("open_amount")), output_field=MONEY)
    return {
        "open": _money(Sum("open_amount")),
        "overdue": _money(Sum(overdue)),
        "invoices": Count("pk"),
    }


def unpaid(*, office, as_of: datetime.date, owner=None) -> dict:
    """R-15.7: the unpaid report (未收款项报告表): each account's open and overdue amounts on
    the day, per account and per salesperson (one salesperson's when `owner`). Two queries."""
    qs = _open_at(office=office, as_of=as_of, owner=owner)
    sums = _unpaid_sums(as_of)
    accounts = (
        qs.values("account__owner", "salesperson", "account", "account__name")
        .annotate(**sums)
        .order_by("salesperson", "account__owner", "account__name", "account")
    )
    people = (
        qs.values("account__owner", "salesperson")
        .annotate(**sums)
        .order_by("salesperson", "account__owner")
    )
    return {"accounts": list(accounts), "people": list(people)}


def unpaid_totals(*, office, as_of: datetime.date, owner) -> dict:
    """One salesperson's open and overdue totals on the day, as their report freezes them."""
    return _open_at(office=office, as_of=as_of, owner=owner).aggregate(**_unpaid_sums(as_of))


# ---------------------------------------------------------------- the collection rate


def _rate(received, due):
    return Round(
        ExpressionWrapper(received / NullIf(due, Value(ZERO)), output_field=RATIO),
        4,
        output_field=RATIO,
    )


def collection_rate(
    *, invoices: QuerySet[Invoice], start: datetime.date, end: datetime.date, group: str
) -> dict:
    """R-15.7: the collection rate (回款率) of the invoices falling due in the period: due =
    their amounts less red-letter invoices and write-offs by the period's end; received =
    what was allocated to them by the period's end; rate = received ÷ due. Per salesperson
    (`group` "account__owner") or branch ("office"), and the total. Two queries."""
    qs = figures.with_open_amount(
        invoices.filter(red_of__isnull=True, due_date__gte=start, due_date__lte=end).order_by(),
        end,
    )
    due = Sum(F("amount") - F("credited") - F("written_off"))
    received = Sum("allocated")
    sums = {
        "due": _money(due),
        "received": _money(received),
        "rate": _rate(received, due),
        "invoices": Count("pk"),
    }
    label = name_of("account__owner__") if group == "account__owner" else F("office__name")
    rows = qs.annotate(label=label).values(group, "label").annotate(**sums).order_by("label", group)
    return {"rows": list(rows), "totals": qs.aggregate(**sums)}
