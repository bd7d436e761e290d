"""Reads of weekly visit plans (R-9.6): who may see which plan, the accounts that fall due in a
plan's week and are not planned, and the branch's plans of a week for the manager."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from accounts.models import Account
from approvals.choices import DocumentStatus
from staff.choices import Role
from staff.models import Office, User
from staff.permissions import office_ids_of, restrict_to_offices

from . import rules
from .choices import PlannedOutcome, PlanStatus
from .models import PlannedVisit, VisitPlan
from .selectors import with_last_visit

WEEK = datetime.timedelta(days=6)  # a week's first day to its last


def local_today(office: Office, now: datetime.datetime) -> datetime.date:
    """The office's date at `now` (plans are kept in the office's days, R-9.6)."""
    return now.astimezone(office.tzinfo).date()


def week_days(week_start: datetime.date) -> list[datetime.date]:
    return [week_start + datetime.timedelta(days=n) for n in range(7)]


def plan_deadline(office: Office, week_start: datetime.date) -> datetime.datetime:
    """R-9.6: when the plan of the week starting `week_start` is due, in the office's time."""
    return rules.plan_deadline(
        week_start,
        weekday=office.visit_plan_weekday,
        at=office.visit_plan_deadline,
        tzinfo=office.tzinfo,
    )


def plans_visible_to(user) -> QuerySet[VisitPlan]:
    """A salesperson's own plans; every plan of the branches the user manages (a director:
    every branch); nothing else."""
    qs = restrict_to_offices(VisitPlan.objects.all(), user)
    if user.has_role(Role.DIRECTOR):
        return qs
    managed = list(office_ids_of(user)) if user.has_role(Role.MANAGER) else []
    return qs.filter(Q(office_id__in=managed) | Q(salesperson=user))


def lines_visible_to(user) -> QuerySet[PlannedVisit]:
    return PlannedVisit.objects.filter(plan__in=plans_visible_to(user))


def plan_of(office: Office, salesperson, week_start: datetime.date) -> VisitPlan | None:
    return (
        VisitPlan.objects.filter(office=office, salesperson=salesperson, week_start=week_start)
        .select_related("confirmed_by")
        .first()
    )


def plan_lines(plan: VisitPlan | None) -> list[PlannedVisit]:
    if plan is None:
        return []
    return list(plan.lines.select_related("account").order_by("day", "pk"))


def plannable_accounts(office: Office, salesperson) -> QuerySet[Account]:
    """R-9.6: the accounts a salesperson may plan: approved accounts of the branch that they
    own or stand in for as deputy (R-9.1)."""
    return (
        Account.objects.filter(office=office, status=DocumentStatus.APPROVED)
        .filter(Q(owner=salesperson) | Q(deputy=salesperson))
        .order_by("name", "pk")
    )


@dataclass
class Due:
    """An account that falls due by the end of a plan's week (R-9.3, R-9.8)."""

    account: Account
    due: datetime.date
    day: datetime.date  # the due day moved into the plan's week: what one tap plans


def _due_rows(accounts: QuerySet[Account], office: Office, until: datetime.date) -> list:
    """(account, due day) of the graded accounts whose next visit is due on or before `until`."""
    found = []
    for account in with_last_visit(accounts.exclude(grade__isnull=True)):
        interval = rules.interval_for(account.grade, office)
        opened = local_today(office, account.created_at)
        due = rules.due_on(account.last_visit, opened, interval)
        if due is not None and due <= until:
            found.append((account, due))
    return found


def due_unplanned(
    office: Office, salesperson, week_start: datetime.date, plan: VisitPlan | None
) -> list[Due]:
    """R-9.6: the salesperson's graded, approved accounts whose next visit falls due on or
    before the last day of the week (the overdue ones too) and that have no line in the plan,
    most overdue first. The owner's: the deputy stands in when the owner is absent (R-9.1) and
    the overdue notice goes to the owner (R-9.8), so a deputised account is planned, when
    needed, from the plan's account list rather than listed here."""
    last = week_start + WEEK
    accounts = Account.objects.filter(
        office=office, owner=salesperson, status=DocumentStatus.APPROVED
    )
    planned = set(plan.lines.values_list("account_id", flat=True)) if plan else set()
    rows = [
        Due(account, due, min(max(due, week_start), last))
        for account, due in _due_rows(accounts, office, last)
        if account.pk not in planned
    ]
    return sorted(rows, key=lambda d: (d.due, d.account.name, d.account.pk))


@dataclass
class PlanRow:
    """One salesperson's plan of the week, as the manager's list shows it."""

    salesperson: User
    plan: VisitPlan | None
    lines: int = 0
    done: int = 0
    due_unplanned: int = 0

    @property
    def state(self) -> str:
        """missing, draft, submitted, late (submitted after the deadline), confirmed."""
        if self.plan is None:
            return "missing"
        if self.plan.status == PlanStatus.CONFIRMED:
            return "confirmed"
        if self.plan.status == PlanStatus.SUBMITTED:
            return "late" if self.plan.late else "submitted"
        return "draft"


@dataclass
class BranchWeek:
    office: Office
    week_start: datetime.date
    deadline: datetime.datetime
    past_deadline: bool
    rows: list[PlanRow] = field(default_factory=list)

    @property
    def submitted(self) -> int:
        """Plans submitted, on time or late, confirmed or not."""
        return sum(1 for r in self.rows if r.state in ("submitted", "late", "confirmed"))

    @property
    def late(self) -> int:
        return sum(1 for r in self.rows if r.plan is not None and r.plan.late)

    @property
    def confirmed(self) -> int:
        return sum(1 for r in self.rows if r.state == "confirmed")

    @property
    def not_submitted(self) -> list[PlanRow]:
        return [r for r in self.rows if r.state in ("missing", "draft")]


def salespeople_of(office: Office) -> QuerySet[User]:
    return (
        User.objects.filter(is_active=True, offices=office, groups__name=Role.SALESPERSON)
        .distinct()
        .order_by("display_name", "username")
    )


def branch_week(office: Office, week_start: datetime.date, now: datetime.datetime) -> BranchWeek:
    """R-9.6: every salesperson of the branch with their plan of the week (or none): who
    submitted (on time or late), who has not, who is confirmed; with each plan's lines, those
    done, and how many accounts fall due that week unplanned. A fixed number of queries."""
    deadline = plan_deadline(office, week_start)
    plans = {
        p.salesperson_id: p
        for p in VisitPlan.objects.filter(office=office, week_start=week_start)
        .select_related("salesperson", "confirmed_by")
        .annotate(
            line_count=Count("lines"),
            done_count=Count("lines", filter=Q(lines__outcome=PlannedOutcome.DONE)),
        )
    }
    people = {u.pk: u for u in salespeople_of(office)}
    people |= {pk: p.salesperson for pk, p in plans.items() if pk not in people}
    planned = set(
        PlannedVisit.objects.filter(plan__office=office, plan__week_start=week_start).values_list(
            "plan__salesperson_id", "account_id"
        )
    )
    accounts = Account.objects.filter(
        office=office, owner_id__in=list(people), status=DocumentStatus.APPROVED
    )
    due: dict[int, int] = {}
    for account, _day in _due_rows(accounts, office, week_start + WEEK):
        if (account.owner_id, account.pk) not in planned:
            due[account.owner_id] = due.get(account.owner_id, 0) + 1
    week = BranchWeek(office, week_start, deadline, now > deadline)
    for pk, person in sorted(people.items(), key=lambda kv: (str(kv[1]), kv[0])):
        plan = plans.get(pk)
        week.rows.append(
            PlanRow(
                person,
                plan,
                lines=plan.line_count if plan else 0,
                done=plan.done_count if plan else 0,
                due_unplanned=due.get(pk, 0),
            )
        )
    return week
