from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Account
from approvals.api.serializers import ApprovalRowSerializer
from catalog.models import Product
from catalog.selectors import products_on_sale
from common.inputs import validate_date
from quotes.models import Quote, QuoteLine

from ..choices import ContractKind, ContractStatus, PaymentBasis
from ..models import ContractLine, SalesContract


class ContractLineSerializer(serializers.ModelSerializer):
    """API.md: `{product, quantity, unit_price, tax_rate, amount, tax}`; the tax rate is the
    product's (or the quote line's), amount and tax are computed (R-11.3)."""

    product = serializers.PrimaryKeyRelatedField(queryset=Product.objects.all())
    quantity = serializers.DecimalField(max_digits=14, decimal_places=3)
    unit_price = serializers.DecimalField(max_digits=14, decimal_places=2)
    quote_line = serializers.PrimaryKeyRelatedField(
        queryset=QuoteLine.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = ContractLine
        fields = [
            "id",
            "product",
            "quantity",
            "unit_price",
            "tax_rate",
            "amount",
            "tax",
            "quote_line",
            "cancelled_quantity",
        ]
        read_only_fields = ["id", "tax_rate", "amount", "tax", "cancelled_quantity"]

    def validate_product(self, product):
        # a line sent takes a product still sold (one no longer sold stays on the
        # contracts that have it, shown by GET)
        if not products_on_sale().filter(pk=product.pk).exists():
            raise serializers.ValidationError(_("This product is no longer sold."))
        return product

    def validate_quantity(self, value):
        if value <= 0:
            raise serializers.ValidationError(_("The quantity must be more than zero."))
        return value

    def validate_unit_price(self, value):
        if value < 0:
            raise serializers.ValidationError(_("The unit price cannot be negative."))
        return value


class SalesContractSerializer(serializers.ModelSerializer):
    """API.md: `{id, number, office, account, quote?, kind, lines, total, payment_terms_days,
    invoice_before_delivery, status, approvals}` and the rest of the contract's terms."""

    lines = ContractLineSerializer(many=True)
    account = serializers.PrimaryKeyRelatedField(queryset=Account.objects.all())
    quote = serializers.PrimaryKeyRelatedField(
        queryset=Quote.objects.all(), required=False, allow_null=True
    )
    kind = serializers.ChoiceField(choices=ContractKind.choices, default=ContractKind.CONTRACT)
    status = serializers.ChoiceField(choices=ContractStatus.choices, read_only=True)
    payment_basis = serializers.ChoiceField(
        choices=PaymentBasis.choices, default=PaymentBasis.AFTER_INVOICE
    )
    advance_percent = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        default=Decimal("0.00"),
    )
    payment_terms_days = serializers.IntegerField(min_value=0, max_value=365, default=30)
    delivery_date = serializers.DateField(
        required=False, allow_null=True, validators=[validate_date]
    )
    delivery_place = serializers.CharField(required=False, allow_blank=True, max_length=200)
    approvals = serializers.SerializerMethodField()
    scan = serializers.SerializerMethodField()

    class Meta:
        model = SalesContract
        fields = [
            "id",
            "number",
            "office",
            "account",
            "quote",
            "kind",
            "lines",
            "total",
            "tax_total",
            "delivery_date",
            "delivery_place",
            "advance_percent",
            "payment_basis",
            "payment_terms_days",
            "invoice_before_delivery",
            "status",
            "owner",
            "author",
            "created_at",
            "signed_at",
            "confirmed_at",
            "confirmed_by",
            "filed_at",
            "filed_by",
            "scan",
            "cancelled_at",
            "cancelled_by",
            "cancel_reason",
            "approvals",
        ]
        read_only_fields = [
            "id",
            "number",
            "office",
            "total",
            "tax_total",
            "status",
            "owner",
            "author",
            "created_at",
            "signed_at",
            "confirmed_at",
            "confirmed_by",
            "filed_at",
            "filed_by",
            "cancelled_at",
            "cancelled_by",
            "cancel_reason",
            "approvals",
        ]

    def get_approvals(self, contract) -> list[dict]:
        return ApprovalRowSerializer(contract.approvals(), many=True).data

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_scan(self, contract) -> str | None:
        """The scan's download address (it checks who asks), once filed."""
        return reverse("contracts:scan", args=[contract.pk]) if contract.scan else None

    def validate_lines(self, lines):
        if not lines:
            raise serializers.ValidationError(_("A contract needs at least one line."))
        if len(lines) > 200:
            raise serializers.ValidationError(_("A contract has at most 200 lines."))
        return lines


class SalesContractCreateSerializer(SalesContractSerializer):
    """A new contract: lines may be left out when it is made from a won quote (copied)."""

    lines = ContractLineSerializer(many=True, required=False)

    def validate_lines(self, lines):
        if len(lines) > 200:
            raise serializers.ValidationError(_("A contract has at most 200 lines."))
        return lines

    def validate(self, attrs):
        if not attrs.get("lines") and not attrs.get("quote"):
            raise serializers.ValidationError({"lines": [_("A contract needs at least one line.")]})
        return attrs


class SalesContractUpdateSerializer(SalesContractSerializer):
    """PATCH: the lines and terms (R-8.3: a signed contract goes back to draft)."""

    lines = ContractLineSerializer(many=True, required=False)

    class Meta(SalesContractSerializer.Meta):
        read_only_fields = [*SalesContractSerializer.Meta.read_only_fields, "account", "quote"]


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, allow_blank=True)


class FileSerializer(serializers.Serializer):
    scan = serializers.FileField(help_text=_("A PDF or a photo (JPEG, PNG, WebP), at most 20 MB."))
