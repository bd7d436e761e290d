"""Customers (R-1): look-up at the desk and a salesperson's own registration (R-1.3, R-5.3)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from attribution.selectors import active_claims_by_household
from attribution.services import customer_register_own
from staff.permissions import may, may_in_any_office

from .. import selectors
from .serializers import CustomerFilterSerializer, CustomerRegisterSerializer, CustomerSerializer


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

    def get_queryset(self):
        return selectors.customers_visible_to(self.request.user).order_by("-registered_at", "-pk")

    def _render(self, customers, *, many: bool, claims=None):
        if claims is None:
            households = {c.household_id for c in (customers if many else [customers])}
            claims = active_claims_by_household(households, now=timezone.now())
        context = {**self.get_serializer_context(), "claims": claims}
        return CustomerSerializer(customers, many=many, context=context).data

    @extend_schema(parameters=[CustomerFilterSerializer])
    def list(self, request, *args, **kwargs):
        """R-2.1: by exact phone (`phone`, normalized), by name or part of a phone (`q`)."""
        if not may(request.user, "leads.view_customers"):
            raise PermissionDenied
        params = CustomerFilterSerializer(data=request.query_params, context={"request": request})
        params.is_valid(raise_exception=True)
        qs = self.get_queryset()
        if phone := params.validated_data.get("phone"):
            qs = qs.filter(phone=phone)
        if query := params.validated_data.get("q", "").strip():
            qs = selectors.customers_search(qs, query)
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
                description="`claimed` (someone else's active claim: owner, owner_name, "
                "protected_until, customer; the attempt is kept as a collision, R-5.3) "
                "or `already_yours`."
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
        body = self._render(customer, many=False, claims={customer.household_id: claim})
        return Response(body, status=status.HTTP_201_CREATED)
