"""Overdue accounts (R-9.8): an account whose last visit is older than its grade's interval
(R-9.3: A 3 days, B 7, C 30; the branch's settings). The database computes it
(visits.overdue); each row here is checked against the pure rules (visits.rules) too, so the
two can never drift apart."""

import datetime

import pytest

from staff.choices import Role
from staff.factories import OfficeFactory, UserFactory
from visits import rules
from visits.overdue import aged, overdue_visible_to, with_due
from visits.records import visit_record_create

from .test_records import NOW, SH, TODAY, make_account, make_record

pytestmark = pytest.mark.django_db

D = datetime.timedelta

# name: (grade, opened, visits as (days before today, kind), days overdue or 0)
TABLE = {
    "A visited 3 days ago: due today, not overdue": ("A", 60, [(3, "return")], 0),
    "A visited 4 days ago: overdue from the day after due": ("A", 60, [(4, "return")], 1),
    "B visited 7 days ago: due today": ("B", 60, [(7, "first")], 0),
    "B visited 8 days ago": ("B", 60, [(8, "first")], 1),
    "C visited 30 days ago": ("C", 90, [(30, "return")], 0),
    "C visited 45 days ago": ("C", 90, [(45, "return")], 15),
    "C never visited, opened 30 days ago": ("C", 30, [], 0),
    "C never visited, opened 31 days ago": ("C", 31, [], 1),
    "B never visited, opened today": ("B", 0, [], 0),
    "A: a call yesterday does not reset the clock": ("A", 60, [(10, "return"), (1, "call")], 7),
    "A: only calls, never visited since opening": ("A", 20, [(2, "call")], 17),
    "A: the latest visit counts, not the first": ("A", 60, [(40, "first"), (2, "return")], 0),
    "no grade: never overdue": (None, 400, [], 0),
    "no grade, visited long ago: never overdue": (None, 400, [(300, "first")], 0),
}


@pytest.fixture
def table(office, salesperson):
    made = {}
    for name, (grade, opened, visits, _) in TABLE.items():
        account = make_account(office, salesperson, grade=grade, opened=TODAY - D(opened))
        account.name = name
        account.save(update_fields=["name"])
        for days, kind in visits:
            make_record(account, salesperson, TODAY - D(days), kind=kind)
        made[name] = account
    return made


def test_r_9_8_which_accounts_are_overdue_and_by_how_many_days(table, salesperson):
    listed = {a.name: a.days_overdue for a in overdue_visible_to(salesperson, now=NOW)}

    assert listed == {name: row[3] for name, row in TABLE.items() if row[3] > 0}


def test_r_9_8_the_database_agrees_with_the_rules_row_by_row(table, office):
    """visits.rules.due_on and days_overdue are the rule; visits.overdue is its SQL."""
    rows = with_due(office.accounts.all(), now=NOW)
    for account in rows:
        interval = rules.interval_for(account.grade, office)
        opened = account.created_at.astimezone(SH).date()
        due = rules.due_on(account.last_visit, opened, interval)
        assert account.due == due, account.name
        assert max(account.days_overdue or 0, 0) == rules.days_overdue(due, TODAY), account.name
        assert rules.days_overdue(due, TODAY) == TABLE[account.name][3], account.name


def test_r_9_8_the_longest_overdue_comes_first_and_the_list_is_aged(table, salesperson):
    listed = list(overdue_visible_to(salesperson, now=NOW))

    days = [a.days_overdue for a in listed]
    assert days == sorted(days, reverse=True) == [17, 15, 7, 1, 1, 1]
    bands = [(age.key, [a.days_overdue for a in rows]) for age, rows in aged(listed)]
    assert bands == [("weeks", [17, 15]), ("week", [7, 1, 1, 1])]


def test_r_9_8_a_visit_takes_the_account_off_the_list_and_a_call_does_not(office, salesperson):
    account = make_account(office, salesperson, grade="A", opened=TODAY - D(30))
    assert list(overdue_visible_to(salesperson, now=NOW)) == [account]

    visit_record_create(actor=salesperson, account=account, date=TODAY, kind="call", now=NOW)
    assert list(overdue_visible_to(salesperson, now=NOW)) == [account]

    visit_record_create(actor=salesperson, account=account, date=TODAY, kind="first", now=NOW)
    assert list(overdue_visible_to(salesperson, now=NOW)) == []
    # …and it is due again after its interval: overdue the day after
    assert list(overdue_visible_to(salesperson, now=NOW + D(3))) == []
    assert [a.days_overdue for a in overdue_visible_to(salesperson, now=NOW + D(4))] == [1]


def test_r_9_8_the_day_is_the_branchs_day(office, salesperson):
    """At 07:30 in Shanghai it is still yesterday in UTC: the branch's calendar decides."""
    account = make_account(office, salesperson, grade="A", opened=TODAY - D(60))
    make_record(account, salesperson, TODAY - D(4))
    before_dawn = datetime.datetime(2026, 3, 19, 23, 30, tzinfo=datetime.UTC)  # 03-20 07:30

    assert [a.days_overdue for a in overdue_visible_to(salesperson, now=before_dawn)] == [1]
    late_evening = datetime.datetime(2026, 3, 19, 23, 30, tzinfo=SH)
    assert list(overdue_visible_to(salesperson, now=late_evening)) == []


def test_r_9_3_the_branchs_own_intervals(salesperson):
    branch = OfficeFactory(code="slow", visit_interval_a=5)
    salesperson.offices.add(branch)
    account = make_account(branch, salesperson, grade="A", opened=TODAY - D(60))
    make_record(account, salesperson, TODAY - D(5))

    assert list(overdue_visible_to(salesperson, now=NOW)) == []  # the default A: 2 days
    assert [a.days_overdue for a in overdue_visible_to(salesperson, now=NOW + D(1))] == [1]


def test_only_approved_accounts_fall_due(office, salesperson):
    """A pending or rejected account is not yet the branch's account (R-9.2)."""
    for status in ("pending", "rejected", "draft"):
        make_account(office, salesperson, grade="A", opened=TODAY - D(60), status=status)
    assert list(overdue_visible_to(salesperson, now=NOW)) == []


def test_r_9_1_who_sees_which_overdue_account(
    office, other_office, salesperson, other_salesperson, manager, other_manager, director
):
    deputy = UserFactory(username="deputy", roles=[Role.SALESPERSON], offices=[office])
    old = TODAY - D(60)
    mine = make_account(office, salesperson, grade="A", opened=old, deputy=deputy)
    theirs = make_account(office, other_salesperson, grade="B", opened=old)
    river_sales = UserFactory(roles=[Role.SALESPERSON], offices=[other_office])
    river = make_account(other_office, river_sales, grade="C", opened=old)

    def seen(user, **kw):
        return {a.pk for a in overdue_visible_to(user, now=NOW, **kw)}

    assert seen(salesperson) == {mine.pk}
    assert seen(deputy) == {mine.pk}  # the deputy acts when the owner is absent
    assert seen(other_salesperson) == {theirs.pk}
    assert seen(manager) == {mine.pk, theirs.pk}
    assert seen(other_manager) == {river.pk}
    assert seen(director) == {mine.pk, theirs.pk, river.pk}
    assert seen(director, office=other_office) == {river.pk}
