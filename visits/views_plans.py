"""The visit-plan pages (R-9.6, R-9.7), phone first.

- `/visits/plan/`: the salesperson's plan of next week (and of this week, with what became of
  each visit): lines added from the accounts falling due in one tap, submitted with a
  confirmation.
- `/visits/plans/`: the manager's list of the branch's plans of a week.
- `/visits/plans/<id>/`: the manager's review: change lines, add due accounts, confirm.

Every write is a form posted to its own URL; a refusal comes back as the page with the reason,
400 for bad input, 409 when the plan's state refuses it, 403 for a role that may not."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from rest_framework.exceptions import PermissionDenied as RefusedByService
from rest_framework.exceptions import ValidationError

from common.errors import DomainError
from staff.permissions import may
from staff.places import Place, place_for

from . import plans as services
from . import rules
from .choices import PlannedOutcome, PlanStatus
from .models import PlannedVisit, VisitPlan
from .plan_forms import DAY_FORMAT, OutcomeForm, PlanLineChangeForm, PlanLineForm
from .plan_selectors import (
    branch_week,
    due_unplanned,
    lines_visible_to,
    local_today,
    plan_deadline,
    plan_lines,
    plan_of,
    plannable_accounts,
    plans_visible_to,
)

INVALID, CONFLICT = 400, 409
YEARS = datetime.timedelta(days=3660)  # how far from today a week may be asked for


def _week(raw: str | None, today: datetime.date) -> datetime.date:
    """`?week=`: next (the default), this, or any day of the week wanted, within ten years."""
    if raw in (None, "", "next"):
        return rules.next_week_start(today)
    if raw == "this":
        return rules.week_start(today)
    try:
        day = datetime.date.fromisoformat(raw)
    except ValueError as exc:
        raise BadRequest(_("This is not a week.")) from exc
    if abs(day - today) > YEARS:
        raise BadRequest(_("This is not a week."))
    return rules.week_start(day)


def _record_url() -> str:
    """The visit record form of the records' pages (`?account=&next=`)."""
    for name in ("visits:record_new", "visits:new"):
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return ""


def _line_rows(lines, *, week_start, editable: bool, outcomes: bool, bound: dict) -> list:
    rows = []
    for line in lines:
        row = {"line": line, "change": None, "outcome": None}
        if editable and line.outcome != PlannedOutcome.DONE:
            row["change"] = bound.get(("change", line.pk)) or PlanLineChangeForm(
                prefix=f"l{line.pk}",
                week_start=week_start,
                initial={"day": line.day.isoformat(), "purpose": line.purpose},
            )
        if outcomes and line.outcome != PlannedOutcome.DONE:
            row["outcome"] = bound.get(("outcome", line.pk)) or OutcomeForm(
                prefix=f"o{line.pk}",
                initial={"outcome": line.outcome if line.outcome != "planned" else None},
            )
        rows.append(row)
    return rows


def _common(plan, office, week_start, now) -> dict:
    today = local_today(office, now)
    deadline = plan_deadline(office, week_start)
    return {
        "office": office,
        "plan": plan,
        "week_start": week_start,
        "week_end": week_start + datetime.timedelta(days=6),
        "deadline": deadline,
        "past_deadline": now > deadline,
        "today": today,
        "started": today >= week_start,
        "this_week": rules.week_start(today),
        "next_week": rules.next_week_start(today),
        "day_format": str(DAY_FORMAT),
        "record_url": _record_url(),
    }


# ---------------------------------------------------------------- the salesperson's page


def _mine_context(request, place, week_start, now, *, add_form=None, bound=None) -> dict:
    office, user = place.office, request.user
    plan = plan_of(office, user, week_start)
    context = _common(plan, office, week_start, now) | {"place": place}
    draft = plan is None or plan.status == PlanStatus.DRAFT
    editable = draft and (plan is not None or week_start == context["next_week"])
    outcomes = plan is not None and not draft and context["started"]
    if editable:
        context["due"] = due_unplanned(office, user, week_start, plan)
        context["add_form"] = add_form or PlanLineForm(
            accounts=plannable_accounts(office, user), week_start=week_start
        )
        context["add_url"] = (
            reverse("visits:plan_line_add", args=[plan.pk]) if plan else reverse("visits:plan_add")
        )
    context["rows"] = _line_rows(
        plan_lines(plan),
        week_start=week_start,
        editable=editable,
        outcomes=outcomes,
        bound=bound or {},
    )
    context["editable"] = editable
    return context


def _render_mine(request, place, week_start, now, status=200, **kw):
    context = _mine_context(request, place, week_start, now, **kw)
    return render(request, "visits/plans/mine.html", context, status=status)


@login_required
@require_GET
def plan_page(request):
    place = place_for(request, "visits.plan")
    now = timezone.now()
    week_start = _week(request.GET.get("week"), local_today(place.office, now))
    return _render_mine(request, place, week_start, now)


@login_required
@require_POST
def plan_add(request):
    """R-9.6: the salesperson adds a visit to next week's plan (made on first use)."""
    place = place_for(request, "visits.plan")
    office, now = place.office, timezone.now()
    week_start = services.next_week_of(office, now)
    form = PlanLineForm(
        request.POST,
        accounts=plannable_accounts(office, request.user),
        week_start=week_start,
    )

    def add(**data):
        services.plan_line_add_next_week(office=office, actor=request.user, now=now, **data)

    return _attempt(
        request,
        form,
        add,
        done=_("Visit added to the plan."),
        back=lambda: redirect(services.plan_url(plan_of(office, request.user, week_start))),
        again=lambda status: _render_mine(
            request, place, week_start, now, status=status, add_form=form
        ),
    )


# ---------------------------------------------------------------- writes on a plan or a line


def _plan_or_404(request, pk: int) -> VisitPlan:
    return get_object_or_404(plans_visible_to(request.user).select_related("office"), pk=pk)


def _line_or_404(request, pk: int) -> PlannedVisit:
    return get_object_or_404(
        lines_visible_to(request.user).select_related("plan__office", "account"), pk=pk
    )


def _may_edit_lines(user, plan: VisitPlan) -> bool:
    """Its salesperson or the branch's manager (the state decides which of them: services)."""
    if user.pk == plan.salesperson_id:
        return may(user, "visits.plan", plan.office)
    return may(user, "visits.confirm_plan", plan.office)


def _attempt(request, form, call, *, done: str, back, again):
    """Run a service with a valid form's data: `back()` on success; on a refusal `again(status)`,
    the page with the reason (400 on the form, 409 at the top of the page, 403 raised)."""
    status = INVALID
    if form is None or form.is_valid():
        try:
            call(**(form.cleaned_data if form is not None else {}))
        except RefusedByService as exc:
            raise PermissionDenied from exc
        except ValidationError as exc:
            detail = exc.detail if isinstance(exc.detail, dict) else {None: exc.detail}
            for name, errors in detail.items():
                if form is None:
                    messages.error(request, " ".join(str(e) for e in errors))
                else:
                    form.add_error(name if name in form.fields else None, [str(e) for e in errors])
        except DomainError as exc:  # the plan's state
            status = CONFLICT
            messages.error(request, str(exc.detail))
        else:
            messages.success(request, done)
            return back()
    return again(status)


def _on_plan(request, plan: VisitPlan, form, call, *, done: str, key=None):
    """`_attempt` for a plan's own forms: back to the salesperson's page or the manager's
    review, whoever posted; `key` names a line's form, else the form is the add form."""
    mine = request.user.pk == plan.salesperson_id
    bound = {key: form} if key else {}
    extra = {"add_form": form} if form is not None and key is None else {}

    def back():
        return redirect(
            services.plan_url(plan) if mine else reverse("visits:plan_review", args=[plan.pk])
        )

    def again(status):
        now = timezone.now()
        if mine:
            place = Place(plan.office, [plan.office])
            return _render_mine(request, place, plan.week_start, now, status, bound=bound, **extra)
        return _render_review(request, plan, now, status, bound=bound, **extra)

    return _attempt(request, form, call, done=done, back=back, again=again)


@login_required
@require_POST
def plan_line_add(request, pk: int):
    """R-9.6: a visit added to an existing plan: by its salesperson (draft) or by the
    branch's manager (submitted)."""
    plan = _plan_or_404(request, pk)
    if not _may_edit_lines(request.user, plan):
        raise PermissionDenied
    form = PlanLineForm(
        request.POST,
        accounts=plannable_accounts(plan.office, plan.salesperson),
        week_start=plan.week_start,
    )

    def add(**data):
        services.plan_line_add(plan=plan, actor=request.user, now=timezone.now(), **data)

    return _on_plan(request, plan, form, add, done=_("Visit added to the plan."))


@login_required
@require_POST
def plan_line_change(request, pk: int):
    line = _line_or_404(request, pk)
    plan = line.plan
    if not _may_edit_lines(request.user, plan):
        raise PermissionDenied
    form = PlanLineChangeForm(request.POST, prefix=f"l{line.pk}", week_start=plan.week_start)

    def change(**data):
        services.plan_line_change(line=line, actor=request.user, now=timezone.now(), **data)

    return _on_plan(request, plan, form, change, done=_("Visit changed."), key=("change", line.pk))


@login_required
@require_POST
def plan_line_remove(request, pk: int):
    line = _line_or_404(request, pk)
    plan = line.plan
    if not _may_edit_lines(request.user, plan):
        raise PermissionDenied

    def remove():
        services.plan_line_remove(line=line, actor=request.user, now=timezone.now())

    return _on_plan(request, plan, None, remove, done=_("Visit removed from the plan."))


@login_required
@require_POST
def plan_line_outcome(request, pk: int):
    """R-9.7: the salesperson says a planned visit was missed or replaced."""
    line = _line_or_404(request, pk)
    plan = line.plan
    if request.user.pk != plan.salesperson_id or not may(request.user, "visits.plan", plan.office):
        raise PermissionDenied
    form = OutcomeForm(request.POST, prefix=f"o{line.pk}")

    def record(**data):
        services.planned_visit_outcome(line=line, actor=request.user, now=timezone.now(), **data)

    return _on_plan(
        request, plan, form, record, done=_("Outcome recorded."), key=("outcome", line.pk)
    )


@login_required
@require_POST
def plan_submit(request, pk: int):
    plan = _plan_or_404(request, pk)
    if request.user.pk != plan.salesperson_id or not may(request.user, "visits.plan", plan.office):
        raise PermissionDenied

    def submit():
        done = services.plan_submit(plan=plan, actor=request.user, now=timezone.now())
        if done.late:
            messages.warning(request, _("Submitted after the deadline: the plan is marked late."))

    return _on_plan(request, plan, None, submit, done=_("Plan submitted to the manager."))


@login_required
@require_POST
def plan_confirm(request, pk: int):
    plan = _plan_or_404(request, pk)
    if request.user.pk == plan.salesperson_id or not may(
        request.user, "visits.confirm_plan", plan.office
    ):
        raise PermissionDenied

    def confirm():
        services.plan_confirm(plan=plan, actor=request.user, now=timezone.now())

    return _on_plan(request, plan, None, confirm, done=_("Plan confirmed."))


# ---------------------------------------------------------------- the manager's pages


@login_required
@require_GET
def plans_page(request):
    """R-9.6: the branch's plans of a week: who submitted (on time or late), who has not by
    the deadline, who is confirmed."""
    place = place_for(request, "visits.view_plans")
    now = timezone.now()
    today = local_today(place.office, now)
    week_start = _week(request.GET.get("week"), today)
    context = {
        "place": place,
        "office": place.office,
        "week": branch_week(place.office, week_start, now),
        "week_start": week_start,
        "week_end": week_start + datetime.timedelta(days=6),
        "this_week": rules.week_start(today),
        "next_week": rules.next_week_start(today),
        "day_format": str(DAY_FORMAT),
    }
    return render(request, "visits/plans/list.html", context)


def _review_context(request, plan: VisitPlan, now, *, add_form=None, bound=None) -> dict:
    context = _common(plan, plan.office, plan.week_start, now)
    reviewing = (
        plan.status == PlanStatus.SUBMITTED
        and request.user.pk != plan.salesperson_id
        and may(request.user, "visits.confirm_plan", plan.office)
    )
    context |= {
        "salesperson": plan.salesperson,
        "reviewing": reviewing,
        "due": due_unplanned(plan.office, plan.salesperson, plan.week_start, plan),
        "rows": _line_rows(
            plan_lines(plan),
            week_start=plan.week_start,
            editable=reviewing,
            outcomes=False,
            bound=bound or {},
        ),
    }
    if reviewing:
        context["add_form"] = add_form or PlanLineForm(
            accounts=plannable_accounts(plan.office, plan.salesperson),
            week_start=plan.week_start,
        )
        context["add_url"] = reverse("visits:plan_line_add", args=[plan.pk])
    return context


def _render_review(request, plan, now, status=200, **kw):
    context = _review_context(request, plan, now, **kw)
    return render(request, "visits/plans/review.html", context, status=status)


@login_required
@require_GET
def plan_review(request, pk: int):
    plan = get_object_or_404(
        plans_visible_to(request.user).select_related("office", "salesperson", "confirmed_by"),
        pk=pk,
    )
    if not may(request.user, "visits.view_plans", plan.office):
        raise PermissionDenied
    return _render_review(request, plan, timezone.now())


# ---------------------------------------------------------------- the home pages' block


def _sees_plans(user, office) -> bool:
    return may(user, "visits.plan", office) or may(user, "visits.view_plans", office)


@login_required
@require_GET
def plan_status(request):
    """The block of the salesperson's and the manager's home pages: this week's and next
    week's plan (the salesperson), next week's submissions (the manager)."""
    place = place_for(request, _sees_plans)
    office, user, now = place.office, request.user, timezone.now()
    today = local_today(office, now)
    this, following = rules.week_start(today), rules.next_week_start(today)
    context = {
        "office": office,
        "this_week": this,
        "next_week": following,
        "day_format": str(DAY_FORMAT),
    }
    if may(user, "visits.plan", office):
        context["mine"] = [
            (this, plan_of(office, user, this)),
            (following, plan_of(office, user, following)),
        ]
        context["deadline"] = plan_deadline(office, following)
        context["past_deadline"] = now > context["deadline"]
    if may(user, "visits.view_plans", office):
        context["branch"] = branch_week(office, following, now)
    return render(request, "visits/plans/partials/status.html", context)
