"""Disputes (撞单, R-5.6): the manager settles one from its evidence page alone — everything
recorded about the household, both salespeople named, their diaries' days — with a written,
final ruling that may move the claim. A salesperson reads the disputes they are a party to;
anyone else's is not there (404), on these pages as in the API."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from common.errors import DomainError
from leads.models import Customer
from reports.selectors import diaries_for
from staff.permissions import may, may_in_any_office, restrict_to_offices

from .. import services
from ..choices import ClaimStatus, Decision, DisputeStatus
from ..forms import RulingForm, apply_service_error
from ..models import Claim, Dispute
from ..selectors import disputes_visible_to
from .common import (
    CONFLICT,
    INVALID,
    allowed,
    effective_status,
    place_for,
    protection,
    salespeople_of,
)
from .evidence import days_involving, evidence

RULED_LIMIT = 50
MAY_RULE = allowed("attribution.rule_dispute")  # the office's manager, the director


def _disputes():
    return Dispute.objects.select_related(
        "office", "customer", "claimant", "opened_by", "new_owner", "ruled_by"
    )


def _holders(disputes: list[Dispute], now) -> dict[int, Claim]:
    """Who holds each dispute's household now (an active, protected claim or a deal)."""
    claims = Claim.objects.select_related("owner").filter(
        household_id__in={d.customer.household_id for d in disputes},
        status__in=[ClaimStatus.ACTIVE, ClaimStatus.DEAL],
    )
    return {c.household_id: c for c in claims if effective_status(c, now) != ClaimStatus.RELEASED}


@login_required
@require_GET
def dispute_list(request: HttpRequest) -> HttpResponse:
    """The office's disputes for its manager (the director: any office); a salesperson's own."""
    user, now = request.user, timezone.now()
    if may_in_any_office(user, "attribution.rule_dispute"):
        place = place_for(request, MAY_RULE)
        qs, manager = _disputes().filter(office=place.office), True
    elif may_in_any_office(user, "attribution.view_disputes"):
        place, manager = None, False
        qs = restrict_to_offices(_disputes(), user).filter(claimant=user)
    else:
        raise PermissionDenied
    open_ = list(qs.filter(status=DisputeStatus.OPEN).order_by("opened_at", "pk"))
    ruled = list(qs.filter(status=DisputeStatus.RULED).order_by("-ruled_at", "-pk")[:RULED_LIMIT])
    holders = _holders(open_ + ruled, now)
    for d in open_ + ruled:
        d.holder = holders.get(d.customer.household_id)
    context = {
        "place": place,
        "office": place.office if place else None,
        "manager": manager,
        "open_disputes": open_,
        "ruled_disputes": ruled,
    }
    return render(request, "attribution/disputes.html", context)


def _dispute(request: HttpRequest, pk: int) -> tuple[Dispute, bool]:
    """A dispute the user is party to (R-5.6): whoever rules on the office's disputes, its
    claimant, its opener, the salesperson holding its customer — the API's selector. Anyone
    else's dispute is not even there (404, as in the API), so that its existence is not told."""
    dispute = (
        disputes_visible_to(request.user)
        .select_related("claimant", "opened_by", "new_owner", "ruled_by")
        .filter(pk=pk)
        .first()
    )
    if dispute is None:
        raise Http404
    return dispute, may(request.user, "attribution.rule_dispute", dispute.office)


def _dispute_to_rule(request: HttpRequest, pk: int) -> Dispute:
    """Only whoever rules on disputes gets further than 403, whatever the id: the answer
    tells nobody else whether the dispute exists (as the API's `rule`)."""
    if not may_in_any_office(request.user, "attribution.rule_dispute"):
        raise PermissionDenied
    dispute = restrict_to_offices(_disputes(), request.user).filter(pk=pk).first()
    if dispute is None:  # another office's dispute is not there
        raise Http404
    if not may(request.user, "attribution.rule_dispute", dispute.office):
        raise PermissionDenied
    return dispute


def _page(request, dispute: Dispute, manager: bool, status=200, ruling_form=None):
    now, office = timezone.now(), dispute.office
    household = dispute.customer.household
    holder = _holders([dispute], now).get(household.pk)
    last = holder or (
        Claim.objects.select_related("owner")
        .filter(household=household)
        .order_by("-started_at", "-pk")
        .first()
    )
    context = {
        "dispute": dispute,
        "office": office,
        "manager": manager,
        "holder": holder,
        "last_claim": last,
        "protection": protection(office, holder.protected_until, now)
        if holder is not None and holder.status == ClaimStatus.ACTIVE
        else None,
    }
    if manager:
        members = list(Customer.objects.filter(household=household).order_by("registered_at", "pk"))
        timeline = evidence(household, {m.pk: m for m in members})
        people = [dispute.claimant, last.owner if last else None]
        salespeople = salespeople_of(office)
        form = ruling_form or RulingForm(
            salespeople=salespeople,
            initial={"new_owner": dispute.claimant_id if dispute.claimant in salespeople else None},
        )
        diary_days = days_involving(timeline, people, office, also=dispute.opened_at)
        diary_people = [p for p in dict.fromkeys(people) if p is not None]
        context.update(
            members=members,
            timeline=timeline,
            diary_days=diary_days,
            diary_people=diary_people,
            # both salespeople's diaries for each day (a fixed number of queries a day)
            diaries=[
                (day, diaries_for(office=office, date=day, salespeople=diary_people))
                for day in diary_days
            ],
            ruling_form=form,
            move=Decision.MOVE,
        )
    return render(request, "attribution/dispute.html", context, status=status)


@login_required
@require_GET
def dispute_detail(request: HttpRequest, pk: int) -> HttpResponse:
    dispute, manager = _dispute(request, pk)
    return _page(request, dispute, manager)


@login_required
@require_POST
def dispute_rule(request: HttpRequest, pk: int) -> HttpResponse:
    """R-5.6: keep or move, with a written reason; final, and on the household's record."""
    dispute, manager = _dispute_to_rule(request, pk), True
    form = RulingForm(request.POST, salespeople=salespeople_of(dispute.office))
    status = INVALID
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.dispute_rule(
                dispute=dispute,
                actor=request.user,
                decision=data["decision"],
                reason=data["reason"],
                new_owner=data["new_owner"] if data["decision"] == Decision.MOVE else None,
                now=timezone.now(),
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        except DomainError as exc:  # ruled meanwhile by someone else: rulings are final
            form.add_error(None, str(exc.detail))
            status = CONFLICT
        else:
            messages.success(request, _("Ruling recorded."))
            return redirect("attribution:dispute", pk=dispute.pk)
    dispute = _disputes().get(pk=dispute.pk)  # as it is now, were it ruled meanwhile
    return _page(request, dispute, manager, status, ruling_form=form)
