"""Writes of work plans (R-17.3): one transaction each, the plan's row locked.

| state     | its salesperson                                   | the branch's manager        |
|-----------|---------------------------------------------------|-----------------------------|
| draft     | edits, refreshes from the visit plan, submits,    | reads                       |
|           | withdraws                                         |                             |
| rejected  | the same (the manager's comment stays on the step) | reads                       |
| pending   | reads (409 `not_editable`)                        | approves or rejects (inbox) |
| approved  | an edit sends it back to draft (R-8.3)            | reads                       |

The approval itself is the engine's (approvals.services): nobody decides their own plan, a
manager of another branch decides nothing."""

import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework.exceptions import PermissionDenied, ValidationError

from accounts.models import Account
from approvals.services import approval_submit, approvals_void, ensure_editable
from common.errors import DomainError
from staff.models import Office, User
from staff.permissions import may
from visits.models import VisitPlan
from visits.overdue import with_due
from visits.plan_selectors import plannable_accounts

from . import rules
from .choices import OPEN, LineSource, PlanKind, PlanStatus
from .models import MAX_TARGET, WorkPlan, WorkPlanVisit

MAX_TEXT = 4000
PURPOSE_MAX = 300
ZERO = Decimal("0.00")


# ---------------------------------------------------------------- checks of what a client sends


def _text(value, field: str, *, max_length: int = MAX_TEXT) -> str:
    value = value.strip() if isinstance(value, str) else ("" if value is None else str(value))
    if "\x00" in value:
        raise ValidationError({field: [_("Remove the control characters.")]})
    if len(value) > max_length:
        raise ValidationError({field: [_("Keep it under %(n)d characters.") % {"n": max_length}]})
    return value


def _amount(value) -> Decimal:
    """Zero or more yuan, with at most 2 decimals, written out (no exponent)."""
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        amount = None
    if amount is None or not amount.is_finite() or not -2 <= amount.as_tuple().exponent <= 0:
        raise ValidationError(
            {"target_amount": [_("Enter an amount in yuan with at most 2 decimals.")]}
        )
    if not ZERO <= amount <= MAX_TARGET:
        raise ValidationError({"target_amount": [_("Enter an amount of zero or more yuan.")]})
    return amount.quantize(Decimal("0.01"))


def _lock(plan: WorkPlan) -> WorkPlan:
    return (
        WorkPlan.objects.select_for_update(of=("self",))
        .select_related("office", "author")
        .get(pk=plan.pk)
    )


def is_author(user, plan: WorkPlan) -> bool:
    return user.pk == plan.author_id and may(user, "workplans.author", plan.office)


def _author_only(actor, plan: WorkPlan) -> None:
    if not is_author(actor, plan):
        raise PermissionDenied(_("Only the plan's salesperson changes it."))


def _open_for_edit(plan: WorkPlan, actor, now) -> WorkPlan:
    """The plan ready to be changed: a draft or a rejected plan as it is; an approved one back
    to draft with its approvals void (R-8.3); a pending one refused (R-8.2, 409)."""
    if plan.status == PlanStatus.CANCELLED:
        raise DomainError(_("This plan was withdrawn."), code="cancelled")
    if plan.status == PlanStatus.APPROVED:
        approvals_void(document=plan, actor=actor, now=now, comment=_("Changed after approval."))
        plan.refresh_from_db(fields=["status"])
        plan.approved_at = None
        plan.save(update_fields=["approved_at"])
    ensure_editable(plan)
    return plan


# ---------------------------------------------------------------- what a new plan holds


def target_for(office: Office, author, kind: str, start: datetime.date) -> Decimal:
    """R-17.1, R-17.3: a monthly plan's target is the salesperson's month target when the
    targets app has one (targets.models.SalesTarget), else 0.00. Read defensively: a missing
    model, field or table gives 0.00 and never breaks the plan."""
    if kind != PlanKind.MONTHLY:
        return ZERO
    try:
        from targets.models import SalesTarget  # noqa: PLC0415
    except ImportError:
        return ZERO
    try:
        with transaction.atomic():  # a savepoint: a missing table does not abort the caller
            amount = (
                SalesTarget.objects.filter(
                    year=start.year, month=start.month, office=office, salesperson=author
                )
                .values_list("amount", flat=True)
                .first()
            )
    except Exception:  # noqa: BLE001 — the targets app is optional here
        return ZERO
    return Decimal(amount).quantize(Decimal("0.01")) if amount is not None else ZERO


def _visit_plan_lines(plan: WorkPlan) -> list[WorkPlanVisit]:
    """R-9.6: the lines of the salesperson's visit plan of the plan's week."""
    visit_plan = VisitPlan.objects.filter(
        office_id=plan.office_id, salesperson_id=plan.author_id, week_start=plan.period_start
    ).first()
    if visit_plan is None:
        return []
    return [
        WorkPlanVisit(
            plan=plan,
            account_id=line.account_id,
            day=line.day,
            purpose=line.purpose,
            source=LineSource.VISIT_PLAN,
            planned_visit=line,
        )
        for line in visit_plan.lines.order_by("day", "pk")
    ]


def _due_lines(plan: WorkPlan, now) -> list[WorkPlanVisit]:
    """R-9.3, R-9.8: the salesperson's approved graded accounts whose next visit falls due by
    the month's last day (the overdue ones too), each on its due day within the month."""
    accounts = Account.objects.filter(
        office_id=plan.office_id, owner_id=plan.author_id, status="approved", grade__isnull=False
    )
    rows = (
        with_due(accounts, now=now)
        .filter(due__lte=plan.period_end)
        .order_by("due", "name", "pk")
        .values_list("pk", "due")
    )
    return [
        WorkPlanVisit(
            plan=plan,
            account_id=pk,
            day=min(max(due, plan.period_start), plan.period_end),
            source=LineSource.DUE,
        )
        for pk, due in rows
    ]


def _build_lines(plan: WorkPlan, now) -> int:
    plan.lines.exclude(source=LineSource.FREE).delete()
    lines = _visit_plan_lines(plan) if plan.kind == PlanKind.WEEKLY else _due_lines(plan, now)
    WorkPlanVisit.objects.bulk_create(lines)
    return len(lines)


# ---------------------------------------------------------------- the salesperson


@transaction.atomic
def work_plan_create(
    *, office: Office, actor, kind: str, day: datetime.date, now: datetime.datetime
) -> WorkPlan:
    """R-17.3: the salesperson's plan of the week or month holding `day`, built from the visit
    plan (weekly) or the accounts falling due (monthly). A live plan of that period already
    made is a 409 `plan_exists` (the database's unique constraint is the guarantee)."""
    if not may(actor, "workplans.author", office):
        raise PermissionDenied(_("Only a salesperson of the branch makes work plans."))
    if kind not in PlanKind.values:
        raise ValidationError({"kind": [_("Not one of the choices.")]})
    start, end = rules.period_of(kind, day)
    # the author's row serialises two first uses of the same period
    User.objects.select_for_update().filter(pk=actor.pk).first()
    existing = (
        WorkPlan.objects.filter(author=actor, kind=kind, period_start=start)
        .exclude(status=PlanStatus.CANCELLED)
        .first()
    )
    if existing is not None:
        raise DomainError(
            _("You already have a plan for this period."),
            code="plan_exists",
            extra={"id": existing.pk},
        )
    plan = WorkPlan.objects.create(
        office=office,
        author=actor,
        kind=kind,
        period_start=start,
        period_end=end,
        target_amount=target_for(office, actor, kind, start),
        created_at=now,
    )
    _build_lines(plan, now)
    return plan


@transaction.atomic
def work_plan_update(
    *, plan: WorkPlan, actor, now, goals=None, actions=None, target_amount=None
) -> WorkPlan:
    """The plan's goals, actions and target, by its salesperson while a draft or rejected; an
    approved plan goes back to draft (R-8.3); a pending one is refused (409)."""
    plan = _lock(plan)
    _author_only(actor, plan)
    plan = _open_for_edit(plan, actor, now)
    fields = []
    if goals is not None:
        plan.goals = _text(goals, "goals")
        fields.append("goals")
    if actions is not None:
        plan.actions = _text(actions, "actions")
        fields.append("actions")
    if target_amount is not None:
        plan.target_amount = _amount(target_amount)
        fields.append("target_amount")
    if fields:
        plan.save(update_fields=fields)
    return plan


@transaction.atomic
def work_plan_refresh(*, plan: WorkPlan, actor, now) -> WorkPlan:
    """R-9.6: the plan's lines taken again from the visit plan of the week (weekly) or from the
    accounts falling due (monthly); the lines the salesperson added stay."""
    plan = _lock(plan)
    _author_only(actor, plan)
    plan = _open_for_edit(plan, actor, now)
    _build_lines(plan, now)
    return plan


def _check_day(plan: WorkPlan, day) -> None:
    if day is not None and not plan.period_start <= day <= plan.period_end:
        raise ValidationError(
            {
                "day": [
                    _("Choose a day of the plan's period, %(first)s to %(last)s.")
                    % {"first": plan.period_start.isoformat(), "last": plan.period_end.isoformat()}
                ]
            }
        )


@transaction.atomic
def work_plan_line_add(
    *, plan: WorkPlan, actor, account: Account | None, day, purpose: str, now
) -> WorkPlanVisit:
    """A line the salesperson adds: one of their accounts (or none: a free task) with a day of
    the period and a purpose."""
    plan = _lock(plan)
    _author_only(actor, plan)
    plan = _open_for_edit(plan, actor, now)
    purpose = _text(purpose, "purpose", max_length=PURPOSE_MAX)
    if account is not None:
        theirs = plannable_accounts(plan.office, plan.author).filter(pk=account.pk).exists()
        if not theirs:
            raise ValidationError({"account": [_("Choose one of your approved accounts.")]})
    elif not purpose:
        raise ValidationError({"purpose": [_("Say what the line is for.")]})
    _check_day(plan, day)
    return WorkPlanVisit.objects.create(
        plan=plan, account=account, day=day, purpose=purpose, source=LineSource.FREE
    )


@transaction.atomic
def work_plan_line_remove(*, line: WorkPlanVisit, actor, now) -> WorkPlan:
    plan = _lock(line.plan)
    _author_only(actor, plan)
    plan = _open_for_edit(plan, actor, now)
    WorkPlanVisit.objects.filter(pk=line.pk, plan=plan).delete()
    return plan


@transaction.atomic
def work_plan_submit(*, plan: WorkPlan, actor, now: datetime.datetime) -> WorkPlan:
    """R-17.3, R-8: draft or rejected → pending, for the branch manager. The first submission
    decides whether the plan was late (after the moment it was due: rules.due_at)."""
    plan = _lock(plan)
    _author_only(actor, plan)
    if plan.status == PlanStatus.CANCELLED:
        raise DomainError(_("This plan was withdrawn."), code="cancelled")
    ensure_editable(plan)
    if plan.submitted_at is None:
        plan.submitted_at = now
        plan.late = rules.is_late(plan.kind, plan.period_start, plan.office, now)
        plan.save(update_fields=["submitted_at", "late"])
    return approval_submit(document=plan, actor=actor, now=now)


@transaction.atomic
def work_plan_cancel(*, plan: WorkPlan, actor, now) -> WorkPlan:
    """The salesperson withdraws a draft or rejected plan (a new one may be made)."""
    plan = _lock(plan)
    _author_only(actor, plan)
    if plan.status not in OPEN:
        raise DomainError(_("Only a draft or rejected plan is withdrawn."), code="not_cancellable")
    plan.status = PlanStatus.CANCELLED
    plan.save(update_fields=["status"])
    return plan


# ---------------------------------------------------------------- the approval engine's hooks


def work_plan_approved(plan: WorkPlan, *, actor, now) -> None:
    plan.approved_at = now
    plan.save(update_fields=["approved_at"])
