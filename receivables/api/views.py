"""Invoice requests and invoices in the API (API.md, second part; R-14). Receipts,
collection requests, write-offs and handovers are api.money. Thin: parse, call a service,
answer."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from common import idempotency
from common.errors import conflict_response
from contracts.selectors import contracts_visible_to
from staff.permissions import may, may_in_any_office

from .. import figures, selectors
from ..choices import InvoiceRequestStatus
from ..models import (
    Invoice,
    InvoiceRequest,
    InvoiceRequestLine,
)
from ..services import invoices
from . import serializers as s

NOT_FOUND = OpenApiResponse(description=str(_("Not found, or not yours to see.")))


def refuse_unless(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def may_read(user) -> bool:
    return may_in_any_office(user, "receivables.view")


def _id_param(request, name: str):
    value = request.query_params.get(name)
    if value in (None, ""):
        return None
    if not (value.isascii() and value.isdigit() and len(value) < 19):
        raise ValidationError({name: [_("Enter a whole number.")]})
    return int(value)


def _status_param(request, choices):
    value = request.query_params.get("status")
    if value in (None, ""):
        return None
    if value not in choices.values:
        raise ValidationError({"status": [_("Not one of the choices.")]})
    return value


class _ReadOnly(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    lookup_value_regex = r"\d+"

    def list(self, request, *args, **kwargs):
        refuse_unless(may_read(request.user))
        return super().list(request, *args, **kwargs)


ACCOUNT_FILTERS = [
    OpenApiParameter("account", int, description="an account's id"),
    OpenApiParameter("status", str),
]


class InvoiceRequestViewSet(_ReadOnly):
    serializer_class = s.InvoiceRequestSerializer
    queryset = InvoiceRequest.objects.none()

    def get_queryset(self):
        qs = (
            selectors.invoice_requests_visible_to(self.request.user)
            .select_related("account", "contract", "office", "invoice")
            .prefetch_related(Prefetch("lines", InvoiceRequestLine.objects.order_by("pk")))
            .order_by("-created_at", "-pk")
        )
        if self.action == "list":
            if (status := _status_param(self.request, InvoiceRequestStatus)) is not None:
                qs = qs.filter(status=status)
            if (contract := _id_param(self.request, "contract")) is not None:
                qs = qs.filter(contract_id=contract)
        return qs

    @extend_schema(parameters=[OpenApiParameter("contract", int), OpenApiParameter("status", str)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request=s.InvoiceRequestCreateSerializer,
        parameters=[idempotency.PARAMETER],
        responses={
            201: s.InvoiceRequestSerializer,
            409: conflict_response("contract_not_signed"),
            422: idempotency.REUSED,
        },
    )
    @idempotency.idempotent
    def create(self, request):
        """R-14.1: a draft invoice request on a signed contract; `400` when it would take the
        contract's invoices over the value shipped net of returns (R-14.2)."""
        refuse_unless(may_in_any_office(request.user, "receivables.request_invoice"))
        body = s.InvoiceRequestCreateSerializer(
            data=request.data, querysets={"contract": contracts_visible_to(request.user)}
        )
        body.is_valid(raise_exception=True)
        data = body.validated_data
        contract = data["contract"]
        refuse_unless(invoices.may_request_invoice(request.user, contract))
        lines = [
            invoices.LineInput(
                product=line.get("product"),
                contract_line=line.get("contract_line"),
                quantity=line["quantity"],
            )
            for line in data.get("lines") or []
        ]
        made = invoices.invoice_request_create(
            actor=request.user,
            contract=contract,
            invoice_type=data["invoice_type"],
            amount=data.get("amount"),
            lines=lines,
            buyer_name=data.get("buyer_name", ""),
            buyer_tax_number=data.get("buyer_tax_number", ""),
            buyer_address_phone=data.get("buyer_address_phone", ""),
            buyer_bank_account=data.get("buyer_bank_account", ""),
            note=data.get("note", ""),
            now=timezone.now(),
        )
        return Response(s.InvoiceRequestSerializer(made).data, status=201)

    @extend_schema(
        request=None,
        responses={
            200: s.InvoiceRequestSerializer,
            404: NOT_FOUND,
            409: conflict_response("not_draft", "not_editable", "contract_not_signed"),
        },
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """R-8: draft → pending, for the branch manager's review."""
        made = self.get_object()
        refuse_unless(invoices.may_handle_request(request.user, made))
        made = invoices.invoice_request_submit(request=made, actor=request.user, now=timezone.now())
        return Response(s.InvoiceRequestSerializer(made).data)

    @extend_schema(
        request=None,
        responses={
            200: s.InvoiceRequestSerializer,
            404: NOT_FOUND,
            409: conflict_response("not_cancellable"),
        },
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Withdraw a request not yet issued."""
        made = self.get_object()
        made = invoices.invoice_request_cancel(request=made, actor=request.user, now=timezone.now())
        return Response(s.InvoiceRequestSerializer(made).data)


class InvoiceViewSet(_ReadOnly):
    serializer_class = s.InvoiceSerializer
    queryset = Invoice.objects.none()

    def get_queryset(self):
        qs = figures.with_open_amount(
            selectors.invoices_visible_to(self.request.user).select_related("account")
        ).order_by("-date", "-pk")
        if self.action == "list":
            if (account := _id_param(self.request, "account")) is not None:
                qs = qs.filter(account_id=account)
            if (contract := _id_param(self.request, "contract")) is not None:
                qs = qs.filter(contract_id=contract)
            if self.request.query_params.get("open") == "1":
                qs = qs.filter(red_of__isnull=True, open_amount__gt=0)
        return qs

    @extend_schema(
        parameters=[
            OpenApiParameter("account", int),
            OpenApiParameter("contract", int),
            OpenApiParameter("open", str, description="1: only invoices with something open"),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request=s.InvoiceIssueSerializer,
        parameters=[idempotency.PARAMETER],
        responses={
            201: s.InvoiceSerializer,
            409: conflict_response("not_approved", "over_shipped", "contract_not_signed"),
            422: idempotency.REUSED,
        },
    )
    @idempotency.idempotent
    def create(self, request):
        """R-14.1: finance issues an approved request's invoice with the tax authority's number
        and date; it debits the account's ledger."""
        refuse_unless(may_in_any_office(request.user, "receivables.issue"))
        body = s.InvoiceIssueSerializer(
            data=request.data,
            querysets={"request": selectors.invoice_requests_visible_to(request.user)},
        )
        body.is_valid(raise_exception=True)
        data = body.validated_data
        refuse_unless(may(request.user, "receivables.issue", data["request"].office))
        made = invoices.invoice_issue(
            actor=request.user,
            request=data["request"],
            number=data["number"],
            date=data["date"],
            now=timezone.now(),
        )
        return Response(s.InvoiceSerializer(made).data, status=201)

    @extend_schema(
        request=s.RedInvoiceSerializer,
        parameters=[idempotency.PARAMETER],
        responses={
            201: s.InvoiceSerializer,
            404: NOT_FOUND,
            409: conflict_response("red_of_red"),
            422: idempotency.REUSED,
        },
    )
    @action(detail=True, methods=["post"])
    @idempotency.idempotent
    def red(self, request, pk=None):
        """R-14.3: a red-letter invoice crediting at most what remains of this one."""
        invoice = self.get_object()
        refuse_unless(may(request.user, "receivables.issue", invoice.office))
        body = s.RedInvoiceSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        made = invoices.invoice_red(
            actor=request.user, invoice=invoice, now=timezone.now(), **body.validated_data
        )
        return Response(s.InvoiceSerializer(made).data, status=201)

    @extend_schema(
        request=s.InvoiceSignSerializer,
        responses={
            200: s.InvoiceSerializer,
            404: NOT_FOUND,
            409: conflict_response("already_signed"),
        },
    )
    @action(detail=True, methods=["post"])
    def signature(self, request, pk=None):
        """R-14.1: the customer's signature on receipt of the invoice (who, when)."""
        invoice = self.get_object()
        refuse_unless(invoices.may_record_signature(request.user, invoice))
        body = s.InvoiceSignSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        made = invoices.invoice_sign(
            actor=request.user, invoice=invoice, now=timezone.now(), **body.validated_data
        )
        return Response(s.InvoiceSerializer(made).data)


def ledger_account(request, pk: int):
    """The account whose ledger is asked for, or 404 when the user may not see it."""
    from accounts.models import Account

    account = get_object_or_404(Account.objects.select_related("office"), pk=pk)
    if not selectors.may_see_account_ledger(request.user, account):
        from django.http import Http404

        raise Http404
    return account
