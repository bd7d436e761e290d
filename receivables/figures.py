"""The figures of receivables, each a SUM in PostgreSQL (R-14, R-15): an invoice's open
amount, an account's balance and unallocated credit, a contract's invoiced amount and what it
may still be invoiced, aging.

An invoice's open amount, as of a day (default: everything):
    amount − red-letter invoices against it − allocations − write-offs.
"""

import datetime
from decimal import Decimal

from django.db.models import (
    Case,
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
from django.db.models.functions import Coalesce

from contracts.choices import ContractStatus
from shipping.progress import net_shipped_value, returned_value

from . import rules
from .choices import InvoiceRequestStatus, WriteOffStatus
from .models import Allocation, Invoice, InvoiceRequest, LedgerLine, Receipt, Refund, WriteOff

ZERO = Decimal("0.00")
MONEY = DecimalField(max_digits=14, decimal_places=2)
# the requests whose amount is held against a contract's cap until issued
HOLDING_REQUEST = (InvoiceRequestStatus.PENDING, InvoiceRequestStatus.APPROVED)


def _money(expression):
    return Coalesce(expression, Value(ZERO), output_field=MONEY)


def _sum_of(model, link: str, field: str, condition: Q):
    rows = (
        model.objects.filter(condition, **{link: OuterRef("pk")})
        .order_by()
        .values(link)
        .annotate(total=Sum(field))
        .values("total")
    )
    return _money(Subquery(rows, output_field=MONEY))


def with_open_amount(qs: QuerySet[Invoice], as_of: datetime.date | None = None) -> QuerySet:
    """Invoices annotated with `credited` (red-letter invoices), `allocated`, `written_off`
    and `open_amount`, counting what is dated on or before `as_of` when given."""
    dated = Q() if as_of is None else Q(date__lte=as_of)
    return qs.annotate(
        credited=_sum_of(Invoice, "red_of", "amount", dated),
        allocated=_sum_of(Allocation, "invoice", "amount", dated),
        written_off=_sum_of(
            WriteOff, "invoice", "amount", dated & Q(status=WriteOffStatus.APPROVED)
        ),
    ).annotate(
        open_amount=ExpressionWrapper(
            F("amount") - F("credited") - F("allocated") - F("written_off"), output_field=MONEY
        )
    )


def open_invoices(account_id: int, as_of: datetime.date | None = None) -> QuerySet[Invoice]:
    """An account's ordinary invoices with something left to pay, oldest due first (R-15.3)."""
    qs = Invoice.objects.filter(account_id=account_id, red_of__isnull=True)
    if as_of is not None:
        qs = qs.filter(date__lte=as_of)
    return with_open_amount(qs, as_of).filter(open_amount__gt=0).order_by("due_date", "date", "pk")


def open_amount(invoice: Invoice) -> Decimal:
    return with_open_amount(Invoice.objects.filter(pk=invoice.pk)).get().open_amount


def balance(account_id: int, as_of: datetime.date | None = None) -> Decimal:
    """R-15.1: the ledger's balance, Σ debits − Σ credits (as of a day, inclusive)."""
    qs = LedgerLine.objects.filter(account_id=account_id)
    if as_of is not None:
        qs = qs.filter(date__lte=as_of)
    row = qs.aggregate(d=_money(Sum("debit")), c=_money(Sum("credit")))
    return row["d"] - row["c"]


def receipts_with_unallocated(qs: QuerySet[Receipt]) -> QuerySet[Receipt]:
    """Receipts annotated with `allocated` and `unallocated` (a reversal's own figures are
    negative: it takes back its original's)."""
    return qs.annotate(
        allocated=_sum_of(Allocation, "receipt", "amount", Q()),
        signed_amount=Case(
            When(reversal_of__isnull=False, then=-F("amount")),
            default=F("amount"),
            output_field=MONEY,
        ),
    ).annotate(
        unallocated=ExpressionWrapper(F("signed_amount") - F("allocated"), output_field=MONEY)
    )


def unallocated_credit(account_id: int) -> Decimal:
    """R-15.3: what the account has paid and is not set against an invoice, less refunds."""
    receipts = receipts_with_unallocated(Receipt.objects.filter(account_id=account_id))
    received = receipts.aggregate(t=_money(Sum("unallocated")))["t"]
    refunded = Refund.objects.filter(account_id=account_id).aggregate(t=_money(Sum("amount")))
    return received - refunded["t"]


def receipt_unallocated(receipt: Receipt) -> Decimal:
    return receipts_with_unallocated(Receipt.objects.filter(pk=receipt.pk)).get().unallocated


def contract_invoiced(contract) -> tuple[Decimal, Decimal]:
    """(invoiced, credited by red-letter invoices) of a contract."""
    row = Invoice.objects.filter(contract=contract).aggregate(
        invoiced=_money(Sum("amount", filter=Q(red_of__isnull=True))),
        credited=_money(Sum("amount", filter=Q(red_of__isnull=False))),
    )
    return row["invoiced"], row["credited"]


def held_by_requests(contract, *, excluding: int | None = None) -> Decimal:
    qs = InvoiceRequest.objects.filter(contract=contract, status__in=HOLDING_REQUEST)
    if excluding is not None:
        qs = qs.exclude(pk=excluding)
    return qs.aggregate(t=_money(Sum("amount")))["t"]


def invoice_cap(contract, *, shipped_net: Decimal | None = None) -> Decimal:
    """R-14.2: what the contract may be invoiced in all. A cancelled contract is invoiced for
    what it shipped, whatever its terms: the rest of it is not sold any more (R-12.4)."""
    if shipped_net is None:
        shipped_net = net_shipped_value(contract)
    return rules.invoice_cap(
        shipped_net_value=shipped_net,
        contract_total=contract.total,
        before_delivery=contract.invoice_before_delivery
        and contract.status != ContractStatus.CANCELLED,
    )


def invoiceable(contract, *, excluding_request: int | None = None) -> Decimal:
    """R-14.2: what may still be asked for: the cap, less invoiced net of red-letter invoices,
    less what other requests waiting to be issued hold."""
    invoiced, credited = contract_invoiced(contract)
    held = held_by_requests(contract, excluding=excluding_request)
    return max(invoice_cap(contract) - (invoiced - credited) - held, ZERO)


def to_credit(contract) -> Decimal:
    """R-13.5, R-14.3: the amount for which a red-letter invoice is still needed because
    invoiced goods came back (rules.to_credit)."""
    invoiced, credited = contract_invoiced(contract)
    if not invoiced:
        return ZERO
    return rules.to_credit(
        invoiced=invoiced,
        credited=credited,
        returned=returned_value(contract),
        net_shipped=net_shipped_value(contract),
        before_delivery=contract.invoice_before_delivery,
    )


def account_receivable(account_id: int) -> Decimal:
    """The account's open receivable for its credit exposure (R-9.5): its balance, never
    below zero (a credit does not raise the limit)."""
    return max(balance(account_id), ZERO)


AGING_KEYS = ("current", "d31_60", "d61_90", "d91_180", "over_180")


def aging_rows(invoices: QuerySet[Invoice], as_of: datetime.date, group: str = "account"):
    """R-15.7: open amounts as of a day, per `group` (account, account__owner, office), in the
    five buckets of days overdue (0–30 incl. not yet due, 31–60, 61–90, 91–180, over 180):
    one GROUP BY over the invoices dated on or before the day. Rows: {group, current, d31_60,
    d61_90, d91_180, over_180, total}."""
    qs = with_open_amount(
        invoices.filter(red_of__isnull=True, date__lte=as_of).order_by(), as_of
    ).filter(open_amount__gt=0)
    limits = [(None, 30), (31, 60), (61, 90), (91, 180), (181, None)]
    sums = {}
    for key, (low, high) in zip(AGING_KEYS, limits, strict=True):
        # days overdue = as_of − due_date: bucket by the due date
        condition = Q()
        if high is not None:
            condition &= Q(due_date__gte=as_of - datetime.timedelta(days=high))
        if low is not None:
            condition &= Q(due_date__lte=as_of - datetime.timedelta(days=low))
        sums[key] = _money(Sum(Case(When(condition, then=F("open_amount")), output_field=MONEY)))
    rows = qs.values(group).annotate(**sums, total=_money(Sum("open_amount"))).order_by(group)
    return rows
