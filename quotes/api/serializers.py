"""Enquiries and quotes on the API (API.md, second part). Money, number, status and approvals
are the server's: what a client sends for them is ignored (the input serializers do not have
them). Cost is never part of a quote (R-10.1)."""

from decimal import Decimal

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from approvals.api.serializers import ApprovalRowSerializer
from catalog.models import Product
from catalog.selectors import products_on_sale
from common.inputs import validate_date

from ..choices import RESULTS, EnquiryKind, QuestionTo, QuoteKind
from ..models import Enquiry, EnquiryLine, EnquiryQuestion, Quote, QuoteLine

TEXT = 4000
QUANTITY = {"max_digits": 14, "decimal_places": 3}
MONEY = {"max_digits": 14, "decimal_places": 2}
MAX_LINES = 200


def _text(max_length=TEXT):
    return serializers.CharField(
        required=False, allow_blank=True, max_length=max_length, default=""
    )


@extend_schema_field(OpenApiTypes.INT)
class _VisibleAccount(serializers.PrimaryKeyRelatedField):
    """An account the requesting user sees (R-9.1); any other is 'does not exist'."""

    def get_queryset(self):
        from accounts.selectors import accounts_visible_to

        return accounts_visible_to(self.context["request"].user)


# ---- quotes ----------------------------------------------------------------------------------


def on_sale(product: Product) -> Product:
    """R-10.1: a new line takes a product still sold; the documents that already have one no
    longer sold keep showing it (their lines are read, never checked again here)."""
    if not products_on_sale().filter(pk=product.pk).exists():
        raise serializers.ValidationError(_("This product is no longer sold."))
    return product


class QuoteLineInputSerializer(serializers.Serializer):
    product = serializers.PrimaryKeyRelatedField(queryset=Product.objects.all())
    quantity = serializers.DecimalField(**QUANTITY)
    unit_price = serializers.DecimalField(**MONEY)
    tax_rate = serializers.DecimalField(
        max_digits=5, decimal_places=4, required=False, help_text="Default: the product's."
    )

    def validate_product(self, product):
        return on_sale(product)


class QuoteLineSerializer(serializers.ModelSerializer):
    product_code = serializers.CharField(source="product.code", read_only=True)
    product_name = serializers.CharField(source="product.name", read_only=True)

    class Meta:
        model = QuoteLine
        fields = [
            "product",
            "product_code",
            "product_name",
            "quantity",
            "unit_price",
            "tax_rate",
            "amount",
            "tax",
            "list_price",
            "floor_price",
        ]
        read_only_fields = fields


class QuoteSerializer(serializers.ModelSerializer):
    """API.md: `{id, number, office, account, kind, lines, total, valid_until, status,
    approvals}` and more; all of it the server's."""

    lines = QuoteLineSerializer(many=True, read_only=True)
    approvals = serializers.SerializerMethodField()
    below_floor = serializers.SerializerMethodField()
    below_list = serializers.SerializerMethodField()

    class Meta:
        model = Quote
        fields = [
            "id",
            "number",
            "revision",
            "office",
            "account",
            "enquiry",
            "kind",
            "date",
            "lines",
            "total",
            "tax_total",
            "valid_until",
            "delivery_terms",
            "payment_terms",
            "discount_reason",
            "below_list",
            "below_floor",
            "status",
            "outcome",
            "competitor",
            "competitor_price",
            "outcome_at",
            "owner",
            "author",
            "created_at",
            "approvals",
        ]
        read_only_fields = fields

    def get_approvals(self, quote) -> list[dict]:
        return ApprovalRowSerializer(quote.approvals(), many=True).data

    def get_below_floor(self, quote) -> bool:
        return quote.below_floor()

    def get_below_list(self, quote) -> bool:
        return quote.below_list()


class QuoteCreateSerializer(serializers.Serializer):
    account = _VisibleAccount()
    kind = serializers.ChoiceField(choices=QuoteKind.choices, default=QuoteKind.QUOTE)
    enquiry = serializers.PrimaryKeyRelatedField(
        queryset=Enquiry.objects.all(), required=False, allow_null=True, default=None
    )
    lines = QuoteLineInputSerializer(many=True, max_length=MAX_LINES)
    valid_until = serializers.DateField(validators=[validate_date])
    delivery_terms = _text()
    payment_terms = _text()
    discount_reason = _text()

    def validate_enquiry(self, enquiry):
        from ..selectors import enquiries_visible_to

        if enquiry is not None and not (
            enquiries_visible_to(self.context["request"].user).filter(pk=enquiry.pk).exists()
        ):
            raise serializers.ValidationError(
                serializers.PrimaryKeyRelatedField.default_error_messages["does_not_exist"].format(
                    pk_value=enquiry.pk
                )
            )
        return enquiry


class QuoteUpdateSerializer(serializers.Serializer):
    """A PATCH of lines or terms (R-8.3: an approved quote goes back to draft)."""

    lines = QuoteLineInputSerializer(many=True, max_length=MAX_LINES, required=False)
    valid_until = serializers.DateField(validators=[validate_date], required=False)
    delivery_terms = serializers.CharField(required=False, allow_blank=True, max_length=TEXT)
    payment_terms = serializers.CharField(required=False, allow_blank=True, max_length=TEXT)
    discount_reason = serializers.CharField(required=False, allow_blank=True, max_length=TEXT)


class OutcomeSerializer(serializers.Serializer):
    """API.md: `{result: won|lost|expired, competitor?, competitor_price?}`."""

    result = serializers.ChoiceField(choices=[(r.value, r.label) for r in RESULTS])
    competitor = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    competitor_price = serializers.DecimalField(
        **MONEY, required=False, allow_null=True, default=None, min_value=Decimal("0")
    )


# ---- enquiries -------------------------------------------------------------------------------


class EnquiryLineSerializer(serializers.ModelSerializer):
    product = serializers.PrimaryKeyRelatedField(queryset=Product.objects.all())
    quantity = serializers.DecimalField(**QUANTITY)
    product_name = serializers.CharField(source="product.name", read_only=True)

    class Meta:
        model = EnquiryLine
        fields = ["product", "product_name", "quantity"]

    def validate_product(self, product):
        return on_sale(product)


class EnquiryQuestionSerializer(serializers.ModelSerializer):
    class Meta:
        model = EnquiryQuestion
        fields = [
            "id",
            "enquiry",
            "to",
            "question",
            "asked_by",
            "asked_at",
            "answer",
            "answered_by",
            "answered_at",
        ]
        read_only_fields = fields


class EnquirySerializer(serializers.ModelSerializer):
    """An enquiry or tender notice with its bid decision: `bid` once approved, `no_bid` once
    rejected, empty while undecided (R-11.1)."""

    lines = EnquiryLineSerializer(many=True, read_only=True)
    questions = EnquiryQuestionSerializer(many=True, read_only=True)
    approvals = serializers.SerializerMethodField()
    bid_decision = serializers.CharField(read_only=True)

    class Meta:
        model = Enquiry
        fields = [
            "id",
            "office",
            "account",
            "kind",
            "source",
            "received_on",
            "logged_late",
            "deadline",
            "estimated_amount",
            "description",
            "lines",
            "questions",
            "owner",
            "author",
            "created_at",
            "status",
            "bid_decision",
            "approvals",
        ]
        read_only_fields = fields

    def get_approvals(self, enquiry) -> list[dict]:
        return ApprovalRowSerializer(enquiry.approvals(), many=True).data


class EnquiryCreateSerializer(serializers.Serializer):
    account = _VisibleAccount()
    kind = serializers.ChoiceField(choices=EnquiryKind.choices, default=EnquiryKind.ENQUIRY)
    source = serializers.CharField(max_length=200)
    received_on = serializers.DateField(validators=[validate_date])
    deadline = serializers.DateField(validators=[validate_date])
    estimated_amount = serializers.DecimalField(**MONEY, default=Decimal("0.00"))
    description = _text()
    lines = EnquiryLineSerializer(many=True, max_length=MAX_LINES)


class EnquiryUpdateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=EnquiryKind.choices, required=False)
    source = serializers.CharField(max_length=200, required=False)
    received_on = serializers.DateField(validators=[validate_date], required=False)
    deadline = serializers.DateField(validators=[validate_date], required=False)
    estimated_amount = serializers.DecimalField(**MONEY, required=False)
    description = serializers.CharField(required=False, allow_blank=True, max_length=TEXT)
    lines = EnquiryLineSerializer(many=True, max_length=MAX_LINES, required=False)


class QuestionAskSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=QuestionTo.choices)
    question = serializers.CharField(max_length=TEXT)


class QuestionAnswerSerializer(serializers.Serializer):
    answer = serializers.CharField(max_length=TEXT)
