"""Writes of sales contracts (R-12): one transaction each, the contract row locked, an event
written with every change. The approval itself is the engine's (approvals.services)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import PermissionDenied, ValidationError

from accounts.models import Account
from approvals.services import approval_submit, approvals_void
from common.errors import DomainError
from common.numbering import next_number
from common.uploads import check_upload
from notifications.services import notify
from quotes.money import line_money, totals
from staff.choices import Role
from staff.permissions import manages, may

from .choices import (
    AMENDABLE,
    EDITABLE,
    NUMBER_PREFIX,
    TRANSITIONS,
    ContractKind,
    ContractStatus,
    EventKind,
    PaymentBasis,
)
from .models import ContractEvent, ContractLine, SalesContract

S = ContractStatus
MAX_LINES = 200
# the terms a salesperson sets; changing any of a signed contract is
TERM_FIELDS = (
    "kind",
    "delivery_date",
    "delivery_place",
    "advance_percent",
    "payment_basis",
    "payment_terms_days",
    "invoice_before_delivery",
)


@dataclass(frozen=True)
class LineInput:
    """One line as a page or the API gives it; quote_line only for a contract of a quote."""

    product: object
    quantity: Decimal
    unit_price: Decimal
    quote_line: object = None


def _event(contract, kind, *, actor, now, **detail):
    ContractEvent.objects.create(contract=contract, kind=kind, actor=actor, at=now, detail=detail)


def _move(contract: SalesContract, to: str) -> None:
    """A status change allowed by TRANSITIONS (choices.py), else a 409."""
    if to not in TRANSITIONS[contract.status]:
        raise DomainError(
            _("A contract that is %(status)s cannot be %(to)s.")
            % {"status": contract.get_status_display(), "to": S(to).label},
            code="bad_transition",
        )
    contract.status = to


def _lock(contract: SalesContract) -> SalesContract:
    return (
        SalesContract.objects.select_for_update(of=("self",))
        .select_related("office", "account")
        .get(pk=contract.pk)
    )


# ---------------------------------------------------------------- checks


def _check_account(account: Account) -> None:
    """R-9.2: contracts and orders need an approved account."""
    if account.status != "approved":
        raise DomainError(
            _("This account is not approved yet: a contract needs an approved account."),
            code="account_not_approved",
        )


def check_quote(quote, account: Account) -> None:
    """R-12.1: a contract is made from a won quote of the same account, once."""
    from quotes.choices import Outcome

    if quote.account_id != account.pk:
        raise ValidationError({"quote": [_("This quote is for another account.")]})
    refusals = {
        Outcome.LOST: (_("This quote was lost: no contract can be made from it."), "quote_lost"),
        Outcome.EXPIRED: (
            _("This quote has expired: no contract can be made from it."),
            "quote_expired",
        ),
    }
    if quote.outcome in refusals:
        message, code = refusals[quote.outcome]
        raise DomainError(message, code=code)
    if quote.status != "approved" or quote.outcome != Outcome.WON:
        raise DomainError(
            _("Only a won quote becomes a contract: record the quote as won first."),
            code="quote_not_won",
        )
    if quote.contracts.exclude(status=S.CANCELLED).exists():
        raise DomainError(
            _("A contract has already been made from this quote."), code="quote_has_contract"
        )


def _check_lines(lines: list[LineInput], quote=None) -> None:
    """Every line: an active product, a quantity above zero (three decimals at most), a
    price not below zero with two decimals at most; a quote line of the contract's quote."""
    if not lines:
        raise ValidationError({"lines": [_("A contract needs at least one line.")]})
    if len(lines) > MAX_LINES:
        raise ValidationError({"lines": [_("A contract has at most 200 lines.")]})
    errors: list[dict] = []
    for line in lines:
        problems: dict[str, list] = {}
        if not getattr(line.product, "active", False):
            problems["product"] = [_("This product is no longer sold.")]
        quantity = line.quantity
        if not isinstance(quantity, Decimal) or not quantity.is_finite() or quantity <= 0:
            problems["quantity"] = [_("The quantity must be more than zero.")]
        elif quantity.as_tuple().exponent < -3 or quantity >= Decimal("1e11"):
            problems["quantity"] = [_("Enter a quantity with at most 3 decimals.")]
        price = line.unit_price
        if not isinstance(price, Decimal) or not price.is_finite() or price < 0:
            problems["unit_price"] = [_("The unit price cannot be negative.")]
        elif price.as_tuple().exponent < -2 or price >= Decimal("1e12"):
            problems["unit_price"] = [_("Enter a price in yuan with at most 2 decimals.")]
        if line.quote_line is not None and (quote is None or line.quote_line.quote_id != quote.pk):
            problems["quote_line"] = [_("This line is not a line of the contract's quote.")]
        errors.append(problems)
    if any(errors):
        raise ValidationError({"lines": errors})


def _check_terms(terms: dict, *, today: datetime.date) -> None:
    errors = {}
    advance = terms.get("advance_percent")
    if advance is not None and not (Decimal("0") <= advance <= Decimal("100")):
        errors["advance_percent"] = [_("The advance is a percentage from 0 to 100.")]
    days = terms.get("payment_terms_days")
    if days is not None and not (0 <= days <= 365):
        errors["payment_terms_days"] = [_("Payment falls due within 0 to 365 days.")]
    delivery = terms.get("delivery_date")
    if delivery is not None and delivery < today:
        errors["delivery_date"] = [_("The delivery date cannot be in the past.")]
    if terms.get("kind") is not None and terms["kind"] not in ContractKind.values:
        errors["kind"] = [_("Choose a contract or a phone or fax order.")]
    if terms.get("payment_basis") is not None and terms["payment_basis"] not in PaymentBasis:
        errors["payment_basis"] = [_("Choose after the invoice or after delivery.")]
    if errors:
        raise ValidationError(errors)


def _today(office, now) -> datetime.date:
    return timezone.localtime(now, office.tzinfo).date()


# ---------------------------------------------------------------- lines and money


def _write_lines(contract: SalesContract, lines: list[LineInput]) -> None:
    """Replace the lines, each priced by quotes.money (R-11.3), and the totals as their sums."""
    contract.lines.all().delete()
    rows, moneys = [], []
    for line in lines:
        rate = line.quote_line.tax_rate if line.quote_line is not None else line.product.tax_rate
        money = line_money(line.quantity, line.unit_price, rate)
        moneys.append(money)
        rows.append(
            ContractLine(
                contract=contract,
                product=line.product,
                quantity=line.quantity,
                unit_price=line.unit_price,
                tax_rate=rate,
                amount=money.amount,
                tax=money.tax,
                quote_line=line.quote_line,
            )
        )
    ContractLine.objects.bulk_create(rows)
    result = totals(moneys)
    contract.total, contract.tax_total = result.total, result.tax


def _same_lines(contract: SalesContract, lines: list[LineInput]) -> bool:
    current = [
        (line.product_id, line.quantity, line.unit_price, line.quote_line_id)
        for line in contract.lines.order_by("pk")
    ]
    given = [
        (
            line.product.pk,
            line.quantity,
            line.unit_price,
            line.quote_line.pk if line.quote_line is not None else None,
        )
        for line in lines
    ]
    return current == given


def quote_lines(quote) -> list[LineInput]:
    """A won quote's lines as a contract's, each pointing at the quote line it copies."""
    return [
        LineInput(product=ql.product, quantity=ql.quantity, unit_price=ql.unit_price, quote_line=ql)
        for ql in quote.lines.select_related("product").order_by("pk")
    ]


# ---------------------------------------------------------------- create, edit, submit


@transaction.atomic
def contract_create(
    *,
    actor,
    account: Account,
    now: datetime.datetime,
    lines: list[LineInput] | None = None,
    quote=None,
    **terms,
) -> SalesContract:
    """R-12.1: a draft contract (or phone order, R-12.3) of an approved account, directly or
    from a won quote (its lines copied when none are given)."""
    account = Account.objects.select_related("office").get(pk=account.pk)
    if not may(actor, "contracts.create", account.office):
        raise PermissionDenied(_("Only a salesperson of the branch drafts contracts."))
    if actor.pk not in {account.owner_id, account.deputy_id}:
        raise ValidationError({"account": [_("Choose one of your own accounts.")]})
    _check_account(account)
    if quote is not None:
        check_quote(quote, account)
        if not lines:
            lines = quote_lines(quote)
    lines = list(lines or [])
    _check_lines(lines, quote)
    terms = {k: v for k, v in terms.items() if k in TERM_FIELDS and v is not None}
    _check_terms(terms, today=_today(account.office, now))
    contract = SalesContract.objects.create(
        office=account.office,
        account=account,
        quote=quote,
        author=actor,
        owner=account.owner,
        created_at=now,
        **terms,
    )
    _write_lines(contract, lines)
    contract.save(update_fields=["total", "tax_total"])
    _event(contract, EventKind.CREATED, actor=actor, now=now, quote=getattr(quote, "pk", None))
    return contract


def shipped_anything(contract: SalesContract) -> bool:
    """Whether any goods of the contract have left the warehouse (R-13.3)."""
    from shipping.services import shipped_anything as shipped

    return shipped(contract)


def requested_anything(contract: SalesContract) -> bool:
    """Whether a demand request names the contract's lines (R-13.1)."""
    from shipping.services import requested_anything as requested

    return requested(contract)


def shipped_quantities(contract: SalesContract) -> dict[int, Decimal]:
    """Line id → the quantity the customer keeps of what shipped (R-12.4, R-13)."""
    from shipping.services import shipped_net

    return shipped_net(contract)


@transaction.atomic
def contract_update(
    *, contract: SalesContract, actor, now, lines: list[LineInput] | None = None, **terms
) -> SalesContract:
    """R-8.2: a draft or rejected contract is edited in place; a pending one not at all (409).
    R-8.3: a change of a signed contract's lines or terms sends it back to draft and voids its
    approvals (it keeps its number); a contract with goods shipped is not changed."""
    contract = _lock(contract)
    if not may_edit_contract(actor, contract):
        raise PermissionDenied(_("Only the contract's salesperson edits it."))
    if contract.status not in EDITABLE | AMENDABLE:
        raise DomainError(
            _("This contract is waiting for approval or finished and cannot be changed."),
            code="not_editable",
        )
    if contract.status in AMENDABLE and shipped_anything(contract):
        raise DomainError(
            _("Goods of this contract have shipped: it can no longer be changed."),
            code="shipped",
        )
    if contract.status in AMENDABLE and requested_anything(contract):
        # the demand requests name the contract's lines and were approved against
        # its terms; a changed contract would leave them pointing at what it no longer says
        raise DomainError(
            _("Goods of this contract have been requested: it can no longer be changed."),
            code="requested",
        )
    terms = {k: v for k, v in terms.items() if k in TERM_FIELDS and v is not None}
    _check_terms(terms, today=_today(contract.office, now))
    changed_terms = {k: v for k, v in terms.items() if getattr(contract, k) != v}
    if lines is not None:
        lines = list(lines)
        _check_lines(lines, contract.quote)
        if _same_lines(contract, lines):
            lines = None
    if not changed_terms and lines is None:
        return contract
    amending = contract.status in AMENDABLE
    if amending:
        _check_account(contract.account)
        contract = approvals_void(
            document=contract, actor=actor, now=now, comment=str(_("Lines or terms changed."))
        )
        contract = _lock(contract)
        # the filed paper is the old version: the new one is filed when it is signed again
        contract.filed_at, contract.filed_by, contract.signed_at = None, None, None
        contract.confirmed_at, contract.confirmed_by = None, None
    for name, value in changed_terms.items():
        setattr(contract, name, value)
    if lines is not None:
        _write_lines(contract, lines)
    contract.save()
    _event(
        contract,
        EventKind.AMENDED if amending else EventKind.EDITED,
        actor=actor,
        now=now,
        fields=sorted(changed_terms) + (["lines"] if lines is not None else []),
    )
    return contract


def may_edit_contract(user, contract: SalesContract) -> bool:
    from .selectors import may_edit

    return may_edit(user, contract)


@transaction.atomic
def contract_submit(*, contract: SalesContract, actor, now) -> SalesContract:
    """R-8: draft or rejected → pending. The account's row is locked first, so that the credit
    checks (R-9.5) of two contracts of one account submitted together see each other."""
    Account.objects.select_for_update().get(pk=contract.account_id)
    contract = _lock(contract)
    if not may_edit_contract(actor, contract):
        raise PermissionDenied(_("Only the contract's salesperson submits it."))
    _check_account(contract.account)
    if not contract.lines.exists():
        raise DomainError(_("Add at least one line before submitting."), code="no_lines")
    return approval_submit(document=contract, actor=actor, now=now)


def contract_signed(contract: SalesContract, *, actor, now) -> None:
    """The approval is complete (approvals.registry on_approved, in the deciding transaction;
    the engine has set the status to `signed`): R-12.1 signed; R-12.2 numbered from the
    office's counter under its row lock, so a rolled-back approval gives the number back.
    An amended contract signed again keeps its number.

    R-12.3: for a phone or fax order, the manager's approval step is the manager's
    confirmation: every order's chain starts with the branch manager, so an order is never
    signed unconfirmed, and shipping (which needs a signed contract) never starts before it."""
    if not contract.number:
        year = timezone.localtime(now, contract.office.tzinfo).year
        sequence, number = next_number(office=contract.office, prefix=NUMBER_PREFIX, year=year)
        contract.number, contract.sequence, contract.year = number, sequence, year
        contract.numbered_at = now
    contract.signed_at = now
    fields = ["number", "sequence", "year", "numbered_at", "signed_at"]
    if contract.is_phone_order:
        step = (
            contract.approvals()
            .filter(role=Role.MANAGER, state="approved")
            .order_by("step")
            .first()
        )
        contract.confirmed_at = step.decided_at if step else now
        contract.confirmed_by_id = step.decided_by_id if step else actor.pk
        fields += ["confirmed_at", "confirmed_by"]
    contract.save(update_fields=fields)
    _event(contract, EventKind.SIGNED, actor=actor, now=now, number=contract.number)
    _tell_signed(contract, now=now)


def _tell_signed(contract: SalesContract, *, now) -> None:
    """The salesperson is told the contract is signed, with its number; the branch's clerks
    that a signed contract waits to be filed the same day (R-12.2)."""
    params = {"account": contract.account.name, "number": contract.number}
    notify(
        kind="contract_signed",
        params=params,
        now=now,
        url=reverse("contracts:detail", args=[contract.pk]),
        recipient_id=contract.owner_id,
    )
    clerks = (
        get_user_model()
        .objects.filter(is_active=True, groups__name=Role.CLERK, offices=contract.office_id)
        .distinct()
        .order_by("pk")
    )
    filing = f"{reverse('contracts:filing')}?office={contract.office_id}"
    for clerk in clerks:
        notify(kind="contract_to_file", params=params, now=now, url=filing, recipient=clerk)


def contract_rejected(contract: SalesContract, *, actor, now) -> None:
    """R-8.2: a rejection sends the contract back to its salesperson, who is told, with the
    approver's comment (approvals.registry on_rejected, in the deciding transaction)."""
    step = contract.approvals().filter(state="rejected").order_by("-decided_at", "-pk").first()
    notify(
        kind="contract_rejected",
        params={
            "account": contract.account.name,
            "kind": contract.kind,
            "by": str(actor),
            "comment": step.comment if step else "",
        },
        now=now,
        url=reverse("contracts:detail", args=[contract.pk]),
        recipient_id=contract.owner_id,
    )


# ---------------------------------------------------------------- filing


@transaction.atomic
def contract_file(*, contract: SalesContract, actor, upload, now) -> SalesContract:
    """R-12.2: the clerk files a signed contract with its scan (a PDF or an image of at most
    20 MB, its type read from its bytes). Filed once; a later day is kept and flagged late."""
    contract = _lock(contract)
    if not may(actor, "contracts.file", contract.office):
        raise PermissionDenied(_("Only the branch's clerk files contracts."))
    kind = check_upload(upload, field="scan")
    if not contract.number or contract.status not in (S.SIGNED, S.FULFILLED, S.CLOSED, S.CANCELLED):
        raise DomainError(_("Only a signed contract is filed."), code="not_signed")
    if contract.filed_at is not None:
        raise DomainError(_("This contract is filed already."), code="already_filed")
    contract.scan.save(f"scan.{kind.extension}", upload, save=False)
    stored = contract.scan.name
    try:
        contract.scan_type = kind.content_type
        contract.filed_at, contract.filed_by = now, actor
        contract.save(update_fields=["scan", "scan_type", "filed_at", "filed_by"])
        _event(contract, EventKind.FILED, actor=actor, now=now, type=kind.content_type)
    except Exception:
        contract.scan.storage.delete(stored)
        raise
    return contract


# ---------------------------------------------------------------- fulfil, close, cancel


@transaction.atomic
def contract_cancel(*, contract: SalesContract, actor, reason: str, now) -> SalesContract:
    """R-12.4: the manager cancels a contract, with a reason, for what has not shipped (each
    line's cancelled quantity is what is left of it); a draft or rejected one that was never
    signed may also be withdrawn by its salesperson. A pending one is decided first."""
    contract = _lock(contract)
    manager = manages(actor, contract.office)
    unsigned = not contract.number and contract.status in EDITABLE
    if not manager and not (unsigned and may_edit_contract(actor, contract)):
        raise PermissionDenied(_("Only the branch manager cancels a contract."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why the contract is cancelled.")]})
    if len(reason) > 2000:
        raise ValidationError({"reason": [_("Keep the reason under 2000 characters.")]})
    _move(contract, S.CANCELLED)
    from shipping import services as shipping

    if shipping.open_return_blocks_cancel(contract):
        raise DomainError(
            _("A return of this contract is on its way: settle it before cancelling."),
            code="return_open",
        )
    shipped = shipped_quantities(contract)
    lines = list(contract.lines.select_for_update().order_by("pk"))
    left = {line.pk: line.quantity - shipped.get(line.pk, Decimal("0")) for line in lines}
    if lines and not any(q > 0 for q in left.values()):
        raise DomainError(
            _("Everything of this contract has shipped: nothing is left to cancel."),
            code="nothing_to_cancel",
        )
    for line in lines:
        line.cancelled_quantity = left[line.pk]
    ContractLine.objects.bulk_update(lines, ["cancelled_quantity"])
    contract.cancelled_at, contract.cancelled_by, contract.cancel_reason = now, actor, reason
    contract.save()
    _event(contract, EventKind.CANCELLED, actor=actor, now=now, reason=reason)
    shipping.contract_cancelled(contract, actor=actor, now=now)
    return contract


def _manager_transition(contract, *, actor, now, to, field, kind) -> SalesContract:
    contract = _lock(contract)
    if not manages(actor, contract.office):
        raise PermissionDenied(_("Only the branch manager does this."))
    _move(contract, to)
    setattr(contract, field, now)
    contract.save(update_fields=["status", field])
    _event(contract, kind, actor=actor, now=now)
    return contract


@transaction.atomic
def contract_fulfil(*, contract: SalesContract, actor, now) -> SalesContract:
    """R-12.4: the manager marks a signed contract fulfilled, once everything ordered has
    shipped (net of exchanged goods that came back); shipping does it itself when the last
    goods leave (shipping.services.settle_fulfilment), so this is for a contract whose
    figures were settled some other way."""
    from shipping.progress import contract_progress, is_complete

    if not is_complete(contract_progress(contract)):
        raise DomainError(
            _("Goods of this contract are still to ship: it is fulfilled when they have."),
            code="not_shipped",
        )
    return _manager_transition(
        contract,
        actor=actor,
        now=now,
        to=S.FULFILLED,
        field="fulfilled_at",
        kind=EventKind.FULFILLED,
    )


@transaction.atomic
def contract_close(*, contract: SalesContract, actor, now) -> SalesContract:
    """R-12.4: the manager closes a fulfilled contract."""
    return _manager_transition(
        contract, actor=actor, now=now, to=S.CLOSED, field="closed_at", kind=EventKind.CLOSED
    )
