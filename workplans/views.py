"""Pages of work plans (R-17.3): the list (the salesperson's own plans with "make this week's,
next week's, this month's plan"; the branch's plans for the manager, with status and late
flags), and a plan's page with its lines and what each person does there: the salesperson
edits, refreshes from the visit plan, submits and withdraws; the manager decides in the
approvals inbox."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.exceptions import ValidationError

from accounts.models import Account
from approvals.permissions import may_decide
from common.errors import DomainError
from common.views import run_and_report
from receivables.invoice_pages import approval_rows, flatten
from staff.choices import Role
from staff.places import place_for
from visits.plan_selectors import plannable_accounts

from . import rules, selectors, services
from .choices import OPEN, PlanKind, PlanStatus
from .forms import LineForm, NewPlanForm, PlanForm
from .models import WorkPlan, WorkPlanVisit

LIST_LIMIT = 200
READERS = (Role.SALESPERSON, Role.MANAGER, Role.DIRECTOR, Role.EXECUTIVE)


def _reader(user) -> None:
    if not user.has_role(*READERS):
        raise PermissionDenied


def _today(office, now) -> datetime.date:
    return timezone.localtime(now, office.tzinfo).date()


def _choices(user, office, now) -> list[dict]:
    """The salesperson's three plans to make or open: this week's, next week's, this month's."""
    today = _today(office, now)
    wanted = [
        ("weekly", "this", _("This week's plan"), rules.period_of(PlanKind.WEEKLY, today)[0]),
        (
            "weekly",
            "next",
            _("Next week's plan"),
            rules.next_period_start(PlanKind.WEEKLY, today),
        ),
        ("monthly", "this", _("This month's plan"), rules.period_of(PlanKind.MONTHLY, today)[0]),
    ]
    made = {
        (p.kind, p.period_start): p
        for p in WorkPlan.objects.filter(
            author=user, period_start__in=[w[3] for w in wanted]
        ).exclude(status=PlanStatus.CANCELLED)
    }
    return [
        {
            "kind": kind,
            "which": which,
            "label": label,
            "start": start,
            "plan": made.get((kind, start)),
        }
        for kind, which, label, start in wanted
    ]


@login_required
@require_GET
def plan_list(request):
    """The plans the user sees, newest period first; `?kind=`, `?status=`, `?late=1`."""
    user = request.user
    _reader(user)
    qs = selectors.with_line_count(
        selectors.work_plans_visible_to(user).select_related("office", "author")
    )
    kind, status, late = (request.GET.get(k, "") for k in ("kind", "status", "late"))
    if kind in PlanKind.values:
        qs = qs.filter(kind=kind)
    if status in PlanStatus.values:
        qs = qs.filter(status=status)
    if late == "1":
        qs = qs.filter(late=True)
    place = None
    if user.has_role(Role.SALESPERSON):
        place = place_for(request, "workplans.author", none_without_office=True)
    now = timezone.now()
    context = {
        "plans": qs.order_by("-period_start", "kind", "author__display_name", "-pk")[:LIST_LIMIT],
        "kind": kind,
        "status": status,
        "late": late,
        "kinds": PlanKind.choices,
        "statuses": PlanStatus.choices,
        "choices": _choices(user, place.office, now) if place else [],
        "place": place,
        "own_only": not user.has_role(Role.MANAGER, Role.DIRECTOR, Role.EXECUTIVE),
    }
    return render(request, "workplans/list.html", context)


@login_required
@require_POST
def plan_new(request):
    """Make this week's, next week's or this month's plan (or open it when already made)."""
    user = request.user
    place = place_for(request, "workplans.author")
    form = NewPlanForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose which plan to make."))
        return redirect("workplans:list")
    kind, which = form.cleaned_data["kind"], form.cleaned_data["which"]
    now = timezone.now()
    today = _today(place.office, now)
    day = rules.next_period_start(kind, today) if which == "next" else today
    try:
        plan = services.work_plan_create(
            office=place.office, actor=user, kind=kind, day=day, now=now
        )
    except ApiPermissionDenied as exc:
        raise PermissionDenied from exc
    except DomainError as exc:
        if exc.code == "plan_exists":
            return redirect("workplans:detail", exc.extra["id"])
        messages.error(request, str(exc.detail))
        return redirect("workplans:list")
    messages.success(
        request, _("The plan is made. Check its visits, add goals and actions, then submit it.")
    )
    return redirect("workplans:detail", plan.pk)


def title_of(plan: WorkPlan) -> str:
    return _("Weekly work plan") if plan.kind == PlanKind.WEEKLY else _("Monthly work plan")


def _plan_or_404(user, pk: int) -> WorkPlan:
    _reader(user)
    return get_object_or_404(
        selectors.work_plans_visible_to(user).select_related("office", "author"), pk=pk
    )


def _detail(request, plan, *, plan_form=None, line_form=None, status=200):
    user = request.user
    rows, chain = approval_rows(plan)
    pending = next((a for a in rows if a.state == "pending"), None)
    author = services.is_author(user, plan)
    editable = author and plan.status in (*OPEN, PlanStatus.APPROVED)
    accounts = list(plannable_accounts(plan.office, plan.author)[:LIST_LIMIT]) if editable else []
    context = {
        "plan": plan,
        "title": title_of(plan),
        "lines": list(plan.lines.select_related("account", "planned_visit").order_by("day", "pk")),
        "approvals": rows,
        "chain": chain,
        "is_author": author,
        "editable": editable,
        "may_submit": author and plan.status in OPEN,
        "may_cancel": author and plan.status in OPEN,
        "may_decide": pending is not None and may_decide(user, pending, plan),
        "due_at": rules.due_at(plan.kind, plan.period_start, plan.office),
        "plan_form": plan_form
        or PlanForm(
            initial={
                "target_amount": plan.target_amount,
                "goals": plan.goals,
                "actions": plan.actions,
            }
        ),
        "line_form": line_form or LineForm(accounts=accounts),
    }
    return render(request, "workplans/detail.html", context, status=status)


@login_required
@require_GET
def plan_detail(request, pk: int):
    return _detail(request, _plan_or_404(request.user, pk))


def _author_or_403(user, plan) -> None:
    if not services.is_author(user, plan):
        raise PermissionDenied


def _refused(form, exc) -> int:
    """A service's refusal onto the form: 409 a conflict, 400 bad input."""
    if isinstance(exc, DomainError):
        form.add_error(None, str(exc.detail))
        return 409
    detail = exc.detail if isinstance(exc.detail, dict) else {None: exc.detail}
    for field, errors in detail.items():
        form.add_error(field if field in form.fields else None, flatten(errors))
    return 400


@login_required
@require_http_methods(["POST"])
def plan_edit(request, pk: int):
    """The plan's target, goals and actions (an approved plan goes back to draft)."""
    plan = _plan_or_404(request.user, pk)
    _author_or_403(request.user, plan)
    form = PlanForm(request.POST)
    if not form.is_valid():
        return _detail(request, plan, plan_form=form, status=400)
    was_approved = plan.status == PlanStatus.APPROVED
    try:
        services.work_plan_update(
            plan=plan, actor=request.user, now=timezone.now(), **form.cleaned_data
        )
    except ApiPermissionDenied as exc:
        raise PermissionDenied from exc
    except (ValidationError, DomainError) as exc:
        plan.refresh_from_db()
        return _detail(request, plan, plan_form=form, status=_refused(form, exc))
    if was_approved:
        messages.success(
            request, _("Saved. The plan was approved: it is a draft again, submit it again.")
        )
    else:
        messages.success(request, _("Saved."))
    return redirect("workplans:detail", plan.pk)


@login_required
@require_POST
def plan_line_add(request, pk: int):
    user = request.user
    plan = _plan_or_404(user, pk)
    _author_or_403(user, plan)
    accounts = list(plannable_accounts(plan.office, plan.author)[:LIST_LIMIT])
    form = LineForm(request.POST, accounts=accounts)
    if not form.is_valid():
        return _detail(request, plan, line_form=form, status=400)
    data = form.cleaned_data
    account = Account.objects.filter(pk=data["account"]).first() if data["account"] else None
    try:
        services.work_plan_line_add(
            plan=plan,
            actor=user,
            account=account,
            day=data["day"],
            purpose=data["purpose"],
            now=timezone.now(),
        )
    except ApiPermissionDenied as exc:
        raise PermissionDenied from exc
    except (ValidationError, DomainError) as exc:
        plan.refresh_from_db()
        return _detail(request, plan, line_form=form, status=_refused(form, exc))
    messages.success(request, _("The line is added."))
    return redirect("workplans:detail", plan.pk)


@login_required
@require_POST
def plan_line_remove(request, pk: int, line: int):
    plan = _plan_or_404(request.user, pk)
    _author_or_403(request.user, plan)
    row = get_object_or_404(WorkPlanVisit, pk=line, plan=plan)
    return _run(
        request,
        plan,
        lambda: services.work_plan_line_remove(line=row, actor=request.user, now=timezone.now()),
        _("The line is removed."),
    )


def _run(request, plan, action, success: str):
    return run_and_report(
        request, action, success=success, back=reverse("workplans:detail", args=[plan.pk])
    )


def _author_action(request, pk: int, service, message: str):
    """One of the author's own moves on their plan (refresh, submit, withdraw)."""
    plan = _plan_or_404(request.user, pk)
    _author_or_403(request.user, plan)
    return _run(
        request,
        plan,
        lambda: service(plan=plan, actor=request.user, now=timezone.now()),
        message,
    )


@login_required
@require_POST
def plan_refresh(request, pk: int):
    message = _("The visits are taken again from the visit plan.")
    return _author_action(request, pk, services.work_plan_refresh, message)


@login_required
@require_POST
def plan_submit(request, pk: int):
    return _author_action(
        request, pk, services.work_plan_submit, _("Submitted: the branch manager approves it.")
    )


@login_required
@require_POST
def plan_cancel(request, pk: int):
    return _author_action(request, pk, services.work_plan_cancel, _("The plan is withdrawn."))
