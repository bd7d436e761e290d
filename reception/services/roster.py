"""The duty roster and statuses (R-2.2)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from staff.models import Office, User

from ..choices import DutyStatus
from ..models import DutyState, Roster, RosterEntry
from .common import _require_salesperson, local_date

# ---------------------------------------------------------------- roster and duty status


@transaction.atomic
def roster_set(*, office: Office, date: datetime.date, salespeople: list[User], actor) -> Roster:
    """R-2.2: the manager sets the day's order. The pointer starts on the first person; when
    the order changes during the day it stays on the same person if they remain on it."""
    if not salespeople:
        raise ValidationError({"salespeople": [_("Put at least one salesperson on the roster.")]})
    ids = [u.pk for u in salespeople]
    if len(set(ids)) != len(ids):
        raise ValidationError({"salespeople": [_("A salesperson appears twice on the roster.")]})
    for user in salespeople:
        _require_salesperson(user, office, "salespeople")
    roster, created = Roster.objects.select_for_update().get_or_create(
        office=office, date=date, defaults={"set_by": actor}
    )
    current = None
    if not created:
        current = (
            roster.entries.filter(position=roster.pointer)
            .values_list("salesperson", flat=True)
            .first()
        )
        roster.entries.all().delete()
    RosterEntry.objects.bulk_create(
        RosterEntry(roster=roster, salesperson=user, position=i)
        for i, user in enumerate(salespeople, 1)
    )
    roster.pointer = ids.index(current) + 1 if current in ids else 1
    roster.set_by = actor
    roster.save(update_fields=["pointer", "set_by"])
    for user in salespeople:
        DutyState.objects.get_or_create(office=office, salesperson=user)
    return roster


@transaction.atomic
def duty_status_set(
    *, office: Office, salesperson: User, status: str, now: datetime.datetime
) -> DutyState:
    """R-2.2: a status changes only when the person, the secretary or the manager sets it."""
    if status not in DutyStatus.values:
        raise ValidationError({"status": [_("Unknown status.")]})
    on_roster = RosterEntry.objects.filter(
        roster__office=office, roster__date=local_date(office, now), salesperson=salesperson
    ).exists()
    if not on_roster:
        raise ValidationError({"salesperson": [_("This salesperson is not on today's roster.")]})
    state, _created = DutyState.objects.select_for_update().get_or_create(
        office=office, salesperson=salesperson
    )
    state.status = status
    state.save(update_fields=["status"])
    return state
