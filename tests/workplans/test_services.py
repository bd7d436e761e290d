"""Work plans through their services (R-17.3): a weekly plan built from the week's visit plan
(R-9.6) and refreshed from it, a monthly plan listing the accounts falling due (R-9.3), late at
the deadline's boundary, one plan per salesperson and period, edits blocked while pending and
an approved plan sent back to draft by an edit (R-8.3)."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError
from rest_framework.exceptions import PermissionDenied

from approvals.models import Approval
from common.errors import DomainError
from tests.visits.plan_fixtures import account_of, plan_with_line, visited
from visits import plans as visit_plans
from workplans import services
from workplans.choices import PlanKind, PlanStatus
from workplans.factories import NOW, SH, approved_plan, draft_plan, pending_plan
from workplans.models import WorkPlan

pytestmark = pytest.mark.django_db

NEXT = datetime.date(2026, 3, 9)  # the Monday after NOW


def at(day, hour, minute=0, second=0):
    return datetime.datetime.combine(day, datetime.time(hour, minute, second), tzinfo=SH)


def test_a_weekly_plan_is_built_from_the_visit_plan_and_refreshed(office, salesperson, account):
    other = account_of(office, salesperson, name="华远贸易")
    visit_plan = plan_with_line(office, salesperson, account, now=NOW, purpose="送样品")
    plan = draft_plan(office, salesperson, day=NEXT + datetime.timedelta(days=3))
    assert (plan.period_start, plan.period_end) == (NEXT, datetime.date(2026, 3, 15))
    lines = list(plan.lines.all())
    assert [(ln.account, ln.day, ln.purpose, ln.source) for ln in lines] == [
        (account, NEXT + datetime.timedelta(days=1), "送样品", "visit_plan")
    ]
    assert lines[0].planned_visit == visit_plan.lines.get()
    # the salesperson adds a visit to the visit plan and a task of their own to the work plan
    visit_plans.plan_line_add(
        plan=visit_plan, actor=salesperson, account=other, day=NEXT, purpose="", now=NOW
    )
    services.work_plan_line_add(
        plan=plan, actor=salesperson, account=None, day=None, purpose="整理投标资料", now=NOW
    )
    services.work_plan_refresh(plan=plan, actor=salesperson, now=NOW)
    got = sorted((ln.account_id or 0, ln.source) for ln in plan.lines.all())
    assert got == sorted([(account.pk, "visit_plan"), (other.pk, "visit_plan"), (0, "free")])


def test_a_monthly_plan_lists_the_accounts_falling_due_that_month(office, salesperson):
    account_of(office, salesperson, name="逾期客户", grade="B")  # opened Jan 5, never visited
    fresh = account_of(office, salesperson, name="刚拜访", grade="C")
    visited(fresh, datetime.date(2026, 3, 20))  # next due Apr 19: not in March
    later = account_of(office, salesperson, name="月中到期", grade="B")
    visited(later, datetime.date(2026, 3, 2))  # due Mar 9
    account_of(office, salesperson, name="无等级", grade=None)
    plan = draft_plan(office, salesperson, kind=PlanKind.MONTHLY, day=datetime.date(2026, 3, 1))
    assert (plan.period_start, plan.period_end) == (
        datetime.date(2026, 3, 1),
        datetime.date(2026, 3, 31),
    )
    got = [(ln.account.name, ln.day, ln.source) for ln in plan.lines.select_related("account")]
    assert got == [
        ("逾期客户", datetime.date(2026, 3, 1), "due"),  # overdue: the month's first day
        ("月中到期", datetime.date(2026, 3, 9), "due"),
    ]
    # no target set for the salesperson: 0.00
    assert plan.target_amount == Decimal("0.00")


@pytest.mark.parametrize(
    ("moment", "late"),
    [
        (at(datetime.date(2026, 3, 7), 12, 0, 0), False),  # Saturday 12:00 on the dot
        (at(datetime.date(2026, 3, 7), 12, 0, 1), True),
        (at(datetime.date(2026, 3, 6), 18, 0), False),
    ],
)
def test_a_weekly_plan_is_late_after_saturday_noon_the_week_before(
    office, salesperson, moment, late
):
    plan = draft_plan(office, salesperson, day=NEXT)
    plan = services.work_plan_submit(plan=plan, actor=salesperson, now=moment)
    assert plan.status == PlanStatus.PENDING
    assert plan.late is late
    assert plan.submitted_at == moment


@pytest.mark.parametrize(
    ("moment", "late"),
    [
        (at(datetime.date(2026, 3, 31), 17, 0), False),  # the month before's last day, deadline
        (at(datetime.date(2026, 3, 31), 17, 1), True),
    ],
)
def test_a_monthly_plan_is_due_by_the_last_day_of_the_month_before(
    office, salesperson, moment, late
):
    plan = draft_plan(office, salesperson, kind=PlanKind.MONTHLY, day=datetime.date(2026, 4, 15))
    plan = services.work_plan_submit(plan=plan, actor=salesperson, now=moment)
    assert plan.late is late


def test_the_deadline_follows_the_office_setting(office, salesperson):
    office.visit_plan_weekday = 4  # Friday
    office.save()
    plan = draft_plan(office, salesperson, day=NEXT)
    plan = services.work_plan_submit(
        plan=plan, actor=salesperson, now=at(datetime.date(2026, 3, 6), 13)
    )
    assert plan.late is True


def test_one_plan_per_salesperson_kind_and_period(office, salesperson):
    plan = draft_plan(office, salesperson, day=NEXT)
    with pytest.raises(DomainError) as refused:
        draft_plan(office, salesperson, day=NEXT + datetime.timedelta(days=6))
    assert refused.value.code == "plan_exists" and refused.value.extra == {"id": plan.pk}
    # the database says so too
    with pytest.raises(IntegrityError):
        WorkPlan.objects.create(
            office=office,
            author=salesperson,
            kind="weekly",
            period_start=NEXT,
            period_end=NEXT + datetime.timedelta(days=6),
            created_at=NOW,
        )


def test_a_withdrawn_plan_makes_room_for_a_new_one(office, salesperson):
    plan = draft_plan(office, salesperson, day=NEXT)
    services.work_plan_cancel(plan=plan, actor=salesperson, now=NOW)
    again = draft_plan(office, salesperson, day=NEXT)
    assert again.pk != plan.pk
    assert WorkPlan.objects.filter(author=salesperson).count() == 2
    # a weekly and a monthly plan of the same start are two plans
    draft_plan(office, salesperson, kind=PlanKind.MONTHLY, day=datetime.date(2026, 6, 1))
    draft_plan(office, salesperson, day=datetime.date(2026, 6, 1))


def test_a_pending_plan_is_not_edited_and_an_approved_one_goes_back_to_draft(
    office, salesperson, manager
):
    plan = pending_plan(office, salesperson, day=NEXT)
    with pytest.raises(DomainError) as refused:
        services.work_plan_update(plan=plan, actor=salesperson, now=NOW, goals="改")
    assert refused.value.code == "not_editable"
    plan = approved_plan(office, salesperson, manager, day=NEXT + datetime.timedelta(days=14))
    assert plan.status == PlanStatus.APPROVED and plan.approved_at == NOW
    plan = services.work_plan_update(
        plan=plan, actor=salesperson, now=NOW, target_amount="80000.00"
    )
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT
    assert plan.target_amount == Decimal("80000.00")
    assert plan.approved_at is None
    assert not plan.approvals().exists()  # the approval round is void
    assert Approval.objects.filter(
        document_id=plan.pk, document_type="work_plan", void=True
    ).exists()


def test_only_the_author_changes_their_plan(office, salesperson, other_salesperson, manager):
    plan = draft_plan(office, salesperson, day=NEXT)
    for intruder in (other_salesperson, manager):
        with pytest.raises(PermissionDenied):
            services.work_plan_update(plan=plan, actor=intruder, now=NOW, goals="x")
        with pytest.raises(PermissionDenied):
            services.work_plan_submit(plan=plan, actor=intruder, now=NOW)
    with pytest.raises(PermissionDenied):
        services.work_plan_create(office=office, actor=manager, kind="weekly", day=NEXT, now=NOW)


def test_a_line_is_one_of_the_salespersons_accounts_in_the_period(
    office, salesperson, other_salesperson
):
    from rest_framework.exceptions import ValidationError

    plan = draft_plan(office, salesperson, day=NEXT)
    theirs = account_of(office, other_salesperson, name="别人的客户")
    with pytest.raises(ValidationError):
        services.work_plan_line_add(
            plan=plan, actor=salesperson, account=theirs, day=NEXT, purpose="", now=NOW
        )
    with pytest.raises(ValidationError):
        services.work_plan_line_add(
            plan=plan,
            actor=salesperson,
            account=None,
            day=NEXT - datetime.timedelta(days=1),
            purpose="拜访",
            now=NOW,
        )
    assert plan.lines.count() == 0
