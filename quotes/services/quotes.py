"""Quotes and bids (R-11.3), their discount request (R-10.2) and their approval (R-8)."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework.exceptions import PermissionDenied, ValidationError

from approvals.choices import DocumentStatus
from approvals.services import approval_submit, approvals_void, ensure_editable
from common.errors import DomainError
from common.numbering import next_number
from staff.choices import Role
from staff.models import Office

from .. import rules
from ..choices import NUMBER_PREFIX, RESULTS, Outcome, QuoteKind
from ..models import Quote, QuoteLine
from ..permissions import may_edit_document, may_sell_to
from .lines import as_inputs, quote_lines, same_lines, sum_of

TERMS = ("valid_until", "delivery_terms", "payment_terms", "discount_reason")


def _today(office, now: datetime.datetime) -> datetime.date:
    return now.astimezone(office.tzinfo).date()


def _ensure_account_approved(account) -> None:
    """R-9.2: quotes need an approved account."""
    if account.status != DocumentStatus.APPROVED:
        raise DomainError(
            _("This account is not approved yet: quotes wait for the manager's approval."),
            code="account_not_approved",
        )


def _check_terms(*, valid_until, discount_reason: str, lines, today) -> None:
    errors = {}
    if error := rules.valid_until_error(valid_until, today):
        errors["valid_until"] = [error]
    # a price below list is a discount and states its reason (优惠销售申请)
    if any(line.unit_price < line.list_price for line in lines) and not discount_reason:
        errors["discount_reason"] = [
            _("A price below the list price needs the reason for the discount.")
        ]
    if errors:
        raise ValidationError(errors)


def _check_enquiry(enquiry, account) -> None:
    if enquiry is None:
        return
    if enquiry.account_id != account.pk:
        raise ValidationError({"enquiry": [_("This enquiry is of another account.")]})
    # the manager decided to bid on it
    if enquiry.status != DocumentStatus.APPROVED:
        raise DomainError(
            _("The manager has not decided to bid on this enquiry."), code="no_bid_decision"
        )


def _owner_for(actor, account):
    return actor if actor.has_role(Role.SALESPERSON) else account.owner


def quote_preview(*, account, lines, valid_until, discount_reason: str, now) -> dict:
    """The editor's live figures (no write): the priced lines, totals and the chain."""
    today = _today(account.office, now)
    built = quote_lines(lines, date=today)
    quote = Quote(account=account, office=account.office, date=today, valid_until=valid_until)
    money = sum_of(built)
    quote.total, quote.tax_total = money.total, money.tax
    return {"lines": built, "totals": money, "quote": quote}


@transaction.atomic
def quote_create(
    *,
    actor,
    account,
    lines: list,
    valid_until: datetime.date,
    now: datetime.datetime,
    kind: str = QuoteKind.QUOTE,
    enquiry=None,
    delivery_terms: str = "",
    payment_terms: str = "",
    discount_reason: str = "",
) -> Quote:
    """R-11.3: a draft quote or bid for an approved account the actor sells to, its lines
    priced on today's prices."""
    if not may_sell_to(actor, account):
        raise PermissionDenied(_("You may not quote for this account."))
    _ensure_account_approved(account)
    _check_enquiry(enquiry, account)
    if kind not in QuoteKind.values:
        raise ValidationError({"kind": [_("Choose a quote or a bid.")]})
    today = _today(account.office, now)
    built = quote_lines(lines, date=today)
    discount_reason = (discount_reason or "").strip()
    _check_terms(valid_until=valid_until, discount_reason=discount_reason, lines=built, today=today)
    money = sum_of(built)
    quote = Quote.objects.create(
        office=account.office,
        account=account,
        enquiry=enquiry,
        kind=kind,
        date=today,
        valid_until=valid_until,
        delivery_terms=(delivery_terms or "").strip(),
        payment_terms=(payment_terms or "").strip(),
        discount_reason=discount_reason,
        total=money.total,
        tax_total=money.tax,
        author=actor,
        owner=_owner_for(actor, account),
        created_at=now,
    )
    for line in built:
        line.quote = quote
    QuoteLine.objects.bulk_create(built)
    return quote


def _lock(quote: Quote) -> Quote:
    return (
        Quote.objects.select_for_update(of=("self",))
        .select_related("office", "account")
        .get(pk=quote.pk)
    )


def _ensure_open(quote: Quote) -> None:
    if quote.outcome != Outcome.OPEN:
        raise DomainError(
            _("This quote is %(outcome)s and can no longer be changed.")
            % {"outcome": quote.get_outcome_display()},
            code="quote_closed",
        )


@transaction.atomic
def quote_update(*, quote: Quote, actor, now: datetime.datetime, lines=None, **changes) -> Quote:
    """Change a quote's lines or terms. A draft or rejected quote is edited in place; one
    waiting for a decision is not (R-8.2: 409 `not_editable`); an approved one goes back to
    draft, its approvals void, to be confirmed again (R-8.3) — it keeps its number, and its
    revision counts up. The quote is re-priced on today's prices (R-10.1)."""
    quote = _lock(quote)
    if not may_edit_document(actor, quote):
        raise PermissionDenied(_("You may not change this quote."))
    _ensure_open(quote)
    if quote.status == DocumentStatus.PENDING:
        ensure_editable(quote)
    unknown = set(changes) - set(TERMS)
    if unknown:
        raise ValidationError({name: [_("This field cannot be changed.")] for name in unknown})
    today = _today(quote.office, now)
    old_lines = list(quote.lines.select_related("product").order_by("pk"))
    new_inputs = as_inputs(old_lines) if lines is None else lines
    built = quote_lines(new_inputs, date=today)
    values = {name: changes.get(name, getattr(quote, name)) for name in TERMS}
    for name in ("delivery_terms", "payment_terms", "discount_reason"):
        values[name] = (values[name] or "").strip()
    changed = not same_lines(old_lines, built) or any(
        values[name] != getattr(quote, name) for name in TERMS
    )
    if not changed:
        return quote
    _check_terms(
        valid_until=values["valid_until"],
        discount_reason=values["discount_reason"],
        lines=built,
        today=today,
    )
    if quote.status == DocumentStatus.APPROVED:
        # every deviation is confirmed again
        approvals_void(document=quote, actor=actor, now=now, comment=_("Changed after approval."))
        quote.status = DocumentStatus.DRAFT
        quote.revision += 1
    for name, value in values.items():
        setattr(quote, name, value)
    money = sum_of(built)
    quote.date, quote.total, quote.tax_total = today, money.total, money.tax
    quote.save()
    quote.lines.all().delete()
    for line in built:
        line.quote = quote
    QuoteLine.objects.bulk_create(built)
    return quote


def quote_submit(*, quote: Quote, actor, now: datetime.datetime) -> Quote:
    """R-11.3, R-10.2: draft → pending; its chain (manager; director when a line is below its
    floor; executive when major) is the quote's approval and its discount request."""
    with transaction.atomic():
        quote = _lock(quote)
        if not may_edit_document(actor, quote):
            raise PermissionDenied(_("You may not submit this quote."))
        _ensure_open(quote)
        _ensure_account_approved(quote.account)
        if quote.status in (DocumentStatus.DRAFT, DocumentStatus.REJECTED):
            today = _today(quote.office, now)
            if rules.is_expired(quote.valid_until, today):
                raise DomainError(
                    _("The validity date has passed: change it before submitting."),
                    code="validity_passed",
                )
            if not quote.lines.exists():
                raise DomainError(_("Add at least one product."), code="no_lines")
        return approval_submit(document=quote, actor=actor, now=now)


def quote_approved(quote: Quote, *, actor, now) -> None:
    """R-11.3: the approved quote is numbered (BJ-/TB-yyyy-nnnn, gap-free per branch and
    year), once; a quote approved again after a change keeps its number."""
    if quote.number:
        return
    year = now.astimezone(quote.office.tzinfo).year
    quote.sequence, quote.number = next_number(
        office=quote.office, prefix=NUMBER_PREFIX[quote.kind], year=year
    )
    quote.save(update_fields=["sequence", "number"])


@transaction.atomic
def quote_outcome(
    *,
    quote: Quote,
    actor,
    result: str,
    now: datetime.datetime,
    competitor: str = "",
    competitor_price: Decimal | None = None,
) -> Quote:
    """R-11.3: an approved quote is won, lost (the winning competitor and price if known) or
    expired (after its validity date), once."""
    quote = _lock(quote)
    if not may_edit_document(actor, quote):
        raise PermissionDenied(_("You may not record this quote's outcome."))
    if result not in RESULTS:
        raise ValidationError({"result": [_("Choose won, lost or expired.")]})
    competitor = (competitor or "").strip()
    if result != Outcome.LOST and (competitor or competitor_price is not None):
        raise ValidationError({"competitor": [_("A competitor is recorded only on a lost quote.")]})
    if competitor_price is not None and (error := rules.money_error(competitor_price)):
        raise ValidationError({"competitor_price": [error]})
    if quote.status != DocumentStatus.APPROVED:
        raise DomainError(_("Only an approved quote is won, lost or expired."), code="not_approved")
    if quote.outcome != Outcome.OPEN:
        raise DomainError(_("This quote's outcome is already recorded."), code="outcome_recorded")
    if result == Outcome.EXPIRED and not rules.is_expired(
        quote.valid_until, _today(quote.office, now)
    ):
        raise DomainError(
            _("This quote is still valid: it expires after %(date)s.")
            % {"date": quote.valid_until.isoformat()},
            code="still_valid",
        )
    quote.outcome, quote.outcome_at = result, now
    quote.competitor, quote.competitor_price = competitor, competitor_price
    quote.save(update_fields=["outcome", "outcome_at", "competitor", "competitor_price"])
    return quote


def quotes_expire(*, now: datetime.datetime) -> int:
    """R-11.3: approved quotes still open after their validity date expire (daily job
    `quotes.expire`). Selects by state, so a second run changes nothing."""
    expired = 0
    for office in Office.objects.filter(quotes__isnull=False).distinct():
        with transaction.atomic():
            expired += Quote.objects.filter(
                office=office,
                status=DocumentStatus.APPROVED,
                outcome=Outcome.OPEN,
                valid_until__lt=_today(office, now),
            ).update(outcome=Outcome.EXPIRED, outcome_at=now)
    return expired
