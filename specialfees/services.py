"""Writes of special customer fees (R-16.4): one transaction per change, the fee's row locked.

The chain (approvals.chains): the branch manager, then the company's leadership, whose step is
the decision of the form of payment. The fee is promised to the customer only once the
manager's step is approved; finance pays an approved fee once, in the chosen form. Offsetting
against the account's receivable is recorded here and not posted to the receivables ledger
(issue 19)."""

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.exceptions import PermissionDenied, ValidationError

from approvals.choices import ApprovalState, Decision
from approvals.permissions import may_decide
from approvals.services import approval_decide, approval_submit, ensure_editable
from common.errors import DomainError
from common.numbering import next_number
from notifications.services import notify
from staff.choices import Role
from staff.models import User
from staff.permissions import manages, may

from . import rules, selectors
from .choices import FEE_PREFIX, OPEN, FeeKind, FeeStatus, PaymentForm
from .models import SpecialFee

MAX_TEXT = 2000
MAX_REFERENCE = 100


# ---------------------------------------------------------------- checks of what a client sends


def _text(value, field: str, *, required: bool, max_length: int = MAX_TEXT) -> str:
    value = value.strip() if isinstance(value, str) else ("" if value is None else str(value))
    if "\x00" in value:
        raise ValidationError({field: [_("Remove the control characters.")]})
    if required and not value:
        raise ValidationError({field: [_("This field is required.")]})
    if len(value) > max_length:
        raise ValidationError({field: [_("Keep it under %(n)d characters.") % {"n": max_length}]})
    return value


def _amount(value) -> Decimal:
    """More than zero, at most ten million yuan, at most 2 decimals."""
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        amount = None
    # "1e3" is refused too: an amount of money is written out, never in exponent notation
    if amount is None or not amount.is_finite() or not -2 <= amount.as_tuple().exponent <= 0:
        raise ValidationError({"amount": [_("Enter an amount in yuan with at most 2 decimals.")]})
    if not rules.amount_allowed(amount):
        raise ValidationError(
            {"amount": [_("Enter an amount more than zero and at most 10,000,000.00 yuan.")]}
        )
    return amount.quantize(Decimal("0.01"))


def _choice(value, field: str, choices) -> str:
    if value not in choices.values:
        raise ValidationError({field: [_("Not one of the choices.")]})
    return value


def _lock(fee: SpecialFee) -> SpecialFee:
    return (
        SpecialFee.objects.select_for_update(of=("self",))
        .select_related("office", "account")
        .get(pk=fee.pk)
    )


def _url(fee: SpecialFee) -> str:
    return reverse("specialfees:detail", args=[fee.pk])


def _params(fee: SpecialFee, **extra) -> dict:
    return {
        "number": fee.number,
        "account": fee.account.name,
        "amount": f"{fee.amount:,.2f}",
        **extra,
    }


# ---------------------------------------------------------------- who


def may_author(user, account) -> bool:
    """R-16.4: the account's owner or deputy (a salesperson of its branch), or its manager."""
    if account is None or not may(user, "specialfees.create", account.office):
        return False
    return manages(user, account.office) or user.pk in {account.owner_id, account.deputy_id}


def is_salesperson_of(user, fee: SpecialFee) -> bool:
    """Who submits, withdraws and promises: the author, or the account's owner or deputy."""
    return user.pk in {fee.author_id, fee.account.owner_id, fee.account.deputy_id}


def may_pay(user, fee: SpecialFee) -> bool:
    return may(user, "specialfees.pay", fee.office)


# ---------------------------------------------------------------- the salesperson


@transaction.atomic
def special_fee_create(
    *, actor, account, contract=None, kind, amount, purpose: str, now
) -> SpecialFee:
    """A draft fee for an approved account of the branch (and optionally one of its
    contracts), by the account's owner or deputy or the branch manager."""
    if not may_author(actor, account):
        raise PermissionDenied(_("The account's salesperson or the branch manager asks for it."))
    if account.status != "approved":
        raise ValidationError({"account": [_("Choose an approved account.")]})
    if contract is not None and contract.account_id != account.pk:
        raise ValidationError({"contract": [_("Choose a contract of this account.")]})
    kind = _choice(kind, "kind", FeeKind)
    amount = _amount(amount)
    purpose = _text(purpose, "purpose", required=True)
    year = timezone.localtime(now, account.office.tzinfo).year
    sequence, number = next_number(office=account.office, prefix=FEE_PREFIX, year=year)
    return SpecialFee.objects.create(
        office=account.office,
        account=account,
        contract=contract,
        kind=kind,
        amount=amount,
        purpose=purpose,
        author=actor,
        created_at=now,
        number=number,
        sequence=sequence,
        year=year,
    )


@transaction.atomic
def special_fee_submit(*, fee: SpecialFee, actor, now) -> SpecialFee:
    """R-8: draft or rejected → pending: the branch manager decides first."""
    fee = _lock(fee)
    if not is_salesperson_of(actor, fee):
        raise PermissionDenied(_("Only the fee's salesperson submits it."))
    ensure_editable(fee)
    # a new round: a form of payment chosen in a rejected round is decided again
    fee.payment_form, fee.payment_note, fee.payment_form_by = "", "", None
    fee.save(update_fields=["payment_form", "payment_note", "payment_form_by"])
    return approval_submit(document=fee, actor=actor, now=now)


@transaction.atomic
def special_fee_cancel(*, fee: SpecialFee, actor, now) -> SpecialFee:
    fee = _lock(fee)
    if not is_salesperson_of(actor, fee):
        raise PermissionDenied(_("Only the fee's salesperson withdraws it."))
    if fee.status not in OPEN:
        raise DomainError(_("Only a draft or rejected fee is withdrawn."), code="not_cancellable")
    fee.status = FeeStatus.CANCELLED
    fee.save(update_fields=["status"])
    return fee


@transaction.atomic
def special_fee_promise(*, fee: SpecialFee, actor, now) -> SpecialFee:
    """R-16.4: the salesperson records that the fee was promised to the customer: only once
    the branch manager has approved it (409 `not_approved_by_manager`), once."""
    fee = _lock(fee)
    if not is_salesperson_of(actor, fee):
        raise PermissionDenied(_("Only the fee's salesperson promises it to the customer."))
    if fee.promised_at is not None:
        raise DomainError(_("The promise is already recorded."), code="already_promised")
    approved = fee.status in (FeeStatus.PENDING, FeeStatus.APPROVED, FeeStatus.PAID)
    if not (approved and selectors.manager_approved(fee)):
        raise DomainError(
            _("Promise the fee to the customer only after the branch manager has approved it."),
            code="not_approved_by_manager",
        )
    fee.promised_at, fee.promised_by = now, actor
    fee.save(update_fields=["promised_at", "promised_by"])
    return fee


# ---------------------------------------------------------------- the company's leadership


def _executive_step(fee: SpecialFee, actor):
    step = selectors.executive_step_pending(fee)
    if step is None:
        raise DomainError(
            _("This fee is not waiting for the decision of the form of payment."),
            code="not_pending",
        )
    if not may_decide(actor, step, fee):
        raise PermissionDenied(_("The company's leadership decides the form of payment."))
    return step


@transaction.atomic
def special_fee_set_payment_form(
    *, fee: SpecialFee, actor, payment_form: str, note: str, now
) -> SpecialFee:
    """R-16.4: the executive chooses the form of payment while their step is pending."""
    fee = _lock(fee)
    _executive_step(fee, actor)
    fee.payment_form = _choice(payment_form, "payment_form", PaymentForm)
    fee.payment_note = _text(note, "note", required=False)
    fee.payment_form_by = actor
    fee.save(update_fields=["payment_form", "payment_note", "payment_form_by"])
    return fee


@transaction.atomic
def special_fee_executive_decide(
    *, fee: SpecialFee, actor, decision: str, payment_form: str, note: str, now
) -> SpecialFee:
    """R-16.4: the executive's step in one transaction: approve with the form of payment (set,
    then the step approved), or reject with the reason (the note)."""
    fee = _lock(fee)
    step = _executive_step(fee, actor)
    if decision == Decision.APPROVE:
        if payment_form:
            fee = special_fee_set_payment_form(
                fee=fee, actor=actor, payment_form=payment_form, note=note, now=now
            )
        elif not fee.payment_form:
            raise DomainError(
                _("Choose the form of payment before approving the fee."),
                code="payment_form_required",
            )
    elif decision == Decision.REJECT:
        note = _text(note, "note", required=True)
    else:
        raise ValidationError({"decision": [_("Approve or reject.")]})
    approval_decide(approval=step, actor=actor, decision=decision, comment=note or "", now=now)
    return SpecialFee.objects.select_related("office", "account").get(pk=fee.pk)


# ---------------------------------------------------------------- finance


@transaction.atomic
def special_fee_pay(*, fee: SpecialFee, actor, reference: str, now) -> SpecialFee:
    """R-16.4: finance pays an approved fee in the chosen form, once (the row lock makes two
    payments at once one)."""
    fee = _lock(fee)
    if not may_pay(actor, fee):
        raise PermissionDenied(_("Finance of the branch pays the fee."))
    reference = _text(reference, "reference", required=False, max_length=MAX_REFERENCE)
    if fee.status == FeeStatus.PAID:
        raise DomainError(_("This fee is already paid."), code="already_paid")
    if fee.status != FeeStatus.APPROVED:
        raise DomainError(_("Only an approved fee is paid."), code="not_approved")
    if not rules.may_pay(status=fee.status, payment_form=fee.payment_form):
        raise DomainError(
            _("The company's leadership has not decided the form of payment."),
            code="payment_form_required",
        )
    fee.status, fee.paid_at, fee.paid_by = FeeStatus.PAID, now, actor
    fee.payment_reference = reference
    fee.save(update_fields=["status", "paid_at", "paid_by", "payment_reference"])
    notify(
        kind="special_fee_paid",
        params=_params(fee, form=fee.payment_form),
        now=now,
        url=_url(fee),
        recipient_id=fee.author_id,
    )
    return fee


# ---------------------------------------------------------------- the approval engine's hooks


def special_fee_step_decided(fee: SpecialFee, approval, *, actor, now) -> None:
    """approvals.registry on_step: the executive's approval needs the form of payment (409
    `payment_form_required`); the manager's approval lets the salesperson promise the fee."""
    if approval.state != ApprovalState.APPROVED:
        return
    if approval.role == Role.EXECUTIVE and not fee.payment_form:
        raise DomainError(
            _("Choose the form of payment before approving the fee."),
            code="payment_form_required",
        )
    if approval.role == Role.MANAGER:
        notify(
            kind="special_fee_promisable",
            params=_params(fee, by=str(actor)),
            now=now,
            url=_url(fee),
            recipient_id=fee.author_id,
        )


def special_fee_approved(fee: SpecialFee, *, actor, now) -> None:
    """The executive approved with the form of payment: finance of the branch pays it."""
    fee.approved_at = now
    fee.save(update_fields=["approved_at"])
    params = _params(fee, form=fee.payment_form)
    finance = User.objects.filter(
        is_active=True, groups__name=Role.FINANCE, offices=fee.office_id
    ).distinct()
    for person in finance:
        notify(kind="special_fee_to_pay", params=params, now=now, url=_url(fee), recipient=person)
    notify(
        kind="special_fee_approved",
        params=params,
        now=now,
        url=_url(fee),
        recipient_id=fee.author_id,
    )


def special_fee_rejected(fee: SpecialFee, *, actor, now) -> None:
    step = fee.approvals().filter(state=ApprovalState.REJECTED).order_by("-decided_at").first()
    notify(
        kind="special_fee_rejected",
        params=_params(fee, by=str(actor), comment=step.comment if step else ""),
        now=now,
        url=_url(fee),
        recipient_id=fee.author_id,
    )
