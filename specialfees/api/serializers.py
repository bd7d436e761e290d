"""Special customer fees in the API (R-16.4)."""

from rest_framework import serializers

from accounts.models import Account
from approvals.api.serializers import ApprovalRowSerializer
from attribution.api.serializers import PlainChoiceField
from contracts.models import SalesContract
from deals.api.serializers import MoneyField
from reports.api.penalties import WrittenOutMoneyField

from ..choices import FeeKind, FeeStatus, PaymentForm
from ..models import SpecialFee
from ..services import MAX_REFERENCE, MAX_TEXT


class SpecialFeeSerializer(serializers.ModelSerializer):
    """`{id, number, office, account, contract, kind, amount, purpose, status, author,
    promised_at, payment_form, payment_note, paid_at, paid_by, payment_reference, approvals}`."""

    kind = PlainChoiceField(choices=FeeKind.choices, read_only=True)
    status = PlainChoiceField(choices=FeeStatus.choices, read_only=True)
    payment_form = PlainChoiceField(
        choices=[("", ""), *PaymentForm.choices], read_only=True, allow_blank=True
    )
    amount = MoneyField(read_only=True)
    approvals = serializers.SerializerMethodField()

    class Meta:
        model = SpecialFee
        fields = [
            "id",
            "number",
            "office",
            "account",
            "contract",
            "kind",
            "amount",
            "purpose",
            "status",
            "author",
            "created_at",
            "promised_at",
            "promised_by",
            "payment_form",
            "payment_note",
            "approved_at",
            "paid_at",
            "paid_by",
            "payment_reference",
            "approvals",
        ]
        read_only_fields = fields

    def get_approvals(self, fee) -> list[dict]:
        return ApprovalRowSerializer(fee.approvals(), many=True).data


class SpecialFeeCreateSerializer(serializers.Serializer):
    """The account and contract are looked up among those the user may see (else 400)."""

    account = serializers.PrimaryKeyRelatedField(queryset=Account.objects.none())
    contract = serializers.PrimaryKeyRelatedField(
        queryset=SalesContract.objects.none(), required=False, allow_null=True
    )
    kind = PlainChoiceField(choices=FeeKind.choices)
    amount = WrittenOutMoneyField()
    purpose = serializers.CharField(max_length=MAX_TEXT)

    def __init__(self, *args, accounts=None, contracts=None, **kwargs):
        super().__init__(*args, **kwargs)
        if accounts is not None:
            self.fields["account"].queryset = accounts
        if contracts is not None:
            self.fields["contract"].queryset = contracts


class SpecialFeePaymentFormSerializer(serializers.Serializer):
    """R-16.4: the executive's form of payment; `approve: true` also approves their step in the
    same transaction (else approve later via `POST /approvals/{id}/decide/`)."""

    payment_form = PlainChoiceField(choices=PaymentForm.choices)
    note = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True, default="")
    approve = serializers.BooleanField(required=False, default=False)


class SpecialFeePaySerializer(serializers.Serializer):
    reference = serializers.CharField(
        max_length=MAX_REFERENCE, required=False, allow_blank=True, default=""
    )
