from rest_framework import serializers

from catalog.selectors import products_on_sale

from ..models import StockBalance, StockMove, Warehouse

QUANTITY = {"max_digits": 14, "decimal_places": 3}


class WarehouseSerializer(serializers.ModelSerializer):
    class Meta:
        model = Warehouse
        fields = ["id", "office", "code", "name", "keeper"]
        read_only_fields = ["id"]
        validators = []  # the service answers a taken code


class StockSerializer(serializers.ModelSerializer):
    class Meta:
        model = StockBalance
        fields = ["warehouse", "product", "on_hand"]


class AdjustmentSerializer(serializers.Serializer):
    warehouse = serializers.IntegerField()
    # a product no longer sold is refused (400)
    product = serializers.PrimaryKeyRelatedField(queryset=products_on_sale())
    quantity = serializers.DecimalField(**QUANTITY)
    reason = serializers.CharField(max_length=2000)


class MoveSerializer(serializers.ModelSerializer):
    class Meta:
        model = StockMove
        fields = [
            "id",
            "warehouse",
            "product",
            "quantity",
            "balance_after",
            "kind",
            "document_type",
            "document_id",
            "reason",
            "actor",
            "at",
        ]
