"""Units, holds, subscriptions and refunds in the API (R-6, R-5.5).

Money goes in and out as a decimal string with 2 places (API.md): a JSON number with a
fraction (a float) is refused, never rounded; a whole JSON number is taken as it is.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from attribution.api.serializers import PlainChoiceField
from leads.api.serializers import VisibleCustomerField, VisibleOfficeField

from ..choices import HoldStatus, RefundReason, SubscriptionStatus, UnitStatus
from ..models import MONEY, Hold, Refund, Subscription, Unit
from ..selectors import units_visible_to


@extend_schema_field(OpenApiTypes.STR)
class MoneyField(serializers.DecimalField):
    """An amount of money as a decimal string, e.g. "500.00"."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", MONEY["max_digits"])
        kwargs.setdefault("decimal_places", MONEY["decimal_places"])
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, float | bool):
            raise serializers.ValidationError(
                _('Send amounts as a decimal string, e.g. "500.00".'), code="invalid"
            )
        return super().to_internal_value(data)


class VisibleUnitField(serializers.PrimaryKeyRelatedField):
    """A unit of the requester's offices; any other is unknown (400)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Unit.objects.all())
        super().__init__(**kwargs)

    def get_queryset(self):
        return units_visible_to(self.context["request"].user)


# ---------------------------------------------------------------- units


class UnitFilterSerializer(serializers.Serializer):
    office = serializers.IntegerField(required=False, min_value=1)
    project = serializers.CharField(required=False, max_length=100, help_text=_("Project name."))
    status = PlainChoiceField(choices=UnitStatus.choices, required=False)


class UnitSerializer(serializers.ModelSerializer):
    project = serializers.CharField(source="project.name", read_only=True)
    status = PlainChoiceField(choices=UnitStatus.choices, read_only=True)
    area = serializers.DecimalField(max_digits=8, decimal_places=2, read_only=True)
    list_price = MoneyField(read_only=True)

    class Meta:
        model = Unit
        fields = [
            "id",
            "office",
            "project",
            "building",
            "number",
            "floor",
            "layout",
            "area",
            "orientation",
            "list_price",
            "status",
        ]
        read_only_fields = fields


class UnitCreateSerializer(serializers.Serializer):
    office = VisibleOfficeField()
    project = serializers.CharField(
        max_length=100, help_text=_("The project's name; created in the office if new.")
    )
    building = serializers.CharField(max_length=20)
    number = serializers.CharField(max_length=20)
    floor = serializers.IntegerField(min_value=-32768, max_value=32767)
    layout = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    area = MoneyField(max_digits=8, min_value=0, help_text=_('m², e.g. "98.50".'))
    orientation = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    list_price = MoneyField(min_value=0)


# ---------------------------------------------------------------- holds


class HoldCreateSerializer(serializers.Serializer):
    unit = VisibleUnitField()
    customer = VisibleCustomerField()
    fee = MoneyField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_(
            "Optional: the office's holding fee (500.00 by default). Any other amount is "
            "refused: the fee is set by the office."
        ),
    )


class HoldSerializer(serializers.ModelSerializer):
    fee = MoneyField(read_only=True)
    status = PlainChoiceField(choices=HoldStatus.choices, read_only=True)

    class Meta:
        model = Hold
        fields = ["id", "unit", "customer", "fee", "expires_at", "status", "ended_at"]
        read_only_fields = fields


# ---------------------------------------------------------------- subscriptions


class SubscriptionCreateSerializer(serializers.Serializer):
    unit = VisibleUnitField()
    customer = VisibleCustomerField()
    deposit = MoneyField(help_text=_("At least the office's minimum deposit (5000.00)."))


class SubscriptionSerializer(serializers.ModelSerializer):
    deposit = MoneyField(read_only=True)
    fee_credited = MoneyField(read_only=True)
    status = PlainChoiceField(choices=SubscriptionStatus.choices, read_only=True)

    class Meta:
        model = Subscription
        fields = [
            "id",
            "number",
            "unit",
            "customer",
            "deposit",
            "fee_credited",
            "credited_salesperson",
            "signed_by",
            "status",
            "created_at",
            "withdrawn_at",
        ]
        read_only_fields = fields


# ---------------------------------------------------------------- refunds


class RefundFilterSerializer(serializers.Serializer):
    paid = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text=_("0: owed; 1: paid.")
    )


class RefundSerializer(serializers.ModelSerializer):
    amount = MoneyField(read_only=True)
    reason = PlainChoiceField(choices=RefundReason.choices, read_only=True)

    class Meta:
        model = Refund
        fields = [
            "id",
            "office",
            "customer",
            "reason",
            "amount",
            "hold",
            "subscription",
            "created_at",
            "paid_at",
            "paid_by",
        ]
        read_only_fields = fields
