from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .. import rules
from ..models import Product

MONEY = {"max_digits": 14, "decimal_places": 2, "min_value": Decimal("0")}


class ProductSerializer(serializers.ModelSerializer):
    """A product with the prices in force today; `cost` only for who may see it (R-10.1)."""

    list_price = serializers.DecimalField(**MONEY)
    floor_price = serializers.DecimalField(**MONEY)
    cost = serializers.DecimalField(
        **MONEY, required=False, help_text="Managers, directors, executives and finance only."
    )
    tax_rate = serializers.DecimalField(
        max_digits=5,
        decimal_places=4,
        min_value=Decimal("0"),
        max_value=Decimal("1"),
        default=Decimal("0.13"),
    )

    class Meta:
        model = Product
        fields = [
            "id",
            "code",
            "name",
            "specification",
            "unit",
            "tax_rate",
            "list_price",
            "floor_price",
            "cost",
        ]
        read_only_fields = ["id"]
        extra_kwargs = {"code": {"validators": []}}

    def validate(self, attrs):
        cost = attrs.get("cost")
        if cost is None:
            raise serializers.ValidationError({"cost": [_("This field is required.")]})
        errors = rules.price_errors(
            list_price=attrs["list_price"], floor_price=attrs["floor_price"], cost=cost
        )
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    def to_representation(self, product):
        price = getattr(product, "current_price", None)
        data = {
            "id": product.pk,
            "code": product.code,
            "name": product.name,
            "specification": product.specification,
            "unit": product.unit,
            "tax_rate": str(product.tax_rate),
            "list_price": str(price.list_price) if price else None,
            "floor_price": str(price.floor_price) if price else None,
        }
        if self.context.get("show_cost"):
            data["cost"] = str(price.cost) if price else None
        return data
