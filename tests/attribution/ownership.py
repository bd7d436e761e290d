"""What the ownership service tests share: the clock, customers, claims and their records."""

import datetime
from zoneinfo import ZoneInfo

from attribution.models import Claim, ClaimEvent, FollowUp
from attribution.services import claim_start, followup_log
from leads.factories import CustomerFactory
from leads.models import Customer

SH = ZoneInfo("Asia/Shanghai")


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=SH)


# The worked example: last contact Mon 2026-03-02 15:00 → protected through Mon
# 2026-03-09 23:59:59 → released 2026-03-10 00:00.
MONDAY = at(2026, 3, 2, 15, 0)
RELEASE = at(2026, 3, 10, 0, 0)
TICK = datetime.timedelta(microseconds=1)


def customer_in(office, *, registered_at=None, **kwargs) -> Customer:
    return CustomerFactory(
        office=office, registered_at=registered_at or at(2026, 2, 1, 9, 0), **kwargs
    )


def claimed(office, owner, start: datetime.datetime, **kwargs) -> tuple[Customer, Claim]:
    """A customer whose household `owner` claimed at `start` (their registration, R-3.1)."""
    customer = customer_in(office, **kwargs)
    claim = claim_start(
        household=customer.household, owner=owner, now=start, actor=owner, detail={}
    )
    return customer, claim


def log(customer, author, now, **kwargs) -> FollowUp:
    kwargs.setdefault("kind", "call")
    kwargs.setdefault("note", "谈了首付比例")
    return followup_log(customer=customer, author=author, now=now, **kwargs)


def events(claim, kind=None) -> list[ClaimEvent]:
    qs = ClaimEvent.objects.filter(claim=claim).order_by("pk")
    return list(qs.filter(kind=kind) if kind else qs)


def snapshot(claim: Claim) -> tuple:
    claim.refresh_from_db()
    return (
        claim.status,
        claim.owner_id,
        claim.household_id,
        claim.last_contact_at,
        claim.protected_until,
        ClaimEvent.objects.filter(claim=claim).count(),
    )


def household_of(customer) -> int:
    return Customer.objects.values_list("household", flat=True).get(pk=customer.pk)
