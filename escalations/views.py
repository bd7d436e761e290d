"""Leadership's one list of escalations (R-7.3, R-16.1, R-16.2): every open escalation the
user follows, with its source, office, who and when, a link to its subject's page, and a close
form where the source closes from the list and the user is company leadership."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from common.errors import DomainError
from staff.models import Office
from staff.permissions import may, may_in_any_office

from . import selectors, services
from .forms import FilterForm, ResolutionForm
from .messages import source_label
from .models import Escalation
from .registry import entry

INVALID, CONFLICT = 422, 409
VIEW, CLOSE = "escalations.view", "escalations.close"


def may_follow(user) -> bool:
    """Who opens the list at all: leadership, or a manager of some office."""
    return selectors.is_leadership(user) or may_in_any_office(user, VIEW)


def _offices(user):
    ids = selectors.followed_office_ids(user)
    offices = Office.objects.order_by("name", "pk")
    return offices if ids is None else offices.filter(pk__in=ids)


def _decorate(user, escalations: list[Escalation], bound: dict) -> None:
    by_source: dict[str, list[Escalation]] = {}
    for e in escalations:
        by_source.setdefault(e.source, []).append(e)
        source = entry(e.source)
        e.source_label = source_label(e.source)
        e.closes_with_subject = not source.closable_from_list
        e.close_form = None
        if source.closable_from_list and may(user, CLOSE, e.office):
            e.close_form = bound.get(e.pk) or ResolutionForm(prefix=f"e{e.pk}")
    for source, rows in by_source.items():
        decorate = entry(source).decorate
        if decorate is not None:
            decorate(rows)


def list_page(
    request: HttpRequest, *, bound: dict | None = None, status: int = 200
) -> HttpResponse:
    user = request.user
    filters = FilterForm(request.GET or None, offices=_offices(user))
    source, office_id = filters.values()
    escalations = selectors.escalations_open(user, source=source, office_id=office_id)
    _decorate(user, escalations, bound or {})
    context = {
        "escalations": escalations,
        "filters": filters,
        "filtered": bool(source or office_id),
        "leadership": selectors.is_leadership(user),
    }
    return render(request, "escalations/list.html", context, status=status)


@login_required
@require_GET
def escalation_list(request: HttpRequest) -> HttpResponse:
    """R-7.3, R-16.1: the open escalations, oldest first: every office's for company
    leadership (who close them), the managed offices' for a manager."""
    if not may_follow(request.user):
        raise PermissionDenied
    return list_page(request)


def visible_escalation(user, pk: int) -> Escalation:
    found = selectors.escalations_visible_to(user).select_related("office").filter(pk=pk).first()
    if found is None:  # another office's escalation is not there
        raise Http404
    return found


def close_and_respond(request: HttpRequest, escalation: Escalation, resolution) -> HttpResponse:
    """Close from the list (also reports' old close address): 403 for who may not close,
    422 with the form kept when the resolution is missing, 409 when it cannot be closed."""
    if not may(request.user, CLOSE, escalation.office):
        raise PermissionDenied
    form = ResolutionForm({f"e{escalation.pk}-resolution": resolution}, prefix=f"e{escalation.pk}")
    if not form.is_valid():
        return list_page(request, bound={escalation.pk: form}, status=INVALID)
    try:
        services.escalation_close(
            escalation=escalation,
            resolution=form.cleaned_data["resolution"],
            by=request.user,
            now=timezone.now(),
        )
    except ValidationError as exc:
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
        return list_page(request, bound={escalation.pk: form}, status=INVALID)
    except DomainError as exc:  # closed meanwhile, or closes with its request
        messages.error(request, str(exc.detail))
        return list_page(request, status=CONFLICT)
    messages.success(request, _("Escalation closed."))
    return redirect(reverse("escalations:list"))


@login_required
@require_POST
def escalation_close(request: HttpRequest, pk: int) -> HttpResponse:
    """R-7.3: company leadership closes an escalation with its resolution."""
    escalation = visible_escalation(request.user, pk)
    return close_and_respond(request, escalation, request.POST.get(f"e{pk}-resolution", ""))
