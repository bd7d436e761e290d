"""Complaint and suggestion pages (R-16.2): the list, the form, the complaint with the
manager's naming of a handler and the handler's reply; the technicians' monthly ratings."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from staff.permissions import may, may_in_any_office, office_ids_of

from . import forms, selectors
from .choices import ComplaintKind, ComplaintState
from .models import Complaint
from .pages import LIST_LIMIT, may_read_complaints, run
from .services import complaints

C = ComplaintState


def _complaint_or_404(user, pk: int) -> Complaint:
    qs = selectors.complaints_visible_to(user).select_related(
        "office", "account", "recorded_by", "handler", "replied_by"
    )
    return get_object_or_404(qs, pk=pk)


@login_required
@require_GET
def complaint_list(request):
    user = request.user
    visible = selectors.complaints_visible_to(user)
    if not (may_read_complaints(user) or visible.exists()):
        raise PermissionDenied
    qs = visible.select_related("account", "office", "handler")
    state = request.GET.get("state", "")
    if state in C.values:
        qs = qs.filter(state=state)
    kind = request.GET.get("kind", "")
    if kind in ComplaintKind.values:
        qs = qs.filter(kind=kind)
    context = {
        "rows": list(qs.order_by("-received_at", "-pk")[:LIST_LIMIT]),
        "state": state,
        "states": C.choices,
        "kind": kind,
        "kinds": ComplaintKind.choices,
        "may_create": may_in_any_office(user, "aftersales.record_complaint"),
    }
    return render(request, "aftersales/complaint_list.html", context)


def _people_of_user(user):
    return (
        get_user_model()
        .objects.filter(is_active=True, offices__in=office_ids_of(user))
        .distinct()
        .order_by("display_name", "username", "pk")
    )


@login_required
@require_http_methods(["GET", "POST"])
def complaint_new(request):
    user = request.user
    if not may_in_any_office(user, "aftersales.record_complaint"):
        raise PermissionDenied
    form = forms.ComplaintForm(
        request.POST if request.method == "POST" else None,
        accounts=selectors.accounts_to_report(user).order_by("name", "pk"),
        people=_people_of_user(user),
        initial={"received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")},
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            d = form.cleaned_data
            made, status = run(
                form,
                lambda: complaints.complaint_create(
                    actor=user,
                    account=d["account"],
                    kind=d["kind"],
                    text=d["text"],
                    staff=list(d["staff"]),
                    major=d["major"],
                    received_at=d["received_at"],
                    now=timezone.now(),
                ),
            )
            if made is not None:
                messages.success(request, _("Recorded; the manager is told."))
                return redirect("aftersales:complaint", made.pk)
    return render(request, "aftersales/complaint_form.html", {"form": form}, status=status)


def _detail(request, made: Complaint, *, bound: dict | None = None, status: int = 200):
    user = request.user
    steps = {}
    if made.state in (C.OPEN, C.ASSIGNED) and may(user, "aftersales.assign_complaint", made.office):
        steps["assign"] = forms.AssignForm(
            people=selectors.office_people(made.office),
            initial={"handler": made.handler_id or user.pk},
        )
    if made.state == C.ASSIGNED and made.handler_id == user.pk:
        steps["reply"] = forms.ReplyForm(
            initial={"replied_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")}
        )
    steps.update(bound or {})
    context = {
        "made": made,
        "staff": list(made.staff.all()),
        "events": list(made.events.select_related("actor")),
        "steps": steps,
    }
    return render(request, "aftersales/complaint_detail.html", context, status=status)


@login_required
@require_GET
def complaint_detail(request, pk: int):
    return _detail(request, _complaint_or_404(request.user, pk))


def _step(request, made, name, form, action, done):
    if not form.is_valid():
        return _detail(request, made, bound={name: form}, status=400)
    result, status = run(form, lambda: action(form.cleaned_data))
    if result is None:
        return _detail(request, made, bound={name: form}, status=status)
    messages.success(request, done)
    return redirect("aftersales:complaint", made.pk)


@login_required
@require_POST
def complaint_assign(request, pk: int):
    made = _complaint_or_404(request.user, pk)
    return _step(
        request,
        made,
        "assign",
        forms.AssignForm(request.POST, people=selectors.office_people(made.office)),
        lambda d: complaints.complaint_assign(
            complaint=made, actor=request.user, handler=d["handler"], now=timezone.now()
        ),
        _("The handler is named and told."),
    )


@login_required
@require_POST
def complaint_reply(request, pk: int):
    made = _complaint_or_404(request.user, pk)
    return _step(
        request,
        made,
        "reply",
        forms.ReplyForm(request.POST),
        lambda d: complaints.complaint_reply(
            complaint=made,
            actor=request.user,
            reply=d["reply"],
            method=d["method"],
            replied_at=d["replied_at"],
            now=timezone.now(),
        ),
        _("The reply is recorded; the complaint is closed."),
    )


@login_required
@require_GET
def ratings(request):
    """R-16.2: the customers' ratings per technician per month (average, count) and the
    comments: a technician their own, the manager the branch's, leadership all."""
    user = request.user
    if not (user.has_role(*selectors.LEADERSHIP) or may_in_any_office(user, "aftersales.ratings")):
        raise PermissionDenied
    months = selectors.rating_months(user)
    for row in months:
        row["name"] = row["technician__display_name"] or row["technician__username"]
    comments = list(
        selectors.ratings_visible_to(user)
        .exclude(comment="")
        .select_related("technician", "request")
        .order_by("-recorded_at", "-pk")[:LIST_LIMIT]
    )
    return render(request, "aftersales/ratings.html", {"months": months, "comments": comments})
