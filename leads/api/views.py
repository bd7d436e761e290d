"""Customers (R-1): look-up at the desk and a salesperson's own registration (R-1.3, R-5.3)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from attribution.api.serializers import (
    HouseholdLinkCreateSerializer,
    HouseholdSerializer,
    TimelineEntrySerializer,
)
from attribution.models import Claim
from attribution.selectors import claim_held, claims_shown, customers_search_for
from attribution.services import customer_register_own, household_link
from attribution.throttles import SearchThrottle
from attribution.timeline import household_timeline
from staff.permissions import may, may_in_any_office

from .. import selectors
from ..models import Customer
from .serializers import (
    CustomerFilterSerializer,
    CustomerRegisterSerializer,
    CustomerSerializer,
)


def _may_on_household(user, action: str, customer: Customer, now) -> bool:
    """The owner of the household's current claim, a manager of the office, the director."""
    return may(user, action, (customer.office, claim_held(household=customer.household, now=now)))


class CustomerViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Customers of the requester's offices; of other salespeople's customers a salesperson
    sees only that they are claimed, by whom and until when (API.md, visibility)."""

    serializer_class = CustomerSerializer
    lookup_value_regex = r"\d+"
    throttle_classes = [SearchThrottle]  # counts only searches by `q`

    def get_queryset(self):
        return selectors.customers_visible_to(self.request.user).order_by("-registered_at", "-pk")

    def _render(self, customers, *, many: bool, claims=None):
        now = timezone.now()
        if claims is None:
            households = {c.household_id for c in (customers if many else [customers])}
            claims = Claim.objects.select_related("owner").filter(household_id__in=households)
        context = {**self.get_serializer_context(), "claims": claims_shown(claims, now=now)}
        return CustomerSerializer(customers, many=many, context=context).data

    @extend_schema(
        parameters=[CustomerFilterSerializer],
        responses={
            200: CustomerSerializer(many=True),
            429: OpenApiResponse(description="Too many searches (`q`) by a salesperson."),
        },
    )
    def list(self, request, *args, **kwargs):
        """R-2.1: by exact phone (`phone`, normalized), by name or part of a phone (`q`). A
        salesperson's `q` finds only the customers they hold, any other only by the full
        number (R-1.4), and is counted: a burst is refused with 429."""
        if not may(request.user, "leads.view_customers"):
            raise PermissionDenied
        params = CustomerFilterSerializer(data=request.query_params, context={"request": request})
        params.is_valid(raise_exception=True)
        qs = self.get_queryset()
        if phone := params.validated_data.get("phone"):
            qs = qs.filter(phone=phone)
        if query := params.validated_data.get("q", "").strip():  # what they may search
            qs = customers_search_for(request.user, qs, query, now=timezone.now())
            qs = qs.order_by(*selectors.SEARCH_ORDER)
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(self._render(page, many=True))

    def retrieve(self, request, *args, **kwargs):
        customer = self.get_object()
        if not may(request.user, "leads.view_customers", customer.office):
            raise PermissionDenied
        return Response(self._render(customer, many=False))

    @extend_schema(
        request=CustomerRegisterSerializer,
        responses={
            201: CustomerSerializer,
            400: OpenApiResponse(description="Bad input, field by field."),
            403: OpenApiResponse(description="Only a salesperson of the office registers."),
            409: OpenApiResponse(
                description="`claimed` (someone else holds the customer, an active claim "
                "or a deal: owner, owner_name, status, protected_until — null for a deal —, "
                "customer; the attempt is kept as a collision, R-5.3), `already_yours`, or "
                "`awaiting_visit` (registered by a hotline call: unowned until they visit)."
            ),
        },
    )
    def create(self, request, *args, **kwargs):
        """R-1.3: a salesperson registers a customer they met, and their claim starts."""
        if not may_in_any_office(request.user, "leads.register_own"):
            raise PermissionDenied(_("Only a salesperson registers their own customers."))
        serializer = CustomerRegisterSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if not may(request.user, "leads.register_own", data["office"]):
            raise PermissionDenied(_("Only a salesperson of this office registers here."))
        customer, claim = customer_register_own(
            office=data["office"],
            salesperson=request.user,
            phone=data["phone"],
            name=data["name"],
            source_channel=data["source_channel"],
            now=timezone.now(),
        )
        body = self._render(customer, many=False, claims=[claim])
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        responses={
            200: TimelineEntrySerializer(many=True),
            403: OpenApiResponse(description="Not the owner, a manager or the director."),
        },
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def timeline(self, request, pk=None):
        """R-5.6: every event of the customer's household, oldest first (not paginated):
        registrations, visits, calls, follow-ups, claim events, collisions, links, disputes."""
        customer = self.get_object()
        if not _may_on_household(
            request.user, "attribution.view_timeline", customer, timezone.now()
        ):
            raise PermissionDenied(_("Only the customer's salesperson or a manager sees this."))
        entries = household_timeline(customer.household)
        return Response(TimelineEntrySerializer(entries, many=True).data)

    @extend_schema(
        request=HouseholdLinkCreateSerializer,
        responses={
            201: HouseholdSerializer,
            400: OpenApiResponse(
                description="Oneself, an unknown relation, another office's customer."
            ),
            403: OpenApiResponse(
                description="Not the owner or a manager; a salesperson links only a customer "
                "they hold, or one nobody holds to theirs."
            ),
            409: OpenApiResponse(
                description="`already_linked`: already one household; `held`: the other "
                "customer is held by someone else — nothing moved, a dispute was opened "
                "(`dispute`, `owner`); `both_deals`: both have deals with different "
                "salespeople."
            ),
        },
    )
    @action(detail=True, methods=["post"])
    def household(self, request, pk=None):
        """R-4.1: link an immediate family member; the earlier registration keeps the
        household. A manager's link of households held by different salespeople closes the
        active claim as merged and opens a dispute (R-4.2); a salesperson's link into a
        household someone else holds moves nothing and opens a dispute (409 `held`)."""
        customer = self.get_object()
        now = timezone.now()
        if not _may_on_household(request.user, "attribution.link_household", customer, now):
            raise PermissionDenied(_("Only the customer's salesperson or a manager links."))
        serializer = HouseholdLinkCreateSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        link = household_link(
            customer=customer,
            member=serializer.validated_data["member"],
            relation=serializer.validated_data["relation"],
            actor=request.user,
            now=now,
        )
        household = Customer.objects.get(pk=customer.pk).household_id
        members = Customer.objects.filter(household=household).order_by("registered_at", "pk")
        body = {
            "household": household,
            "members": list(members.values_list("pk", flat=True)),
            "link": link.pk,
            "relation": link.relation,
        }
        return Response(HouseholdSerializer(body).data, status=status.HTTP_201_CREATED)
