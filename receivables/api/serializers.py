"""Invoicing and receivables in the API (API.md, second part: /invoice-requests/, /invoices/,
/receipts/, /accounts/{id}/ledger/, /receivables/aging/, /statements/)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Account
from approvals.api.serializers import ApprovalRowSerializer
from catalog.models import Product
from common.inputs import validate_date
from contracts.models import ContractLine, SalesContract

from ..choices import (
    CollectionStatus,
    InvoiceRequestStatus,
    InvoiceType,
    PaymentMethod,
    StatementStatus,
    WriteOffStatus,
)
from ..models import (
    Allocation,
    CollectionRequest,
    Handover,
    Invoice,
    InvoiceRequest,
    InvoiceRequestLine,
    Receipt,
    Statement,
    StatementDifference,
    WriteOff,
)

MONEY = {"max_digits": 14, "decimal_places": 2}
QUANTITY = {"max_digits": 14, "decimal_places": 3}


def _date_field(**kwargs):
    return serializers.DateField(validators=[validate_date], **kwargs)


def _approvals(document) -> list[dict]:
    return ApprovalRowSerializer(document.approvals(), many=True).data


class _Scoped(serializers.Serializer):
    """A create body whose related fields are limited to what the user may see: a row the user
    may not see answers as a row that does not exist (400 does_not_exist)."""

    scoped: dict[str, str] = {}

    def __init__(self, *args, querysets: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        for name, qs in (querysets or {}).items():
            self.fields[name].queryset = qs


# ---------------------------------------------------------------- invoice requests


class InvoiceRequestLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = InvoiceRequestLine
        fields = ["id", "product", "contract_line", "quantity", "amount", "tax"]
        read_only_fields = fields


class InvoiceRequestSerializer(serializers.ModelSerializer):
    """API.md: `{id, contract, amount, invoice_type, status, approvals}`."""

    lines = InvoiceRequestLineSerializer(many=True, read_only=True)
    status = serializers.ChoiceField(choices=InvoiceRequestStatus.choices, read_only=True)
    approvals = serializers.SerializerMethodField()
    invoice = serializers.SerializerMethodField()

    class Meta:
        model = InvoiceRequest
        fields = [
            "id",
            "number",
            "office",
            "contract",
            "account",
            "amount",
            "tax",
            "invoice_type",
            "buyer_name",
            "buyer_tax_number",
            "buyer_address_phone",
            "buyer_bank_account",
            "lines",
            "note",
            "status",
            "approvals",
            "invoice",
            "owner",
            "created_at",
            "approved_at",
        ]
        read_only_fields = fields

    def get_approvals(self, request) -> list[dict]:
        return _approvals(request)

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_invoice(self, request) -> int | None:
        invoice = getattr(request, "invoice", None) if request.pk else None
        return invoice.pk if invoice is not None else None


class InvoiceLineInputSerializer(serializers.Serializer):
    product = serializers.PrimaryKeyRelatedField(queryset=Product.objects.all(), required=False)
    contract_line = serializers.PrimaryKeyRelatedField(
        queryset=ContractLine.objects.all(), required=False, allow_null=True
    )
    quantity = serializers.DecimalField(**QUANTITY)

    def validate(self, attrs):
        if not attrs.get("product") and not attrs.get("contract_line"):
            raise serializers.ValidationError({"product": [_("Name the product or the line.")]})
        return attrs


class InvoiceRequestCreateSerializer(_Scoped):
    contract = serializers.PrimaryKeyRelatedField(queryset=SalesContract.objects.none())
    invoice_type = serializers.ChoiceField(choices=InvoiceType.choices)
    amount = serializers.DecimalField(**MONEY, required=False, allow_null=True)
    lines = InvoiceLineInputSerializer(many=True, required=False, max_length=200)
    buyer_name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    buyer_tax_number = serializers.CharField(required=False, allow_blank=True, max_length=20)
    buyer_address_phone = serializers.CharField(required=False, allow_blank=True, max_length=300)
    buyer_bank_account = serializers.CharField(required=False, allow_blank=True, max_length=300)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


# ---------------------------------------------------------------- invoices


class InvoiceSerializer(serializers.ModelSerializer):
    """API.md: `{id, number, account, contract, amount, tax, date, due_date, open_amount,
    red_of?}`; `open_amount` is what is neither credited, paid nor written off (0 on a red
    invoice)."""

    open_amount = serializers.SerializerMethodField()

    class Meta:
        model = Invoice
        fields = [
            "id",
            "number",
            "office",
            "account",
            "contract",
            "request",
            "invoice_type",
            "amount",
            "tax",
            "date",
            "due_date",
            "open_amount",
            "red_of",
            "reason",
            "signed_by",
            "signed_on",
            "query",
            "queried_at",
            "query_answer",
            "issued_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.DecimalField(**MONEY))
    def get_open_amount(self, invoice) -> str:
        from ..figures import open_amount

        if invoice.is_red:
            return "0.00"
        value = getattr(invoice, "open_amount", None)
        if value is None:
            value = open_amount(invoice)
        return f"{value:.2f}"


class InvoiceIssueSerializer(_Scoped):
    request = serializers.PrimaryKeyRelatedField(queryset=InvoiceRequest.objects.none())
    number = serializers.CharField(max_length=30)
    date = _date_field()


class RedInvoiceSerializer(serializers.Serializer):
    amount = serializers.DecimalField(**MONEY)
    number = serializers.CharField(max_length=30)
    date = _date_field()
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class InvoiceSignSerializer(serializers.Serializer):
    signed_by = serializers.CharField(max_length=100)
    signed_on = _date_field()


class QuestionSerializer(serializers.Serializer):
    question = serializers.CharField(max_length=2000)


class AnswerSerializer(serializers.Serializer):
    answer = serializers.CharField(max_length=2000)


# ---------------------------------------------------------------- receipts


class AllocationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Allocation
        fields = ["invoice", "amount", "date"]
        read_only_fields = fields


class ReceiptSerializer(serializers.ModelSerializer):
    """API.md: `{id, allocations, unallocated}` with the receipt's own fields; a reversal
    has `reversal_of` and negative allocations."""

    allocations = AllocationSerializer(many=True, read_only=True)
    unallocated = serializers.SerializerMethodField()
    reversed_by = serializers.SerializerMethodField()

    class Meta:
        model = Receipt
        fields = [
            "id",
            "number",
            "office",
            "account",
            "amount",
            "method",
            "date",
            "reference",
            "note",
            "collection_request",
            "handover",
            "allocations",
            "unallocated",
            "reversal_of",
            "reversed_by",
            "recorded_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.DecimalField(**MONEY))
    def get_unallocated(self, receipt) -> str:
        from ..figures import receipt_unallocated

        value = getattr(receipt, "unallocated", None)
        if value is None:
            value = receipt_unallocated(receipt)
        return f"{value:.2f}"

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_reversed_by(self, receipt) -> int | None:
        reversal = getattr(receipt, "reversal", None) if receipt.pk else None
        return reversal.pk if reversal is not None else None


class AllocationInputSerializer(serializers.Serializer):
    invoice = serializers.IntegerField(min_value=1)
    amount = serializers.DecimalField(**MONEY)


class ReceiptCreateSerializer(_Scoped):
    account = serializers.PrimaryKeyRelatedField(queryset=Account.objects.none())
    amount = serializers.DecimalField(**MONEY)
    method = serializers.ChoiceField(choices=PaymentMethod.choices)
    date = _date_field()
    reference = serializers.CharField(required=False, allow_blank=True, max_length=100)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    allocations = AllocationInputSerializer(many=True, required=False, max_length=200)
    collection_request = serializers.PrimaryKeyRelatedField(
        queryset=CollectionRequest.objects.none(), required=False, allow_null=True
    )
    handover = serializers.PrimaryKeyRelatedField(
        queryset=Handover.objects.none(), required=False, allow_null=True
    )


class AllocateSerializer(serializers.Serializer):
    allocations = AllocationInputSerializer(many=True, required=False, max_length=200)


class ReverseSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class RefundCreateSerializer(_Scoped):
    account = serializers.PrimaryKeyRelatedField(queryset=Account.objects.none())
    amount = serializers.DecimalField(**MONEY)
    method = serializers.ChoiceField(choices=PaymentMethod.choices)
    date = _date_field()
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


# ---------------------------------------------------------------- collection, write-offs


class CollectionRequestSerializer(serializers.ModelSerializer):
    status = serializers.ChoiceField(choices=CollectionStatus.choices, read_only=True)
    approvals = serializers.SerializerMethodField()

    class Meta:
        model = CollectionRequest
        fields = [
            "id",
            "number",
            "office",
            "account",
            "expected_amount",
            "method",
            "expected_date",
            "note",
            "status",
            "approvals",
            "owner",
            "created_at",
            "approved_at",
            "customer_told_at",
        ]
        read_only_fields = fields

    def get_approvals(self, request) -> list[dict]:
        return _approvals(request)


class CollectionRequestCreateSerializer(_Scoped):
    account = serializers.PrimaryKeyRelatedField(queryset=Account.objects.none())
    expected_amount = serializers.DecimalField(**MONEY)
    method = serializers.ChoiceField(choices=PaymentMethod.choices)
    expected_date = _date_field()
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class WriteOffSerializer(serializers.ModelSerializer):
    status = serializers.ChoiceField(choices=WriteOffStatus.choices, read_only=True)
    approvals = serializers.SerializerMethodField()

    class Meta:
        model = WriteOff
        fields = [
            "id",
            "number",
            "office",
            "account",
            "invoice",
            "amount",
            "reason",
            "date",
            "status",
            "approvals",
            "created_at",
            "approved_at",
        ]
        read_only_fields = fields

    def get_approvals(self, write_off) -> list[dict]:
        return _approvals(write_off)


class WriteOffCreateSerializer(_Scoped):
    invoice = serializers.PrimaryKeyRelatedField(queryset=Invoice.objects.none())
    amount = serializers.DecimalField(**MONEY)
    reason = serializers.CharField(max_length=2000)


class HandoverSerializer(serializers.ModelSerializer):
    # a string here, not the model's choices: those are PaymentMethod's, which the schema
    # names MethodEnum for `method`; naming them again for `kind` is a schema warning
    kind = serializers.CharField(read_only=True)

    class Meta:
        model = Handover
        fields = [
            "id",
            "office",
            "account",
            "kind",
            "instrument_number",
            "amount",
            "received_by",
            "received_at",
            "note",
            "signed_by",
            "signed_at",
        ]
        read_only_fields = fields


class HandoverCreateSerializer(_Scoped):
    account = serializers.PrimaryKeyRelatedField(queryset=Account.objects.none())
    kind = serializers.ChoiceField(
        choices=[c for c in PaymentMethod.choices if c[0] != PaymentMethod.TRANSFER]
    )
    amount = serializers.DecimalField(**MONEY)
    instrument_number = serializers.CharField(required=False, allow_blank=True, max_length=50)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


# ---------------------------------------------------------------- ledger, aging


class LedgerLineSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    date = serializers.DateField()
    kind = serializers.CharField()
    document = serializers.CharField()
    debit = serializers.DecimalField(**MONEY)
    credit = serializers.DecimalField(**MONEY)
    balance = serializers.DecimalField(**MONEY)


class LedgerSerializer(serializers.Serializer):
    """API.md: `{opening, lines: [{date, document, debit, credit, balance}], balance}`;
    `next` is the cursor of the following page (keyset), null on the last."""

    account = serializers.IntegerField()
    opening = serializers.DecimalField(**MONEY)
    lines = LedgerLineSerializer(many=True)
    balance = serializers.DecimalField(**MONEY)
    next = serializers.CharField(allow_null=True)


class AgingRowSerializer(serializers.Serializer):
    account = serializers.IntegerField()
    account_name = serializers.CharField()
    current = serializers.DecimalField(**MONEY)
    d31_60 = serializers.DecimalField(**MONEY)
    d61_90 = serializers.DecimalField(**MONEY)
    d91_180 = serializers.DecimalField(**MONEY)
    over_180 = serializers.DecimalField(**MONEY)
    total = serializers.DecimalField(**MONEY)


# ---------------------------------------------------------------- statements


class DifferenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = StatementDifference
        fields = ["id", "item", "amount", "note", "resolved_at", "resolution"]
        read_only_fields = fields


class StatementSerializer(serializers.ModelSerializer):
    """API.md: `{id, account, period, opening, closing, status, differences}`."""

    status = serializers.ChoiceField(choices=StatementStatus.choices, read_only=True)
    differences = DifferenceSerializer(many=True, read_only=True)

    class Meta:
        model = Statement
        fields = [
            "id",
            "office",
            "account",
            "period",
            "start",
            "end",
            "opening",
            "debits",
            "credits",
            "closing",
            "status",
            "differences",
            "generated_at",
            "sent_at",
            "answered_at",
            "resolved_at",
        ]
        read_only_fields = fields


class DifferenceInputSerializer(serializers.Serializer):
    item = serializers.CharField(max_length=200)
    amount = serializers.DecimalField(**MONEY)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class StatementAnswerSerializer(serializers.Serializer):
    agreed = serializers.BooleanField()
    differences = DifferenceInputSerializer(many=True, required=False, max_length=200)


class StatementCreateSerializer(serializers.Serializer):
    office = serializers.IntegerField(min_value=1)
    period = serializers.RegexField(r"^[0-9]{4}H[12]$", max_length=6)  # ASCII digits only


class StatementRunSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    office = serializers.IntegerField(source="office_id")
    period = serializers.CharField()
    status = serializers.CharField()
    total = serializers.IntegerField()
    done = serializers.IntegerField()
    created = serializers.IntegerField()
