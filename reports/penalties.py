"""Penalties for breaking the office's rules (R-16.5: 违反规章制度罚款 10–100): recorded by a
manager of the office (or the director) against a person of the office, never against
themselves; withdrawn by a manager with a reason (the row stays). They appear with the diary
fines (R-7.2) and count in the month's figures."""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.errors import DomainError
from notifications.services import notify
from reception.selectors import office_today
from staff.choices import Role
from staff.models import Office, User
from staff.permissions import may
from staff.rules import validate_record_date

from .models import PENALTY_MAX, PENALTY_MIN, Penalty

RECORD, OWN_PENALTIES = "reports.record_penalty", "reports.view_own_penalties"
RULE_LIMIT, TEXT_LIMIT = 100, 2000
# roles that are never penalised by an office's manager (R-16.5: the office's staff are)
NOT_PENALISED = (Role.DIRECTOR, Role.EXECUTIVE)
# the rules most often broken, offered on the form; any other may be typed
COMMON_RULES = (
    gettext_lazy("Outbound order issued wrongly"),
    gettext_lazy("Invoice issued wrongly"),
    gettext_lazy("Work plan not submitted on time"),
    gettext_lazy("Late for the daily meeting"),
    gettext_lazy("Customer registration not made"),
    gettext_lazy("Contract not archived on time"),
)


def penalty_amount(value) -> Decimal:
    """R-16.5: 10.00 to 100.00 yuan, at most 2 decimals; NaN, infinities and exponents refused."""
    text = str(value).strip() if isinstance(value, str | int | Decimal) else None
    try:
        amount = Decimal(text) if text is not None and "e" not in text.lower() else None
    except (InvalidOperation, ValueError):
        amount = None
    if amount is None or not amount.is_finite() or amount.as_tuple().exponent < -2:
        raise ValidationError({"amount": [_("Enter an amount in yuan with at most 2 decimals.")]})
    if not PENALTY_MIN <= amount <= PENALTY_MAX:
        raise ValidationError({"amount": [_("A penalty is 10.00 to 100.00 yuan.")]})
    return amount.quantize(Decimal("0.01"))


def _text(value, field: str, limit: int, message) -> str:
    value = value.strip() if isinstance(value, str) else ""
    if "\x00" in value:
        raise ValidationError({field: [_("Remove the control characters.")]})
    if not value:
        raise ValidationError({field: [message]})
    if len(value) > limit:
        raise ValidationError({field: [_("Keep it under %(n)d characters.") % {"n": limit}]})
    return value


def may_be_penalised(person: User, office: Office) -> bool:
    """A member of the office in any role but the director's and the executive's."""
    return (
        person.is_active
        and not person.has_role(*NOT_PENALISED)
        and office.pk in set(person.member_office_ids)
    )


def fines_url(office: Office, day: datetime.date) -> str:
    return f"{reverse('reports:fines')}?{urlencode({'office': office.pk, 'month': f'{day:%Y-%m}'})}"


@transaction.atomic
def penalty_record(
    *, office: Office, person: User, date, amount, rule: str, reason: str, actor, now
) -> Penalty:
    """R-16.5: a manager of the office records a penalty against a person of the office."""
    if not may(actor, RECORD, office):
        raise PermissionDenied(_("A manager of the office records penalties."))
    if person.pk == actor.pk:
        raise PermissionDenied(_("Nobody records a penalty against themselves."))
    if not may_be_penalised(person, office):
        raise PermissionDenied(_("Choose a person of this office."))
    if not isinstance(date, datetime.date):
        try:
            date = datetime.date.fromisoformat(str(date))
        except ValueError:
            raise ValidationError({"date": [_("Enter a valid date.")]}) from None
    today = office_today(office, now)
    validate_record_date(date, opened_on=office.opened_on, today=today)
    if date > today:  # a penalty is for what happened, never ahead
        raise ValidationError({"date": [_("The date cannot be in the future.")]})
    penalty = Penalty.objects.create(
        office=office,
        person=person,
        date=date,
        amount=penalty_amount(amount),
        rule=_text(rule, "rule", RULE_LIMIT, _("Say which rule was broken.")),
        reason=_text(reason, "reason", TEXT_LIMIT, _("Write the reason.")),
        recorded_by=actor,
        recorded_at=now,
    )
    notify(
        kind="penalty_recorded",
        params={
            "amount": f"{penalty.amount:.2f}",
            "rule": penalty.rule,
            "date": penalty.date.isoformat(),
            "by": str(actor),
        },
        now=now,
        url=fines_url(office, penalty.date),
        recipient=person,
    )
    return penalty


@transaction.atomic
def penalty_withdraw(*, penalty: Penalty, actor, reason: str, now) -> Penalty:
    """R-16.5: a manager withdraws a penalty with a reason, like waiving a diary fine (R-7.2);
    the row stays, the month's figures leave it out. Never one's own."""
    penalty = Penalty.objects.select_for_update().select_related("office").get(pk=penalty.pk)
    if not may(actor, RECORD, penalty.office) or penalty.person_id == actor.pk:
        raise PermissionDenied(_("Another manager of the office withdraws it."))
    reason = _text(reason, "reason", TEXT_LIMIT, _("Write the reason."))
    if penalty.withdrawn_at is not None:
        raise DomainError(_("This penalty is already withdrawn."), code="already_withdrawn")
    penalty.withdrawn_at, penalty.withdrawn_by, penalty.withdraw_reason = now, actor, reason
    penalty.save(update_fields=["withdrawn_at", "withdrawn_by", "withdraw_reason"])
    notify(
        kind="penalty_withdrawn",
        params={
            "amount": f"{penalty.amount:.2f}",
            "date": penalty.date.isoformat(),
            "by": str(actor),
            "reason": reason,
        },
        now=now,
        url=fines_url(penalty.office, penalty.date),
        recipient_id=penalty.person_id,
    )
    return penalty
