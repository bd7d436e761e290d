"""Products (API.md, second part; R-10.1)."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from staff.permissions import may

from .. import services
from ..selectors import may_see_cost, products_visible_to, with_prices
from .serializers import ProductSerializer


class ProductViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = ProductSerializer

    def get_queryset(self):
        return products_visible_to(self.request.user).order_by("code", "pk")

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "show_cost": may_see_cost(self.request.user)}

    def list(self, request, *args, **kwargs):
        """Every product with the prices in force today."""
        if not may(request.user, "catalog.view"):
            raise PermissionDenied
        page = self.paginate_queryset(self.get_queryset())
        with_prices(page, timezone.localdate())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(request=ProductSerializer, responses={201: ProductSerializer})
    def create(self, request):
        """A product with its first prices, in force from today (the manager)."""
        if not may(request.user, "catalog.manage"):
            raise PermissionDenied
        body = ProductSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        now = timezone.now()
        product = services.product_create(actor=request.user, now=now, **body.validated_data)
        with_prices([product], timezone.localdate(now))
        return Response(self.get_serializer(product).data, status=201)
