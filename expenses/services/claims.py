"""Expense claims (R-16.3): against the author's own approved budget, with receipt photos, the
meal allowance computed from the office's setting and fuel with its trip log; approved by the
branch manager (the director when over the budget's remainder or the monthly cap) and paid
once by finance."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils.translation import gettext as _
from rest_framework.exceptions import PermissionDenied, ValidationError

from approvals.services import approval_submit, ensure_editable
from common.errors import DomainError
from common.uploads import PDF, check_upload
from notifications.services import notify
from staff.choices import Role
from staff.models import User
from staff.permissions import may

from .. import rules, selectors
from ..choices import CLAIM_PREFIX, BudgetStatus, ClaimStatus, EventKind, LineKind
from ..models import (
    MAX_KM,
    ClaimLine,
    ClaimPhoto,
    ExpenseBudget,
    ExpenseClaim,
    ExpenseEvent,
    TripLog,
)
from . import base

MAX_MEALS = 93  # three a day for a month
MAX_LINES = 50
MAX_TRIPS = 100
MAX_PHOTOS = 30
MAX_DAYS_BACK = 366


@dataclass(frozen=True)
class TripInput:
    date: object
    origin: str
    destination: str
    purpose: str
    km: object


@dataclass(frozen=True)
class LineInput:
    """What a client sends of a line: `amount` for a receipt or fuel, `meals` for missed
    meals (their amount is computed), `trips` for fuel."""

    kind: str
    description: str = ""
    amount: object = None
    meals: object = None
    trips: list[TripInput] = field(default_factory=list)


def _budget_usable(budget: ExpenseBudget) -> None:
    if budget.status == BudgetStatus.CLOSED:
        raise DomainError(
            _("This budget is closed: no more claims against it."), code="budget_closed"
        )
    if budget.status != BudgetStatus.APPROVED:
        raise DomainError(
            _("A claim is made against an approved budget; this one is not approved."),
            code="budget_not_approved",
        )


def _line_error(index: int, name: str, message: str) -> ValidationError:
    return ValidationError({"lines": {str(index): {name: [message]}}})


def _in_line(index: int, call):
    """A check of one value of a line, its error placed on that line."""
    try:
        return call()
    except ValidationError as exc:
        detail = exc.detail if isinstance(exc.detail, dict) else {"": exc.detail}
        raise ValidationError({"lines": {str(index): detail}}) from None


def _trip(index: int, trip: TripInput, *, office, now) -> TripLog:
    day = _in_line(index, lambda: _claim_day(trip.date, office=office, now=now, name="date"))
    km = _in_line(index, lambda: _km(trip.km))
    return TripLog(
        date=day,
        origin=_in_line(
            index, lambda: base.text(trip.origin, "from", required=True, max_length=100)
        ),
        destination=_in_line(
            index, lambda: base.text(trip.destination, "to", required=True, max_length=100)
        ),
        purpose=_in_line(
            index, lambda: base.text(trip.purpose, "purpose", required=True, max_length=200)
        ),
        km=km,
    )


def _km(value) -> Decimal:
    try:
        km = Decimal(str(value))
    except (ArithmeticError, ValueError, TypeError):
        km = None
    if km is None or not km.is_finite() or km < 0 or km > MAX_KM:
        raise ValidationError(
            {"km": [_("Enter the kilometres, from 0 to %(max)s.") % {"max": int(MAX_KM)}]}
        )
    if km.as_tuple().exponent < -1:
        raise ValidationError({"km": [_("Enter the kilometres with at most one decimal.")]})
    return km


def _claim_day(value, *, office, now, name: str = "date") -> datetime.date:
    day = base.a_date(value, name)
    current = base.today(office, now)
    if day > current:
        raise ValidationError({name: [_("The date cannot be in the future.")]})
    if day < current - datetime.timedelta(days=MAX_DAYS_BACK):
        raise ValidationError({name: [_("The date is more than a year ago.")]})
    return day


def _meals(value) -> int:
    if isinstance(value, bool) or value is None or str(value).strip() == "":
        meals = None
    else:
        try:
            meals = int(str(value).strip())
        except ValueError:
            meals = None
    if meals is None or not 1 <= meals <= MAX_MEALS:
        raise ValidationError(
            {"meals": [_("Enter the missed meals, from 1 to %(max)d.") % {"max": MAX_MEALS}]}
        )
    return meals


def _build_line(index: int, line: LineInput, *, office, now) -> tuple[ClaimLine, list[TripLog]]:
    """One line checked: R-16.3's meal allowance computed, a fuel line's trips required."""
    kind = _in_line(index, lambda: base.choice(line.kind, "kind", LineKind))
    description = _in_line(
        index, lambda: base.text(line.description, "description", required=False, max_length=300)
    )
    trips: list[TripLog] = []
    if kind == LineKind.MEAL:
        if line.amount not in (None, ""):
            raise _line_error(
                index,
                "amount",
                _(
                    "The meal allowance is computed from the branch's setting; "
                    "do not send an amount."
                ),
            )
        meals = _in_line(index, lambda: _meals(line.meals))
        allowance = office.meal_allowance
        made = ClaimLine(
            kind=kind,
            description=description,
            meals=meals,
            allowance=allowance,
            amount=rules.meal_amount(meals, allowance),
        )
        return made, trips
    if line.meals not in (None, ""):
        raise _line_error(index, "meals", _("Only a meal allowance line counts meals."))
    amount = _in_line(index, lambda: base.money(line.amount, "amount"))
    if kind == LineKind.FUEL:
        if not line.trips:
            raise _line_error(
                index, "trips", _("A fuel claim carries its trip log: add at least one trip.")
            )
        if len(line.trips) > MAX_TRIPS:
            raise _line_error(index, "trips", _("At most %(n)d trips.") % {"n": MAX_TRIPS})
        trips = [_trip(index, t, office=office, now=now) for t in line.trips]
    elif line.trips:
        raise _line_error(index, "trips", _("Only a fuel line carries trips."))
    return ClaimLine(kind=kind, description=description, amount=amount), trips


def _save_lines(claim: ExpenseClaim, built: list[tuple[ClaimLine, list[TripLog]]]) -> None:
    for line, trips in built:
        line.claim = claim
        line.save()
        for trip in trips:
            trip.line = line
        TripLog.objects.bulk_create(trips)


def _retotal(claim: ExpenseClaim) -> None:
    """The total is the sum of the lines, kept in the transaction that changes them."""
    claim.total = claim.lines.aggregate(t=Sum("amount"))["t"] or rules.ZERO
    claim.save(update_fields=["total"])


@transaction.atomic
def claim_create(
    *, actor, budget: ExpenseBudget, date, note: str = "", lines: list[LineInput], now
) -> ExpenseClaim:
    """A draft claim against the actor's own approved, open budget (409 otherwise)."""
    budget = base.lock(budget)
    if budget.author_id != actor.pk:
        raise PermissionDenied(_("A claim is made against your own budget."))
    if not may(actor, "expenses.spend", budget.office):
        raise PermissionDenied(_("A salesperson, manager or clerk of the branch makes a claim."))
    _budget_usable(budget)
    office = budget.office
    if len(lines) > MAX_LINES:
        raise ValidationError({"lines": [_("At most %(n)d lines.") % {"n": MAX_LINES}]})
    built = [_build_line(i, line, office=office, now=now) for i, line in enumerate(lines)]
    claim = ExpenseClaim.objects.create(
        office=office,
        author=actor,
        budget=budget,
        date=_claim_day(date, office=office, now=now),
        note=base.text(note, "note", required=False),
        created_at=now,
        **base.number(office, CLAIM_PREFIX, now),
    )
    _save_lines(claim, built)
    _retotal(claim)
    return claim


def _editable_by_author(claim: ExpenseClaim, actor) -> ExpenseClaim:
    claim = base.lock(claim)
    if actor.pk != claim.author_id:
        raise PermissionDenied(_("Only the claim's author changes it."))
    ensure_editable(claim)
    return claim


@transaction.atomic
def claim_add_line(*, claim: ExpenseClaim, actor, line: LineInput, now) -> ClaimLine:
    claim = _editable_by_author(claim, actor)
    if claim.lines.count() >= MAX_LINES:
        raise ValidationError({"lines": [_("At most %(n)d lines.") % {"n": MAX_LINES}]})
    built = _build_line(0, line, office=claim.office, now=now)
    _save_lines(claim, [built])
    _retotal(claim)
    return built[0]


@transaction.atomic
def claim_remove_line(*, claim: ExpenseClaim, actor, line_id: int, now) -> ExpenseClaim:
    claim = _editable_by_author(claim, actor)
    line = claim.lines.filter(pk=line_id).first()
    if line is None:
        raise ValidationError({"line": [_("Not a line of this claim.")]})
    stored = [p.image.name for p in line.photos.all()]
    line.delete()
    _retotal(claim)
    transaction.on_commit(lambda: _delete_files(stored))
    return claim


def _delete_files(names: list[str]) -> None:
    from django.core.files.storage import default_storage

    for name in names:
        default_storage.delete(name)


@transaction.atomic
def claim_add_photo(
    *, claim: ExpenseClaim, actor, upload, line_id: int | None = None, now
) -> ClaimPhoto:
    """A receipt's photo: an image (read from its bytes, not a PDF), at most 20 MB, on a line
    of the claim (the only receipt line when none is named). Nothing is kept when refused."""
    claim = _editable_by_author(claim, actor)
    kind = check_upload(upload, field="photo")
    if kind == PDF:
        raise ValidationError({"photo": [_("Upload a photo (JPEG, PNG or WebP).")]})
    if claim.photos.count() >= MAX_PHOTOS:
        raise ValidationError({"photo": [_("At most %(n)d photos.") % {"n": MAX_PHOTOS}]})
    lines = claim.lines.all()
    if line_id is not None:
        line = lines.filter(pk=line_id).first()
        if line is None:
            raise ValidationError({"line": [_("Not a line of this claim.")]})
    else:
        receipts = list(lines.filter(kind=LineKind.RECEIPT)[:2])
        if len(receipts) != 1:
            raise ValidationError({"line": [_("Choose the line the photo is for.")]})
        line = receipts[0]
    photo = ClaimPhoto(
        claim=claim, line=line, content_type=kind.content_type, uploaded_by=actor, uploaded_at=now
    )
    photo.image.save(f"photo.{kind.extension}", upload, save=False)
    stored = photo.image.name
    try:
        photo.save()
    except Exception:
        photo.image.storage.delete(stored)
        raise
    return photo


@transaction.atomic
def claim_remove_photo(*, claim: ExpenseClaim, actor, photo_id: int, now) -> ExpenseClaim:
    claim = _editable_by_author(claim, actor)
    photo = claim.photos.filter(pk=photo_id).first()
    if photo is None:
        raise ValidationError({"photo": [_("Not a photo of this claim.")]})
    stored = photo.image.name
    photo.delete()
    transaction.on_commit(lambda: _delete_files([stored]))
    return claim


@transaction.atomic
def claim_submit(*, claim: ExpenseClaim, actor, now) -> ExpenseClaim:
    """Draft or rejected → pending (R-16.3): its lines, a photo on every receipt line, the
    budget still approved and open. The branch manager decides; the director too when the
    claim is over what is left of the budget or over the author's monthly cap, decided now
    under the lock of the author's budgets of the month."""
    month = ExpenseBudget.objects.values_list("month", flat=True).get(pk=claim.budget_id)
    base.lock_month(office_id=claim.office_id, author_id=claim.author_id, month=month)
    claim = _editable_by_author(claim, actor)
    _budget_usable(claim.budget)
    lines = list(claim.lines.all())
    if not lines:
        raise DomainError(
            _("Add at least one line to the claim before submitting it."), code="no_lines"
        )
    with_photo = set(claim.photos.values_list("line_id", flat=True))
    if any(line.kind == LineKind.RECEIPT and line.pk not in with_photo for line in lines):
        raise DomainError(
            _("Every receipt line needs a photo of its receipt before the claim is submitted."),
            code="photo_missing",
        )
    # what decides the director's step, kept for the claim's page (the engine asks over_cap()
    # in this transaction, under the same locks, so it sees the same figures)
    claim.figures_at_submit = selectors.claim_cap_figures(claim).as_json()
    claim.save(update_fields=["figures_at_submit"])
    return approval_submit(document=claim, actor=actor, now=now)


def claim_approved(claim: ExpenseClaim, *, actor, now) -> None:
    """Approved: the author is told, and finance of the branch, who pays it."""
    claim.approved_at = now
    claim.save(update_fields=["approved_at"])
    params = _params(claim)
    url = reverse("expenses:claim", args=[claim.pk])
    notify(
        kind="expense_claim_approved", params=params, now=now, url=url, recipient_id=claim.author_id
    )
    finance = User.objects.filter(
        is_active=True, groups__name=Role.FINANCE, offices=claim.office_id
    ).distinct()
    for person in finance:
        notify(kind="expense_claim_to_pay", params=params, now=now, url=url, recipient=person)


def claim_rejected(claim: ExpenseClaim, *, actor, now) -> None:
    notify(
        kind="expense_claim_rejected",
        params=_params(claim),
        now=now,
        url=reverse("expenses:claim", args=[claim.pk]),
        recipient_id=claim.author_id,
    )


def _params(claim: ExpenseClaim) -> dict:
    return {"number": claim.number, "amount": f"{claim.total:,.2f}", "by": str(claim.author)}


@transaction.atomic
def claim_pay(*, claim: ExpenseClaim, actor, reference: str, now) -> ExpenseClaim:
    """Finance pays an approved claim, once: the claim's row is locked, so two requests at
    once pay it once and the second is told `already_paid`."""
    claim = base.lock(claim)
    if not may(actor, "expenses.pay", claim.office):
        raise PermissionDenied(_("Finance of the branch pays claims."))
    if claim.status == ClaimStatus.PAID:
        raise DomainError(_("This claim is paid already."), code="already_paid")
    if claim.status != ClaimStatus.APPROVED:
        raise DomainError(_("Only an approved claim is paid."), code="not_approved")
    claim.status, claim.paid_at, claim.paid_by = ClaimStatus.PAID, now, actor
    claim.reference = base.text(reference, "reference", required=False, max_length=100)
    claim.save(update_fields=["status", "paid_at", "paid_by", "reference"])
    ExpenseEvent.objects.create(
        claim=claim, kind=EventKind.PAID, actor=actor, at=now, note=claim.reference
    )
    notify(
        kind="expense_claim_paid",
        params=_params(claim),
        now=now,
        url=reverse("expenses:claim", args=[claim.pk]),
        recipient_id=claim.author_id,
    )
    return claim
