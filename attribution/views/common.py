"""Helpers shared by the ownership pages: the office of a request (where the user may do the
page's action, staff.permissions), and the claim cards' data fetched in bulk (a constant number
of queries for any number of claims)."""

import datetime
from collections.abc import Callable

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from leads.models import Customer, Household
from staff.choices import Role
from staff.models import Office, User
from staff.permissions import may
from staff.places import Place, place_for  # noqa: F401 (used by the views)

from ..choices import ClaimStatus
from ..models import Claim, FollowUp
from ..rules import ProtectionLeft, protection_left, status_on_read
from ..selectors import status_condition

INVALID = 422  # a form with errors; htmx is configured to swap it (base.html)
CONFLICT = 409  # a business rule refused the action (DomainError); htmx swaps it too
CHANGED = "claims-changed"  # the event the lists refresh on
MERGE_DEPTH = 8  # households linked into households linked into …: far more than ever seen


def allowed(action: str) -> Callable[[User, Office], bool]:
    """`place_for`'s test: may the user do `action` in this office (staff.permissions)."""
    return lambda user, office: may(user, action, office)


def salespeople_of(office: Office) -> list[User]:
    return list(
        User.objects.filter(is_active=True, offices=office, groups__name=Role.SALESPERSON)
        .distinct()
        .order_by("display_name", "username")
    )


def today_of(office: Office, now: datetime.datetime) -> datetime.date:
    return timezone.localtime(now, office.tzinfo).date()


def protection(
    office: Office, protected_until: datetime.datetime, now: datetime.datetime
) -> ProtectionLeft:
    """The last protected day and the days left as the office reads them (rules.protection_left)."""
    return protection_left(protected_until, tz=office.tzinfo, today=today_of(office, now))


# ---------------------------------------------------------------- claims by effective status


def q_active(now: datetime.datetime) -> Q:
    """R-3.3: active and still protected (evaluated on read)."""
    return status_condition(ClaimStatus.ACTIVE, now)


def q_released(now: datetime.datetime) -> Q:
    """Released, or active past its protection end and not yet swept by the job (R-3.3)."""
    return status_condition(ClaimStatus.RELEASED, now)


effective_status = status_on_read


def held_households(qs: QuerySet, now: datetime.datetime) -> QuerySet:
    """Households that someone holds now: an active (protected) claim or a deal."""
    return qs.filter(q_active(now) | Q(status=ClaimStatus.DEAL)).values("household_id")


def with_next_step(qs: QuerySet) -> QuerySet:
    """Each claim's latest (not voided) follow-up's next step, in the same query."""
    latest = FollowUp.objects.filter(claim=OuterRef("pk"), voided_at__isnull=True).order_by(
        "-at", "-pk"
    )
    return qs.annotate(next_step=Subquery(latest.values("next_step")[:1]))


def members_by_household(household_ids) -> dict[int, list[Customer]]:
    """The customers of each household, earliest registration first. A household linked into
    another (R-4.1) has no members left: it gets those of the household it went into — one
    query per level of such links, whatever the number of households."""
    ids = set(household_ids)
    members: dict[int, list[Customer]] = {}
    for c in Customer.objects.filter(household_id__in=ids).order_by("registered_at", "pk"):
        members.setdefault(c.household_id, []).append(c)
    now_in = {pk: pk for pk in ids - members.keys()}  # where their customers went
    pending = set(now_in)
    for _level in range(MERGE_DEPTH):
        if not pending:
            break
        links = dict(
            Household.objects.filter(pk__in={now_in[p] for p in pending}).values_list(
                "pk", "merged_into_id"
            )
        )
        for pk in list(pending):
            into = links.get(now_in[pk])
            if into is None:
                pending.discard(pk)
            else:
                now_in[pk] = into
    if now_in:
        moved: dict[int, list[Customer]] = {}
        for c in Customer.objects.filter(household_id__in=set(now_in.values())).order_by(
            "registered_at", "pk"
        ):
            moved.setdefault(c.household_id, []).append(c)
        for pk, into in now_in.items():
            members[pk] = moved.get(into, [])
    return members


def decorate(claims: list[Claim], office: Office, now: datetime.datetime) -> list[Claim]:
    """Attach to each claim its members, first customer, effective status and protection end
    (the last protected day and the days left)."""
    members = members_by_household({c.household_id for c in claims})
    today = today_of(office, now)
    for claim in claims:
        claim.members = members.get(claim.household_id, [])
        claim.customer = claim.members[0] if claim.members else None
        claim.effective_status = effective_status(claim, now)
        claim.effective_status_label = ClaimStatus(claim.effective_status).label
        claim.protection = protection_left(claim.protected_until, tz=office.tzinfo, today=today)
        claim.days_left = claim.protection.days_left
        # protection ending within the office's warning days (2 by default: the last
        # day and the day before), shown in red
        claim.ending = (
            claim.effective_status == ClaimStatus.ACTIVE and claim.days_left < office.warning_days
        )
    return claims
