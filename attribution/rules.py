"""Pure rules of ownership (R-3). No database here."""

import datetime
import zoneinfo

from .choices import ClaimStatus


def protection_end(
    last_contact_at: datetime.datetime, *, tz: zoneinfo.ZoneInfo, days: int
) -> datetime.datetime:
    """R-3.2, the one place the protection end is computed.

    With the last qualifying contact on local day D, the claim is protected through the end of
    day D+days and released at 00:00 of day D+days+1 (the returned instant, exclusive).
    Example: contact Mon 2026-03-02 15:00 → released 2026-03-10 00:00 (days=7).
    """
    local_day = last_contact_at.astimezone(tz).date()
    release_day = local_day + datetime.timedelta(days=days + 1)
    return datetime.datetime.combine(release_day, datetime.time.min, tzinfo=tz)


def is_protected(protected_until: datetime.datetime, now: datetime.datetime) -> bool:
    """R-3.3: evaluated on every read; at `protected_until` itself the claim is released."""
    return now < protected_until


def status_on_read(claim, now: datetime.datetime) -> str:
    """R-3.3: the status a reader sees; a stale active claim is reported released.

    `claim` is anything with `status` and `protected_until` (a Claim, a row of values)."""
    if claim.status == ClaimStatus.ACTIVE and not is_protected(claim.protected_until, now):
        return ClaimStatus.RELEASED
    return claim.status
