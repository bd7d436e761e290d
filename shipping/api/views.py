"""Demand requests, outbound orders and returns (API.md, second part; R-13)."""

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from common import idempotency
from common.errors import conflict_response
from contracts.selectors import contracts_visible_to
from staff.choices import Role
from staff.permissions import may, may_in_any_office

from .. import services
from ..choices import OrderStatus, RequestStatus, ReturnStatus
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
from ..selectors import orders_visible_to, requests_visible_to, returns_visible_to
from .serializers import (
    CertificateSerializer,
    ConfirmationCreateSerializer,
    ConfirmationSerializer,
    DemandRequestCreateSerializer,
    DemandRequestSerializer,
    InspectionSerializer,
    OutboundOrderCreateSerializer,
    OutboundOrderSerializer,
    ReturnCreateSerializer,
    ReturnSerializer,
    ScanSerializer,
    ShipSerializer,
)

NOT_FOUND = OpenApiResponse(description=str(_("Not found, or not yours to see.")))


def _refuse_unless(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _lines(data: list[dict]) -> list[services.LineInput]:
    return [
        services.LineInput(
            product=line.get("product"),
            quantity=line["quantity"],
            contract_line=line.get("contract_line"),
            specification=line.get("specification", ""),
        )
        for line in data
    ]


def _filters(qs, request, *, statuses) -> object:
    """`?contract=` and `?status=`, checked."""
    status = request.query_params.get("status")
    if status not in (None, ""):
        if status not in statuses:
            raise ValidationError({"status": [_("Not one of the choices.")]})
        qs = qs.filter(status=status)
    contract = request.query_params.get("contract")
    if contract not in (None, ""):
        if not (contract.isascii() and contract.isdigit() and len(contract) < 19):
            raise ValidationError({"contract": [_("Enter a whole number.")]})
        qs = qs.filter(contract_id=int(contract))
    return qs


FILTERS = [
    OpenApiParameter("contract", int, description="a contract's id"),
    OpenApiParameter("status", str),
]


def _may_read(user) -> bool:
    return user.has_role(Role.DIRECTOR, Role.EXECUTIVE) or any(
        may_in_any_office(user, action)
        for action in ("contracts.view", "shipping.queue", "shipping.ship")
    )


class DemandRequestViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = DemandRequestSerializer
    queryset = DemandRequest.objects.none()
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return (
            requests_visible_to(self.request.user)
            .select_related("contract__account", "office", "outbound_order")
            .prefetch_related(Prefetch("lines", DemandLine.objects.order_by("pk")))
            .order_by("-created_at", "-pk")
        )

    @extend_schema(parameters=FILTERS)
    def list(self, request, *args, **kwargs):
        _refuse_unless(_may_read(request.user))
        return super().list(request, *args, **kwargs)

    def filter_queryset(self, queryset):
        if self.action == "list":
            queryset = _filters(queryset, self.request, statuses=RequestStatus.values)
        return super().filter_queryset(queryset)

    @extend_schema(
        request=DemandRequestCreateSerializer,
        responses={201: DemandRequestSerializer, 409: conflict_response("contract_not_signed")},
    )
    def create(self, request):
        """R-13.1: a draft demand request against a signed contract; `400` when a quantity
        exceeds what the contract has left to request."""
        _refuse_unless(may_in_any_office(request.user, "shipping.request"))
        body = DemandRequestCreateSerializer(
            data=request.data, contracts=contracts_visible_to(request.user)
        )
        body.is_valid(raise_exception=True)
        data = body.validated_data
        contract = data["contract"]
        _refuse_unless(services.may_request(request.user, contract))
        made = services.request_create(
            actor=request.user,
            contract=contract,
            lines=_lines(data["lines"]),
            note=data["note"],
            now=timezone.now(),
        )
        return Response(DemandRequestSerializer(made).data, status=201)

    @extend_schema(
        request=None,
        responses={
            200: DemandRequestSerializer,
            404: NOT_FOUND,
            409: conflict_response("not_draft", "contract_not_signed"),
        },
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """R-8: draft → pending, the branch manager's step first, then the director's."""
        made = self.get_object()
        _refuse_unless(services.may_handle_request(request.user, made))
        made = services.request_submit(request=made, actor=request.user, now=timezone.now())
        return Response(DemandRequestSerializer(made).data)

    @extend_schema(
        request=None,
        responses={
            200: DemandRequestSerializer,
            404: NOT_FOUND,
            409: conflict_response("not_cancellable"),
        },
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Withdraw a draft or rejected request (the manager: an approved one not issued)."""
        made = self.get_object()
        made = services.request_cancel(request=made, actor=request.user, now=timezone.now())
        return Response(DemandRequestSerializer(made).data)


def _order_queryset(user):
    return (
        orders_visible_to(user)
        .select_related("contract__account", "office", "warehouse")
        .prefetch_related(
            Prefetch("lines", OutboundLine.objects.order_by("pk")),
            Prefetch(
                "shipments",
                Shipment.objects.order_by("shipped_at", "pk").prefetch_related(
                    Prefetch("lines", queryset=_shipment_lines())
                ),
            ),
            Prefetch(
                "confirmations",
                Confirmation.objects.order_by("recorded_at", "pk").prefetch_related(
                    Prefetch(
                        "lines",
                        ConfirmationLine.objects.select_related("order_line").order_by("pk"),
                    )
                ),
            ),
        )
        .order_by("-issued_at", "-pk")
    )


def _shipment_lines():
    from ..models import ShipmentLine

    return ShipmentLine.objects.select_related("order_line").order_by("pk")


class OutboundOrderViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = OutboundOrderSerializer
    queryset = OutboundOrder.objects.none()
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return _order_queryset(self.request.user)

    @extend_schema(parameters=FILTERS)
    def list(self, request, *args, **kwargs):
        _refuse_unless(_may_read(request.user))
        return super().list(request, *args, **kwargs)

    def filter_queryset(self, queryset):
        if self.action == "list":
            queryset = _filters(queryset, self.request, statuses=OrderStatus.values)
        return super().filter_queryset(queryset)

    def _fresh(self, order):
        return _order_queryset(self.request.user).get(pk=order.pk)

    @extend_schema(
        request=OutboundOrderCreateSerializer,
        parameters=[idempotency.PARAMETER],
        responses={
            201: OutboundOrderSerializer,
            409: conflict_response("already_issued", "not_approved", "contract_not_signed"),
            422: idempotency.REUSED,
        },
    )
    @idempotency.idempotent
    def create(self, request):
        """R-13.2: the clerk issues the outbound order of an approved demand request; R-13.5:
        with `return`, the red outbound order of an approved return."""
        _refuse_unless(may_in_any_office(request.user, "shipping.issue"))
        body = OutboundOrderCreateSerializer(
            data=request.data,
            requests=requests_visible_to(request.user),
            returns=returns_visible_to(request.user),
        )
        body.is_valid(raise_exception=True)
        data = body.validated_data
        now = timezone.now()
        if data.get("demand_request"):
            source = data["demand_request"]
            _refuse_unless(may(request.user, "shipping.issue", source.office))
            order = services.order_issue(
                actor=request.user,
                demand_request=source,
                warehouse=data["warehouse"],
                note=data["note"],
                now=now,
            )
        else:
            source = data["return"]
            _refuse_unless(may(request.user, "shipping.issue", source.office))
            order = services.red_order_issue(
                actor=request.user, return_request=source, warehouse=data["warehouse"], now=now
            )
        return Response(OutboundOrderSerializer(self._fresh(order)).data, status=201)

    @extend_schema(
        request=ShipSerializer,
        parameters=[idempotency.PARAMETER],
        responses={
            200: OutboundOrderSerializer,
            404: NOT_FOUND,
            409: conflict_response("order_closed", "insufficient_stock"),
            422: idempotency.REUSED,
        },
    )
    @action(detail=True, methods=["post"])
    @idempotency.idempotent
    def ship(self, request, pk=None):
        """R-13.3: ship all or part (a red order: receive the goods back); `409` code
        `insufficient_stock` when the warehouse does not hold enough."""
        order = self.get_object()
        _refuse_unless(may(request.user, "shipping.ship", order.office))
        body = ShipSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.order_ship(
            actor=request.user,
            order=order,
            lines=_lines(body.validated_data["lines"]),
            now=timezone.now(),
        )
        return Response(OutboundOrderSerializer(self._fresh(order)).data)

    @extend_schema(
        request=ConfirmationCreateSerializer,
        responses={
            201: ConfirmationSerializer,
            404: NOT_FOUND,
            409: conflict_response("red_order"),
        },
    )
    @action(detail=True, methods=["post"])
    def confirmation(self, request, pk=None):
        """R-13.4: the customer's confirmation — who signed, when, the quantities received.
        Its scan or photo: `POST /confirmations/{id}/scan/`."""
        order = self.get_object()
        _refuse_unless(may(request.user, "shipping.confirm", order.office))
        body = ConfirmationCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        made = services.confirmation_record(
            actor=request.user,
            order=order,
            signed_by=data["signed_by"],
            signed_on=data["signed_on"],
            lines=_lines(data["lines"]),
            note=data["note"],
            now=timezone.now(),
        )
        return Response(ConfirmationSerializer(made).data, status=201)


class ConfirmationViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ConfirmationSerializer
    queryset = Confirmation.objects.none()
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return Confirmation.objects.filter(
            order__in=orders_visible_to(self.request.user).values("pk")
        ).prefetch_related(Prefetch("lines", ConfirmationLine.objects.select_related("order_line")))

    @extend_schema(
        request={"multipart/form-data": ScanSerializer},
        responses={
            200: ConfirmationSerializer,
            404: NOT_FOUND,
            409: conflict_response("already_filed"),
        },
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def scan(self, request, pk=None):
        """R-13.4: the clerk files the confirmation's scan or photo."""
        confirmation = self.get_object()
        _refuse_unless(may(request.user, "shipping.confirm", confirmation.office))
        made = services.confirmation_attach_scan(
            actor=request.user, confirmation=confirmation, upload=request.FILES.get("scan")
        )
        return Response(ConfirmationSerializer(made).data)


class ReturnViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ReturnSerializer
    queryset = ReturnRequest.objects.none()
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return (
            returns_visible_to(self.request.user)
            .select_related("contract__account", "office")
            .prefetch_related(Prefetch("lines", ReturnLine.objects.order_by("pk")))
            .order_by("-created_at", "-pk")
        )

    @extend_schema(parameters=FILTERS)
    def list(self, request, *args, **kwargs):
        _refuse_unless(_may_read(request.user) or request.user.has_role(Role.TECHNICIAN))
        return super().list(request, *args, **kwargs)

    def filter_queryset(self, queryset):
        if self.action == "list":
            queryset = _filters(queryset, self.request, statuses=ReturnStatus.values)
        return super().filter_queryset(queryset)

    @extend_schema(
        request=ReturnCreateSerializer,
        responses={201: ReturnSerializer, 409: conflict_response("contract_not_signed")},
    )
    def create(self, request):
        """R-13.5: the customer's return or exchange against the contract; `400` when more
        than shipped − returned."""
        _refuse_unless(may_in_any_office(request.user, "shipping.return"))
        body = ReturnCreateSerializer(
            data=request.data, contracts=contracts_visible_to(request.user)
        )
        body.is_valid(raise_exception=True)
        data = body.validated_data
        contract = data["contract"]
        _refuse_unless(
            may(request.user, "shipping.return", contract.office)
            and services.is_contract_salesperson(request.user, contract)
        )
        made = services.return_create(
            actor=request.user,
            contract=contract,
            kind=data["kind"],
            reason=data["reason"],
            lines=_lines(data["lines"]),
            now=timezone.now(),
        )
        return Response(ReturnSerializer(made).data, status=201)

    @extend_schema(
        request=None,
        responses={
            200: ReturnSerializer,
            404: NOT_FOUND,
            409: conflict_response("not_draft", "not_genuine", "contract_not_signed"),
        },
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """R-8: draft → pending: the branch manager, the technician's inspection, the director."""
        ret = self.get_object()
        _refuse_unless(services.may_handle_return(request.user, ret))
        ret = services.return_submit(ret=ret, actor=request.user, now=timezone.now())
        return Response(ReturnSerializer(ret).data)

    @extend_schema(
        request=InspectionSerializer,
        responses={200: ReturnSerializer, 404: NOT_FOUND, 409: conflict_response("not_pending")},
    )
    @action(detail=True, methods=["post"])
    def inspection(self, request, pk=None):
        """R-13.5: the technician records whether the goods are genuine (not genuine: the
        return is rejected for good, with the note)."""
        ret = self.get_object()
        _refuse_unless(request.user.has_role(Role.TECHNICIAN))
        body = InspectionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        ret = services.return_inspect(
            ret=ret,
            actor=request.user,
            genuine=body.validated_data["genuine"],
            note=body.validated_data["note"],
            now=timezone.now(),
        )
        return Response(ReturnSerializer(ret).data)

    @extend_schema(
        request=None,
        responses={
            200: ReturnSerializer,
            404: NOT_FOUND,
            409: conflict_response("not_cancellable"),
        },
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """The salesperson withdraws a draft or rejected return."""
        ret = self.get_object()
        _refuse_unless(services.may_handle_return(request.user, ret))
        ret = services.return_cancel(ret=ret, actor=request.user, now=timezone.now())
        return Response(ReturnSerializer(ret).data)

    @extend_schema(
        request=CertificateSerializer,
        responses={200: ReturnSerializer, 404: NOT_FOUND, 409: conflict_response("return_closed")},
    )
    @action(detail=True, methods=["post"])
    def certificate(self, request, pk=None):
        """R-13.5: the return certificate (销售退货证明单) when the customer's documents are
        missing."""
        ret = self.get_object()
        _refuse_unless(services.may_handle_return(request.user, ret))
        body = CertificateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        ret = services.return_certificate(
            ret=ret, actor=request.user, reason=body.validated_data["reason"], now=timezone.now()
        )
        return Response(ReturnSerializer(ret).data)
