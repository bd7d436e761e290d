"""Sales contracts and phone/fax orders (API.md, second part; R-12)."""

from django.db.models import Prefetch
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from common.errors import conflict_response
from staff.permissions import may, may_in_any_office

from .. import services
from ..models import ContractLine, SalesContract
from ..selectors import contracts_visible_to, may_edit
from .serializers import (
    CancelSerializer,
    FileSerializer,
    SalesContractCreateSerializer,
    SalesContractSerializer,
    SalesContractUpdateSerializer,
)


def _lines(data: list[dict]) -> list[services.LineInput]:
    return [
        services.LineInput(
            product=line["product"],
            quantity=line["quantity"],
            unit_price=line["unit_price"],
            quote_line=line.get("quote_line"),
        )
        for line in data
    ]


def _may_read(user) -> bool:
    from staff.choices import Role

    return user.has_role(Role.DIRECTOR, Role.EXECUTIVE) or may_in_any_office(user, "contracts.view")


class SalesContractViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = SalesContractSerializer
    queryset = SalesContract.objects.none()  # the schema's model; get_queryset restricts
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return (
            contracts_visible_to(self.request.user)
            .select_related("office", "account")
            .prefetch_related(Prefetch("lines", ContractLine.objects.order_by("pk")))
            .order_by("-created_at", "-pk")
        )

    def list(self, request, *args, **kwargs):
        if not _may_read(request.user):
            raise PermissionDenied
        return super().list(request, *args, **kwargs)

    @extend_schema(request=SalesContractCreateSerializer, responses={201: SalesContractSerializer})
    def create(self, request):
        """R-12.1, R-12.3: a draft contract or phone order of one of the salesperson's
        approved accounts, directly or from a won quote (its lines copied)."""
        if not may_in_any_office(request.user, "contracts.create"):
            raise PermissionDenied
        body = SalesContractCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        contract = services.contract_create(
            actor=request.user,
            account=data.pop("account"),
            quote=data.pop("quote", None),
            lines=_lines(data.pop("lines", [])),
            now=timezone.now(),
            **data,
        )
        return Response(SalesContractSerializer(contract).data, status=201)

    @extend_schema(request=SalesContractUpdateSerializer, responses={200: SalesContractSerializer})
    def partial_update(self, request, pk=None):
        """R-8.2, R-8.3: edit a draft; a signed contract's change returns it to draft."""
        contract = self.get_object()
        if not may_edit(request.user, contract):
            raise PermissionDenied
        body = SalesContractUpdateSerializer(contract, data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        lines = data.pop("lines", None)
        contract = services.contract_update(
            contract=contract,
            actor=request.user,
            lines=_lines(lines) if lines is not None else None,
            now=timezone.now(),
            **data,
        )
        return Response(SalesContractSerializer(contract).data)

    @extend_schema(
        request=None,
        responses={200: SalesContractSerializer, 409: conflict_response("not_draft", "no_lines")},
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """R-8: draft → pending, the chain's first step waiting for its approver."""
        contract = self.get_object()
        if not may_edit(request.user, contract):
            raise PermissionDenied
        contract = services.contract_submit(
            contract=contract, actor=request.user, now=timezone.now()
        )
        return Response(SalesContractSerializer(contract).data)

    @extend_schema(
        request=CancelSerializer,
        responses={
            200: SalesContractSerializer,
            409: conflict_response("bad_transition", "return_open", "nothing_to_cancel"),
        },
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """R-12.4: the branch manager cancels what has not shipped, with a reason."""
        contract = self.get_object()
        unsigned = not contract.number and may_edit(request.user, contract)
        if not may(request.user, "contracts.cancel", contract.office) and not unsigned:
            raise PermissionDenied  # a signed contract is the manager's to cancel
        body = CancelSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        contract = services.contract_cancel(
            contract=contract,
            actor=request.user,
            reason=body.validated_data["reason"],
            now=timezone.now(),
        )
        return Response(SalesContractSerializer(contract).data)

    @extend_schema(
        request={"multipart/form-data": FileSerializer}, responses={200: SalesContractSerializer}
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def file(self, request, pk=None):
        """R-12.2: the branch's clerk files the signed contract with its scan."""
        contract = self.get_object()
        if not may(request.user, "contracts.file", contract.office):
            raise PermissionDenied
        contract = services.contract_file(
            contract=contract,
            actor=request.user,
            upload=request.FILES.get("scan"),
            now=timezone.now(),
        )
        return Response(SalesContractSerializer(contract).data)
