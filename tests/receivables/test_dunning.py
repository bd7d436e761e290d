"""R-15.2: the daily dunning job makes a collection notice per account with overdue invoices
(open amount, due date, days overdue) for its salesperson and the branch manager, tells both,
never twice a day and not every day; the salesperson signs for it once."""

import datetime
from decimal import Decimal

import pytest
from rest_framework.exceptions import PermissionDenied

from common.errors import DomainError
from common.models import JobRun
from contracts.factories import NOW
from notifications.models import Notification
from receivables.factories import issued_invoice, received
from receivables.models import CollectionNotice, NoticeLine
from receivables.services.dunning import DUNNING, dunning_run, notice_sign
from receivables.tasks import dunning_task

from .statement_fixtures import at, shipped_contract

pytestmark = pytest.mark.django_db

# an invoice dated 10 March on 30 days' terms falls due on 9 April: overdue from 10 April
DUE = datetime.date(2026, 4, 9)


@pytest.fixture
def invoice(shipped, finance):
    made = issued_invoice(shipped, now=NOW, ship=False, amount="2000.00")
    assert made.due_date == DUE
    return made


def _notices(account):
    return CollectionNotice.objects.filter(account=account).order_by("date", "pk")


def test_due_today_is_not_overdue_due_yesterday_is(invoice, salesperson, manager):
    assert dunning_run(now=at(DUE, 8)) == 0  # due today: not yet overdue
    assert not CollectionNotice.objects.exists()

    assert dunning_run(now=at(DUE + datetime.timedelta(days=1), 8)) == 1
    notice = CollectionNotice.objects.get()
    assert (notice.account, notice.salesperson, notice.date) == (
        invoice.account,
        salesperson,
        DUE + datetime.timedelta(days=1),
    )
    assert notice.total == Decimal("2000.00")
    line = notice.lines.get()
    assert (line.invoice, line.open_amount, line.due_date, line.days_overdue) == (
        invoice,
        Decimal("2000.00"),
        DUE,
        1,
    )
    told = Notification.objects.filter(kind="collection_notice")
    assert set(told.values_list("recipient", flat=True)) == {salesperson.pk, manager.pk}
    assert told.first().params == {"account": invoice.account.name, "total": "2,000.00", "count": 1}


def test_the_branch_calendar_decides_the_day(invoice):
    # 9 April 23:30 in UTC is already 10 April in Shanghai: overdue there
    late_utc = datetime.datetime(2026, 4, 9, 23, 30, tzinfo=datetime.UTC)
    assert dunning_run(now=late_utc) == 1
    assert CollectionNotice.objects.get().date == datetime.date(2026, 4, 10)


def test_run_twice_the_same_day_makes_one_notice(invoice, salesperson, manager):
    day = at("2026-04-12", 8)
    assert dunning_run(now=day) == 1
    assert dunning_run(now=day.replace(hour=15)) == 0
    assert CollectionNotice.objects.count() == 1
    assert NoticeLine.objects.count() == 1
    assert Notification.objects.filter(kind="collection_notice").count() == 2  # not four
    assert JobRun.objects.filter(name=DUNNING).count() == 2


def test_the_task_runs_the_job(invoice):
    assert dunning_task(now=at("2026-04-12", 8).isoformat()) == 1
    assert dunning_task(now=at("2026-04-12", 9).isoformat()) == 0
    assert JobRun.objects.filter(name=DUNNING).first().detail == {"notices": 0}


def test_a_weekly_reminder_not_a_daily_one(invoice):
    first = datetime.date(2026, 4, 10)
    dunning_run(now=at(first, 8))
    for days in range(1, 7):  # 6 more mornings: nothing new
        assert dunning_run(now=at(first + datetime.timedelta(days=days), 8)) == 0
    assert dunning_run(now=at(first + datetime.timedelta(days=7), 8)) == 1
    notices = _notices(invoice.account)
    assert [n.date for n in notices] == [first, first + datetime.timedelta(days=7)]
    assert notices.last().lines.get().days_overdue == 8


def test_an_invoice_falling_overdue_brings_a_notice_within_the_week(shipped, finance):
    older = issued_invoice(shipped, now=NOW, ship=False, amount="1000.00")
    later = NOW + datetime.timedelta(days=2)
    newer = issued_invoice(shipped, now=later, ship=False, amount="500.00", date=later.date())
    assert newer.due_date == DUE + datetime.timedelta(days=2)

    dunning_run(now=at("2026-04-10", 8))  # the older one only
    assert dunning_run(now=at("2026-04-11", 8)) == 0  # the newer one is due today
    assert dunning_run(now=at("2026-04-12", 8)) == 1  # the newer one is now overdue
    latest = _notices(shipped.account).last()
    assert latest.date == datetime.date(2026, 4, 12)
    assert latest.total == Decimal("1500.00")
    assert [(line.invoice_id, line.days_overdue) for line in latest.lines.all()] == [
        (older.pk, 3),
        (newer.pk, 1),
    ]


def test_what_is_paid_is_not_chased(invoice, shipped):
    received(shipped.account, "1200.00", now=NOW)
    dunning_run(now=at("2026-04-15", 8))
    notice = CollectionNotice.objects.get()
    assert notice.total == Decimal("800.00")
    assert notice.lines.get().open_amount == Decimal("800.00")

    received(shipped.account, "800.00", now=NOW)  # paid in full
    assert dunning_run(now=at("2026-04-30", 8)) == 0


def test_each_account_its_own_notice(
    invoice, office, salesperson, other_salesperson, product, approvers, manager
):
    other = shipped_contract(office, other_salesperson, product, approvers, name="江南贸易公司")
    issued_invoice(other, now=NOW, ship=False)
    assert dunning_run(now=at("2026-04-20", 8)) == 2
    by_account = {n.account_id: n for n in CollectionNotice.objects.all()}
    assert by_account[other.account_id].salesperson == other_salesperson
    assert by_account[other.account_id].total == Decimal("1000.00")
    assert by_account[invoice.account_id].salesperson == salesperson
    told = Notification.objects.filter(kind="collection_notice", recipient=manager)
    assert told.count() == 2  # the manager hears of both; each salesperson of their own
    assert Notification.objects.filter(kind="collection_notice", recipient=salesperson).count() == 1


def test_the_salesperson_signs_once(invoice, salesperson, other_salesperson, manager):
    dunning_run(now=at("2026-04-12", 8))
    notice = CollectionNotice.objects.get()
    for stranger in (other_salesperson, manager):
        with pytest.raises(PermissionDenied):
            notice_sign(notice=notice, actor=stranger, now=at("2026-04-12", 10))
    notice.refresh_from_db()
    assert notice.signed_at is None

    signed = notice_sign(notice=notice, actor=salesperson, now=at("2026-04-12", 10))
    assert (signed.signed_by, signed.signed_at) == (salesperson, at("2026-04-12", 10))
    with pytest.raises(DomainError) as refused:
        notice_sign(notice=notice, actor=salesperson, now=at("2026-04-12", 11))
    assert refused.value.code == "already_signed"
    notice.refresh_from_db()
    assert notice.signed_at == at("2026-04-12", 10)
