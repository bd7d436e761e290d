"""Reconciliation of holding fees (issue 13, R-6.2, R-6.3): for every hold, the fee paid is
still held, credited toward a deposit it does not exceed, or refunded — in full. Rows corrupted
behind the services' back are reported with their figures; clean books report nothing."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from attribution.services import claim_start
from deals import services
from deals.choices import HoldStatus, RefundReason
from deals.factories import UnitFactory
from deals.models import Hold, Refund, Subscription
from deals.reconcile import mismatches
from leads.factories import CustomerFactory

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
T0 = datetime.datetime(2026, 11, 2, 10, 0, tzinfo=SH)


def claimed(office, salesperson):
    customer = CustomerFactory(office=office, registered_by=salesperson)
    claim_start(
        household=customer.household, owner=salesperson, now=T0, actor=salesperson, detail={}
    )
    return customer


@pytest.fixture
def books(office, salesperson, manager):
    """One hold of each ending: active, lapsed, released, converted (then withdrawn), and a
    converted one still subscribed."""
    holds = {}
    for name in ("lapsed", "released", "withdrawn", "converted", "active"):
        unit, customer = UnitFactory(office=office), claimed(office, salesperson)
        at = T0 - datetime.timedelta(days=4) if name == "lapsed" else T0
        holds[name] = services.hold_create(unit=unit, customer=customer, actor=salesperson, now=at)
    services.holds_expire(now=T0)
    services.hold_release(hold=holds["released"], actor=manager, now=T0)
    for name in ("withdrawn", "converted"):
        hold = holds[name]
        sub = services.subscription_create(
            unit=hold.unit, customer=hold.customer, deposit="5000.00", actor=salesperson, now=T0
        )
        if name == "withdrawn":
            services.subscription_withdraw(subscription=sub, actor=manager, now=T0)
    for hold in holds.values():
        hold.refresh_from_db()
    return holds


def hold_mismatches():
    return {m.ref: m.detail for m in mismatches() if m.kind == "hold"}


def test_clean_books_have_no_mismatch(books, capsys):
    assert {h.status for h in books.values()} == set(HoldStatus)
    call_command("reconcile")
    assert "0 mismatches" in capsys.readouterr().out


def test_the_attacks_rows_are_reported(books, capsys):
    """Issue 13 as it was: a 100,000.00 fee credited to a 5,000.00 deposit, the withdrawal
    refunding 5,000.00. Per customer the books balanced, so reconcile found nothing. The rows
    are made as the old code made them, past the constraint that now forbids them."""
    hold = books["withdrawn"]
    with connection.cursor() as cursor:  # rolled back with the test's transaction
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending trigger events
        cursor.execute(
            "ALTER TABLE deals_subscription DROP CONSTRAINT subscription_fee_within_deposit"
        )
    Hold.objects.filter(pk=hold.pk).update(fee=Decimal("100000.00"))
    Subscription.objects.filter(hold=hold).update(fee_credited=Decimal("100000.00"))
    assert [m.kind for m in mismatches()] == ["hold"]  # the customer's books still "balance"
    detail = hold_mismatches()[str(hold.pk)]
    assert "100000.00" in detail and "5000.00" in detail and "deposit" in detail
    with pytest.raises(CommandError, match="1 money mismatches"):
        call_command("reconcile")
    err = capsys.readouterr().err
    assert f"hold {hold.pk}:" in err and "100000.00" in err


def test_a_credit_lowered_behind_the_services_back_is_reported(books):
    hold = books["converted"]
    Subscription.objects.filter(hold=hold).update(fee_credited=Decimal("0.00"))
    detail = hold_mismatches()[str(hold.pk)]
    assert "paid 500.00" in detail and "credited 0.00" in detail and "refunded 0.00" in detail
    assert list(hold_mismatches()) == [str(hold.pk)]


def test_a_refund_for_more_than_the_fee_paid_is_reported(books):
    hold = books["lapsed"]
    Refund.objects.filter(hold=hold).update(amount=Decimal("100000.00"))
    found = {(m.kind, m.ref) for m in mismatches()}
    assert ("hold", str(hold.pk)) in found
    assert "refunded 100000.00" in hold_mismatches()[str(hold.pk)]


def test_a_converted_hold_also_refunded_is_reported(books, office):
    hold = books["converted"]
    Refund.objects.create(
        office=office,
        customer=hold.customer,
        reason=RefundReason.HOLD_RELEASED,
        amount=hold.fee,
        hold=hold,
        created_at=T0,
    )
    detail = hold_mismatches()[str(hold.pk)]
    assert "credited 500.00" in detail and "refunded 500.00" in detail


@pytest.mark.parametrize("name", ["lapsed", "converted"])
def test_an_ended_hold_set_back_to_active_is_reported(books, name):
    hold = books[name]
    Hold.objects.filter(pk=hold.pk).update(status=HoldStatus.ACTIVE, ended_at=None)
    assert str(hold.pk) in hold_mismatches()


def test_a_fee_changed_behind_the_services_back_is_reported_in_its_office(books, other_office):
    hold = books["converted"]
    Hold.objects.filter(pk=hold.pk).update(fee=Decimal("0.01"))
    detail = hold_mismatches()[str(hold.pk)]
    assert "paid 0.01" in detail and "credited 500.00" in detail
    assert mismatches([other_office]) == []
    assert [m.ref for m in mismatches([hold.office]) if m.kind == "hold"] == [str(hold.pk)]
