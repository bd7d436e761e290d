"""R-3.2/R-3.3 as properties: for any contacts and any moment, the implementation agrees with a
direct reading of the rule, written here without rules.protection_end.

The direct reading: with the last qualifying contact on local day D, the claim is active on
every local day up to D+7 and released from D+8 on — that is, active at moment t iff
(local date of t − D).days ≤ 7.
"""

import datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from attribution.rules import is_protected, protection_end
from attribution.services import claim_active, claim_start, followup_log
from common.errors import DomainError
from leads.factories import CustomerFactory

SH = ZoneInfo("Asia/Shanghai")
DAYS = 7  # the office default

# days on which a calendar edge lies: month and year ends, both sides of a leap day
SPECIAL_DAYS = [
    datetime.date(2024, 2, 28),
    datetime.date(2024, 2, 29),
    datetime.date(2024, 3, 1),
    datetime.date(2025, 2, 28),
    datetime.date(2025, 12, 31),
    datetime.date(2026, 1, 1),
    datetime.date(2026, 1, 31),
    datetime.date(2026, 4, 30),
    datetime.date(2028, 2, 29),
]
NEAR_MIDNIGHT = st.one_of(
    st.times(min_value=datetime.time(23, 59)),  # the last minute of a day
    st.times(max_value=datetime.time(0, 0, 59, 999999)),  # the first minute of a day
)
days = st.one_of(
    st.sampled_from(SPECIAL_DAYS),
    st.dates(min_value=datetime.date(2024, 1, 1), max_value=datetime.date(2028, 12, 31)),
)
times = st.one_of(NEAR_MIDNIGHT, st.times())


@st.composite
def moments(draw, *, after: datetime.datetime | None = None) -> datetime.datetime:
    """An instant, written in office time or in UTC (the local day must decide either way)."""
    if after is None:
        moment = datetime.datetime.combine(draw(days), draw(times), tzinfo=SH)
    else:
        gap = draw(
            st.one_of(
                st.timedeltas(min_value=datetime.timedelta(0), max_value=datetime.timedelta(10)),
                # whole days plus a little: lands near the same clock time, across boundaries
                st.builds(
                    lambda d, s: datetime.timedelta(days=d, seconds=s),
                    st.integers(0, 10),
                    st.integers(-90, 90),
                ),
            )
        )
        moment = max(after, after + gap)
    return moment.astimezone(datetime.UTC) if draw(st.booleans()) else moment


@st.composite
def contact_histories(draw, min_contacts: int = 1, max_contacts: int = 8):
    """(contacts in any order, a check time at or after the last one)."""
    first = draw(moments())
    contacts = [first]
    for _ in range(draw(st.integers(min_contacts - 1, max_contacts - 1))):
        contacts.append(draw(moments(after=contacts[-1])))
    last = max(contacts)
    check = draw(
        st.one_of(
            moments(after=last),
            # within a second of the midnight that ends D+7, from either side
            st.integers(-1_000_000, 1_000_000).map(
                lambda us: max(last, direct_release(last) + datetime.timedelta(microseconds=us))
            ),
        )
    )
    return draw(st.permutations(contacts)), check


def local_date(moment: datetime.datetime) -> datetime.date:
    return moment.astimezone(SH).date()


def direct_active(last_contact: datetime.datetime, check: datetime.datetime) -> bool:
    """R-3.2 read directly: count calendar days in office time."""
    return (local_date(check) - local_date(last_contact)).days <= DAYS


def direct_release(last_contact: datetime.datetime) -> datetime.datetime:
    """00:00 office time of the first day the direct reading says released (D+8)."""
    day = local_date(last_contact) + datetime.timedelta(days=DAYS + 1)
    return datetime.datetime(day.year, day.month, day.day, tzinfo=SH)


@settings(max_examples=200, deadline=None)
@given(contact_histories())
def test_r_3_2_protection_agrees_with_counting_calendar_days(history):
    contacts, check = history
    last = max(contacts)

    end = protection_end(last, tz=SH, days=DAYS)

    assert is_protected(end, check) == direct_active(last, check), (last, check, end)
    event("active at the check" if direct_active(last, check) else "released at the check")
    # the end is exactly the first instant released: one microsecond earlier it was active
    tick = datetime.timedelta(microseconds=1)
    assert direct_active(last, end - tick) and not direct_active(last, end), (last, end)
    # only the last contact matters: any earlier one gives an end no later
    assert all(protection_end(c, tz=SH, days=DAYS) <= end for c in contacts)


def expected_claim(start, followups, check):
    """The direct reading applied to a claim's life: which follow-ups are accepted, the last
    contact, and whether the claim is active at `check`."""
    last, accepted, released = start, [], False
    for moment in followups:
        if released or not direct_active(last, moment):
            released = True  # released at the moment of the follow-up, refused
            accepted.append(False)
            continue
        accepted.append(True)
        last = max(last, moment)
    return last, accepted, (not released and direct_active(last, check))


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(contact_histories(min_contacts=3, max_contacts=6))
def test_r_3_2_claim_start_and_follow_ups_store_what_the_rule_says(office, salesperson, history):
    contacts, check = history
    start, *followups = sorted(contacts)  # the registration, then follow-ups as they happen
    last, accepted, active = expected_claim(start, followups, check)
    event("a follow-up refused: claim_released" if not all(accepted) else "all follow-ups taken")
    event("active at the check" if active else "released at the check")
    customer = CustomerFactory(office=office, registered_by=salesperson, registered_at=start)

    claim = claim_start(
        household=customer.household, owner=salesperson, now=start, actor=salesperson, detail={}
    )
    for moment, ok in zip(followups, accepted, strict=True):
        try:
            followup_log(
                customer=customer, author=salesperson, kind="call", note="回访", now=moment
            )
        except DomainError as exc:
            assert not ok and exc.code == "claim_released", (moment, exc)
        else:
            assert ok, moment

    claim.refresh_from_db()
    assert claim.last_contact_at == last
    assert claim.protected_until == direct_release(last)
    found = claim_active(household=customer.household, now=check)
    assert found == claim if active else found is None, (start, followups, check)
