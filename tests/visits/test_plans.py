"""Weekly visit plans (R-9.6) and what became of a planned visit (R-9.7), through the services
of visits.plans: the deadline in the office's time, the week a plan is for, the accounts
falling due and not planned, who may change or confirm a plan in which state. Every refusal
is a 400 (ValidationError), 403 (PermissionDenied) or 409 (DomainError with its code) that
saves nothing."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from rest_framework.exceptions import PermissionDenied, ValidationError

from common.errors import DomainError
from notifications.messages import render
from notifications.models import Notification
from staff.choices import Role
from staff.factories import OfficeFactory, UserFactory
from tests.visits.plan_fixtures import account_of, plan_with_line, submitted, visited
from visits import plans
from visits.choices import PlannedOutcome, PlanStatus
from visits.models import PlannedVisit, VisitPlan
from visits.plan_selectors import branch_week, due_unplanned, plan_deadline

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 3, 4, 10, 0, tzinfo=SH)  # a Wednesday morning in the branch
NEXT = datetime.date(2026, 3, 9)  # the Monday after
THIS = datetime.date(2026, 3, 2)
SATURDAY = datetime.date(2026, 3, 7)


def at(day: datetime.date, hour: int, minute: int = 0, tz=SH) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=tz)


@pytest.fixture
def account(office, salesperson):
    return account_of(office, salesperson, name="宏达建材")


@pytest.fixture
def draft(office, salesperson, account):
    return plan_with_line(office, salesperson, account, now=NOW)


@pytest.fixture
def sent(draft, manager):
    return submitted(draft, now=NOW)


def refused(call, exc, code=None, **kwargs):
    """The call is refused with `exc` (and the DomainError's `code`)."""
    with pytest.raises(exc) as info:
        call(**kwargs)
    if code is not None:
        assert info.value.code == code
    return info.value


def snapshot():
    """What a refused call must leave as it was: every plan and every line."""
    return (
        list(VisitPlan.objects.order_by("pk").values()),
        list(PlannedVisit.objects.order_by("pk").values()),
        Notification.objects.count(),
    )


# ---------------------------------------------------------------- the week and the deadline


@pytest.mark.parametrize(
    ("now", "week"),
    [
        # a plan made during a week is for the next one, in the office's dates
        (at(datetime.date(2026, 3, 8), 23, 59), NEXT),  # Sunday night: tomorrow's week
        (at(NEXT, 0, 0), datetime.date(2026, 3, 16)),  # Monday 00:00: the week after
        (at(NEXT, 0, 30), datetime.date(2026, 3, 16)),  # still Sunday 16:30 in UTC
        (at(SATURDAY, 12, 1), NEXT),  # past the deadline: still next week's plan, late
    ],
)
def test_next_week_is_counted_in_the_office_dates(office, now, week):
    """R-9.6: Monday 00:30 in Shanghai is still Sunday in UTC, and next week is already the
    week after (the server's time zone does not decide)."""
    assert plans.next_week_of(office, now) == week


@pytest.mark.parametrize(
    ("moment", "late"),
    [
        (at(SATURDAY, 11, 59), False),
        (at(SATURDAY, 12, 0), False),  # at the deadline: on time
        (at(SATURDAY, 12, 1), True),
        (at(datetime.date(2026, 3, 8), 9, 0), True),  # Sunday
        (at(NEXT, 10, 0), True),  # the week has begun: still taken, late
    ],
)
def test_a_plan_submitted_after_saturday_noon_is_late(office, salesperson, account, moment, late):
    """R-9.6: submitted by the Saturday meeting (12:00) is on time; later it is taken all the
    same and marked late."""
    plan = plan_with_line(office, salesperson, account, now=NOW)
    plan = plans.plan_submit(plan=plan, actor=salesperson, now=moment)
    assert plan.status == PlanStatus.SUBMITTED
    assert plan.submitted_at == moment
    assert plan.late is late


@pytest.mark.parametrize(("hour", "minute", "late"), [(11, 59, False), (12, 1, True)])
def test_the_deadline_is_in_the_office_time_zone(hour, minute, late):
    """R-9.6: a branch in Berlin plans by Saturday 12:00 in Berlin (19:00 in Shanghai)."""
    berlin = ZoneInfo("Europe/Berlin")
    office = OfficeFactory(code="berlin", timezone="Europe/Berlin")
    person = UserFactory(username="b-sales", roles=[Role.SALESPERSON], offices=[office])
    account = account_of(office, person)
    plan = plan_with_line(office, person, account, now=at(NOW.date(), 10, tz=berlin))
    moment = at(SATURDAY, hour, minute, tz=berlin)
    assert plan_deadline(office, plan.week_start) == at(SATURDAY, 12, tz=berlin)
    assert plans.plan_submit(plan=plan, actor=person, now=moment).late is late


def test_the_deadline_follows_the_office_setting(office, salesperson, account):
    """R-9.6: an office that meets on Friday at 17:00 wants its plans by then."""
    office.visit_plan_weekday, office.visit_plan_deadline = 4, datetime.time(17, 0)
    office.save()
    plan = plan_with_line(office, salesperson, account, now=NOW)
    friday = datetime.date(2026, 3, 6)
    assert plan_deadline(office, plan.week_start) == at(friday, 17)
    assert plans.plan_submit(plan=plan, actor=salesperson, now=at(friday, 17, 1)).late


# ---------------------------------------------------------------- due but not planned


def test_due_but_not_planned(office, salesperson, other_salesperson):
    """R-9.6: the salesperson's graded, approved accounts falling due by the end of the
    week, not planned; ungraded, pending, planned, recently visited and colleagues' never."""
    overdue = account_of(office, salesperson, grade="A", name="逾期A")
    visited(overdue, datetime.date(2026, 2, 20))  # due 2026-02-23: overdue
    due_friday = account_of(office, salesperson, grade="B", name="周五到期B")
    visited(due_friday, datetime.date(2026, 3, 6))  # due 2026-03-13, Friday of next week
    recent = account_of(office, salesperson, grade="B", name="刚拜访B")
    visited(recent, datetime.date(2026, 3, 9))  # due 2026-03-16: after the week
    call_only = account_of(office, salesperson, grade="B", name="只打过电话B")
    visited(call_only, datetime.date(2026, 3, 8), kind="call")  # a call is not a visit
    never = account_of(office, salesperson, grade="C", opened=datetime.date(2026, 2, 10))
    young = account_of(office, salesperson, grade="C", opened=datetime.date(2026, 2, 20))
    account_of(office, salesperson, grade=None, name="无等级")
    account_of(office, salesperson, grade="A", status="pending", name="待审批")
    account_of(office, other_salesperson, grade="A", name="同事的")
    deputised = account_of(office, other_salesperson, grade="A", name="代管的")
    deputised.deputy = salesperson
    deputised.save()
    planned = account_of(office, salesperson, grade="A", name="已计划A")
    plan = plan_with_line(office, salesperson, planned, now=NOW)

    rows = due_unplanned(office, salesperson, NEXT, plan)

    assert [(r.account.name, r.due, r.day) for r in rows] == [
        ("只打过电话B", datetime.date(2026, 1, 12), NEXT),  # overdue: one tap plans Monday
        ("逾期A", datetime.date(2026, 2, 23), NEXT),
        (never.name, datetime.date(2026, 3, 12), datetime.date(2026, 3, 12)),  # opened + 30
        ("周五到期B", datetime.date(2026, 3, 13), datetime.date(2026, 3, 13)),
    ]
    assert young.name not in {r.account.name for r in rows}  # due 2026-03-22
    assert recent.name not in {r.account.name for r in rows}


def test_a_planned_account_leaves_the_due_list(office, salesperson, account):
    assert [r.account for r in due_unplanned(office, salesperson, NEXT, None)] == [account]
    plan = plan_with_line(office, salesperson, account, now=NOW)
    assert due_unplanned(office, salesperson, NEXT, plan) == []


# ---------------------------------------------------------------- lines: bad input


def add(plan, actor, account, day=NEXT, purpose="回访"):
    return plans.plan_line_add(
        plan=plan, actor=actor, account=account, day=day, purpose=purpose, now=NOW
    )


@pytest.mark.parametrize("day", [THIS, datetime.date(2026, 3, 8), datetime.date(2026, 3, 16)])
def test_a_day_outside_the_week_is_refused(draft, salesperson, account, day):
    before = snapshot()
    error = refused(add, ValidationError, plan=draft, actor=salesperson, account=account, day=day)
    assert "day" in error.detail
    assert snapshot() == before


def test_someone_elses_account_is_refused(draft, salesperson, office, other_salesperson):
    """R-9.6 with R-9.1: a salesperson plans their own and deputised accounts only."""
    theirs = account_of(office, other_salesperson)
    before = snapshot()
    error = refused(add, ValidationError, plan=draft, actor=salesperson, account=theirs)
    assert str(error.detail["account"][0]) == f"这不是 {salesperson} 负责的客户。"
    assert snapshot() == before


def test_a_deputised_account_may_be_planned(draft, salesperson, office, other_salesperson):
    theirs = account_of(office, other_salesperson, deputy=salesperson)
    assert add(draft, salesperson, theirs).account == theirs


def test_an_account_of_another_branch_is_refused(draft, salesperson, other_office):
    """Even one the salesperson owns there: the plan is the branch's."""
    elsewhere = account_of(other_office, salesperson)
    before = snapshot()
    refused(add, ValidationError, plan=draft, actor=salesperson, account=elsewhere)
    assert snapshot() == before


@pytest.mark.parametrize("status", ["pending", "rejected", "draft"])
def test_an_unapproved_account_is_refused(draft, salesperson, office, status):
    """R-9.2: a new account is planned once the manager has approved it."""
    pending = account_of(office, salesperson, status=status)
    before = snapshot()
    error = refused(add, ValidationError, plan=draft, actor=salesperson, account=pending)
    assert str(error.detail["account"][0]) == "该客户尚未审核通过，不能列入计划。"
    assert snapshot() == before


def test_the_same_account_twice_on_a_day_is_refused(draft, salesperson, account):
    line = draft.lines.get()
    before = snapshot()
    refused(add, ValidationError, plan=draft, actor=salesperson, account=account, day=line.day)
    assert snapshot() == before
    assert add(draft, salesperson, account, day=line.day + datetime.timedelta(1))  # another day


def test_a_purpose_too_long_is_refused(draft, salesperson, account):
    before = snapshot()
    refused(
        add, ValidationError, plan=draft, actor=salesperson, account=account, purpose="长" * 301
    )
    assert snapshot() == before


def test_a_refused_first_line_leaves_no_plan(office, salesperson, other_salesperson):
    """Next week's plan is made on first use, not by a refused line."""
    theirs = account_of(office, other_salesperson)
    with pytest.raises(ValidationError):
        plans.plan_line_add_next_week(
            office=office, actor=salesperson, account=theirs, day=NEXT, purpose="", now=NOW
        )
    assert not VisitPlan.objects.exists()


def test_the_first_line_makes_next_weeks_plan(office, salesperson, account):
    line = plans.plan_line_add_next_week(
        office=office, actor=salesperson, account=account, day=NEXT, purpose="送样品", now=NOW
    )
    plan = line.plan
    assert (plan.week_start, plan.status, plan.salesperson) == (NEXT, "draft", salesperson)
    again = plans.plan_line_add_next_week(
        office=office, actor=salesperson, account=account, day=SATURDAY + datetime.timedelta(3),
        purpose="", now=NOW,
    )  # fmt: skip
    assert again.plan == plan  # one plan per salesperson and week


def test_a_colleague_cannot_plan_in_my_plan(draft, other_salesperson, office):
    """Abuse: planning one's own account into a colleague's plan, or theirs into it."""
    mine = account_of(office, other_salesperson)
    before = snapshot()
    refused(add, PermissionDenied, plan=draft, actor=other_salesperson, account=mine)
    line = draft.lines.get()
    refused(plans.plan_line_remove, PermissionDenied, line=line, actor=other_salesperson, now=NOW)
    assert snapshot() == before


def test_someone_without_the_role_cannot_plan(office, account, secretary):
    with pytest.raises(PermissionDenied):
        plans.plan_line_add_next_week(
            office=office, actor=secretary, account=account, day=NEXT, purpose="", now=NOW
        )
    assert not VisitPlan.objects.exists()


# ---------------------------------------------------------------- submit and edit


def test_an_empty_plan_cannot_be_submitted(office, salesperson):
    plan = plans.plan_get_or_create(
        office=office, salesperson=salesperson, week_start=NEXT, now=NOW
    )
    before = snapshot()
    refused(plans.plan_submit, DomainError, "plan_empty", plan=plan, actor=salesperson, now=NOW)
    assert snapshot() == before


def test_only_the_salesperson_submits(draft, other_salesperson, manager):
    before = snapshot()
    for who in (other_salesperson, manager):
        refused(plans.plan_submit, PermissionDenied, plan=draft, actor=who, now=NOW)
    assert snapshot() == before


def test_submitting_tells_the_branch_manager(sent, manager, other_manager, salesperson):
    told = Notification.objects.get(kind="visit_plan_submitted")
    assert told.recipient == manager  # not the other branch's
    assert told.url == f"/visits/plans/{sent.pk}/"
    assert render(told) == f"{salesperson} 提交了 3月9日 起一周的拜访计划，请审核。"
    refused(plans.plan_submit, DomainError, "plan_submitted", plan=sent, actor=salesperson, now=NOW)


def test_a_late_submission_says_so(draft, salesperson, manager):
    submitted(draft, now=at(SATURDAY, 15))
    told = Notification.objects.get(kind="visit_plan_submitted")
    assert render(told) == f"{salesperson} 逾期提交了 3月9日 起一周的拜访计划。"


def test_the_salesperson_cannot_edit_a_submitted_plan(sent, salesperson, office):
    """R-9.6: once submitted, the manager reviews it; the salesperson gets 409."""
    line = sent.lines.get()
    other = account_of(office, salesperson)
    before = snapshot()
    refused(add, DomainError, "plan_submitted", plan=sent, actor=salesperson, account=other)
    refused(
        plans.plan_line_change, DomainError, "plan_submitted", line=line, actor=salesperson,
        day=NEXT, purpose="改", now=NOW,
    )  # fmt: skip
    refused(
        plans.plan_line_remove, DomainError, "plan_submitted", line=line, actor=salesperson,
        now=NOW,
    )  # fmt: skip
    assert snapshot() == before


def test_nobody_edits_a_confirmed_plan(sent, salesperson, manager, office):
    plans.plan_confirm(plan=sent, actor=manager, now=NOW)
    other = account_of(office, salesperson)
    before = snapshot()
    for who in (salesperson, manager):
        refused(add, DomainError, "plan_confirmed", plan=sent, actor=who, account=other)
        refused(
            plans.plan_line_remove, DomainError, "plan_confirmed", line=sent.lines.get(),
            actor=who, now=NOW,
        )  # fmt: skip
    assert snapshot() == before


def test_the_manager_changes_a_submitted_plan_and_the_salesperson_is_told(
    sent, manager, salesperson, office
):
    """R-9.6: the manager may change the plan: add, move, remove; the salesperson is told
    once until they read it."""
    extra = account_of(office, salesperson, name="经理加的")
    added = add(sent, manager, extra, day=NEXT + datetime.timedelta(2), purpose="催款")
    line = sent.lines.exclude(pk=added.pk).get()
    plans.plan_line_change(line=line, actor=manager, day=NEXT, purpose="改为周一", now=NOW)
    line.refresh_from_db()
    assert (line.day, line.purpose) == (NEXT, "改为周一")
    plans.plan_line_remove(line=added, actor=manager, now=NOW)
    assert list(sent.lines.all()) == [line]
    told = Notification.objects.filter(kind="visit_plan_changed", recipient=salesperson)
    assert told.count() == 1
    assert render(told.get()) == f"{manager} 调整了您 3月9日 起一周的拜访计划。"
    assert told.get().url == f"/visits/plan/?office={office.pk}&week=2026-03-09"


def test_the_manager_does_not_change_a_draft(draft, manager, office, salesperson):
    other = account_of(office, salesperson)
    before = snapshot()
    refused(add, DomainError, "plan_not_submitted", plan=draft, actor=manager, account=other)
    assert snapshot() == before


@pytest.mark.parametrize("who", ["other_manager", "director", "other_salesperson"])
def test_others_do_not_change_a_submitted_plan(sent, office, salesperson, who, request):
    """Abuse: a manager of another branch, the director, a colleague."""
    actor = request.getfixturevalue(who)
    other = account_of(office, salesperson)
    before = snapshot()
    refused(add, PermissionDenied, plan=sent, actor=actor, account=other)
    refused(plans.plan_line_remove, PermissionDenied, line=sent.lines.get(), actor=actor, now=NOW)
    assert snapshot() == before


# ---------------------------------------------------------------- confirm


def test_the_manager_confirms_and_the_salesperson_is_told(sent, manager, salesperson):
    later = NOW + datetime.timedelta(hours=2)
    plan = plans.plan_confirm(plan=sent, actor=manager, now=later)
    assert (plan.status, plan.confirmed_by, plan.confirmed_at) == ("confirmed", manager, later)
    told = Notification.objects.get(kind="visit_plan_confirmed")
    assert told.recipient == salesperson
    assert render(told) == f"{manager} 已确认您 3月9日 起一周的拜访计划。"
    refused(plans.plan_confirm, DomainError, "plan_confirmed", plan=sent, actor=manager, now=NOW)


def test_a_draft_cannot_be_confirmed(draft, manager):
    before = snapshot()
    refused(
        plans.plan_confirm, DomainError, "plan_not_submitted", plan=draft, actor=manager, now=NOW
    )
    assert snapshot() == before


@pytest.mark.parametrize("who", ["salesperson", "other_salesperson", "other_manager", "director"])
def test_only_the_branch_manager_confirms(sent, who, request):
    """Abuse: the salesperson confirming their own plan, a colleague, a manager of another
    branch; the director reads plans but does not confirm them (R-9.6: the manager)."""
    before = snapshot()
    refused(
        plans.plan_confirm, PermissionDenied, plan=sent, actor=request.getfixturevalue(who), now=NOW
    )
    assert snapshot() == before


def test_a_manager_who_also_sells_does_not_confirm_their_own_plan(office, manager):
    seller = UserFactory(
        username="selling-manager", roles=[Role.SALESPERSON, Role.MANAGER], offices=[office]
    )
    plan = submitted(plan_with_line(office, seller, account_of(office, seller), now=NOW), now=NOW)
    assert Notification.objects.filter(kind="visit_plan_submitted", recipient=seller).count() == 0
    before = snapshot()
    refused(plans.plan_confirm, PermissionDenied, plan=plan, actor=seller, now=NOW)
    assert snapshot() == before
    assert plans.plan_confirm(plan=plan, actor=manager, now=NOW).status == "confirmed"


# ---------------------------------------------------------------- outcomes


@pytest.fixture
def begun(office, salesperson, account, manager):
    """This week's plan, submitted before the week and confirmed."""
    saturday = at(THIS - datetime.timedelta(2), 9)
    plan = plan_with_line(office, salesperson, account, now=saturday)
    assert plan.week_start == THIS
    return plans.plan_confirm(plan=submitted(plan, now=saturday), actor=manager, now=saturday)


def outcome(line, actor, what="missed", reason="客户出差", now=NOW):
    return plans.planned_visit_outcome(line=line, actor=actor, outcome=what, reason=reason, now=now)


@pytest.mark.parametrize(
    ("what", "reason"),
    [("missed", "客户临时出差，改到下周"), ("replaced", "改为电话沟通，并拜访了新客户")],
)
def test_a_planned_visit_missed_or_replaced(begun, salesperson, what, reason):
    line = outcome(begun.lines.get(), salesperson, what, reason)
    line.refresh_from_db()
    assert (line.outcome, line.outcome_reason) == (what, reason)


@pytest.mark.parametrize("what", ["missed", "replaced"])
@pytest.mark.parametrize("reason", ["", "   "])
def test_a_missed_or_replaced_visit_needs_its_reason(begun, salesperson, what, reason):
    before = snapshot()
    error = refused(
        outcome,
        ValidationError,
        line=begun.lines.get(),
        actor=salesperson,
        what=what,
        reason=reason,
    )
    assert "reason" in error.detail
    assert snapshot() == before


@pytest.mark.parametrize("what", ["done", "planned", "lost", ""])
def test_done_comes_from_the_visit_record(begun, salesperson, what):
    before = snapshot()
    refused(outcome, ValidationError, line=begun.lines.get(), actor=salesperson, what=what)
    assert snapshot() == before


def test_no_outcome_before_the_week_starts(sent, salesperson):
    """The plan of next week: nothing has happened yet (Sunday 23:59 included)."""
    before = snapshot()
    for moment in (NOW, at(NEXT - datetime.timedelta(1), 23, 59)):
        refused(
            outcome,
            DomainError,
            "week_not_started",
            line=sent.lines.get(),
            actor=salesperson,
            now=moment,
        )
    assert snapshot() == before
    assert outcome(sent.lines.get(), salesperson, now=at(NEXT, 0, 1)).outcome == "missed"


def test_a_done_visit_keeps_its_outcome(begun, salesperson):
    line = begun.lines.get()
    PlannedVisit.objects.filter(pk=line.pk).update(outcome=PlannedOutcome.DONE)
    before = snapshot()
    refused(outcome, DomainError, "visit_done", line=line, actor=salesperson)
    assert snapshot() == before


@pytest.mark.parametrize("who", ["manager", "other_salesperson", "director"])
def test_only_the_salesperson_says_what_became_of_a_visit(begun, who, request):
    before = snapshot()
    refused(outcome, PermissionDenied, line=begun.lines.get(), actor=request.getfixturevalue(who))
    assert snapshot() == before


# ---------------------------------------------------------------- the branch's week


def test_the_branch_week_says_who_submitted(office, salesperson, other_salesperson, manager):
    """R-9.6: the manager's list: submitted on time, late, not submitted, confirmed."""
    third = UserFactory(username="sales3", roles=[Role.SALESPERSON], offices=[office])
    fourth = UserFactory(username="sales4", roles=[Role.SALESPERSON], offices=[office])
    on_time = plan_with_line(office, salesperson, account_of(office, salesperson), now=NOW)
    submitted(on_time, now=at(SATURDAY, 11, 59))
    late = plan_with_line(office, other_salesperson, account_of(office, other_salesperson), now=NOW)
    plans.plan_confirm(plan=submitted(late, now=at(SATURDAY, 12, 30)), actor=manager, now=NOW)
    plan_with_line(office, third, account_of(office, third), now=NOW)  # a draft
    account_of(office, fourth, grade="A")  # no plan, one account falling due

    week = branch_week(office, NEXT, at(SATURDAY, 13))

    states = {str(r.salesperson): r.state for r in week.rows}
    assert states == {
        str(salesperson): "submitted",
        str(other_salesperson): "confirmed",
        str(third): "draft",
        str(fourth): "missing",
    }
    assert (week.submitted, week.late, week.confirmed) == (2, 1, 1)
    assert {r.salesperson for r in week.not_submitted} == {third, fourth}
    assert week.past_deadline
    assert {str(r.salesperson): r.due_unplanned for r in week.rows}[str(fourth)] == 1
    assert not branch_week(office, NEXT, at(SATURDAY, 11, 59)).past_deadline
