"""Writes of weekly visit plans (R-9.6) and of what became of a planned visit (R-9.7).

Each service runs in one transaction with the plan's row locked, so that a line cannot be
added while the plan is being submitted or confirmed; notifications are written in the same
transaction. Who may do what, by the plan's state:

| state     | its salesperson                  | the branch's manager                      |
|-----------|----------------------------------|-------------------------------------------|
| draft     | adds, changes, removes; submits  | reads (409 `plan_not_submitted`)          |
| submitted | reads (409 `plan_submitted`)     | adds, changes, removes lines; confirms    |
| confirmed | records outcomes once the week   | reads (409 `plan_confirmed`)              |
|           | has started                      |                                           |

Nobody confirms their own plan; a manager of another branch, a colleague or the director
change nothing (403; their pages do not find the plan: 404)."""

import datetime

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import PermissionDenied, ValidationError

from accounts.models import Account
from approvals.choices import DocumentStatus
from common.errors import DomainError
from notifications.models import Notification
from notifications.services import notify
from staff.choices import Role
from staff.models import Office, User
from staff.permissions import may

from . import rules
from .choices import PlannedOutcome, PlanStatus
from .models import PlannedVisit, VisitPlan
from .plan_selectors import WEEK, local_today, plan_deadline

PURPOSE_MAX = 300
REASON_MAX = 2000


# ---------------------------------------------------------------- the plan itself


def plan_get_or_create(
    *, office: Office, salesperson, week_start: datetime.date, now: datetime.datetime
) -> VisitPlan:
    """R-9.6: one plan per salesperson, branch and week (a database constraint), made on first
    use; two first uses at the same moment find the same plan."""
    found = {"office": office, "salesperson": salesperson, "week_start": week_start}
    plan = VisitPlan.objects.filter(**found).first()
    if plan is not None:
        return plan
    try:
        with transaction.atomic():
            return VisitPlan.objects.create(**found, created_at=now)
    except IntegrityError:
        return VisitPlan.objects.get(**found)


def next_week_of(office: Office, now: datetime.datetime) -> datetime.date:
    """R-9.6: the Monday of the week a plan made now is for (the office's date)."""
    return rules.next_week_start(local_today(office, now))


def _locked(plan: VisitPlan) -> VisitPlan:
    return VisitPlan.objects.select_for_update().select_related("office").get(pk=plan.pk)


def _is_planner(actor, plan: VisitPlan) -> bool:
    return actor.pk == plan.salesperson_id and may(actor, "visits.plan", plan.office)


def _is_reviewer(actor, plan: VisitPlan) -> bool:
    return actor.pk != plan.salesperson_id and may(actor, "visits.confirm_plan", plan.office)


def _editor(actor, plan: VisitPlan) -> str:
    """Who changes the plan's lines now: its salesperson while it is a draft, the branch's
    manager once it is submitted (R-9.6: the manager reviews and may change it)."""
    if _is_planner(actor, plan):
        if plan.status == PlanStatus.DRAFT:
            return "salesperson"
        if plan.status == PlanStatus.SUBMITTED:
            raise DomainError(
                _("The plan has been submitted: only the manager can change it now."),
                code="plan_submitted",
            )
    elif _is_reviewer(actor, plan):
        if plan.status == PlanStatus.SUBMITTED:
            return "manager"
        if plan.status == PlanStatus.DRAFT:
            raise DomainError(
                _("The plan has not been submitted yet: its salesperson is still drafting it."),
                code="plan_not_submitted",
            )
    else:
        raise PermissionDenied(_("You may not change this plan."))
    raise DomainError(
        _("The plan has been confirmed and can no longer be changed."), code="plan_confirmed"
    )


def _check_account(plan: VisitPlan, account: Account) -> None:
    """R-9.6 with R-9.1, R-9.2: an approved account of the branch that the plan's salesperson
    owns or stands in for."""
    theirs = plan.salesperson_id in (account.owner_id, account.deputy_id)
    if account.office_id != plan.office_id or not theirs:
        raise ValidationError(
            {
                "account": [
                    _("This is not an account of %(salesperson)s.")
                    % {"salesperson": plan.salesperson}
                ]
            }
        )
    if account.status != DocumentStatus.APPROVED:
        raise ValidationError(
            {"account": [_("This account is not approved yet: it cannot be planned.")]}
        )


def _check_day(plan: VisitPlan, day: datetime.date) -> None:
    last = plan.week_start + WEEK
    if not plan.week_start <= day <= last:
        raise ValidationError(
            {
                "day": [
                    _("Choose a day of the plan's week, %(first)s to %(last)s.")
                    % {"first": plan.week_start.isoformat(), "last": last.isoformat()}
                ]
            }
        )


def _check_purpose(purpose: str) -> str:
    purpose = (purpose or "").strip()
    if len(purpose) > PURPOSE_MAX:
        raise ValidationError({"purpose": [_("At most %(n)s characters.") % {"n": PURPOSE_MAX}]})
    return purpose


def _check_not_twice(plan: VisitPlan, account_id: int, day, *, but=None) -> None:
    same = plan.lines.filter(account_id=account_id, day=day)
    if but is not None:
        same = same.exclude(pk=but.pk)
    if same.exists():
        raise ValidationError({"day": [_("This account is already planned on that day.")]})


def _check_not_done(line: PlannedVisit) -> None:
    if line.outcome == PlannedOutcome.DONE:
        raise DomainError(_("This visit is done: its visit record is saved."), code="visit_done")


# ---------------------------------------------------------------- lines


@transaction.atomic
def plan_line_add(
    *, plan: VisitPlan, actor, account: Account, day: datetime.date, purpose: str, now
) -> PlannedVisit:
    """R-9.6: a visit (account, day, purpose) added to the plan, by its salesperson while it
    is a draft or by the branch's manager reviewing it."""
    plan = _locked(plan)
    editor = _editor(actor, plan)
    _check_account(plan, account)
    _check_day(plan, day)
    purpose = _check_purpose(purpose)
    _check_not_twice(plan, account.pk, day)
    line = PlannedVisit.objects.create(plan=plan, account=account, day=day, purpose=purpose)
    if editor == "manager":
        _tell_changed(plan, actor, now)
    return line


@transaction.atomic
def plan_line_add_next_week(
    *, office: Office, actor, account: Account, day: datetime.date, purpose: str, now
) -> PlannedVisit:
    """R-9.6: the salesperson plans a visit of next week; next week's plan is made on first
    use, and not at all when the line is refused."""
    if not may(actor, "visits.plan", office):
        raise PermissionDenied(_("Only a salesperson of the branch plans visits."))
    plan = plan_get_or_create(
        office=office, salesperson=actor, week_start=next_week_of(office, now), now=now
    )
    return plan_line_add(plan=plan, actor=actor, account=account, day=day, purpose=purpose, now=now)


@transaction.atomic
def plan_line_change(
    *, line: PlannedVisit, actor, day: datetime.date, purpose: str, now
) -> PlannedVisit:
    """R-9.6: another day or purpose for a planned visit."""
    plan = _locked(line.plan)
    line = PlannedVisit.objects.select_for_update().get(pk=line.pk)
    editor = _editor(actor, plan)
    _check_day(plan, day)
    purpose = _check_purpose(purpose)
    _check_not_done(line)
    _check_not_twice(plan, line.account_id, day, but=line)
    if (line.day, line.purpose) != (day, purpose):
        line.day, line.purpose = day, purpose
        line.save(update_fields=["day", "purpose"])
        if editor == "manager":
            _tell_changed(plan, actor, now)
    return line


@transaction.atomic
def plan_line_remove(*, line: PlannedVisit, actor, now) -> None:
    plan = _locked(line.plan)
    line = PlannedVisit.objects.select_for_update().get(pk=line.pk)
    editor = _editor(actor, plan)
    _check_not_done(line)
    line.delete()
    if editor == "manager":
        _tell_changed(plan, actor, now)


# ---------------------------------------------------------------- submit, confirm


@transaction.atomic
def plan_submit(*, plan: VisitPlan, actor, now: datetime.datetime) -> VisitPlan:
    """R-9.6: the salesperson submits the plan for the Saturday meeting; after the office's
    deadline it is still taken, marked late."""
    plan = _locked(plan)
    if not _is_planner(actor, plan):
        raise PermissionDenied(_("Only the plan's salesperson submits it."))
    if plan.status != PlanStatus.DRAFT:
        raise DomainError(_("The plan has already been submitted."), code="plan_submitted")
    if not plan.lines.exists():
        raise DomainError(
            _("Add at least one visit before submitting the plan."), code="plan_empty"
        )
    plan.status = PlanStatus.SUBMITTED
    plan.submitted_at = now
    plan.late = now > plan_deadline(plan.office, plan.week_start)
    plan.save(update_fields=["status", "submitted_at", "late"])
    params = {
        "plan": plan.pk,
        "salesperson": str(plan.salesperson),
        "week": plan.week_start.isoformat(),
        "late": plan.late,
    }
    url = reverse("visits:plan_review", args=[plan.pk])
    for manager in managers_of(plan):
        notify(kind="visit_plan_submitted", params=params, now=now, url=url, recipient=manager)
    return plan


@transaction.atomic
def plan_confirm(*, plan: VisitPlan, actor, now: datetime.datetime) -> VisitPlan:
    """R-9.6: the branch's manager confirms a submitted plan (never their own)."""
    plan = _locked(plan)
    if actor.pk == plan.salesperson_id:
        raise PermissionDenied(_("Nobody confirms their own plan."))
    if not may(actor, "visits.confirm_plan", plan.office):
        raise PermissionDenied(_("Only the branch's manager confirms its plans."))
    if plan.status == PlanStatus.DRAFT:
        raise DomainError(
            _("The plan has not been submitted yet: a draft cannot be confirmed."),
            code="plan_not_submitted",
        )
    if plan.status == PlanStatus.CONFIRMED:
        raise DomainError(_("The plan is already confirmed."), code="plan_confirmed")
    plan.status = PlanStatus.CONFIRMED
    plan.confirmed_by = actor
    plan.confirmed_at = now
    plan.save(update_fields=["status", "confirmed_by", "confirmed_at"])
    notify(
        kind="visit_plan_confirmed",
        params=_told(plan, actor),
        now=now,
        url=plan_url(plan),
        recipient_id=plan.salesperson_id,
    )
    return plan


# ---------------------------------------------------------------- what became of a visit


@transaction.atomic
def planned_visit_outcome(
    *, line: PlannedVisit, actor, outcome: str, reason: str, now: datetime.datetime
) -> PlannedVisit:
    """R-9.7: once the week has started, the salesperson says that a planned visit was
    missed (and why) or replaced (by what). Done is not said here: it comes from the visit
    record saved for the account that day (visits.services)."""
    plan = _locked(line.plan)
    line = PlannedVisit.objects.select_for_update().get(pk=line.pk)
    if not _is_planner(actor, plan):
        raise PermissionDenied(_("Only the plan's salesperson says what became of its visits."))
    if outcome not in (PlannedOutcome.MISSED, PlannedOutcome.REPLACED):
        raise ValidationError(
            {"outcome": [_("Choose missed or replaced: a visit is done by its visit record.")]}
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {
                "reason": [
                    _("Say why the visit was missed.")
                    if outcome == PlannedOutcome.MISSED
                    else _("Say what was done instead.")
                ]
            }
        )
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": [_("At most %(n)s characters.") % {"n": REASON_MAX}]})
    if local_today(plan.office, now) < plan.week_start:
        raise DomainError(
            _("The plan's week has not started yet: say what became of a visit once it has."),
            code="week_not_started",
        )
    if plan.status == PlanStatus.DRAFT:
        raise DomainError(
            _("The plan has not been submitted yet: submit it first."),
            code="plan_not_submitted",
        )
    _check_not_done(line)
    line.outcome = outcome
    line.outcome_reason = reason
    line.save(update_fields=["outcome", "outcome_reason"])
    return line


# ---------------------------------------------------------------- who is told


def managers_of(plan: VisitPlan) -> list[User]:
    """The branch's managers, who review the plan (not its salesperson, should they be one)."""
    return list(
        User.objects.filter(is_active=True, groups__name=Role.MANAGER, offices=plan.office_id)
        .exclude(pk=plan.salesperson_id)
        .distinct()
        .order_by("pk")
    )


def plan_url(plan: VisitPlan) -> str:
    """The salesperson's page of the plan's week."""
    return f"{reverse('visits:plan')}?office={plan.office_id}&week={plan.week_start.isoformat()}"


def _told(plan: VisitPlan, manager) -> dict:
    return {"plan": plan.pk, "manager": str(manager), "week": plan.week_start.isoformat()}


def _tell_changed(plan: VisitPlan, manager, now) -> None:
    """The salesperson is told that the manager changed their plan: once until they read it,
    however many lines the manager changes in a row."""
    waiting = Notification.objects.filter(
        recipient_id=plan.salesperson_id,
        kind="visit_plan_changed",
        read_at__isnull=True,
        params__plan=plan.pk,
    )
    if not waiting.exists():
        notify(
            kind="visit_plan_changed",
            params=_told(plan, manager),
            now=now,
            url=plan_url(plan),
            recipient_id=plan.salesperson_id,
        )
