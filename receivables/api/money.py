"""Receipts, collection requests, write-offs and handovers to finance in the API (R-15.1,
R-15.3, R-15.4). Thin: parse, call a service, answer."""

from django.db.models import Prefetch
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.models import Account
from accounts.selectors import accounts_visible_to
from common import idempotency
from common.errors import conflict_response
from staff.permissions import may, may_in_any_office, office_ids_of

from .. import figures, selectors
from ..choices import CollectionStatus, WriteOffStatus
from ..models import (
    Allocation,
    CollectionRequest,
    Handover,
    Receipt,
    WriteOff,
)
from ..services import collection, receipts
from . import serializers as s
from .views import ACCOUNT_FILTERS, NOT_FOUND, _id_param, _ReadOnly, _status_param, refuse_unless


class ReceiptViewSet(_ReadOnly):
    serializer_class = s.ReceiptSerializer
    queryset = Receipt.objects.none()

    def get_queryset(self):
        qs = (
            figures.receipts_with_unallocated(selectors.receipts_visible_to(self.request.user))
            .select_related("reversal")
            .prefetch_related(Prefetch("allocations", Allocation.objects.order_by("pk")))
            .order_by("-date", "-pk")
        )
        if self.action == "list":
            if (account := _id_param(self.request, "account")) is not None:
                qs = qs.filter(account_id=account)
            if self.request.query_params.get("unallocated") == "1":
                qs = qs.filter(reversal_of__isnull=True, reversal__isnull=True, unallocated__gt=0)
        return qs

    @extend_schema(
        parameters=[
            OpenApiParameter("account", int),
            OpenApiParameter("unallocated", str, description="1: only receipts with credit left"),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request=s.ReceiptCreateSerializer,
        parameters=[idempotency.PARAMETER],
        responses={
            201: s.ReceiptSerializer,
            409: conflict_response("used"),
            422: idempotency.REUSED,
        },
    )
    @idempotency.idempotent
    def create(self, request):
        """R-15.3: finance records a receipt; without `allocations` it is set against the
        account's invoices oldest due first; what is left is a credit on the account."""
        refuse_unless(may_in_any_office(request.user, "receivables.receipt"))
        user = request.user
        body = s.ReceiptCreateSerializer(
            data=request.data,
            querysets={
                "account": branch_accounts(user),
                "collection_request": selectors.collection_requests_visible_to(user),
                "handover": selectors.handovers_visible_to(user),
            },
        )
        body.is_valid(raise_exception=True)
        data = body.validated_data
        refuse_unless(may(user, "receivables.receipt", data["account"].office))
        chosen = data.get("allocations")
        made = receipts.receipt_record(
            actor=user,
            account=data["account"],
            amount=data["amount"],
            method=data["method"],
            date=data["date"],
            reference=data.get("reference", ""),
            note=data.get("note", ""),
            collection_request=data.get("collection_request"),
            handover=data.get("handover"),
            allocations=None
            if chosen is None
            else [
                receipts.AllocationInput(invoice=a["invoice"], amount=a["amount"]) for a in chosen
            ],
            now=timezone.now(),
        )
        return Response(s.ReceiptSerializer(self.get_queryset().get(pk=made.pk)).data, status=201)

    @extend_schema(
        request=s.AllocateSerializer,
        parameters=[idempotency.PARAMETER],
        responses={
            200: s.ReceiptSerializer,
            404: NOT_FOUND,
            409: conflict_response("reversed", "nothing_left", "nothing_open"),
            422: idempotency.REUSED,
        },
    )
    @action(detail=True, methods=["post"])
    @idempotency.idempotent
    def allocate(self, request, pk=None):
        """R-15.3: set what is left of a receipt against invoices (oldest due first unless
        chosen)."""
        receipt = self.get_object()
        refuse_unless(may(request.user, "receivables.receipt", receipt.office))
        body = s.AllocateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        chosen = body.validated_data.get("allocations")
        receipts.receipt_allocate(
            actor=request.user,
            receipt=receipt,
            allocations=None
            if chosen is None
            else [
                receipts.AllocationInput(invoice=a["invoice"], amount=a["amount"]) for a in chosen
            ],
            now=timezone.now(),
        )
        return Response(s.ReceiptSerializer(self.get_queryset().get(pk=receipt.pk)).data)

    @extend_schema(
        request=s.ReverseSerializer,
        parameters=[idempotency.PARAMETER],
        responses={
            201: s.ReceiptSerializer,
            404: NOT_FOUND,
            409: conflict_response("reversal", "already_reversed", "refunded"),
            422: idempotency.REUSED,
        },
    )
    @action(detail=True, methods=["post"])
    @idempotency.idempotent
    def reverse(self, request, pk=None):
        """R-15.3: a receipt entered wrongly is reversed by a new entry (never edited)."""
        receipt = self.get_object()
        refuse_unless(may(request.user, "receivables.receipt", receipt.office))
        body = s.ReverseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        made = receipts.receipt_reverse(
            actor=request.user,
            receipt=receipt,
            reason=body.validated_data["reason"],
            now=timezone.now(),
        )
        return Response(s.ReceiptSerializer(self.get_queryset().get(pk=made.pk)).data, status=201)


def branch_accounts(user):
    """The accounts whose money the user may record: every account of the offices where they
    are finance (a salesperson's own accounts are not enough)."""

    return Account.objects.filter(office__in=office_ids_of(user))


class CollectionRequestViewSet(_ReadOnly):
    serializer_class = s.CollectionRequestSerializer
    queryset = CollectionRequest.objects.none()

    def get_queryset(self):
        qs = (
            selectors.collection_requests_visible_to(self.request.user)
            .select_related("account", "office")
            .order_by("-created_at", "-pk")
        )
        if self.action == "list":
            if (status := _status_param(self.request, CollectionStatus)) is not None:
                qs = qs.filter(status=status)
            if (account := _id_param(self.request, "account")) is not None:
                qs = qs.filter(account_id=account)
        return qs

    @extend_schema(parameters=ACCOUNT_FILTERS)
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request=s.CollectionRequestCreateSerializer, responses={201: s.CollectionRequestSerializer}
    )
    def create(self, request):
        """R-15.3: the salesperson's collection request (收款申请单)."""
        refuse_unless(may_in_any_office(request.user, "receivables.collect"))
        body = s.CollectionRequestCreateSerializer(
            data=request.data, querysets={"account": accounts_visible_to(request.user)}
        )
        body.is_valid(raise_exception=True)
        data = body.validated_data
        refuse_unless(collection.may_collect(request.user, data["account"]))
        made = collection.collection_request_create(actor=request.user, now=timezone.now(), **data)
        return Response(s.CollectionRequestSerializer(made).data, status=201)

    @extend_schema(
        request=None,
        responses={
            200: s.CollectionRequestSerializer,
            404: NOT_FOUND,
            409: conflict_response("not_draft", "not_editable"),
        },
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """R-8: draft → pending: the branch manager, then finance."""
        made = collection.collection_request_submit(
            request=self.get_object(), actor=request.user, now=timezone.now()
        )
        return Response(s.CollectionRequestSerializer(made).data)

    @extend_schema(
        request=None,
        responses={
            200: s.CollectionRequestSerializer,
            404: NOT_FOUND,
            409: conflict_response("not_cancellable"),
        },
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        made = collection.collection_request_cancel(
            request=self.get_object(), actor=request.user, now=timezone.now()
        )
        return Response(s.CollectionRequestSerializer(made).data)


class WriteOffViewSet(_ReadOnly):
    serializer_class = s.WriteOffSerializer
    queryset = WriteOff.objects.none()

    def get_queryset(self):
        qs = selectors.write_offs_visible_to(self.request.user).select_related(
            "account", "invoice", "office"
        )
        if (
            self.action == "list"
            and (status := _status_param(self.request, WriteOffStatus)) is not None
        ):
            qs = qs.filter(status=status)
        return qs.order_by("-created_at", "-pk")

    def list(self, request, *args, **kwargs):
        refuse_unless(
            may_in_any_office(request.user, "receivables.write_off")
            or request.user.has_role("director", "executive")
        )
        return super(_ReadOnly, self).list(request, *args, **kwargs)

    @extend_schema(request=s.WriteOffCreateSerializer, responses={201: s.WriteOffSerializer})
    def create(self, request):
        """R-15.1: a draft write-off of what remains of an invoice (director, then executive)."""
        refuse_unless(may_in_any_office(request.user, "receivables.write_off"))
        body = s.WriteOffCreateSerializer(
            data=request.data,
            querysets={
                "invoice": selectors.invoices_visible_to(request.user).filter(red_of__isnull=True)
            },
        )
        body.is_valid(raise_exception=True)
        made = receipts.write_off_create(
            actor=request.user, now=timezone.now(), **body.validated_data
        )
        return Response(s.WriteOffSerializer(made).data, status=201)

    @extend_schema(
        request=None,
        responses={
            200: s.WriteOffSerializer,
            404: NOT_FOUND,
            409: conflict_response("not_draft", "not_editable"),
        },
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        made = receipts.write_off_submit(
            write_off=self.get_object(), actor=request.user, now=timezone.now()
        )
        return Response(s.WriteOffSerializer(made).data)


class HandoverViewSet(_ReadOnly):
    serializer_class = s.HandoverSerializer
    queryset = Handover.objects.none()

    def get_queryset(self):
        qs = selectors.handovers_visible_to(self.request.user).select_related("account")
        if self.action == "list" and self.request.query_params.get("unsigned") == "1":
            qs = qs.filter(signed_at__isnull=True)
        return qs.order_by("-received_at", "-pk")

    @extend_schema(
        parameters=[OpenApiParameter("unsigned", str, description="1: not yet signed for")]
    )
    def list(self, request, *args, **kwargs):
        refuse_unless(
            may_in_any_office(request.user, "receivables.handover")
            or may_in_any_office(request.user, "receivables.sign_handover")
            or request.user.has_role("manager", "director", "executive")
        )
        return super(_ReadOnly, self).list(request, *args, **kwargs)

    @extend_schema(request=s.HandoverCreateSerializer, responses={201: s.HandoverSerializer})
    def create(self, request):
        """R-15.4: a cheque, bill or draft received (or cash collected as an exception), to be
        handed to finance the same day."""
        refuse_unless(may_in_any_office(request.user, "receivables.handover"))
        body = s.HandoverCreateSerializer(
            data=request.data,
            querysets={"account": branch_accounts(request.user)},
        )
        body.is_valid(raise_exception=True)
        made = collection.handover_record(
            actor=request.user, now=timezone.now(), **body.validated_data
        )
        return Response(s.HandoverSerializer(made).data, status=201)

    @extend_schema(
        request=None,
        responses={
            200: s.HandoverSerializer,
            404: NOT_FOUND,
            409: conflict_response("already_signed"),
        },
    )
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        """R-15.4: finance signs for it."""
        handover = self.get_object()
        refuse_unless(may(request.user, "receivables.sign_handover", handover.office))
        made = collection.handover_sign(actor=request.user, handover=handover, now=timezone.now())
        return Response(s.HandoverSerializer(made).data)
