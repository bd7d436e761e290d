import datetime

from staff.models import Office, User

from .choices import DutyStatus
from .models import DutyState
from .services import roster_set


def roster_for(
    office: Office,
    date: datetime.date,
    salespeople: list[User],
    *,
    manager: User,
    statuses=None,
    owed=None,
):
    """A day's roster; `statuses` / `owed` map salesperson → status / owed turns."""
    roster = roster_set(office=office, date=date, salespeople=salespeople, actor=manager)
    for user in salespeople:
        DutyState.objects.filter(office=office, salesperson=user).update(
            status=(statuses or {}).get(user, DutyStatus.AVAILABLE),
            owed_turns=(owed or {}).get(user, 0),
        )
    return roster
