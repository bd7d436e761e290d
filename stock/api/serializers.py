from rest_framework import serializers

from catalog.models import Product

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
    product = serializers.PrimaryKeyRelatedField(queryset=Product.objects.filter(active=True))
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
