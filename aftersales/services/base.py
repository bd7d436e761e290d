"""What the services of aftersales share: row locks, the state check, the checks of what a
client sends, events and notifications."""

import datetime

from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError

from common.errors import DomainError
from common.numbering import next_number
from notifications.services import notify

from ..choices import MAX_DAYS_BACK

MAX_TEXT = 4000


def today(office, now: datetime.datetime) -> datetime.date:
    return timezone.localtime(now, office.tzinfo).date()


def number(office, prefix: str, now) -> dict:
    year = today(office, now).year
    sequence, text_ = next_number(office=office, prefix=prefix, year=year)
    return {"number": text_, "sequence": sequence, "year": year}


def lock(obj: Model):
    """The row again, under its lock, with its office (read-then-write: STYLE 5)."""
    return (
        type(obj)
        .objects.select_for_update(of=("self",))
        .select_related("office", "account")
        .get(pk=obj.pk)
    )


def move(current: str, target: str, transitions: dict, display) -> None:
    """409 `wrong_state` unless the transitions map allows current → target."""
    if target not in transitions.get(current, ()):
        raise DomainError(
            _("Not possible while it is %(state)s.") % {"state": display},
            code="wrong_state",
        )


def text(value, field: str, *, required: bool, max_length: int = MAX_TEXT) -> str:
    value = (value or "").strip() if isinstance(value, str) or value is None else str(value)
    if "\x00" in value:  # PostgreSQL cannot store it; no person types it
        raise ValidationError({field: [_("Remove the control characters.")]})
    if required and not value:
        raise ValidationError({field: [_("This field is required.")]})
    if len(value) > max_length:
        raise ValidationError({field: [_("Keep it under %(n)d characters.") % {"n": max_length}]})
    return value


def moment(
    value, field: str, *, now: datetime.datetime, earliest: datetime.datetime | None = None
) -> datetime.datetime:
    """A time a client sent: not after now, not before `earliest` (default 30 days back)."""
    if value in (None, ""):
        return now
    if not isinstance(value, datetime.datetime):
        try:
            value = datetime.datetime.fromisoformat(str(value))
        except ValueError:
            raise ValidationError({field: [_("Enter a valid date and time.")]}) from None
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    floor = now - datetime.timedelta(days=MAX_DAYS_BACK)
    if earliest is not None and earliest > floor:
        floor = earliest
    if value > now + datetime.timedelta(minutes=5):  # a phone's clock runs a little ahead
        raise ValidationError({field: [_("The time cannot be in the future.")]})
    # a person gives minutes: the minute of `earliest` itself is not before it
    if value < floor.replace(second=0, microsecond=0):
        raise ValidationError(
            {field: [_("The time cannot be before %(when)s.") % {"when": _fmt(floor)}]}
        )
    return min(max(value, floor), now)


def _fmt(value: datetime.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def choice(value, field: str, choices) -> str:
    if value not in choices.values:
        raise ValidationError({field: [_("Not one of the choices.")]})
    return value


def tell(people, *, kind: str, params: dict, url: str, now, skip=None) -> None:
    """One notification per person (each once), none to `skip` (who did the step)."""
    seen = set()
    for person in people:
        pk = getattr(person, "pk", person)
        if pk is None or pk in seen or (skip is not None and pk == skip.pk):
            continue
        seen.add(pk)
        notify(kind=kind, params=params, now=now, url=url, recipient_id=pk)
