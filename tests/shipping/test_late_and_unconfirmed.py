"""The lists that follow shipping up (R-13.2, R-13.4): a signed contract whose first outbound
order is not issued within 1 working day of signing, by the office calendar (holidays, worked
weekends, the office's own day), with the reason the clerk or manager gives; and the shipments
the customer has not confirmed 7 days on, confirmations covering the oldest shipments first."""

import datetime
from decimal import Decimal

import pytest
from rest_framework.exceptions import PermissionDenied, ValidationError

from approvals.models import CalendarDay
from contracts import services as contract_services
from contracts.factories import line, signed
from shipping import selectors, services
from shipping.factories import approved_request, issued_order
from shipping.models import FirstOrderDelay
from shipping.services import LineInput

from .conftest import receive

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


def shanghai(day: int, hour: int = 10, minute: int = 0, month: int = 3) -> datetime.datetime:
    """A time of March 2026 in Shanghai (UTC+8), as an aware UTC datetime."""
    return datetime.datetime(2026, month, day, hour, minute, tzinfo=UTC) - datetime.timedelta(
        hours=8
    )


@pytest.fixture
def people(approvers, clerk, warehouse):
    return [*approvers, clerk, warehouse]


def contract_signed_at(account, salesperson, product, approvers, at):
    return signed(account, salesperson, [line(product, "5")], approvers, now=at)


def late_numbers(user, office, now) -> list[str]:
    return [row.contract.number for row in selectors.late_first_orders(user, office, now=now)]


def holiday(office, day, working=False):
    CalendarDay.objects.create(office=office, date=datetime.date(2026, 3, day), working=working)


# ---------------------------------------------------------------- 1 working day


@pytest.mark.parametrize(
    ("signed_day", "marks", "last_on_time", "first_late"),
    [
        (10, {}, 11, 12),  # Tuesday: due Wednesday
        (13, {}, 16, 17),  # Friday: the weekend does not count, due Monday
        (13, {16: False}, 17, 18),  # Monday a holiday: due Tuesday
        (13, {14: True}, 14, 15),  # Saturday worked: due Saturday, late on Sunday
        (12, {13: False, 16: False}, 17, 18),  # Friday and Monday off: due Tuesday
    ],
)
def test_the_first_order_is_due_one_working_day_after_signing(
    office, account, salesperson, product, approvers, manager, signed_day, marks, last_on_time,
    first_late,
):  # fmt: skip
    for day, working in marks.items():
        holiday(office, day, working)
    contract = contract_signed_at(account, salesperson, product, approvers, shanghai(signed_day))
    assert late_numbers(manager, office, shanghai(last_on_time, 23, 59)) == []
    rows = selectors.late_first_orders(manager, office, now=shanghai(first_late, 0, 1))
    assert [r.contract for r in rows] == [contract]
    assert rows[0].due == datetime.date(2026, 3, last_on_time)
    assert rows[0].waiting and rows[0].first_order_at is None and rows[0].delay is None


def test_the_day_of_signing_is_the_offices(office, account, salesperson, product, approvers, clerk):
    """Signed at 23:30 on Friday in Shanghai (15:30 UTC, still Friday there): due Monday."""
    contract_signed_at(account, salesperson, product, approvers, shanghai(13, 23, 30))
    assert late_numbers(clerk, office, shanghai(16, 20)) == []
    assert len(late_numbers(clerk, office, shanghai(17, 8))) == 1


def test_an_order_issued_on_the_due_day_is_on_time_and_a_later_one_late(
    office, account, salesperson, product, approvers, people, clerk, depot
):
    on_time = contract_signed_at(account, salesperson, product, approvers, shanghai(10))
    late = contract_signed_at(account, salesperson, product, approvers, shanghai(10, 11))
    for contract, day in ((on_time, 11), (late, 12)):
        request = approved_request(contract, now=shanghai(day, 9), people=people)
        issued_order(request, now=shanghai(day, 18), warehouse=depot, clerk=clerk)
    rows = selectors.late_first_orders(clerk, office, now=shanghai(20))
    assert [r.contract for r in rows] == [late]
    assert (rows[0].waiting, rows[0].first_order_at) == (False, shanghai(12, 18))


def test_the_clerk_or_the_manager_says_why(
    office, account, salesperson, product, approvers, clerk, manager
):
    contract = contract_signed_at(account, salesperson, product, approvers, shanghai(10))
    services.first_order_delay_explain(
        actor=clerk, contract=contract, reason="客户要求推迟交货", now=shanghai(12)
    )
    services.first_order_delay_explain(
        actor=manager, contract=contract, reason="等待到货", now=shanghai(13)
    )
    (row,) = selectors.late_first_orders(manager, office, now=shanghai(13))
    assert (row.delay.reason, row.delay.recorded_by, row.delay.recorded_at) == (
        "等待到货",
        manager,
        shanghai(13),
    )
    assert FirstOrderDelay.objects.count() == 1
    with pytest.raises(ValidationError) as refused:
        services.first_order_delay_explain(
            actor=clerk, contract=contract, reason=" ", now=shanghai(13)
        )
    assert "reason" in refused.value.detail


@pytest.mark.parametrize("who", ["salesperson", "warehouse", "other_manager"])
def test_nobody_else_explains_a_late_order(
    request, office, account, salesperson, product, approvers, who
):
    contract = contract_signed_at(account, salesperson, product, approvers, shanghai(10))
    with pytest.raises(PermissionDenied):
        services.first_order_delay_explain(
            actor=request.getfixturevalue(who), contract=contract, reason="理由", now=shanghai(12)
        )
    assert not FirstOrderDelay.objects.exists()


def test_what_the_late_list_leaves_out(
    office, account, salesperson, product, approvers, manager, other_manager
):
    """A cancelled contract, one signed more than 90 days ago; another branch's manager sees
    none of this branch's."""
    old = contract_signed_at(account, salesperson, product, approvers, shanghai(2, month=1))
    cancelled = contract_signed_at(account, salesperson, product, approvers, shanghai(2))
    contract_services.contract_cancel(
        contract=cancelled, actor=manager, reason="取消", now=shanghai(2, 12)
    )
    listed = contract_signed_at(account, salesperson, product, approvers, shanghai(3))
    at = shanghai(6, month=4)  # 94 days after the old one, 34 after the listed one
    assert late_numbers(manager, office, at) == [listed.number]
    assert old.number and cancelled.number
    assert late_numbers(other_manager, office, at) == []


# ---------------------------------------------------------------- unconfirmed


@pytest.fixture
def order(contract, salesperson, people, clerk, warehouse, depot, product):
    receive(depot, product, "10", warehouse)
    request = approved_request(
        contract, [(product, "10")], now=shanghai(10), requester=salesperson, people=people
    )
    return issued_order(request, now=shanghai(10), warehouse=depot, clerk=clerk)


def ship(order, keeper, product, quantity, at):
    services.order_ship(
        actor=keeper,
        order=order,
        lines=[LineInput(product=product, quantity=Decimal(quantity))],
        now=at,
    )


def confirm(order, clerk, product, quantity, at):
    services.confirmation_record(
        actor=clerk,
        order=order,
        signed_by="王",
        signed_on=at.date(),
        lines=[LineInput(product=product, quantity=Decimal(quantity))],
        now=at,
    )


def unconfirmed(user, office, at):
    return [(r.order, r.oldest) for r in selectors.unconfirmed(user, office, now=at)]


def test_a_shipment_unconfirmed_after_7_days_is_listed(
    order, office, clerk, warehouse, product, manager
):
    shipped_at = shanghai(10, 14)
    ship(order, warehouse, product, "4", shipped_at)
    week = shipped_at + datetime.timedelta(days=7)
    assert unconfirmed(clerk, office, week) == []  # 7 days exactly: not yet
    later = week + datetime.timedelta(seconds=1)
    assert unconfirmed(clerk, office, later) == [(order, shipped_at)]
    (row,) = selectors.unconfirmed(manager, office, now=later)
    assert (row.shipped, row.confirmed) == (Decimal("4.000"), 0)


def test_confirmations_cover_the_oldest_shipments_first(order, office, clerk, warehouse, product):
    first, second = shanghai(10, 14), shanghai(15, 14)
    ship(order, warehouse, product, "4", first)
    ship(order, warehouse, product, "6", second)
    day_18 = shanghai(18)
    assert unconfirmed(clerk, office, day_18) == [(order, first)]
    confirm(order, clerk, product, "4", shanghai(18))  # covers the first shipment
    assert unconfirmed(clerk, office, day_18) == []
    day_23 = shanghai(23)  # the second is 8 days old
    assert unconfirmed(clerk, office, day_23) == [(order, second)]
    confirm(order, clerk, product, "5", day_23)  # 9 of 10: the second still open
    assert unconfirmed(clerk, office, day_23) == [(order, second)]
    confirm(order, clerk, product, "1", day_23)
    assert unconfirmed(clerk, office, day_23) == []


def test_a_confirmation_of_more_than_the_first_shipment_covers_it(
    order, office, clerk, warehouse, product
):
    """FIFO: 6 confirmed after shipments of 4 then 6 cover the first and part of the second."""
    ship(order, warehouse, product, "4", shanghai(10, 14))
    ship(order, warehouse, product, "6", shanghai(11, 14))
    confirm(order, clerk, product, "6", shanghai(12))
    assert unconfirmed(clerk, office, shanghai(18, 15)) == [(order, shanghai(11, 14))]


def test_another_branch_sees_none_of_them(order, office, warehouse, product, other_manager):
    ship(order, warehouse, product, "4", shanghai(10, 14))
    assert unconfirmed(other_manager, office, shanghai(30)) == []
