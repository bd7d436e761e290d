"""The money invariants of receivables checked for every account, invoice, receipt, ledger
document and contract at once (R-14.2, R-14.3, R-15.1, R-15.3): a handful of GROUP BY queries
whatever the number of rows; `manage.py reconcile` prints each mismatch in words.

- per account: ledger balance (Σ debits − Σ credits) = Σ open amounts of its invoices − its
  unallocated credit (receipts not allocated, less refunds), and that credit is not negative;
- per ledger document: each invoice, red-letter invoice, receipt, reversal, refund and
  approved write-off has ledger lines of exactly its amount on the side of its kind, and
  nothing else has any (a line slipped in behind the services' back is reported here and on
  its account);
- per invoice: 0 ≤ allocated ≤ amount − credited by red-letter invoices − written off, only
  ordinary invoices are allocated or credited, and every allocation is of the invoice's own
  account;
- per receipt: what it allocates lies between 0 and its amount (a reversal's: between minus
  its amount and 0);
- per contract: invoiced − red ≤ the contract's total when it says invoice before delivery,
  else ≤ the value shipped. Goods received back after being invoiced are counted until
  their red-letter invoice is issued (R-14.3 asks for one; that is a task on the returns'
  pages, not a broken book), so the bound is the value shipped before returns; the services
  hold the stricter bound, net of returns, whenever an invoice is issued (R-14.2).
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, ExpressionWrapper, F, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce

from contracts.models import ContractLine, SalesContract
from shipping.progress import with_progress

from .choices import DEBIT_KINDS, WriteOffStatus
from .figures import MONEY, ZERO, receipts_with_unallocated, with_open_amount
from .models import Allocation, Invoice, LedgerLine, Receipt, Refund, WriteOff


@dataclass(frozen=True)
class Mismatch:
    kind: str
    ref: str
    detail: str

    def __str__(self) -> str:
        return f"{self.kind} {self.ref}: {self.detail}"


def _scope(offices, field: str = "office") -> Q:
    return Q() if offices is None else Q(**{f"{field}__in": offices})


def _sums(qs, key: str, total) -> dict[int, Decimal]:
    rows = qs.order_by().values(key).annotate(t=Coalesce(total, Value(ZERO), output_field=MONEY))
    return {row[key]: row["t"] for row in rows}


# ---------------------------------------------------------------- accounts


def account_mismatches(offices=None) -> list[Mismatch]:
    """Per account: balance = Σ open − unallocated credit, and the credit is not negative.
    Allocations count toward the invoice's account on one side and the receipt's on the
    other, so that one set against another account's invoice unbalances both."""
    scope = _scope(offices)
    lines = LedgerLine.objects.filter(scope)
    debits = _sums(lines, "account", Sum("debit"))
    credits = _sums(lines, "account", Sum("credit"))
    invoices = Invoice.objects.filter(scope)
    invoiced = _sums(invoices.filter(red_of__isnull=True), "account", Sum("amount"))
    red = _sums(invoices.filter(red_of__isnull=False), "account", Sum("amount"))
    paid = _sums(
        Allocation.objects.filter(_scope(offices, "invoice__office")),
        "invoice__account",
        Sum("amount"),
    )
    written_off = _sums(
        WriteOff.objects.filter(scope, status=WriteOffStatus.APPROVED), "account", Sum("amount")
    )
    signed = Case(When(reversal_of__isnull=False, then=-F("amount")), default=F("amount"))
    received = _sums(Receipt.objects.filter(scope), "account", Sum(signed, output_field=MONEY))
    allocated = _sums(
        Allocation.objects.filter(_scope(offices, "receipt__office")),
        "receipt__account",
        Sum("amount"),
    )
    refunded = _sums(Refund.objects.filter(scope), "account", Sum("amount"))
    accounts = set().union(debits, credits, invoiced, red, paid, written_off, received, allocated)
    accounts |= set(refunded)
    found = []
    for account in sorted(accounts):
        balance = debits.get(account, ZERO) - credits.get(account, ZERO)
        open_total = (
            invoiced.get(account, ZERO)
            - red.get(account, ZERO)
            - paid.get(account, ZERO)
            - written_off.get(account, ZERO)
        )
        credit = received.get(account, ZERO) - allocated.get(account, ZERO)
        credit -= refunded.get(account, ZERO)
        if balance != open_total - credit:
            found.append(
                Mismatch(
                    "account",
                    str(account),
                    f"ledger balance {balance} ≠ open invoices {open_total} − unallocated "
                    f"credit {credit}",
                )
            )
        if credit < 0:
            found.append(
                Mismatch("account", str(account), f"unallocated credit {credit} is negative")
            )
    return found


# ---------------------------------------------------------------- ledger documents


def _posted(field: str, amount, **condition):
    """Per document (OuterRef pk), the sum of `amount` over its ledger lines."""
    rows = (
        LedgerLine.objects.filter(**{field: OuterRef("pk")}, **condition)
        .order_by()
        .values(field)
        .annotate(t=Sum(amount))
        .values("t")
    )
    return Coalesce(Subquery(rows, output_field=MONEY), Value(ZERO), output_field=MONEY)


def _kind(other_kind: str | None, tells: str | None, own: str):
    if other_kind is None:
        return Value(own)
    return Case(When(**{f"{tells}__isnull": False}, then=Value(other_kind)), default=Value(own))


LEDGER_DOCUMENTS = (  # the line's field, the document, what tells its other kind, that kind
    ("invoice", Invoice, "red_of", "red_invoice"),
    ("receipt", Receipt, "reversal_of", "reversal"),
    ("refund", Refund, None, None),
    ("write_off", WriteOff, None, None),
)


def document_mismatches(offices=None) -> list[Mismatch]:
    """Each document's ledger lines, in one query per kind of document: exactly its amount
    in all, all of it of the kind it posts and on that kind's side (a write-off only once
    approved, and nothing before)."""
    found = []
    for field, model, tells, other_kind in LEDGER_DOCUMENTS:
        expected = F("amount")
        if model is WriteOff:
            expected = Case(
                When(status=WriteOffStatus.APPROVED, then=F("amount")),
                default=Value(ZERO),
                output_field=MONEY,
            )
        debit_kinds = [k.value for k in DEBIT_KINDS]
        rows = (
            model.objects.filter(_scope(offices))
            .annotate(
                expected_kind=_kind(other_kind, tells, field),
                expected=ExpressionWrapper(expected, output_field=MONEY),
            )
            .annotate(
                total=_posted(field, F("debit") + F("credit")),
                debits=_posted(field, F("debit"), kind=OuterRef("expected_kind")),
                credits=_posted(field, F("credit"), kind=OuterRef("expected_kind")),
            )
            .annotate(
                right=Case(
                    When(expected_kind__in=debit_kinds, then=F("debits")), default=F("credits")
                )
            )
            .filter(~Q(total=F("expected")) | ~Q(right=F("expected")))
            .order_by("pk")
            .values_list("pk", "expected_kind", "expected", "total", "right")
        )
        found += [
            Mismatch(
                "ledger",
                f"{field} {pk}",
                f"posts {total} in all, {right} as its {kind} entry; expected {expected}",
            )
            for pk, kind, expected, total, right in rows
        ]
    return found


# ---------------------------------------------------------------- invoices, receipts


def invoice_mismatches(offices=None) -> list[Mismatch]:
    """Per invoice: 0 ≤ allocated ≤ amount − credited − written off (R-14.3, R-15.3); a
    red-letter invoice is neither allocated, credited nor written off, and credits an ordinary
    invoice of its own account; every allocation is of its receipt's account."""
    scope = _scope(offices)
    found = []
    rows = (
        with_open_amount(Invoice.objects.filter(scope))
        .filter(
            Q(allocated__lt=0)
            | Q(open_amount__lt=0)
            | Q(red_of__isnull=False, allocated__gt=0)
            | Q(red_of__isnull=False, credited__gt=0)
            | Q(red_of__isnull=False, written_off__gt=0)
            | Q(red_of__red_of__isnull=False)
            | (Q(red_of__isnull=False) & ~Q(red_of__account=F("account")))
        )
        .order_by("pk")
        .values_list("pk", "red_of", "amount", "credited", "allocated", "written_off")
    )
    for pk, red_of, amount, credited, allocated, written_off in rows:
        if red_of is not None:
            detail = (
                f"a red-letter invoice of invoice {red_of} with {allocated} allocated, "
                f"{credited} credited, {written_off} written off (it is none of these, and "
                "credits an ordinary invoice of its own account)"
            )
        else:
            detail = (
                f"allocated {allocated} not within 0 and amount {amount} − credited "
                f"{credited} − written off {written_off}"
            )
        found.append(Mismatch("invoice", str(pk), detail))
    crossed = (
        Allocation.objects.filter(_scope(offices, "receipt__office"))
        .exclude(invoice__account=F("receipt__account"))
        .order_by("pk")
        .values_list("pk", "receipt_id", "invoice_id")
    )
    found += [
        Mismatch(
            "allocation",
            str(pk),
            f"receipt {receipt} is set against invoice {invoice} of another account",
        )
        for pk, receipt, invoice in crossed
    ]
    return found


def receipt_mismatches(offices=None) -> list[Mismatch]:
    """Per receipt: 0 ≤ allocated ≤ amount; a reversal's allocations are the negative."""
    ordinary = Q(reversal_of__isnull=True) & (Q(allocated__lt=0) | Q(allocated__gt=F("amount")))
    reversal = Q(reversal_of__isnull=False) & (Q(allocated__gt=0) | Q(allocated__lt=-F("amount")))
    rows = (
        receipts_with_unallocated(Receipt.objects.filter(_scope(offices)))
        .filter(ordinary | reversal)
        .order_by("pk")
        .values_list("pk", "amount", "reversal_of", "allocated")
    )
    found = []
    for pk, amount, reversal_of, allocated in rows:
        low, high = (-amount, ZERO) if reversal_of else (ZERO, amount)
        found.append(
            Mismatch("receipt", str(pk), f"allocates {allocated}, not within {low} and {high}")
        )
    return found


# ---------------------------------------------------------------- contracts


def contract_mismatches(offices=None) -> list[Mismatch]:
    """Per invoiced contract: invoiced − red ≤ its total (invoice before delivery) or the
    value shipped (the module's docstring), each line priced as shipping.progress does."""
    scope = _scope(offices)
    net = {}
    invoiced = _sums(Invoice.objects.filter(scope, red_of__isnull=True), "contract", Sum("amount"))
    red = _sums(Invoice.objects.filter(scope, red_of__isnull=False), "contract", Sum("amount"))
    for contract in set(invoiced) | set(red):
        net[contract] = invoiced.get(contract, ZERO) - red.get(contract, ZERO)
    if not net:
        return []
    shipped = defaultdict(lambda: ZERO)
    for line in with_progress(ContractLine.objects.filter(contract__in=list(net))).only(
        "contract", "amount", "quantity"
    ):
        if line.quantity:
            value = line.amount * line.shipped / line.quantity
            shipped[line.contract_id] += value.quantize(Decimal("0.01"))
    contracts = SalesContract.objects.filter(pk__in=list(net)).values_list(
        "pk", "invoice_before_delivery", "total"
    )
    found = []
    for pk, before_delivery, total in sorted(contracts):
        cap = total if before_delivery else shipped[pk]
        if net[pk] > cap:
            bound = "the contract's total" if before_delivery else "the value shipped"
            found.append(
                Mismatch(
                    "contract",
                    str(pk),
                    f"invoiced {invoiced.get(pk, ZERO)} − red-letter {red.get(pk, ZERO)} = "
                    f"{net[pk]} is over {bound}, {cap}",
                )
            )
    return found


def mismatches(offices=None) -> list[Mismatch]:
    return (
        account_mismatches(offices)
        + document_mismatches(offices)
        + invoice_mismatches(offices)
        + receipt_mismatches(offices)
        + contract_mismatches(offices)
    )
