"""Reads of a user's notifications, with the customers they name shown as the reader may see
them now (API.md, visibility).

A notification stores the customer as text when it is sent (`params["customer"]`: the name,
or — for a customer registered without one — the full phone). Who may see that phone changes
afterwards: a claim is released (R-3.3), reassigned (R-3.4) or ruled away (R-5.6). So the text
is never shown as stored: a phone is looked up among the reader's offices and shown in full
only to whoever sees that customer in full today, masked (138****5678) to anyone else.
Stored rows are not rewritten, and the senders need not store a reference: a phone is the
customer's key within an office (R-1.1), so old rows and new ones are read the same way.
"""

import datetime
from collections.abc import Iterable

from django.db.models import QuerySet

from attribution.selectors import customer_labels
from attribution.visibility import sees_in_full
from leads.models import Customer
from leads.rules import mask_phone
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
    A name stays a name (Customer.masked_label); a phone is shown in full only to whoever sees
    that customer in full. A constant number of queries whatever the number of notifications;
    none when nothing they name is a phone, or when the reader sees every customer in full
    (the desk, managers, the director, finance)."""
    stored = {stored_customer(n) for n in notifications} - {""}
    phones = {text for text in stored if is_phone(text)}
    names = {text: text for text in stored - phones}
    if not phones:
        return names
    if sees_in_full(user, None):
        return names | {phone: phone for phone in phones}
    customers = list(
        Customer.objects.filter(office_id__in=office_ids_of(user), phone__in=phones).order_by("pk")
    )
    labels = customer_labels(user, customers, now=now)
    shown: dict[str, list[str]] = {}  # one customer per phone and office
    for customer in customers:
        shown.setdefault(customer.phone, []).append(labels[customer.pk])
    for phone in phones:
        found = shown.get(phone)
        if not found:  # not a customer of the reader's offices (any more): masked
            names[phone] = mask_phone(phone)
        else:  # held in one of the reader's offices (several offices): they know the number
            names[phone] = phone if phone in found else found[0]
    return names
