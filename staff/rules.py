"""Pure rules about offices (no database here)."""

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def record_date_range(
    *, opened_on: datetime.date, today: datetime.date
) -> tuple[datetime.date, datetime.date]:
    """R-3.9: the dates a record of the office may bear (a diary, a leave or rest day, the
    minutes of a meeting, a report's period): from the office's opening to the end of next
    year. The office-local `today` is the caller's."""
    return opened_on, datetime.date(today.year + 1, 12, 31)


def validate_record_date(
    day: datetime.date, *, opened_on: datetime.date, today: datetime.date, field: str = "date"
) -> None:
    """R-3.9, the one check of every form, serializer and service that takes such a date:
    ValidationError {field: [message]} outside record_date_range."""
    first, last = record_date_range(opened_on=opened_on, today=today)
    if not first <= day <= last:
        raise ValidationError(
            {
                field: [
                    ValidationError(
                        _("Choose a date between %(first)s (the office's opening) and %(last)s."),
                        code="date_out_of_range",
                        params={"first": first.isoformat(), "last": last.isoformat()},
                    )
                ]
            }
        )


# API tokens (issue 13): refused after this many idle days (settings.API_TOKEN_IDLE_DAYS), and
# their last use written at most this often
TOKEN_USE_RECORDED_EVERY = datetime.timedelta(hours=1)


def token_is_idle(
    *, last_used_at: datetime.datetime, now: datetime.datetime, idle_days: int
) -> bool:
    """A token not used for more than `idle_days` no longer authenticates."""
    return now - last_used_at > datetime.timedelta(days=idle_days)


def token_use_to_record(*, last_used_at: datetime.datetime, now: datetime.datetime) -> bool:
    """Whether this use is written: the first in an hour (not a write per request)."""
    return now - last_used_at >= TOKEN_USE_RECORDED_EVERY
