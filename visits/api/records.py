"""Visit records and overdue accounts (API.md, second part; R-9.7, R-9.8)."""

from decimal import Decimal

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, mixins, serializers, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from accounts.models import Account
from accounts.selectors import accounts_visible_to
from catalog.models import Product
from common.inputs import validate_date
from staff.permissions import may_in_any_office

from ..choices import RecordKind
from ..forms import NOTE_LIMIT, STOCK_LINES_MAX, TEXT_LIMIT, VisitRecordFilter
from ..models import DealerStock, VisitRecord
from ..overdue import overdue_visible_to
from ..records import records_visible_to, visit_record_create

# the accounts' readers (accounts.view: salespeople, managers, the director) read and write
# visit records; who may write on which account is the service's `visits.record`
READ = "accounts.view"


def _text():
    return serializers.CharField(
        required=False, allow_blank=True, max_length=TEXT_LIMIT, default="", trim_whitespace=True
    )


class DealerStockSerializer(serializers.ModelSerializer):
    product = serializers.PrimaryKeyRelatedField(queryset=Product.objects.filter(active=True))
    quantity = serializers.DecimalField(max_digits=14, decimal_places=3, min_value=Decimal("0"))
    note = serializers.CharField(
        required=False, allow_blank=True, max_length=NOTE_LIMIT, default=""
    )

    class Meta:
        model = DealerStock
        fields = ["product", "quantity", "note"]


class VisitRecordInputSerializer(serializers.Serializer):
    """R-9.7: `{account, date, kind, contact, quality_feedback, price_feedback, demand,
    competitors, new_products, dealer_stock: [{product, quantity, note}]}`."""

    account = serializers.IntegerField(min_value=1)
    date = serializers.DateField(validators=[validate_date])
    kind = serializers.ChoiceField(choices=RecordKind.choices)
    contact = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    quality_feedback = _text()
    price_feedback = _text()
    demand = _text()
    competitors = _text()
    new_products = _text()
    dealer_stock = DealerStockSerializer(
        many=True, required=False, max_length=STOCK_LINES_MAX, default=list
    )


class VisitRecordSerializer(serializers.ModelSerializer):
    dealer_stock = DealerStockSerializer(many=True, read_only=True)
    account_name = serializers.CharField(source="account.name", read_only=True)
    salesperson_name = serializers.CharField(source="salesperson.__str__", read_only=True)
    planned_visit = serializers.SerializerMethodField()

    class Meta:
        model = VisitRecord
        fields = [
            "id",
            "account",
            "account_name",
            "office",
            "salesperson",
            "salesperson_name",
            "date",
            "kind",
            "contact",
            "quality_feedback",
            "price_feedback",
            "demand",
            "competitors",
            "new_products",
            "dealer_stock",
            "planned_visit",
            "created_at",
        ]
        read_only_fields = fields

    def get_planned_visit(self, record) -> int | None:
        """The planned visit (R-9.6) this record did, if any."""
        planned = getattr(record, "planned", None)
        return planned.pk if planned is not None else None


class VisitRecordViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """`GET, POST /visit-records/`: the records the user reads, newest first."""

    serializer_class = VisitRecordSerializer
    queryset = VisitRecord.objects.none()  # the schema's model; get_queryset restricts per user
    filterset_class = VisitRecordFilter
    filter_backends = [DjangoFilterBackend]

    def get_queryset(self):
        return (
            records_visible_to(self.request.user)
            .select_related("account", "salesperson", "planned")
            .prefetch_related("dealer_stock")
            .order_by("-date", "-pk")
        )

    def list(self, request, *args, **kwargs):
        if not may_in_any_office(request.user, READ):
            raise PermissionDenied
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request=VisitRecordInputSerializer,
        responses={
            201: VisitRecordSerializer,
            404: OpenApiResponse(description="The account is not one this user may see."),
        },
    )
    def create(self, request):
        """R-9.7: a visit or call on an account the user owns or deputises (a manager: of the
        branch); another's account is not there (404)."""
        if not may_in_any_office(request.user, READ):
            raise PermissionDenied
        body = VisitRecordInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        account = get_object_or_404(accounts_visible_to(request.user), pk=data.pop("account"))
        record = visit_record_create(
            actor=request.user,
            account=account,
            dealer_stock=[dict(line) for line in data.pop("dealer_stock", [])],
            now=timezone.now(),
            **data,
        )
        record = self.get_queryset().get(pk=record.pk)
        return Response(VisitRecordSerializer(record).data, status=201)


class OverdueAccountSerializer(serializers.ModelSerializer):
    """R-9.8: `{account, grade, last_visit, days_overdue}`, with the account's name, branch,
    owner and the day the visit was due."""

    account = serializers.IntegerField(source="pk", read_only=True)
    owner_name = serializers.CharField(source="owner.__str__", read_only=True)
    last_visit = serializers.DateField(read_only=True, allow_null=True)
    due = serializers.DateField(read_only=True)
    days_overdue = serializers.IntegerField(read_only=True)

    class Meta:
        model = Account
        fields = [
            "account",
            "name",
            "office",
            "grade",
            "owner",
            "owner_name",
            "last_visit",
            "due",
            "days_overdue",
        ]
        read_only_fields = fields


class OverdueAccountsView(generics.ListAPIView):
    """`GET /accounts/overdue/`: the accounts past their grade's visit interval that the user
    sees (a salesperson's own and deputised, a manager's branch), longest overdue first."""

    serializer_class = OverdueAccountSerializer
    queryset = Account.objects.none()
    pagination_class = None
    filter_backends: list = []

    def get_queryset(self):
        return overdue_visible_to(self.request.user, now=timezone.now())

    def list(self, request, *args, **kwargs):
        if not may_in_any_office(request.user, READ):
            raise PermissionDenied
        return super().list(request, *args, **kwargs)
