"""The work diary pages (R-7.1): the salesperson's own diary on the phone, pre-filled from
the day's records, and the manager's list of the office's diaries with a reply to each."""

import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_POST

from reception.selectors import office_today
from staff.models import Office
from staff.permissions import may, restrict_to_offices
from staff.places import Place, place_for

from .. import services
from ..forms import DayForm, DiaryForm, ReplyForm
from ..models import WorkDiary
from ..selectors import diaries_for, diaries_named, diary_for, salespeople_of

INVALID = 422
WRITE, VIEW = "reports.write_diary", "reports.view_diaries"


def _place(request: HttpRequest, action: str) -> Place:
    return place_for(request, action)


def _day(data, today: datetime.date) -> tuple[datetime.date, DayForm]:
    form = DayForm(data if data.get("date") else None, initial={"date": today})
    day = form.cleaned_data.get("date") if form.is_valid() else None
    return day or today, form


def _url(name: str, office: Office, day: datetime.date) -> str:
    return f"{reverse(name)}?{urlencode({'office': office.pk, 'date': day.isoformat()})}"


@login_required
@require_http_methods(["GET", "POST"])
def diary(request: HttpRequest) -> HttpResponse:
    """R-7.1: the salesperson's diary of a day: the day's work, and their feedback and
    problems, submitted for today or an earlier day; late after the deadline."""
    place = _place(request, WRITE)
    office, now = place.office, timezone.now()
    today = office_today(office, now)
    day, day_form = _day(request.POST if request.method == "POST" else request.GET, today)
    the_diary = diary_for(salesperson=request.user, office=office, date=day)
    diaries_named([the_diary], reader=request.user, now=now)
    status = 200
    if request.method == "POST":
        form = DiaryForm(request.POST)
        status = INVALID
        if form.is_valid():
            try:
                services.diary_submit(
                    salesperson=request.user,
                    office=office,
                    date=day,
                    feedback=form.cleaned_data["feedback"],
                    problems=form.cleaned_data["problems"],
                    now=now,
                )
            except ValidationError as exc:
                for messages in exc.message_dict.values():
                    for message in messages:
                        form.add_error(None, message)
            else:
                return redirect(_url("reports:diary", office, day))
    else:
        form = DiaryForm(instance=the_diary.record)
    context = {
        "place": place,
        "office": office,
        "day": day,
        "today": today,
        "day_form": day_form,
        "diary": the_diary,
        "form": form,
        "may_submit": day <= today,
    }
    return render(request, "reports/diary.html", context, status=status)


@login_required
@require_http_methods(["GET"])
def diaries(request: HttpRequest) -> HttpResponse:
    """R-7.1: the office's diaries of a day for its manager, each with a reply form."""
    place = _place(request, VIEW)
    office = place.office
    today = office_today(office, timezone.now())
    day, day_form = _day(request.GET, today)
    rows = diaries_for(office=office, date=day, salespeople=salespeople_of(office))
    for row in rows:
        row.reply_form = (
            ReplyForm(instance=row.record, prefix=f"d{row.record.pk}") if row.record else None
        )
    context = {
        "place": place,
        "office": office,
        "day": day,
        "day_form": day_form,
        "diaries": rows,
    }
    return render(request, "reports/diaries.html", context)


@login_required
@require_POST
def diary_reply(request: HttpRequest, pk: int) -> HttpResponse:
    """R-7.1: the manager replies to one diary of their office."""
    record = (
        restrict_to_offices(WorkDiary.objects.select_related("office"), request.user)
        .filter(pk=pk)
        .first()
    )
    if record is None:  # another office's diary is not there
        raise Http404
    if not may(request.user, VIEW, record.office):
        raise PermissionDenied
    form = ReplyForm(request.POST, instance=record, prefix=f"d{record.pk}")
    if form.is_valid():
        try:
            services.diary_reply(
                diary=record,
                manager=request.user,
                reply=form.cleaned_data["manager_reply"],
                now=timezone.now(),
            )
        except ValidationError as exc:
            for messages in exc.message_dict.values():
                for message in messages:
                    form.add_error("manager_reply", message)
        else:
            return redirect(_url("reports:diaries", record.office, record.date))
    record = WorkDiary.objects.select_related("office").get(pk=record.pk)
    office = record.office
    rows = diaries_for(office=office, date=record.date, salespeople=salespeople_of(office))
    for row in rows:
        if row.record and row.record.pk == record.pk:
            row.reply_form = form
        else:
            row.reply_form = (
                ReplyForm(instance=row.record, prefix=f"d{row.record.pk}") if row.record else None
            )
    context = {
        "place": Place(office, [office]),
        "office": office,
        "day": record.date,
        "day_form": DayForm(initial={"date": record.date}),
        "diaries": rows,
    }
    return render(request, "reports/diaries.html", context, status=INVALID)


urlpatterns = [
    path("diary/", diary, name="diary"),
    path("diaries/", diaries, name="diaries"),
    path("diaries/<int:pk>/reply/", diary_reply, name="diary_reply"),
]
