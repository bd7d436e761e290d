"""Units, holds, subscriptions and refunds (API.md, "Units, holds and deposits").

Views parse, ask staff.permissions (`deals.*` actions), call one service and render. Objects
are looked up among the requester's offices (404 otherwise); a unit or customer in a body that
the requester cannot see is unknown (400). The role check before the body is read
(`may_in_any_office`) gives a wrong role 403 whatever it sent.
"""

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from attribution.selectors import claim_held
from common import idempotency
from staff.permissions import may, may_in_any_office

from .. import services
from ..models import Unit
from ..selectors import (
    holds_visible_to,
    refunds_visible_to,
    subscriptions_visible_to,
    units_visible_to,
)
from .serializers import (
    HoldCreateSerializer,
    HoldSerializer,
    RefundFilterSerializer,
    RefundSerializer,
    SubscriptionCreateSerializer,
    SubscriptionSerializer,
    UnitCreateSerializer,
    UnitFilterSerializer,
    UnitSerializer,
)

UNAVAILABLE = OpenApiResponse(description="`unit_unavailable`: held or subscribed by another.")
IDEMPOTENCY_REUSED = idempotency.REUSED


def _require_any(request, action_name: str) -> None:
    if not may_in_any_office(request.user, action_name):
        raise PermissionDenied


def _require(request, action_name: str, office) -> None:
    if not may(request.user, action_name, office):
        raise PermissionDenied


# ---------------------------------------------------------------- units


class UnitViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Units of the requester's offices; a manager adds them."""

    serializer_class = UnitSerializer
    queryset = Unit.objects.none()  # the model, for the schema; see get_queryset
    filter_backends: list = []

    def get_queryset(self):
        qs = units_visible_to(self.request.user)
        filters = UnitFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        if "office" in data:
            qs = qs.filter(office_id=data["office"])
        if data.get("project"):
            qs = qs.filter(project__name=data["project"])
        if data.get("status"):
            qs = qs.filter(status=data["status"])
        # grouped by project in the order the projects were added, not by their names: that
        # order is an index (unit_office_board), the names' a sort of the office's 25,000
        # units on every page (issue 8: 17 ms)
        return qs.order_by("project_id", "building", "-floor", "number", "pk")

    @extend_schema(parameters=[UnitFilterSerializer])
    def list(self, request, *args, **kwargs):
        _require_any(request, "deals.view_units")
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request=UnitCreateSerializer,
        responses={
            201: UnitSerializer,
            400: OpenApiResponse(description="Bad input, or the number exists in the building."),
            403: OpenApiResponse(description="Only a manager of the office adds units."),
        },
    )
    def create(self, request, *args, **kwargs):
        _require_any(request, "deals.manage_units")
        serializer = UnitCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        _require(request, "deals.manage_units", serializer.validated_data["office"])
        unit = services.unit_create(**serializer.validated_data)
        return Response(UnitSerializer(unit).data, status=status.HTTP_201_CREATED)


# ---------------------------------------------------------------- holds


class HoldViewSet(viewsets.GenericViewSet):
    serializer_class = HoldSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return holds_visible_to(self.request.user)

    @extend_schema(
        request=HoldCreateSerializer,
        responses={
            201: HoldSerializer,
            400: OpenApiResponse(
                description="Bad input, an unknown unit or customer, or a "
                "customer without a salesperson."
            ),
            403: OpenApiResponse(description="A salesperson or the secretary of the office."),
            409: UNAVAILABLE,
            422: IDEMPOTENCY_REUSED,
        },
        parameters=[idempotency.PARAMETER],
    )
    @idempotency.idempotent
    def create(self, request, *args, **kwargs):
        """R-6.2: the holding fee blocks the unit for the office's hold time (72 h)."""
        _require_any(request, "deals.hold")
        serializer = HoldCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        _require(request, "deals.hold", data["unit"].office)
        hold = services.hold_create(
            unit=data["unit"],
            customer=data["customer"],
            fee=data["fee"],
            actor=request.user,
            now=timezone.now(),
        )
        return Response(HoldSerializer(hold).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=None,
        responses={
            200: HoldSerializer,
            403: OpenApiResponse(
                description="Not the office's manager, nor the salesperson who placed the hold "
                "or holds its customer (R-6.2)."
            ),
            409: OpenApiResponse(description="`hold_ended`"),
        },
    )
    @action(detail=True, methods=["post"])
    def release(self, request, pk=None):
        """R-6.2: the hold ends early; its fee is refunded in full."""
        hold = get_object_or_404(self.get_queryset().select_related("customer__household"), pk=pk)
        now = timezone.now()
        claim = claim_held(household=hold.customer.household, now=now)
        if not may(request.user, "deals.release_hold", (hold, claim)):
            raise PermissionDenied(
                _(
                    "Only the office's manager, or the salesperson who placed the hold or "
                    "holds the customer, releases it."
                )
            )
        hold = services.hold_release(hold=hold, actor=request.user, now=now)
        return Response(HoldSerializer(hold).data)


# ---------------------------------------------------------------- subscriptions


class SubscriptionViewSet(viewsets.GenericViewSet):
    serializer_class = SubscriptionSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return subscriptions_visible_to(self.request.user)

    @extend_schema(
        request=SubscriptionCreateSerializer,
        responses={
            201: SubscriptionSerializer,
            400: OpenApiResponse(
                description="Bad input, a deposit below the minimum, an "
                "unknown unit or customer, or a customer without a salesperson."
            ),
            403: OpenApiResponse(description="A salesperson or finance of the office."),
            409: UNAVAILABLE,
            422: IDEMPOTENCY_REUSED,
        },
        parameters=[idempotency.PARAMETER],
    )
    @idempotency.idempotent
    def create(self, request, *args, **kwargs):
        """R-6.3: the deposit subscribes the unit; credit goes to the household's claim owner
        (R-5.2); during a hold only the holder may subscribe, and the fee is credited."""
        _require_any(request, "deals.subscribe")
        serializer = SubscriptionCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        _require(request, "deals.subscribe", data["unit"].office)
        subscription = services.subscription_create(
            unit=data["unit"],
            customer=data["customer"],
            deposit=data["deposit"],
            actor=request.user,
            now=timezone.now(),
        )
        return Response(SubscriptionSerializer(subscription).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=None,
        responses={
            200: SubscriptionSerializer,
            403: OpenApiResponse(description="Only a manager of the office."),
            409: OpenApiResponse(description="`already_withdrawn`"),
        },
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """R-5.5: the customer withdraws (退定); the deposit and credited fee are refunded,
        the unit is available, the credited salesperson keeps the commission right."""
        subscription = get_object_or_404(self.get_queryset(), pk=pk)
        _require(request, "deals.withdraw", subscription.office)
        subscription = services.subscription_withdraw(
            subscription=subscription, actor=request.user, now=timezone.now()
        )
        return Response(SubscriptionSerializer(subscription).data)


# ---------------------------------------------------------------- refunds


class RefundViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """What finance owes back: lapsed and released holds' fees, withdrawn deposits."""

    serializer_class = RefundSerializer
    filter_backends: list = []
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return refunds_visible_to(self.request.user).order_by("created_at", "pk")

    @extend_schema(
        parameters=[
            OpenApiParameter("paid", bool, description="0: still owed; 1: paid; all if absent.")
        ]
    )
    def list(self, request, *args, **kwargs):
        _require_any(request, "deals.view_refunds")
        filters = RefundFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        paid = filters.validated_data["paid"]
        qs = self.get_queryset()
        if paid is not None:
            qs = qs.filter(paid_at__isnull=not paid)
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(RefundSerializer(page, many=True).data)

    @extend_schema(
        request=None,
        responses={
            200: RefundSerializer,
            403: OpenApiResponse(description="Finance of the office, or the manager."),
            409: OpenApiResponse(description="`already_paid`"),
        },
    )
    @action(detail=True, methods=["post"])
    def pay(self, request, pk=None):
        """Finance records that the refund was paid back."""
        _require_any(request, "deals.pay_refund")
        refund = get_object_or_404(self.get_queryset(), pk=pk)
        _require(request, "deals.pay_refund", refund.office)
        refund = services.refund_mark_paid(refund=refund, actor=request.user, now=timezone.now())
        return Response(RefundSerializer(refund).data)
