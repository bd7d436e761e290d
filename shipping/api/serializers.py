"""Shipping and returns in the API (API.md, second part: /demand-requests/, /outbound-orders/,
/returns/)."""

from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from approvals.api.serializers import ApprovalRowSerializer
from catalog.models import Product
from common.inputs import validate_date
from contracts.models import ContractLine, SalesContract
from stock.models import Warehouse

from ..choices import OrderStatus, RequestStatus, ReturnKind, ReturnStatus
from ..models import (
    Confirmation,
    ConfirmationLine,
    DemandLine,
    DemandRequest,
    OutboundLine,
    OutboundOrder,
    ReturnLine,
    ReturnRequest,
    Shipment,
)

QUANTITY = {"max_digits": 14, "decimal_places": 3}


class LineInputSerializer(serializers.Serializer):
    """A line sent: a product of the document's contract (or order) and a quantity; the
    contract line where the product is on several lines."""

    product = serializers.PrimaryKeyRelatedField(queryset=Product.objects.all())
    quantity = serializers.DecimalField(**QUANTITY)
    contract_line = serializers.PrimaryKeyRelatedField(
        queryset=ContractLine.objects.all(), required=False, allow_null=True
    )


class ReturnLineInputSerializer(LineInputSerializer):
    specification = serializers.CharField(
        required=False, allow_blank=True, max_length=200, default=""
    )


def _lines_field(child):
    return child(many=True, allow_empty=False, max_length=200)


# ---------------------------------------------------------------- demand requests


class DemandLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = DemandLine
        fields = ["id", "product", "quantity", "contract_line"]


class DemandRequestSerializer(serializers.ModelSerializer):
    """API.md: `{id, number, contract, lines: [{product, quantity}], status, approvals}`."""

    lines = DemandLineSerializer(many=True, read_only=True)
    status = serializers.ChoiceField(choices=RequestStatus.choices, read_only=True)
    approvals = serializers.SerializerMethodField()
    outbound_order = serializers.SerializerMethodField()

    class Meta:
        model = DemandRequest
        fields = [
            "id",
            "number",
            "office",
            "contract",
            "lines",
            "status",
            "approvals",
            "note",
            "exchange_for",
            "outbound_order",
            "author",
            "owner",
            "created_at",
            "approved_at",
            "cancelled_at",
        ]
        read_only_fields = fields

    def get_approvals(self, request) -> list[dict]:
        return ApprovalRowSerializer(request.approvals(), many=True).data

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_outbound_order(self, request) -> int | None:
        order = getattr(request, "outbound_order", None) if request.pk else None
        return order.pk if order is not None else None


class DemandRequestCreateSerializer(serializers.Serializer):
    contract = serializers.PrimaryKeyRelatedField(queryset=SalesContract.objects.none())
    lines = _lines_field(LineInputSerializer)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")

    def __init__(self, *args, contracts=None, **kwargs):
        super().__init__(*args, **kwargs)
        if contracts is not None:
            self.fields["contract"].queryset = contracts


# ---------------------------------------------------------------- outbound orders


class OutboundLineSerializer(serializers.ModelSerializer):
    """A red order's quantities are given negative (R-13.5: 红字)."""

    quantity = serializers.SerializerMethodField()
    shipped = serializers.SerializerMethodField()

    class Meta:
        model = OutboundLine
        fields = ["id", "product", "quantity", "shipped", "contract_line"]

    def _signed(self, line, value) -> Decimal:
        return -value if line.order.red and value else value  # never "-0.000"

    @extend_schema_field(serializers.DecimalField(**QUANTITY))
    def get_quantity(self, line) -> str:
        return f"{self._signed(line, line.quantity):.3f}"

    @extend_schema_field(serializers.DecimalField(**QUANTITY))
    def get_shipped(self, line) -> str:
        return f"{self._signed(line, line.shipped):.3f}"


class ShipmentLineOutSerializer(serializers.Serializer):
    product = serializers.IntegerField(source="order_line.product_id")
    quantity = serializers.DecimalField(**QUANTITY)


class ShipmentSerializer(serializers.ModelSerializer):
    lines = ShipmentLineOutSerializer(many=True, read_only=True)

    class Meta:
        model = Shipment
        fields = ["id", "shipped_by", "shipped_at", "lines"]


class ConfirmationLineOutSerializer(serializers.ModelSerializer):
    product = serializers.IntegerField(source="order_line.product_id")

    class Meta:
        model = ConfirmationLine
        fields = ["product", "quantity"]


class ConfirmationSerializer(serializers.ModelSerializer):
    lines = ConfirmationLineOutSerializer(many=True, read_only=True)
    scan = serializers.SerializerMethodField()

    class Meta:
        model = Confirmation
        fields = [
            "id",
            "order",
            "signed_by",
            "signed_on",
            "note",
            "lines",
            "scan",
            "recorded_by",
            "recorded_at",
        ]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_scan(self, confirmation) -> str | None:
        """The scan's download address (it checks who asks), once filed."""
        if not confirmation.scan:
            return None
        return reverse("shipping:confirmation_scan", args=[confirmation.pk])


class OutboundOrderSerializer(serializers.ModelSerializer):
    """API.md: `{id, number, demand_request, warehouse, lines: [{product, quantity, shipped}],
    red, status}`; `return` is the return of a red order."""

    lines = OutboundLineSerializer(many=True, read_only=True)
    status = serializers.ChoiceField(choices=OrderStatus.choices, read_only=True)
    shipments = ShipmentSerializer(many=True, read_only=True)
    confirmations = ConfirmationSerializer(many=True, read_only=True)

    class Meta:
        model = OutboundOrder
        fields = [
            "id",
            "number",
            "office",
            "contract",
            "demand_request",
            "warehouse",
            "lines",
            "red",
            "status",
            "issued_by",
            "issued_at",
            "closed_at",
            "note",
            "shipments",
            "confirmations",
        ]
        read_only_fields = fields

    def get_fields(self):
        # `return` (a Python keyword) is the return a red order comes from (API.md)
        fields = super().get_fields()
        fields["return"] = serializers.PrimaryKeyRelatedField(
            source="return_request", read_only=True, allow_null=True
        )
        return fields


class OutboundOrderCreateSerializer(serializers.Serializer):
    """From an approved `demand_request`, or `return` (an approved return) for a red order;
    one of the two, and the warehouse."""

    demand_request = serializers.PrimaryKeyRelatedField(
        queryset=DemandRequest.objects.none(), required=False, allow_null=True
    )
    warehouse = serializers.PrimaryKeyRelatedField(queryset=Warehouse.objects.all())
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")

    def __init__(self, *args, requests=None, returns=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["return"] = serializers.PrimaryKeyRelatedField(
            queryset=returns if returns is not None else ReturnRequest.objects.none(),
            required=False,
            allow_null=True,
        )
        if requests is not None:
            self.fields["demand_request"].queryset = requests

    def validate(self, attrs):
        if bool(attrs.get("demand_request")) == bool(attrs.get("return")):
            raise serializers.ValidationError(
                {"demand_request": [_("Give either an approved demand request or a return.")]}
            )
        return attrs


class ShipSerializer(serializers.Serializer):
    lines = _lines_field(LineInputSerializer)


class ConfirmationCreateSerializer(serializers.Serializer):
    signed_by = serializers.CharField(max_length=100)
    signed_on = serializers.DateField(validators=[validate_date])
    lines = _lines_field(LineInputSerializer)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class ScanSerializer(serializers.Serializer):
    scan = serializers.FileField(help_text=_("A PDF or a photo (JPEG, PNG, WebP), at most 20 MB."))


class DelayReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


# ---------------------------------------------------------------- returns


class ReturnLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReturnLine
        fields = ["id", "product", "specification", "quantity", "contract_line"]


class ReturnSerializer(serializers.ModelSerializer):
    """API.md: `{id, contract, lines: [{product, quantity}], reason, genuine, status,
    approvals}`."""

    lines = ReturnLineSerializer(many=True, read_only=True)
    status = serializers.ChoiceField(choices=ReturnStatus.choices, read_only=True)
    kind = serializers.ChoiceField(choices=ReturnKind.choices, read_only=True)
    approvals = serializers.SerializerMethodField()
    red_order = serializers.SerializerMethodField()
    exchange_request = serializers.SerializerMethodField()

    class Meta:
        model = ReturnRequest
        fields = [
            "id",
            "number",
            "office",
            "contract",
            "kind",
            "lines",
            "reason",
            "genuine",
            "inspection_note",
            "inspected_by",
            "inspected_at",
            "status",
            "approvals",
            "certificate_reason",
            "certificate_at",
            "red_order",
            "exchange_request",
            "author",
            "owner",
            "created_at",
            "approved_at",
            "cancelled_at",
        ]
        read_only_fields = fields

    def get_approvals(self, ret) -> list[dict]:
        return ApprovalRowSerializer(ret.approvals(), many=True).data

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_red_order(self, ret) -> int | None:
        order = OutboundOrder.objects.filter(return_request=ret).values_list("pk", flat=True)
        return next(iter(order), None)

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_exchange_request(self, ret) -> int | None:
        found = ret.exchange_requests.order_by("pk").values_list("pk", flat=True)
        return next(iter(found), None)


class ReturnCreateSerializer(serializers.Serializer):
    contract = serializers.PrimaryKeyRelatedField(queryset=SalesContract.objects.none())
    kind = serializers.ChoiceField(choices=ReturnKind.choices, default=ReturnKind.RETURN)
    reason = serializers.CharField(max_length=2000)
    lines = _lines_field(ReturnLineInputSerializer)

    def __init__(self, *args, contracts=None, **kwargs):
        super().__init__(*args, **kwargs)
        if contracts is not None:
            self.fields["contract"].queryset = contracts


class InspectionSerializer(serializers.Serializer):
    genuine = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class CertificateSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)
