"""After-sales request pages (R-16.1): the list (by state, escalated), the call taken, the
request with its photos, times and history, and the one form of the step that is the
reader's to do (the manager confirms or escalates, the clerk files and closes, the
technician takes, records the contact and the result; leadership instructs); the photo,
served only to who sees the request; the technicians' times."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from catalog.models import Product
from contracts.selectors import contracts_visible_to
from staff.permissions import may, may_in_any_office

from . import forms, selectors
from .choices import OPEN, RequestEventKind, RequestState
from .models import ServiceRequest, ServiceRequestEvent
from .pages import LIST_LIMIT, duration, may_read, run
from .services import extras, requests

S = RequestState


def _request_or_404(user, pk: int) -> ServiceRequest:
    qs = selectors.requests_visible_to(user).select_related(
        "office", "account", "contract", "product", "technician", "reported_by"
    )
    return get_object_or_404(qs, pk=pk)


@login_required
@require_GET
def request_list(request):
    """The requests the user sees, newest first; `?state=`, `?escalated=1`."""
    user = request.user
    if not may_read(user):
        raise PermissionDenied
    qs = selectors.requests_visible_to(user).select_related(
        "account", "office", "technician", "product"
    )
    state = request.GET.get("state", "")
    if state in S.values:
        qs = qs.filter(state=state)
    escalated = request.GET.get("escalated") == "1"
    if escalated:
        qs = qs.filter(escalated_at__isnull=False)
    context = {
        "rows": list(qs.order_by("-received_at", "-pk")[:LIST_LIMIT]),
        "state": state,
        "states": S.choices,
        "escalated": escalated,
        "may_create": may_in_any_office(user, "aftersales.report"),
    }
    return render(request, "aftersales/request_list.html", context)


def _new_form(user, data=None):
    accounts = selectors.accounts_to_report(user).order_by("name", "pk")
    contracts = (
        contracts_visible_to(user)
        .filter(account__in=accounts)
        .exclude(number="")
        .select_related("account")
        .order_by("-pk")
    )
    products = Product.objects.order_by("code", "pk")
    return forms.RequestForm(
        data,
        accounts=accounts,
        contracts=contracts,
        products=products,
        initial={"received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def request_new(request):
    """R-16.1: the customer's call taken by the account's salesperson, the manager or the
    clerk; photos may go with it."""
    user = request.user
    if not may_in_any_office(user, "aftersales.report"):
        raise PermissionDenied
    form = _new_form(user, request.POST if request.method == "POST" else None)
    if request.method == "GET":
        return render(request, "aftersales/request_form.html", {"form": form})
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        photos = request.FILES.getlist("photos")

        @transaction.atomic
        def create():  # the request and its photos, or nothing
            made = requests.request_create(
                actor=user,
                account=data["account"],
                contract=data["contract"],
                product=data["product"],
                problem=data["problem"],
                received_at=data["received_at"],
                now=timezone.now(),
            )
            for upload in photos:
                extras.photo_add(request=made, actor=user, upload=upload, now=timezone.now())
            return made

        made, status = run(form, create)
        if made is not None:
            messages.success(request, _("The request is recorded; the manager is told."))
            return redirect("aftersales:detail", made.pk)
    return render(request, "aftersales/request_form.html", {"form": form}, status=status)


def _steps(user, made: ServiceRequest) -> dict:
    """The forms of the steps that are this reader's to do now (and only theirs)."""
    office = made.office
    steps = {}
    if made.state == S.NEW and may(user, "aftersales.confirm", office):
        steps["confirm"] = forms.ConfirmForm()
    if made.state == S.CONFIRMED and may(user, "aftersales.file", office):
        steps["file"] = forms.FileForm(technicians=selectors.technicians_of(office))
    working = may(user, "aftersales.work", office)
    if working and made.state in (S.FILED, S.CONTACTED) and made.technician_id is None:
        steps["take"] = True
    if working and made.state == S.FILED and made.technician_id in (None, user.pk):
        steps["contact"] = forms.ContactForm(
            initial={"contacted_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")}
        )
    if working and made.state == S.CONTACTED and made.technician_id == user.pk:
        steps["result"] = forms.ResultForm(initial={"status": made.status_note})
    if made.state == S.RESOLVED and may(user, "aftersales.close", office):
        steps["close"] = True
    if (
        made.state in OPEN
        and made.escalated_at is None
        and may(user, "aftersales.escalate", office)
    ):
        steps["escalate"] = forms.ReasonForm()
    if made.escalated_at is not None and may(user, "aftersales.instruct", office):
        steps["instruct"] = forms.NoteForm()
    if (
        made.state in (S.RESOLVED, S.CLOSED)
        and made.technician_id
        and may(user, "aftersales.rate", office)
        and not hasattr(made, "rating")
    ):
        steps["rate"] = forms.RatingForm()
    if made.state in OPEN and extras.may_add_photo(user, made):
        steps["photo"] = forms.PhotoForm()
    return steps


def _detail(request, made: ServiceRequest, *, bound: dict | None = None, status: int = 200):
    made = (
        ServiceRequest.objects.select_related(
            "office", "account", "contract", "product", "technician", "reported_by", "rating"
        )
        .prefetch_related(
            "photos",
            Prefetch("events", ServiceRequestEvent.objects.select_related("actor")),
        )
        .get(pk=made.pk)
    )
    steps = _steps(request.user, made)
    for name, form in (bound or {}).items():
        steps[name] = form
    context = {
        "made": made,
        "steps": steps,
        "response_time": duration(made.response_time),
        "resolution_time": duration(made.resolution_time),
        "rating": getattr(made, "rating", None),
        "instructions": [e for e in made.events.all() if e.kind == RequestEventKind.NOTE],
    }
    return render(request, "aftersales/request_detail.html", context, status=status)


@login_required
@require_GET
def request_detail(request, pk: int):
    return _detail(request, _request_or_404(request.user, pk))


def _step(request, pk: int, name: str, form, action, done: str):
    """A step posted from the request's page: the service, then back to the page; a refusal
    re-renders the page with the form and its errors (400 or 409)."""
    made = _request_or_404(request.user, pk)
    if form is not None and not form.is_valid():
        return _detail(request, made, bound={name: form}, status=400)
    holder = form
    if holder is None:  # a one-button step: an empty form, bound and checked, takes the refusal
        holder = forms.forms.Form(data={})
        holder.is_valid()
    result, status = run(holder, lambda: action(made, form.cleaned_data if form else {}))
    if result is None:
        if form is None:
            for error in holder.non_field_errors():
                messages.error(request, error)
            return _detail(request, made, status=status)
        return _detail(request, made, bound={name: form}, status=status)
    messages.success(request, done)
    return redirect("aftersales:detail", made.pk)


def _now():
    return timezone.now()


@login_required
@require_POST
def request_confirm(request, pk: int):
    return _step(
        request,
        pk,
        "confirm",
        forms.ConfirmForm(request.POST),
        lambda m, d: requests.request_confirm(
            request=m, actor=request.user, approve=d["approve"], reason=d["reason"], now=_now()
        ),
        _("Recorded."),
    )


@login_required
@require_POST
def request_file(request, pk: int):
    made = _request_or_404(request.user, pk)
    return _step(
        request,
        pk,
        "file",
        forms.FileForm(request.POST, technicians=selectors.technicians_of(made.office)),
        lambda m, d: requests.request_file(
            request=m, actor=request.user, technician=d["technician"], now=_now()
        ),
        _("Filed to the technical department."),
    )


@login_required
@require_POST
def request_take(request, pk: int):
    return _step(
        request,
        pk,
        "take",
        None,
        lambda m, d: requests.request_take(request=m, actor=request.user, now=_now()),
        _("The request is yours."),
    )


@login_required
@require_POST
def request_contact(request, pk: int):
    return _step(
        request,
        pk,
        "contact",
        forms.ContactForm(request.POST),
        lambda m, d: requests.request_contact(
            request=m,
            actor=request.user,
            contacted_at=d["contacted_at"],
            method=d["method"],
            note=d["note"],
            now=_now(),
        ),
        _("The contact is recorded."),
    )


@login_required
@require_POST
def request_result(request, pk: int):
    return _step(
        request,
        pk,
        "result",
        forms.ResultForm(request.POST),
        lambda m, d: requests.request_result(
            request=m,
            actor=request.user,
            result=d["result"],
            status=d["status"],
            resolved=d["resolved"],
            now=_now(),
        ),
        _("Recorded."),
    )


@login_required
@require_POST
def request_close(request, pk: int):
    return _step(
        request,
        pk,
        "close",
        None,
        lambda m, d: requests.request_close(request=m, actor=request.user, now=_now()),
        _("The salesperson is told; the request is closed."),
    )


@login_required
@require_POST
def request_escalate(request, pk: int):
    return _step(
        request,
        pk,
        "escalate",
        forms.ReasonForm(request.POST),
        lambda m, d: requests.request_escalate(
            request=m, actor=request.user, reason=d["reason"], now=_now()
        ),
        _("Escalated to leadership."),
    )


@login_required
@require_POST
def request_instruct(request, pk: int):
    return _step(
        request,
        pk,
        "instruct",
        forms.NoteForm(request.POST),
        lambda m, d: extras.request_instruct(
            request=m, actor=request.user, note=d["note"], now=_now()
        ),
        _("The instruction is recorded; the manager is told."),
    )


@login_required
@require_POST
def request_rate(request, pk: int):
    return _step(
        request,
        pk,
        "rate",
        forms.RatingForm(request.POST),
        lambda m, d: extras.rating_record(
            request=m, actor=request.user, score=d["score"], comment=d["comment"], now=_now()
        ),
        _("The rating is recorded."),
    )


@login_required
@require_POST
def request_photo_add(request, pk: int):
    return _step(
        request,
        pk,
        "photo",
        forms.PhotoForm(request.POST, request.FILES),
        lambda m, d: extras.photo_add(request=m, actor=request.user, upload=d["photo"], now=_now()),
        _("The photo is added."),
    )


@login_required
@require_GET
def photo(request, pk: int, photo_pk: int):
    """A photo of a request, only for who sees the request (never a public path)."""
    made = _request_or_404(request.user, pk)
    picture = made.photos.filter(pk=photo_pk).first()
    if picture is None:
        raise Http404
    try:
        handle = picture.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    # the name shown is made here: the stored one (random) stays out of every answer
    extension = picture.file.name.rsplit(".", 1)[-1]
    name = f"{made.number}-{picture.pk}.{extension}"
    response = FileResponse(handle, content_type=picture.content_type, filename=name)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def times(request):
    """R-16.1: the average response and resolution times per technician per month."""
    user = request.user
    if not (user.has_role(*selectors.LEADERSHIP) or may_in_any_office(user, "aftersales.times")):
        raise PermissionDenied
    rows = selectors.technician_times(user)
    for row in rows:
        row["response_text"] = duration(row["response"])
        row["resolution_text"] = duration(row["resolution"])
        row["name"] = row["technician__display_name"] or row["technician__username"]
    return render(request, "aftersales/times.html", {"rows": rows})
