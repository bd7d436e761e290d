"""Reads for the front desk's pages, each restricted to an office the caller was allowed to open
(views pick the office through `may()`), in a fixed number of queries whatever the day's volume."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from attribution.models import Claim
from attribution.selectors import claims_held, customers_search_for
from attribution.visibility import name_for, phone_for
from leads.models import Customer
from leads.selectors import SEARCH_ORDER, customers_visible_to
from staff.choices import Role
from staff.models import Office, User
from staff.permissions import restrict_to_offices

from . import rules
from .choices import CallKind, DutyStatus, ResearchStatus, Rule
from .models import Call, DutyState, Roster, RosterEntry, Visit

LOOKUP_LIMIT = 10


def day_bounds(office: Office, day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The office-local day as an interval of instants [start, end)."""
    start = datetime.datetime.combine(day, datetime.time.min, tzinfo=office.tzinfo)
    end = datetime.datetime.combine(
        day + datetime.timedelta(days=1), datetime.time.min, tzinfo=office.tzinfo
    )
    return start, end


def office_today(office: Office, now: datetime.datetime) -> datetime.date:
    return timezone.localtime(now, office.tzinfo).date()


# ---------------------------------------------------------------- counters


def counters_of_day(*, office: Office, day: datetime.date) -> dict[str, int]:
    """The desk's counts for one office-local day: two aggregate queries."""
    start, end = day_bounds(office, day)
    visits = Visit.objects.filter(office=office, at__gte=start, at__lt=end).aggregate(
        parties=Count("pk"),
        new_customers=Count("pk", filter=Q(is_new_customer=True)),
        returning_customers=Count("pk", filter=Q(is_new_customer=False)),
    )
    calls = Call.objects.filter(office=office, at__gte=start, at__lt=end).aggregate(
        customer_calls=Count("pk", filter=Q(kind=CallKind.CUSTOMER)),
        non_customer_calls=Count("pk", filter=Q(kind=CallKind.NON_CUSTOMER)),
    )
    return {**visits, **calls}


# ---------------------------------------------------------------- the rotation board


@dataclass(frozen=True)
class Seat:
    position: int
    salesperson: User
    status: str
    status_label: str
    owed_turns: int
    is_next: bool  # receives the next new customer (a dry run of the rotation, R-2.3)
    at_pointer: bool = False  # the queue's pointer is on them

    @property
    def owed_label(self) -> str:
        return _("Owed turns: %(n)s") % {"n": self.owed_turns}


@dataclass
class Board:
    office: Office
    day: datetime.date
    roster: Roster | None
    seats: list[Seat] = field(default_factory=list)

    @property
    def next_seat(self) -> Seat | None:
        return next((s for s in self.seats if s.is_next), None)

    @property
    def pointer_seat(self) -> Seat | None:
        """The seat the pointer is on, when it is not the one who receives the next customer
        (they will be skipped): the board says so beside the real next person."""
        at = next((s for s in self.seats if s.at_pointer), None)
        return at if at is not None and not at.is_next else None


def board_of_day(*, office: Office, day: datetime.date) -> Board:
    """The day's roster in order, the pointer, each person's status and owed turns (3 queries)."""
    roster = Roster.objects.filter(office=office, date=day).first()
    if roster is None:
        return Board(office=office, day=day, roster=None)
    entries = list(roster.entries.select_related("salesperson").order_by("position"))
    states = {
        s.salesperson_id: s
        for s in DutyState.objects.filter(
            office=office, salesperson_id__in=[e.salesperson_id for e in entries]
        )
    }
    labels = dict(DutyStatus.choices)
    rows = []
    for entry in entries:
        state = states.get(entry.salesperson_id)
        rows.append(
            (
                entry,
                state.status if state else DutyStatus.AVAILABLE,
                state.owed_turns if state else 0,
            )
        )
    # dry run: the same walk the next registration will make, nothing saved
    next_id = rules.rotate(
        [
            rules.Seat(
                salesperson_id=e.salesperson_id, position=e.position, status=st, owed_turns=owed
            )
            for e, st, owed in rows
        ],
        roster.pointer,
    ).chosen
    seats = [
        Seat(
            position=entry.position,
            salesperson=entry.salesperson,
            status=status,
            status_label=labels.get(status, status),
            owed_turns=owed,
            is_next=entry.salesperson_id == next_id,
            at_pointer=entry.position == roster.pointer,
        )
        for entry, status, owed in rows
    ]
    return Board(office=office, day=day, roster=roster, seats=seats)


def roster_positions(*, office: Office, day: datetime.date) -> dict[int, int]:
    """Salesperson id → position on the day's roster (for the manager's editor)."""
    return dict(
        RosterEntry.objects.filter(roster__office=office, roster__date=day).values_list(
            "salesperson_id", "position"
        )
    )


def salespeople_of(office: Office) -> QuerySet[User]:
    """Active salespeople of the office: the pickers of the desk and of the manager."""
    return (
        User.objects.filter(is_active=True, offices=office, groups__name=Role.SALESPERSON)
        .distinct()
        .order_by("display_name", "username")
    )


# ---------------------------------------------------------------- visits


def _visits(office: Office) -> QuerySet[Visit]:
    return Visit.objects.filter(office=office).select_related(
        "customer", "assigned_to", "named_salesperson", "source_channel", "office"
    )


def visits_of_day(*, office: Office, day: datetime.date, limit: int = 30) -> list[Visit]:
    """The day's visits, latest first."""
    start, end = day_bounds(office, day)
    return list(_visits(office).filter(at__gte=start, at__lt=end).order_by("-at", "-pk")[:limit])


def visits_unassigned(*, office: Office) -> list[Visit]:
    """R-2.3/R-2.5: visits waiting for the manager, oldest first."""
    return list(_visits(office).filter(rule=Rule.UNASSIGNED).order_by("at", "pk"))


def visits_received(*, user: User, office: Office, day: datetime.date) -> list[Visit]:
    """The visits a salesperson received on a day (their own page)."""
    start, end = day_bounds(office, day)
    return list(
        _visits(office).filter(assigned_to=user, at__gte=start, at__lt=end).order_by("-at", "-pk")
    )


def visits_research(*, office: Office, status: str) -> list[Visit]:
    """R-2.6: market-research visits at one step (flagged: the desk confirms)."""
    return list(_visits(office).filter(research_status=status).order_by("at", "pk"))


def visits_awaiting_approval(*, user: User) -> list[Visit]:
    """R-2.6: confirmed market-research visits of the user's offices, for the director."""
    qs = restrict_to_offices(
        Visit.objects.select_related("customer", "assigned_to", "source_channel", "office"), user
    )
    return list(qs.filter(research_status=ResearchStatus.CONFIRMED).order_by("at", "pk"))


def visit_for(user: User, pk: int) -> Visit | None:
    qs = Visit.objects.select_related("customer", "office", "assigned_to", "source_channel")
    return restrict_to_offices(qs, user).filter(pk=pk).first()


def users_by_id(ids) -> dict[int, User]:
    return {u.pk: u for u in User.objects.filter(pk__in=set(ids))}


# ---------------------------------------------------------------- the lookup box


@dataclass
class Match:
    customer: Customer
    name: str
    phone: str
    members: list[tuple[str, str]]
    claim: Claim | None


def customers_lookup(
    *, user: User, office: Office, query: str, now: datetime.datetime
) -> list[Match]:
    """Customers of the office matching a phone, part of it, or a name (R-1.4: what this user
    may search), each with their household and who holds it (R-3.1: an active claim or a deal):
    three queries whatever the number of matches."""
    qs = customers_visible_to(user).filter(office=office)
    found = list(
        customers_search_for(user, qs, query, now=now).order_by(*SEARCH_ORDER)[:LOOKUP_LIMIT]
    )
    if not found:
        return []
    household_ids = {c.household_id for c in found}
    members: dict[int, list[Customer]] = {}
    for member in Customer.objects.filter(household_id__in=household_ids).order_by("pk"):
        members.setdefault(member.household_id, []).append(member)
    claims = claims_held(household_ids, now=now)
    matches = []
    for customer in found:
        claim = claims.get(customer.household_id)
        others = [m for m in members.get(customer.household_id, []) if m.pk != customer.pk]
        matches.append(
            Match(
                customer=customer,
                name=name_for(user, customer.name, claim),
                phone=phone_for(user, customer.phone, claim),
                members=[
                    (name_for(user, m.name, claim), phone_for(user, m.phone, claim)) for m in others
                ],
                claim=claim,
            )
        )
    return matches


def customer_by_id(*, office: Office, pk) -> Customer | None:
    return Customer.objects.filter(office=office, pk=pk).first()
