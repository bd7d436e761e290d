"""Pure rules of ownership (R-3). No database here."""

import datetime
import zoneinfo
from dataclasses import dataclass

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


@dataclass(frozen=True)
class ProtectionLeft:
    """What a reader is told of a protection end: the last protected local day, inclusive,
    and how many days after today it is (0: it ends today)."""

    through: datetime.date
    days_left: int

    @property
    def ends_today(self) -> bool:
        return self.days_left <= 0


def protection_left(
    protected_until: datetime.datetime, *, tz: zoneinfo.ZoneInfo, today: datetime.date
) -> ProtectionLeft:
    """R-3.2, the one place the last protected day and the days left are computed from the
    protection end (`protected_until`, the exclusive release instant of `protection_end`).

    Example: contact Mon 2026-03-02 15:00 → released 2026-03-10 00:00 → protected through
    Mon 2026-03-09 (inclusive); on 03-02 7 days are left, on 03-08 1, on 03-09 0 ("ends today").
    """
    through = last_protected_day(protected_until, tz=tz)
    return ProtectionLeft(through=through, days_left=(through - today).days)


def last_protected_day(
    protected_until: datetime.datetime, *, tz: zoneinfo.ZoneInfo
) -> datetime.date:
    """R-3.2: the local day whose end the claim is protected through (the day before release)."""
    return (protected_until - datetime.timedelta(microseconds=1)).astimezone(tz).date()


def followup_earliest(
    *, now: datetime.datetime, tz: zoneinfo.ZoneInfo, claim_started_at: datetime.datetime
) -> datetime.datetime:
    """R-3.9: the earliest time a follow-up logged at `now` may say it happened: the start of
    the previous local day (a call logged late), and never before its claim began. (Never
    after `now` either: the service allows a phone's clock running a little fast.)"""
    yesterday = now.astimezone(tz).date() - datetime.timedelta(days=1)
    start = datetime.datetime.combine(yesterday, datetime.time.min, tzinfo=tz)
    return max(start, claim_started_at)


def is_protected(protected_until: datetime.datetime, now: datetime.datetime) -> bool:
    """R-3.3: evaluated on every read; at `protected_until` itself the claim is released."""
    return now < protected_until


def status_on_read(claim, now: datetime.datetime) -> str:
    """R-3.3: the status a reader sees; a stale active claim is reported released.

    `claim` is anything with `status` and `protected_until` (a Claim, a row of values)."""
    if claim.status == ClaimStatus.ACTIVE and not is_protected(claim.protected_until, now):
        return ClaimStatus.RELEASED
    return claim.status
