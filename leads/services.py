"""Writes of customers. Registration is race-safe: the database's unique constraint decides."""

import datetime

from django.db import IntegrityError, transaction

from .models import Customer, Household, SourceChannel


def household_lock(*, household_id: int) -> Household:
    """Lock a household's row: every read-then-write on its claims and visits goes through it."""
    # of=("self",): lock the household only. Without it FOR UPDATE also locked the joined
    # office row, which serialized every registration of the office and deadlocked with any
    # transaction that holds the roster and inserts a row referencing the office (the FK's
    # deferred KEY SHARE check at commit), e.g. roster_set adding a newcomer's duty state
    # (tests/concurrency/test_reception_races.py::test_r_2_2_manager_changes_todays_roster…).
    return (
        Household.objects.select_for_update(of=("self",))
        .select_related("office")
        .get(pk=household_id)
    )


def customer_get_or_register(
    *,
    office,
    phone: str,
    name: str,
    source_channel: SourceChannel,
    actor,
    now: datetime.datetime,
) -> tuple[Customer, bool]:
    """R-1.1/R-1.2: the office's customer with this (normalized) phone, registered if new.

    Two registrations of the same phone at the same moment: one INSERT wins on the unique
    constraint, the other waits for it, fails inside its savepoint and reads the winner.
    """
    existing = Customer.objects.filter(office=office, phone=phone).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            household = Household.objects.create(office=office, created_at=now)
            customer = Customer.objects.create(
                office=office,
                phone=phone,
                name=name,
                household=household,
                source_channel=source_channel,
                registered_at=now,
                registered_by=actor,
            )
            return customer, True
    except IntegrityError:
        winner = Customer.objects.filter(office=office, phone=phone).first()
        if winner is None:  # not the race on the unique phone (a CHECK refused the row): a bug
            raise
        return winner, False


def customer_fill_name(*, customer: Customer, name: str) -> None:
    """A name learned later fills a blank; it never overwrites (the registration stands)."""
    if name and not customer.name:
        customer.name = name
        customer.save(update_fields=["name"])


def customer_mark_caller(*, customer: Customer) -> None:
    """R-2.7: a customer first registered by a hotline call is unowned until they visit."""
    customer.awaiting_visit = True
    customer.save(update_fields=["awaiting_visit"])


def customer_mark_visited(*, customer: Customer) -> None:
    """R-2.7: the caller's first visit goes through the desk's rules (R-2.1) like anyone's."""
    if customer.awaiting_visit:
        customer.awaiting_visit = False
        customer.save(update_fields=["awaiting_visit"])


def household_merge(*, source: Household, target: Household) -> int:
    """R-4.1: every member of `source` joins `target`; `source` remembers where they went.
    The caller holds both households' locks."""
    moved = Customer.objects.filter(household=source).update(household=target)
    source.merged_into = target
    source.save(update_fields=["merged_into"])
    return moved
