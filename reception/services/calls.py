"""Hotline calls (R-2.7) and referral pre-registration (R-4.3)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from attribution import services as claims
from leads import services as leads
from leads.models import Customer, SourceChannel
from notifications.services import notify
from staff.models import Office, User

from ..choices import CallKind
from ..models import Call, Referral
from .common import _phone

# ---------------------------------------------------------------- calls and referrals


@transaction.atomic
def call_register(
    *,
    office: Office,
    actor: User,
    kind: str,
    content: str,
    now: datetime.datetime,
    phone: str = "",
    name: str = "",
    caller: str = "",
    source_channel: SourceChannel | None = None,
) -> Call:
    """R-2.7: a caller with an active claim is put through to the owner; a new caller becomes
    a registered, unowned customer; non-customer calls are logged."""
    if kind not in CallKind.values:
        raise ValidationError({"kind": [_("Unknown kind of call.")]})
    content = (content or "").strip()
    if not content:
        raise ValidationError({"content": [_("Write what the call was about.")]})
    call = Call(
        office=office, kind=kind, at=now, answered_by=actor, content=content, caller=caller.strip()
    )
    if kind == CallKind.NON_CUSTOMER:
        if not call.caller:
            raise ValidationError({"caller": [_("Enter who called.")]})
        call.save()
        return call
    normalized = _phone(phone)
    channel = source_channel or SourceChannel.objects.get(code="phone")
    customer, is_new = leads.customer_get_or_register(
        office=office, phone=normalized, name=name, source_channel=channel, actor=actor, now=now
    )
    household = leads.household_lock(household_id=customer.household_id)
    leads.customer_fill_name(customer=customer, name=name)
    call.customer, call.is_new_customer, call.source_channel = customer, is_new, channel
    if is_new:  # unowned until they visit
        leads.customer_mark_caller(customer=customer)
    claim = claims.claim_held(household=household, now=now)  # deals too
    if claim is not None:
        call.put_through_to = claim.owner
    call.save()
    if claim is not None:
        notify(
            recipient=claim.owner,
            kind="call_put_through",
            params={"customer": str(customer)},
            url=f"/w/my/?office={office.pk}",
            now=now,
        )
    return call


@transaction.atomic
def referral_register(
    *, office: Office, actor: User, referrer: Customer, phone: str, name: str, now
) -> Referral:
    """R-4.3: pre-registration at the desk, phone and name, before the visit."""
    if referrer.office_id != office.pk:
        raise ValidationError({"referrer": [_("Unknown customer.")]})
    normalized = _phone(phone)
    if normalized == referrer.phone:
        raise ValidationError({"phone": [_("A customer cannot refer themselves.")]})
    return Referral.objects.create(
        office=office,
        referrer=referrer,
        phone=normalized,
        name=(name or "").strip(),
        registered_at=now,
        registered_by=actor,
    )
