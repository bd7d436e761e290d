"""Warehouses and stock (API.md, second part; R-10.3)."""

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response

from catalog.models import Product
from staff.permissions import may, may_in_any_office, office_ids_of

from .. import services
from ..selectors import balances_visible_to, warehouses_visible_to
from .serializers import AdjustmentSerializer, MoveSerializer, StockSerializer, WarehouseSerializer


class WarehouseViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = WarehouseSerializer

    def get_queryset(self):
        return warehouses_visible_to(self.request.user).order_by("office_id", "code")

    def list(self, request, *args, **kwargs):
        if not may_in_any_office(request.user, "stock.view"):
            raise PermissionDenied
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request=WarehouseSerializer,
        responses={
            201: WarehouseSerializer,
            404: OpenApiResponse(description=str(_("Not found, or not yours to see."))),
        },
    )
    def create(self, request):
        """R-10.3: a new warehouse of one of the user's branches; its keeper, if named, a
        warehouse keeper of that branch (400 otherwise)."""
        if not may_in_any_office(request.user, "stock.create_warehouse"):
            raise PermissionDenied
        body = WarehouseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        office = data.pop("office")
        if office.pk not in office_ids_of(request.user):
            raise NotFound
        if not may(request.user, "stock.create_warehouse", office):
            raise PermissionDenied
        warehouse = services.warehouse_create(office=office, **data)
        return Response(WarehouseSerializer(warehouse).data, status=201)


@extend_schema(
    parameters=[
        OpenApiParameter("warehouse", int, required=False),
        OpenApiParameter("product", int, required=False),
    ]
)
class StockViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """`{warehouse, product, on_hand}` of the user's offices' warehouses."""

    serializer_class = StockSerializer

    def get_queryset(self):
        qs = balances_visible_to(self.request.user).order_by("warehouse_id", "product_id")
        params = self.request.query_params
        if params.get("warehouse"):
            warehouse = get_object_or_404(
                warehouses_visible_to(self.request.user), pk=_int(params["warehouse"])
            )
            qs = qs.filter(warehouse=warehouse)
        if params.get("product"):
            qs = qs.filter(product=get_object_or_404(Product, pk=_int(params["product"])))
        return qs

    def list(self, request, *args, **kwargs):
        if not may_in_any_office(request.user, "stock.view"):
            raise PermissionDenied
        return super().list(request, *args, **kwargs)


class AdjustmentViewSet(viewsets.GenericViewSet):
    serializer_class = AdjustmentSerializer

    @extend_schema(request=AdjustmentSerializer, responses={201: MoveSerializer})
    def create(self, request):
        """R-10.3: the warehouse keeper's adjustment with its reason; a receipt of goods is a
        positive one; 409 `insufficient_stock` when stock would go below zero."""
        if not may_in_any_office(request.user, "stock.adjust"):
            raise PermissionDenied
        body = AdjustmentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        warehouse = get_object_or_404(
            warehouses_visible_to(request.user, "stock.adjust"), pk=data.pop("warehouse")
        )
        move = services.stock_adjust(
            warehouse=warehouse, actor=request.user, now=timezone.now(), **data
        )
        return Response(MoveSerializer(move).data, status=201)


def _int(raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        return 0
