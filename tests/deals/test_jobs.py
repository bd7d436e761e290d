"""holds.expire (R-6.2): lapses exactly the expired holds, one refund each, safe to re-run."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from attribution.services import claim_start
from deals import services
from deals.choices import HoldStatus, RefundReason, UnitStatus
from deals.factories import UnitFactory
from deals.models import Hold, Refund, Unit
from deals.tasks import expire_holds
from leads.factories import CustomerFactory
from salesoffice.celery import app

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
T0 = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=SH)
EXPIRY = T0 + datetime.timedelta(hours=72)


def holds(office, owner, n: int, *, at=T0) -> list[Hold]:
    made = []
    for _ in range(n):
        customer = CustomerFactory(office=office, registered_by=owner)
        claim_start(household=customer.household, owner=owner, now=at, actor=owner, detail={})
        unit = UnitFactory(office=office)
        made.append(services.hold_create(unit=unit, customer=customer, actor=owner, now=at))
    return made


def test_lapses_exactly_the_expired_holds_one_refund_each(office, salesperson):
    old = holds(office, salesperson, 3)
    young = holds(office, salesperson, 2, at=T0 + datetime.timedelta(hours=1))
    assert services.holds_expire(now=EXPIRY - datetime.timedelta(microseconds=1)) == 0
    assert services.holds_expire(now=EXPIRY) == 3
    for hold in old:
        hold.refresh_from_db()
        assert (hold.status, hold.ended_at) == (HoldStatus.LAPSED, EXPIRY)
        assert Unit.objects.get(pk=hold.unit_id).status == UnitStatus.AVAILABLE
        refund = Refund.objects.get(hold=hold)
        assert (refund.reason, refund.amount, refund.created_at) == (
            RefundReason.HOLD_LAPSED,
            hold.fee,
            EXPIRY,
        )
    for hold in young:
        hold.refresh_from_db()
        assert hold.status == HoldStatus.ACTIVE
        assert Unit.objects.get(pk=hold.unit_id).status == UnitStatus.HELD
    assert Refund.objects.count() == 3


def test_running_twice_refunds_each_hold_once(office, salesperson):
    holds(office, salesperson, 2)
    later = EXPIRY + datetime.timedelta(hours=1)
    assert services.holds_expire(now=later) == 2
    assert services.holds_expire(now=later) == 0
    assert services.holds_expire(now=later + datetime.timedelta(days=1)) == 0
    assert Refund.objects.count() == 2


def test_converted_and_released_holds_are_left_alone(office, salesperson):
    converted, released = holds(office, salesperson, 2)
    services.subscription_create(
        unit=converted.unit, customer=converted.customer, deposit="5000", actor=salesperson, now=T0
    )
    services.hold_release(hold=released, actor=salesperson, now=T0)
    assert services.holds_expire(now=EXPIRY) == 0
    assert Unit.objects.get(pk=converted.unit_id).status == UnitStatus.SUBSCRIBED
    assert Refund.objects.filter(reason=RefundReason.HOLD_LAPSED).count() == 0


def queries_to_expire(office, salesperson, n: int) -> int:
    holds(office, salesperson, n)
    with CaptureQueriesContext(connection) as ctx:
        assert services.holds_expire(now=EXPIRY) == n
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_the_holds(office, salesperson):
    few = queries_to_expire(office, salesperson, 3)
    many = queries_to_expire(office, salesperson, 100)
    assert few == many


def test_task_is_registered_and_takes_an_iso_now(office, salesperson):
    holds(office, salesperson, 1)
    app.loader.import_default_modules()
    assert app.tasks["holds.expire"].run is expire_holds.run
    assert expire_holds(now=(EXPIRY - datetime.timedelta(seconds=1)).isoformat()) == 0
    assert expire_holds.apply(kwargs={"now": EXPIRY.isoformat()}).get() == 1
    with pytest.raises(ValueError):
        expire_holds(now="2026-03-05T10:00:00")  # no offset
