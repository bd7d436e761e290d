"""Data for the visit-plan tests (R-9.6, R-9.7), shared by tests/visits/test_plans*.py, the
security sweeps (tests/security) and the browser journey (tests/e2e/test_visit_plan.py)."""

import datetime

from accounts.factories import AccountFactory
from visits import plans
from visits.models import PlannedVisit, VisitPlan, VisitRecord
from visits.plan_selectors import local_today


def account_of(office, owner, *, grade="B", opened=None, status="approved", **fields):
    """An account of `owner` (approved and graded unless told), opened `opened` (a date, 10:00
    in the branch; default: 60 days ago, so that it is due under any grade unless visited)."""
    opened = opened or datetime.date(2026, 1, 5)
    return AccountFactory(
        office=office,
        author=owner,
        owner=owner,
        grade=grade,
        status=status,
        created_at=datetime.datetime.combine(opened, datetime.time(10), tzinfo=office.tzinfo),
        **fields,
    )


def visited(account, day: datetime.date, who=None, kind="return") -> VisitRecord:
    """A visit record written directly: the state a test starts from."""
    return VisitRecord.objects.create(
        account=account,
        office=account.office,
        salesperson=who or account.owner,
        date=day,
        kind=kind,
        created_at=datetime.datetime.combine(day, datetime.time(15), tzinfo=account.office.tzinfo),
    )


def plan_with_line(office, salesperson, account, *, now, week_start=None, purpose="回访"):
    """A draft plan of `week_start` (default: next week at `now`) with one visit on its
    Tuesday; made through the services."""
    week_start = week_start or plans.next_week_of(office, now)
    plan = plans.plan_get_or_create(
        office=office, salesperson=salesperson, week_start=week_start, now=now
    )
    plans.plan_line_add(
        plan=plan,
        actor=salesperson,
        account=account,
        day=week_start + datetime.timedelta(days=1),
        purpose=purpose,
        now=now,
    )
    return plan


def submitted(plan: VisitPlan, *, now) -> VisitPlan:
    return plans.plan_submit(plan=plan, actor=plan.salesperson, now=now)


def plan_world(*, office, a, b, manager, now, purpose="回访", reason=None) -> dict:
    """The plans the security sweeps act on, at `now`:

    - `draft`: a's plan of next week, a draft with one visit (`draft_line`);
    - `submitted`: b's plan of next week, submitted, one visit (`submitted_line`), and
      `b_spare`, another account of b the manager may add;
    - `current`: a's plan of this week (begun), submitted before the week began, one visit
      (`current_line`) still planned, or missed with `reason` when given;
    - `a_spare`: another account of a, not planned.
    Made once per transaction: found again when already there."""
    this = local_today(office, now) - datetime.timedelta(days=local_today(office, now).weekday())
    made = VisitPlan.objects.filter(office=office, salesperson=a, week_start=this).first()
    if made is None:
        a_account = account_of(office, a, name="计划客户甲")
        b_account = account_of(office, b, name="计划客户乙")
        account_of(office, a, name="计划客户甲二")
        account_of(office, b, name="计划客户乙二")
        plan_with_line(office, a, a_account, now=now, purpose=purpose)
        submitted(plan_with_line(office, b, b_account, now=now, purpose=purpose), now=now)
        before = datetime.datetime.combine(
            this - datetime.timedelta(days=2), datetime.time(9), tzinfo=office.tzinfo
        )
        current = plan_with_line(office, a, a_account, now=before, purpose=purpose)
        submitted(current, now=before)
        if reason:
            plans.planned_visit_outcome(
                line=current.lines.get(), actor=a, outcome="missed", reason=reason, now=now
            )
    following = plans.next_week_of(office, now)
    draft = VisitPlan.objects.get(office=office, salesperson=a, week_start=following)
    sent = VisitPlan.objects.get(office=office, salesperson=b, week_start=following)
    current = VisitPlan.objects.get(office=office, salesperson=a, week_start=this)
    return {
        "draft": draft,
        "draft_line": PlannedVisit.objects.get(plan=draft),
        "submitted": sent,
        "submitted_line": PlannedVisit.objects.get(plan=sent),
        "current": current,
        "current_line": PlannedVisit.objects.get(plan=current),
        "a_spare": draft.office.accounts.get(name="计划客户甲二", owner=a),
        "b_spare": draft.office.accounts.get(name="计划客户乙二", owner=b),
    }
