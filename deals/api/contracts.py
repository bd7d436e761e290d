"""Contracts, payments and the salesperson's chase list in the API (R-6.4).

A manager or finance of the office signs and reads the contract (`deals.contract`); only finance
records payments (`deals.record_payment`); a salesperson reads the instalments they chase
(`deals.view_chase`). A contract is looked up among the requester's offices (404 otherwise).
"""

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from attribution.api.serializers import PlainChoiceField
from staff.permissions import may, may_in_any_office, restrict_to_offices

from .. import contracts
from ..choices import ContractStatus, InstalmentKind
from ..models import Contract, Instalment, Payment, Subscription
from .serializers import MoneyField


def _require(request, action_name: str, office=None) -> None:
    allowed = (
        may_in_any_office(request.user, action_name)
        if office is None
        else may(request.user, action_name, office)
    )
    if not allowed:
        raise PermissionDenied


def contracts_visible_to(user):
    return restrict_to_offices(
        Contract.objects.select_related("office", "subscription").prefetch_related("instalments"),
        user,
    )


class VisibleSubscriptionField(serializers.PrimaryKeyRelatedField):
    """A subscription of the requester's offices; any other is unknown (400)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Subscription.objects.all())
        super().__init__(**kwargs)

    def get_queryset(self):
        user = self.context["request"].user
        return restrict_to_offices(Subscription.objects.select_related("office", "unit"), user)


class InstalmentInputSerializer(serializers.Serializer):
    kind = PlainChoiceField(choices=InstalmentKind.choices)
    due_date = serializers.DateField()
    amount = MoneyField()


class ContractCreateSerializer(serializers.Serializer):
    subscription = VisibleSubscriptionField()
    total_price = MoneyField()
    schedule = InstalmentInputSerializer(
        many=True,
        allow_empty=False,
        help_text=_("Sums to the total price less the subscription's deposit."),
    )


class InstalmentSerializer(serializers.ModelSerializer):
    kind = PlainChoiceField(choices=InstalmentKind.choices, read_only=True)
    amount = MoneyField(read_only=True)

    class Meta:
        model = Instalment
        fields = ["id", "kind", "due_date", "amount"]
        read_only_fields = fields


class ContractSerializer(serializers.ModelSerializer):
    total_price = MoneyField(read_only=True)
    deposit = MoneyField(source="subscription.deposit", read_only=True)
    balance = serializers.SerializerMethodField()
    status = PlainChoiceField(choices=ContractStatus.choices, read_only=True)
    instalments = InstalmentSerializer(many=True, read_only=True)

    class Meta:
        model = Contract
        fields = [
            "id",
            "number",
            "subscription",
            "total_price",
            "deposit",
            "balance",
            "signed_at",
            "signed_by",
            "status",
            "instalments",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_balance(self, contract) -> str:
        """R-6.4: price − deposit − payments."""
        return f"{contracts.contract_balance(contract):.2f}"


class PaymentCreateSerializer(serializers.Serializer):
    amount = MoneyField(help_text=_("At most the balance due."))
    instalment = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        help_text=_("The instalment of this contract that the payment settles, if any."),
    )


class PaymentSerializer(serializers.ModelSerializer):
    amount = MoneyField(read_only=True)

    class Meta:
        model = Payment
        fields = ["id", "contract", "instalment", "amount", "paid_at", "recorded_by"]
        read_only_fields = fields


class ChaseSerializer(serializers.ModelSerializer):
    """An instalment to chase, with what is still owed on it."""

    kind = PlainChoiceField(choices=InstalmentKind.choices, read_only=True)
    amount = MoneyField(read_only=True)
    paid = MoneyField(read_only=True)
    remaining = MoneyField(read_only=True)
    contract_number = serializers.CharField(source="contract.number", read_only=True)
    customer = serializers.IntegerField(source="contract.subscription.customer_id", read_only=True)
    customer_name = serializers.CharField(
        source="contract.subscription.customer.name", read_only=True
    )
    unit = serializers.CharField(source="contract.subscription.unit", read_only=True)

    class Meta:
        model = Instalment
        fields = [
            "id",
            "contract",
            "contract_number",
            "customer",
            "customer_name",
            "unit",
            "kind",
            "due_date",
            "amount",
            "paid",
            "remaining",
        ]
        read_only_fields = fields


class ContractViewSet(viewsets.GenericViewSet):
    serializer_class = ContractSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return contracts_visible_to(self.request.user)

    @extend_schema(
        request=ContractCreateSerializer,
        responses={
            201: ContractSerializer,
            400: OpenApiResponse(
                description="Bad input, an unknown subscription, or a schedule that does not "
                "sum to the price less the deposit."
            ),
            403: OpenApiResponse(description="A manager or finance of the office."),
            409: OpenApiResponse(description="`already_contracted`, `subscription_inactive`"),
        },
    )
    def create(self, request, *args, **kwargs):
        """R-6.4: the contract of a subscription, with its payment schedule; the unit is
        contracted."""
        _require(request, "deals.contract")
        serializer = ContractCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        _require(request, "deals.contract", data["subscription"].office)
        contract = contracts.contract_create(
            subscription=data["subscription"],
            total_price=data["total_price"],
            schedule=[dict(line) for line in data["schedule"]],
            actor=request.user,
            now=timezone.now(),
        )
        contract = self.get_queryset().get(pk=contract.pk)
        return Response(ContractSerializer(contract).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        responses={
            200: ContractSerializer,
            403: OpenApiResponse(description="A manager or finance of the office."),
        }
    )
    def retrieve(self, request, pk=None):
        """The contract, its schedule and the balance due (R-6.4): money that only a manager or
        finance of the office reads (the salesperson chases instalments through /chase/)."""
        contract = get_object_or_404(self.get_queryset(), pk=pk)
        _require(request, "deals.contract", contract.office)
        return Response(ContractSerializer(contract).data)

    @extend_schema(
        request=PaymentCreateSerializer,
        responses={
            201: PaymentSerializer,
            400: OpenApiResponse(description="Bad input, or more than the balance due."),
            403: OpenApiResponse(description="Only finance of the office."),
            409: OpenApiResponse(description="`contract_cancelled`"),
        },
    )
    @action(detail=True, methods=["post"])
    def payments(self, request, pk=None):
        """R-6.4: finance records money received against the contract."""
        _require(request, "deals.record_payment")
        contract = get_object_or_404(self.get_queryset(), pk=pk)
        _require(request, "deals.record_payment", contract.office)
        serializer = PaymentCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        instalment = None
        if data["instalment"] is not None:
            instalment = contract.instalments.filter(pk=data["instalment"]).first()
            if instalment is None:
                raise serializers.ValidationError(
                    {"instalment": [_("Not an instalment of this contract.")]}
                )
        payment = contracts.payment_record(
            contract=contract,
            amount=data["amount"],
            instalment=instalment,
            actor=request.user,
            now=timezone.now(),
        )
        return Response(PaymentSerializer(payment).data, status=status.HTTP_201_CREATED)


class ChaseViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """R-6.4: the salesperson's instalments to chase: due within the office's chase days (7)
    or overdue, unpaid, oldest first."""

    serializer_class = ChaseSerializer
    queryset = Instalment.objects.none()  # the model, for the schema; see get_queryset
    filter_backends: list = []

    def get_queryset(self):
        return contracts.instalments_to_chase(salesperson=self.request.user, now=timezone.now())

    def list(self, request, *args, **kwargs):
        _require(request, "deals.view_chase")
        return super().list(request, *args, **kwargs)
