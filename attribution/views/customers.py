"""A customer's page: the household (R-4.1), its full timeline (R-5.6) and "open a dispute".

Who sees what (attribution.visibility): the owner of the household's claim, the office's
manager and the director see everything; another salesperson of the office sees the limited
view — the name, the masked phone, and whose claim it is until when (R-5.3), never the notes —
and may open a dispute when they have a recorded link with the customer. Other roles: 403.
"""

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
from leads.selectors import customers_visible_to
from staff.permissions import may

from .. import services
from ..forms import DisputeForm, LinkMemberForm, apply_service_error
from ..models import Dispute, HouseholdLink
from ..selectors import claim_held
from ..visibility import name_for, phone_for
from .common import CONFLICT, INVALID, protection
from .evidence import evidence


class Access:
    """What the user may do on this customer's page (staff.permissions, `attribution.*`)."""

    def __init__(self, user, customer: Customer, now):
        office = customer.office
        self.claim = claim_held(household=customer.household, now=now)  # released: None
        self.owner = self.claim is not None and self.claim.owner_id == user.pk
        self.full = may(user, "attribution.view_timeline", (office, self.claim))
        if not (self.full or may(user, "attribution.view_claims", office)):
            raise PermissionDenied
        self.can_link = may(user, "attribution.link_household", (office, self.claim))
        self.can_dispute = (  # the owner has nothing to dispute
            not self.owner
            and may(user, "attribution.open_dispute", office)
            and services.has_relation(user=user, customer=customer)
        )


def _customer(request: HttpRequest, pk: int) -> Customer:
    customer = customers_visible_to(request.user).filter(pk=pk).first()
    if customer is None:  # another office's customer is not there
        raise Http404
    return customer


def _page(request: HttpRequest, customer: Customer, status: int = 200, **forms) -> HttpResponse:
    now, user, office = timezone.now(), request.user, customer.office
    access = Access(user, customer, now)
    claim = access.claim
    context = {
        "customer": customer,
        "office": office,
        "access": access,
        "claim": claim,
        "protection": protection(office, claim.protected_until, now) if claim is not None else None,
        "phone": phone_for(user, customer.phone, claim),
        "name": name_for(user, customer.name, claim),
        "dispute_form": forms.get("dispute_form") or DisputeForm(),
        "my_disputes": list(
            Dispute.objects.filter(
                customer__household=customer.household_id, claimant=user
            ).order_by("-opened_at")
        ),
    }
    if access.full:
        members = list(
            Customer.objects.filter(household=customer.household_id)
            .select_related("source_channel", "registered_by")
            .order_by("registered_at", "pk")
        )
        links = {
            link.member_id: link
            for link in HouseholdLink.objects.filter(member__in=[m.pk for m in members])
        }
        by_id = {m.pk: m for m in members}
        for m in members:
            link = links.get(m.pk)
            m.relation = link.get_relation_display() if link else ""
            m.relation_to = by_id.get(link.customer_id) if link else None
        context.update(
            members=members,
            timeline=evidence(customer.household, by_id),
            link_form=forms.get("link_form") or LinkMemberForm(),
        )
    return render(request, "attribution/customer.html", context, status=status)


def _back(customer: Customer) -> HttpResponse:
    return redirect("attribution:customer", pk=customer.pk)


@login_required
@require_GET
def customer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, _customer(request, pk))


@login_required
@require_POST
def household_link(request: HttpRequest, pk: int) -> HttpResponse:
    """R-4.1/R-4.2: the owner or the manager links an immediate family member, by phone."""
    customer = _customer(request, pk)
    if not Access(request.user, customer, timezone.now()).can_link:
        raise PermissionDenied
    form = LinkMemberForm(request.POST)
    status = INVALID
    if form.is_valid():
        member = Customer.objects.filter(
            office=customer.office, phone=form.cleaned_data["phone"]
        ).first()
        if member is None:
            form.add_error("phone", _("No customer of this office has this phone."))
        else:
            try:
                services.household_link(
                    customer=customer,
                    member=member,
                    relation=form.cleaned_data["relation"],
                    actor=request.user,
                    now=timezone.now(),
                )
            except ValidationError as exc:
                apply_service_error(form, exc)
            except DomainError as exc:
                form.add_error(None, str(exc.detail))
                status = CONFLICT
            else:
                messages.success(request, _("Family member linked."))
                return _back(customer)
    return _page(request, customer, status, link_form=form)


@login_required
@require_POST
def dispute_open(request: HttpRequest, pk: int) -> HttpResponse:
    """R-5.6: a salesperson with a recorded link to the customer asks the manager to rule."""
    customer = _customer(request, pk)
    if not may(request.user, "attribution.open_dispute", customer.office):
        raise PermissionDenied
    form = DisputeForm(request.POST)
    status = INVALID
    if form.is_valid():
        try:
            dispute = services.dispute_open(
                customer=customer,
                opener=request.user,
                reason=form.cleaned_data["reason"],
                now=timezone.now(),
            )
        except services.NoRelation as exc:
            raise PermissionDenied from exc
        except ValidationError as exc:
            apply_service_error(form, exc)
        except DomainError as exc:  # already an open dispute of mine on this customer
            form.add_error(None, str(exc.detail))
            status = CONFLICT
        else:
            messages.success(request, _("Dispute opened: the manager will rule."))
            return redirect("attribution:dispute", pk=dispute.pk)
    return _page(request, customer, status, dispute_form=form)
