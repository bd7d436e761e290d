"""Reads of a user's notifications, with the customers they name shown as the reader may see
them now (API.md, visibility).

A notification stores the customer as text when it is sent (`params["customer"]`: the name,
or — for a customer registered without one — the full phone). Who may see that customer in
full changes afterwards: a claim is released (R-3.3), reassigned (R-3.4) or ruled away
(R-5.6). So the text is never shown as stored: it is looked up among the reader's customers
and shown in full only to whoever holds such a customer today, masked (138****5678, 张*) to
anyone else. Stored rows are not rewritten, and the senders need not store a reference: a
phone is the customer's key within an office (R-1.1), so old rows and new ones are read the
same way."""

import datetime
from collections.abc import Iterable

from django.db.models import Q, QuerySet

from attribution.selectors import claims_held
from attribution.visibility import sees_in_full
from leads.models import Customer
from leads.rules import mask_name, mask_phone
from staff.permissions import office_ids_of

from .messages import is_phone, stored_customer
from .models import Notification


def notifications_of(user) -> QuerySet[Notification]:
    """The user's own notifications, newest first."""
    return Notification.objects.filter(recipient=user.pk).order_by("-created_at", "-pk")


def customer_names(
    user, notifications: Iterable[Notification], *, now: datetime.datetime
) -> dict[str, str]:
    """The customer text each notification stored → how `user` may name that customer now.
    A name or a phone is shown in full only to whoever sees that customer in full today: a
    name (not unique) when the reader holds a customer of that name, else masked (张*); a
    phone when the reader holds its customer, else masked. A constant number of queries
    whatever the number of notifications; none when the reader sees every customer in full
    (the desk, managers, the director, finance)."""
    stored = {stored_customer(n) for n in notifications} - {""}
    if not stored or sees_in_full(user, None):
        return {text: text for text in stored}
    phones = {text for text in stored if is_phone(text)}
    names = {text for text in stored - phones if "*" not in text}  # not stored masked
    customers = list(
        Customer.objects.filter(office_id__in=office_ids_of(user))
        .filter(Q(phone__in=phones) | Q(name__in=names))
        .order_by("pk")
    )
    held = claims_held({c.household_id for c in customers}, now=now)
    mine = {c.pk for c in customers if sees_in_full(user, held.get(c.household_id))}
    shown = {text: text for text in stored - phones - names}
    shown |= {text: mask_phone(text) for text in phones}
    shown |= {text: mask_name(text) for text in names}
    for customer in customers:
        if customer.pk not in mine:
            continue
        for text in (customer.phone, customer.name):  # one customer per phone and office
            if text in stored:
                shown[text] = text
    return shown
