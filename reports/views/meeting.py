"""The daily meeting (R-7.3): the secretary's minutes page for the 18:00 meeting, with the
day's diaries as its input; the leadership's list of escalated problems is escalations:list."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from common.errors import DomainError
from escalations.choices import Source
from escalations.models import Escalation
from escalations.selectors import escalations_visible_to as visible_escalations
from escalations.views import CLOSE, close_and_respond, escalation_list
from reception.selectors import office_today
from staff.models import Office
from staff.permissions import may, office_ids_of
from staff.places import Place, place_for

from .. import meetings
from ..forms import DayForm, MinutesForm, ProblemForm, apply_service_error
from ..models import MeetingProblem
from ..selectors import salespeople_of

INVALID, CONFLICT = 422, 409
KEEP = "reports.keep_minutes"


def _day(data, today: datetime.date) -> tuple[datetime.date, DayForm]:
    form = DayForm(data if data.get("date") else None, initial={"date": today})
    day = form.cleaned_data.get("date") if form.is_valid() else None
    return day or today, form


def _meeting_url(office: Office, day: datetime.date) -> str:
    query = urlencode({"office": office.pk, "date": day.isoformat()})
    return f"{reverse('reports:meeting')}?{query}"


def _meeting_page(
    request: HttpRequest,
    place: Place,
    day: datetime.date,
    *,
    minutes_form: MinutesForm | None = None,
    problem_form: ProblemForm | None = None,
    status: int = 200,
) -> HttpResponse:
    office = place.office
    today = office_today(office, timezone.now())
    data = meetings.meeting_day(office=office, date=day)
    context = {
        "place": place,
        "office": office,
        "day": day,
        "today": today,
        "previous_day": day - datetime.timedelta(days=1),
        "next_day": day + datetime.timedelta(days=1),
        "day_form": DayForm(initial={"date": day}),
        "data": data,
        "may_record": day <= today,
        "minutes_form": minutes_form or MinutesForm(instance=data.meeting),
        "problem_form": problem_form or ProblemForm(salespeople=salespeople_of(office)),
    }
    return render(request, "reports/meeting.html", context, status=status)


@login_required
@require_GET
def meeting(request: HttpRequest) -> HttpResponse:
    """R-7.3: the day's meeting: diaries and their problems, the counts, the minutes, and the
    problems raised, with escalation to leadership."""
    place = place_for(request, KEEP)
    day, _form = _day(request.GET, office_today(place.office, timezone.now()))
    return _meeting_page(request, place, day)


@login_required
@require_POST
def meeting_minutes(request: HttpRequest) -> HttpResponse:
    """R-7.3: the secretary saves the minutes of the day's meeting."""
    place = place_for(request, KEEP)
    office, now = place.office, timezone.now()
    day, _form = _day(request.POST, office_today(office, now))
    form = MinutesForm(request.POST)
    if form.is_valid():
        try:
            meetings.meeting_record(
                office=office,
                date=day,
                minutes=form.cleaned_data["minutes"],
                by=request.user,
                now=now,
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("Minutes saved."))
            return redirect(_meeting_url(office, day))
    return _meeting_page(request, place, day, minutes_form=form, status=INVALID)


@login_required
@require_POST
def meeting_problem_add(request: HttpRequest) -> HttpResponse:
    """R-7.3: a problem raised at the meeting, escalated at once if the box is ticked."""
    place = place_for(request, KEEP)
    office, now = place.office, timezone.now()
    day, _form = _day(request.POST, office_today(office, now))
    form = ProblemForm(request.POST, salespeople=salespeople_of(office))
    if form.is_valid():
        try:
            problem = meetings.problem_raise(
                office=office,
                date=day,
                text=form.cleaned_data["text"],
                raised_by=form.cleaned_data["raised_by"],
                escalate=form.cleaned_data["escalate"],
                by=request.user,
                now=now,
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            if problem.escalated:
                messages.success(request, _("Problem recorded and escalated to leadership."))
            else:
                messages.success(request, _("Problem recorded."))
            return redirect(_meeting_url(office, day))
    return _meeting_page(request, place, day, problem_form=form, status=INVALID)


def _problem_in_my_offices(request: HttpRequest, pk: int) -> MeetingProblem:
    problem = (
        MeetingProblem.objects.select_related("office", "meeting")
        .filter(pk=pk, office_id__in=office_ids_of(request.user))
        .first()
    )
    if problem is None:  # another office's problem is not there
        raise Http404
    return problem


@login_required
@require_POST
def meeting_problem_escalate(request: HttpRequest, pk: int) -> HttpResponse:
    """R-7.3: escalate an open problem to company leadership (again: nothing happens)."""
    problem = _problem_in_my_offices(request, pk)
    if not may(request.user, KEEP, problem.office):
        raise PermissionDenied
    try:
        meetings.problem_escalate(problem=problem, by=request.user, now=timezone.now())
    except DomainError as exc:
        messages.error(request, str(exc.detail))
    else:
        messages.success(request, _("Escalated to leadership."))
    return redirect(_meeting_url(problem.office, problem.meeting.date))


def escalations(request: HttpRequest) -> HttpResponse:
    """R-7.3: the escalated problems are on the one escalation list (R-16.1): this old address
    (the reports index and the director's table link here) shows that same list."""
    return escalation_list(request)


@login_required
@require_POST
def escalation_close(request: HttpRequest, pk: int) -> HttpResponse:
    """R-7.3: the old close address of an escalated problem (`pk` is the problem's): closes
    its escalation through the one list, which closes the problem."""
    user = request.user
    found = (
        Escalation.objects.select_related("office")
        .filter(source=Source.MEETING_PROBLEM, subject_id=pk)
        .first()
    )
    follows = found is not None and visible_escalations(user).filter(pk=found.pk).exists()
    if not follows:  # the problem's own office's staff see it on the meeting page: 403 below
        found_problem = _problem_in_my_offices(request, pk)  # elsewhere: 404
        if not may(user, CLOSE, found_problem.office):
            raise PermissionDenied
    if found is None:  # never escalated: nothing to close here
        raise Http404
    return close_and_respond(request, found, request.POST.get(f"p{pk}-resolution", ""))


urlpatterns = [
    path("meeting/", meeting, name="meeting"),
    path("meeting/minutes/", meeting_minutes, name="meeting_minutes"),
    path("meeting/problems/", meeting_problem_add, name="meeting_problem_add"),
    path(
        "meeting/problems/<int:pk>/escalate/",
        meeting_problem_escalate,
        name="meeting_problem_escalate",
    ),
    path("escalations/", escalations, name="escalations"),
    path("escalations/<int:pk>/close/", escalation_close, name="escalation_close"),
]
