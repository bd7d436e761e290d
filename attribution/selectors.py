"""Reads of claims and disputes, restricted to what the user may see, and in bulk where a list
needs them (no per-row queries). A claim's status is the one evaluated on read (R-3.3)."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet

from leads.rules import normalize_phone
from leads.selectors import customers_search
from staff.choices import Role
from staff.permissions import may, restrict_to_offices
from staff.selectors import offices_visible_to

from . import rules
from .choices import ClaimStatus
from .models import Claim, Dispute
from .visibility import sees_in_full


def status_condition(status: str, now: datetime.datetime) -> Q:
    """The claims whose status on read (R-3.3, rules.status_on_read) is `status`, as one
    condition."""
    stale = Q(status=ClaimStatus.ACTIVE, protected_until__lte=now)
    if status == ClaimStatus.ACTIVE:
        return Q(status=ClaimStatus.ACTIVE, protected_until__gt=now)
    if status == ClaimStatus.RELEASED:
        return Q(status=ClaimStatus.RELEASED) | stale
    return Q(status=status)


def active_claims_by_household(household_ids, *, now: datetime.datetime) -> dict[int, Claim]:
    """R-3.3: the active (still protected) claim of each household, one query for the lot."""
    claims = Claim.objects.select_related("owner").filter(
        household_id__in=list(household_ids), status=ClaimStatus.ACTIVE
    )
    return {c.household_id: c for c in claims if rules.is_protected(c.protected_until, now)}


def claim_held(*, household, now: datetime.datetime) -> Claim | None:
    """The claim that carries a salesperson now: active and protected, or a deal (R-3.3,
    R-4.3). Its owner sees the customer in full; `(office, claim_held(...))` is the object of
    `attribution.view_timeline` and `attribution.link_household`."""
    return claims_held([household.pk], now=now).get(household.pk)


def claims_held(household_ids, *, now: datetime.datetime) -> dict[int, Claim]:
    """`claim_held` of many households in one query: of each, the latest active or deal
    claim, unless it is released on read (R-3.3)."""
    claims = (
        Claim.objects.select_related("owner")
        .filter(
            household_id__in=list(household_ids),
            status__in=[ClaimStatus.ACTIVE, ClaimStatus.DEAL],
        )
        .order_by("household_id", "-started_at")
    )
    latest: dict[int, Claim] = {}
    for claim in claims:
        latest.setdefault(claim.household_id, claim)
    return {
        household: claim
        for household, claim in latest.items()
        if rules.status_on_read(claim, now) != ClaimStatus.RELEASED
    }


def customers_search_for(user, qs: QuerySet, query: str, *, now: datetime.datetime) -> QuerySet:
    """R-1.4: the front desk, managers and directors find any customer of `qs` by name or any
    part of the phone; a salesperson so finds only the customers they hold (active claim or
    deal, R-3.1), and any other only by the full number — so that no sequence of searches
    reveals a phone they may not see. Order with `leads.selectors.SEARCH_ORDER`."""
    if sees_in_full(user, None):
        return customers_search(qs, query)
    held_by_user = Claim.objects.filter(household=OuterRef("household"), owner=user).filter(
        status_condition(ClaimStatus.ACTIVE, now) | Q(status=ClaimStatus.DEAL)
    )
    found = customers_search(qs.filter(Exists(held_by_user)), query)
    try:
        full = normalize_phone(query)
    except ValidationError:
        return found
    return found | qs.filter(phone=full)


def customer_labels(user, customers: Iterable, *, now: datetime.datetime) -> dict[int, str]:
    """How `user` may name each customer now (API.md, visibility): in full (the name, else the
    phone) for whoever sees the customer in full, else the name or the masked phone. Read now,
    not when a record was made: the salesperson whose claim was released, reassigned or ruled
    away sees the masked phone, the new owner the full one. One query; none for the roles
    that see every customer of their offices in full."""
    customers = list(customers)
    if sees_in_full(user, None):
        return {c.pk: str(c) for c in customers}
    held = claims_held({c.household_id for c in customers}, now=now)
    return {
        c.pk: str(c) if sees_in_full(user, held.get(c.household_id)) else c.masked_label
        for c in customers
    }


def claims_visible_to(user) -> QuerySet[Claim]:
    """Claims of the user's offices: a manager (or director) sees the office's, a salesperson
    their own (API.md, GET /claims/)."""
    qs = restrict_to_offices(Claim.objects.select_related("owner", "office", "household"), user)
    if user.has_role(Role.MANAGER, Role.DIRECTOR):
        return qs
    return qs.filter(owner=user)


@dataclass(frozen=True)
class ShownClaim:
    """A household's claim as a reader sees it now: `status` is evaluated on read (R-3.3)."""

    claim: Claim
    status: str

    @property
    def owner_id(self) -> int:
        return self.claim.owner_id

    @property
    def owner(self):
        return self.claim.owner

    @property
    def protected_until(self):
        return self.claim.protected_until

    @property
    def holding(self) -> Claim | None:
        """The claim when it still carries its salesperson (active or deal), else None."""
        return self.claim if self.status in (ClaimStatus.ACTIVE, ClaimStatus.DEAL) else None


def claims_shown(claims: Iterable[Claim], *, now: datetime.datetime) -> dict[int, ShownClaim]:
    """Of each household's claims, the one to show (API.md `claim`): the active or deal claim;
    failing that the last released one (a stale active claim is released on read)."""
    shown: dict[int, ShownClaim] = {}
    for claim in sorted(claims, key=lambda c: c.started_at, reverse=True):
        status = rules.status_on_read(claim, now)
        if status == ClaimStatus.MERGED:
            continue
        current = shown.get(claim.household_id)
        if current is None or (current.holding is None and status != ClaimStatus.RELEASED):
            shown[claim.household_id] = ShownClaim(claim, status)
    return shown


def disputes_visible_to(user) -> QuerySet[Dispute]:
    """Whoever rules on an office's disputes (its manager, the director) sees all of them; a
    salesperson the ones they opened or claim in, and the ones on customers they hold."""
    base = restrict_to_offices(Dispute.objects.select_related("customer", "office"), user).order_by(
        "-opened_at", "-pk"
    )
    offices = offices_visible_to(user)
    ruled_here = [o.pk for o in offices if may(user, "attribution.rule_dispute", o)]
    holds = Exists(
        Claim.objects.filter(
            household=OuterRef("customer__household"),
            owner=user,
            status__in=[ClaimStatus.ACTIVE, ClaimStatus.DEAL],
        )
    )
    return base.filter(Q(office__in=ruled_here) | Q(claimant=user) | Q(opened_by=user) | Q(holds))


def household_family(household) -> list[int]:
    """The household and every household merged into it, however deep (R-4.1)."""
    from leads.models import Household

    ids, frontier = [household.pk], [household.pk]
    while frontier:
        frontier = list(
            Household.objects.filter(merged_into__in=frontier).values_list("pk", flat=True)
        )
        ids += frontier
    return ids
