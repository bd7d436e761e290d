"""Reads of contracts: every list goes through contracts_visible_to; credit exposure (R-9.5);
the clerk's filing queue (R-12.2)."""

import datetime
from decimal import Decimal

from django.db.models import DecimalField, ExpressionWrapper, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, Greatest

from staff.choices import Role
from staff.permissions import office_ids_of

from . import rules
from .choices import ContractStatus
from .models import ContractLine, SalesContract

ZERO = Decimal("0.00")

# the roles that see every contract of their branch (RULES.md roles: the manager approves,
# the clerk files, finance invoices and collects)
BRANCH_READERS = (Role.MANAGER, Role.CLERK, Role.FINANCE)
# and those who see every branch's
LEADERSHIP = (Role.DIRECTOR, Role.EXECUTIVE)


def contracts_visible_to(user) -> QuerySet[SalesContract]:
    """The contracts this user may see: a salesperson the contracts of the accounts they own
    or deputise (and those they own themselves); the branch's manager, clerk and finance
    every contract of the branch; the director and leadership all. Anyone else none."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return SalesContract.objects.none()
    qs = SalesContract.objects.all()
    if user.has_role(*LEADERSHIP):
        return qs
    offices = office_ids_of(user)
    scope = Q(pk__in=[])
    if user.has_role(*BRANCH_READERS):
        scope |= Q(office_id__in=offices)
    if user.has_role(Role.SALESPERSON):
        scope |= Q(office_id__in=offices) & (
            Q(owner=user) | Q(account__owner=user) | Q(account__deputy=user)
        )
    return qs.filter(scope)


def may_edit(user, contract: SalesContract) -> bool:
    """The contract's salesperson: its owner, its author, the account's owner or deputy."""
    return user.pk in {
        contract.owner_id,
        contract.author_id,
        contract.account.owner_id,
        contract.account.deputy_id,
    }


# ---------------------------------------------------------------- credit


def unshipped_signed_value(account) -> Decimal:
    """R-9.5: the value of the account's signed contracts not shipped yet: each line's amount
    for the quantity still owed (ordered, less what shipped and stayed shipped; a fulfilled,
    closed or cancelled contract has nothing left to ship)."""
    from shipping.progress import with_progress

    lines = with_progress(
        ContractLine.objects.filter(
            contract__account=account, contract__status=ContractStatus.SIGNED
        )
    ).annotate(
        owed=Greatest(
            F("quantity") - F("cancelled_quantity") - F("shipped") + F("exchanged_back"),
            Value(Decimal("0")),
        )
    )
    value = ExpressionWrapper(
        F("amount") * F("owed") / F("quantity"),
        output_field=DecimalField(max_digits=20, decimal_places=6),
    )
    total = lines.aggregate(v=Coalesce(Sum(value), Value(Decimal("0"))))["v"]
    return Decimal(total).quantize(Decimal("0.01"))


def credit_check_exposure(account, *, excluding: SalesContract | None = None) -> Decimal:
    """What a contract's credit check adds itself to (R-9.5): the account's exposure, plus the
    account's other contracts waiting for approval, so that two contracts submitted together
    cannot each fit under the limit that they exceed together (contract_submit takes the
    account's row lock, so the second sees the first)."""
    from accounts.selectors import account_exposure

    pending = SalesContract.objects.filter(account=account, status=ContractStatus.PENDING)
    if excluding is not None and excluding.pk:
        pending = pending.exclude(pk=excluding.pk)
    waiting = pending.aggregate(v=Coalesce(Sum("total"), Value(ZERO)))["v"]
    return account_exposure(account) + waiting


# ---------------------------------------------------------------- filing


def unfiled(qs: QuerySet[SalesContract]) -> QuerySet[SalesContract]:
    """Numbered, signed (or since fulfilled, closed, cancelled) and not filed."""
    return qs.filter(
        filed_at__isnull=True,
        status__in=[
            ContractStatus.SIGNED,
            ContractStatus.FULFILLED,
            ContractStatus.CLOSED,
            ContractStatus.CANCELLED,
        ],
    ).exclude(number="")


def filing_queue(user, office, *, now: datetime.datetime) -> list[SalesContract]:
    """R-12.2: the office's signed contracts not filed yet, oldest first; each with
    `overdue` (not filed by the end of its signing day)."""
    qs = unfiled(contracts_visible_to(user).filter(office=office))
    rows = list(qs.select_related("account", "owner", "office").order_by("signed_at", "pk"))
    for contract in rows:
        contract.overdue = rules.filing_overdue(
            signed_at=contract.signed_at, now=now, tz=office.tzinfo
        )
    return rows


def lines_with_quote(contract: SalesContract) -> list[ContractLine]:
    """The lines, each with `deviations` against the quote line it came from (R-8.3)."""
    lines = list(contract.lines.select_related("product", "quote_line__product").order_by("pk"))
    for line in lines:
        line.deviations = {}
        if contract.quote_id:
            line.deviations = rules.line_deviations(
                {
                    "product_id": line.product_id,
                    "quantity": line.quantity,
                    "unit_price": line.unit_price,
                },
                line.quote_line,
            )
    return lines


def quote_lines_dropped(contract: SalesContract) -> list:
    """The quote's lines that no line of the contract carries any more (R-8.3)."""
    if not contract.quote_id:
        return []
    kept = set(contract.lines.exclude(quote_line=None).values_list("quote_line_id", flat=True))
    return [
        ql for ql in contract.quote.lines.select_related("product").order_by("pk")
        if ql.pk not in kept
    ]  # fmt: skip
