"""Accounts (API.md, second part; R-9.1–R-9.3)."""

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from common.errors import conflict_response
from staff.permissions import may, may_in_any_office

from .. import services
from ..models import Account
from ..selectors import accounts_visible_to, may_edit, may_submit
from .serializers import (
    AccountSerializer,
    AccountUpdateSerializer,
    GradeChangeSerializer,
    GradeSerializer,
    ReassignSerializer,
)


class AccountViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = AccountSerializer
    queryset = Account.objects.none()  # the schema's model; get_queryset restricts per user
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return (
            accounts_visible_to(self.request.user)
            .select_related("office")
            .prefetch_related("contacts")
            .order_by("name", "pk")
        )

    def list(self, request, *args, **kwargs):
        if not may_in_any_office(request.user, "accounts.view"):
            raise PermissionDenied
        return super().list(request, *args, **kwargs)

    def create(self, request):
        """R-9.1, R-9.2: a new account, pending the manager's approval."""
        if not may_in_any_office(request.user, "accounts.create"):
            raise PermissionDenied
        body = AccountSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        office = data.pop("office")
        if not may(request.user, "accounts.create", office):
            raise PermissionDenied
        account = services.account_create(
            actor=request.user,
            office=office,
            contacts=data.pop("contacts", []),
            now=timezone.now(),
            **data,
        )
        return Response(AccountSerializer(account).data, status=201)

    @extend_schema(request=AccountUpdateSerializer, responses={200: AccountSerializer})
    def partial_update(self, request, pk=None):
        """R-9.1: the owner, the deputy or the branch's manager; `deputy` the owner or the
        manager only, `credit_limit` and `last_credit_review` the manager only (403 and nothing
        saved otherwise); a pending account: `409 not_editable`."""
        account = self.get_object()
        if not may_edit(request.user, account):
            raise PermissionDenied
        body = AccountUpdateSerializer(account, data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        account = services.account_update(
            account=account,
            actor=request.user,
            contacts=data.pop("contacts", None),
            now=timezone.now(),
            **data,
        )
        return Response(AccountSerializer(account).data)

    @extend_schema(
        request=None, responses={200: AccountSerializer, 409: conflict_response("not_draft")}
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        account = self.get_object()
        if not may_submit(request.user, account):
            raise PermissionDenied
        account = services.account_submit(account=account, actor=request.user, now=timezone.now())
        return Response(AccountSerializer(account).data)

    @extend_schema(request=ReassignSerializer, responses={200: AccountSerializer})
    @action(detail=True, methods=["post"])
    def reassign(self, request, pk=None):
        """R-9.4: the branch's manager gives the account to another salesperson of the branch,
        with an optional deputy and a reason; `400` when the owner or deputy is not an active
        salesperson of the branch, the deputy is the owner, or the reason is missing."""
        account = self.get_object()
        if not may(request.user, "accounts.assign", account.office):
            raise PermissionDenied
        body = ReassignSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        account = services.account_reassign(
            account=account, actor=request.user, now=timezone.now(), **body.validated_data
        )
        return Response(AccountSerializer(account).data)

    @extend_schema(request=GradeSerializer, responses={201: GradeChangeSerializer})
    @action(detail=True, methods=["post"])
    def grade(self, request, pk=None):
        """R-9.3: the salesperson proposes a grade; the manager sets it."""
        account = self.get_object()
        if not may_edit(request.user, account):
            raise PermissionDenied
        body = GradeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        change = services.grade_propose(
            account=account, actor=request.user, now=timezone.now(), **body.validated_data
        )
        return Response(GradeChangeSerializer(change).data, status=201)


def account_or_404(user, pk):
    return get_object_or_404(accounts_visible_to(user), pk=pk)


__all__ = ["AccountViewSet", "account_or_404"]
