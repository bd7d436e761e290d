"""Special customer fees in the API (R-16.4): `GET, POST /special-fees/`, `GET
/special-fees/{id}/`, `POST /special-fees/{id}/submit/`, `/promise/`, `/payment-form/`,
`/pay/`. Thin: parse, call a service, answer. A fee the user may not see is a 404."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from accounts.selectors import accounts_visible_to
from approvals.choices import Decision
from approvals.permissions import may_decide
from common.errors import conflict_response
from contracts.selectors import contracts_visible_to
from staff.choices import Role
from staff.permissions import may_in_any_office

from .. import selectors, services
from ..choices import FeeStatus
from ..models import SpecialFee
from . import serializers as s

NOT_FOUND = OpenApiResponse(description=str(_("Not found, or not yours to see.")))
READERS = (Role.SALESPERSON, Role.MANAGER, Role.DIRECTOR, Role.EXECUTIVE, Role.FINANCE)


def _refuse_unless(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


class SpecialFeeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = s.SpecialFeeSerializer
    queryset = SpecialFee.objects.none()
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        qs = selectors.fees_visible_to(self.request.user).select_related("office", "account")
        if self.action == "list":
            status = self.request.query_params.get("status")
            if status not in (None, ""):
                if status not in FeeStatus.values:
                    raise ValidationError({"status": [_("Not one of the choices.")]})
                qs = qs.filter(status=status)
        return qs.order_by("-created_at", "-pk")

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        _refuse_unless(request.user.has_role(*READERS))

    @extend_schema(parameters=[OpenApiParameter("status", str, description="a fee's status")])
    def list(self, request, *args, **kwargs):
        """R-16.4: the fees the user sees, newest first."""
        return super().list(request, *args, **kwargs)

    @extend_schema(request=s.SpecialFeeCreateSerializer, responses={201: s.SpecialFeeSerializer})
    def create(self, request):
        """R-16.4: a draft fee for an approved account the user owns or deputises (or of the
        branch they manage); amount more than zero and at most 10,000,000.00."""
        _refuse_unless(may_in_any_office(request.user, "specialfees.create"))
        body = s.SpecialFeeCreateSerializer(
            data=request.data,
            accounts=accounts_visible_to(request.user).filter(status="approved"),
            contracts=contracts_visible_to(request.user),
        )
        body.is_valid(raise_exception=True)
        fee = services.special_fee_create(
            actor=request.user, now=timezone.now(), **body.validated_data
        )
        return Response(s.SpecialFeeSerializer(fee).data, status=201)

    @extend_schema(
        request=None,
        responses={
            200: s.SpecialFeeSerializer,
            404: NOT_FOUND,
            409: conflict_response("not_draft", "not_editable"),
        },
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """R-8: draft or rejected → pending (the branch manager, then the leadership)."""
        fee = services.special_fee_submit(
            fee=self.get_object(), actor=request.user, now=timezone.now()
        )
        return Response(s.SpecialFeeSerializer(fee).data)

    @extend_schema(
        request=None,
        responses={
            200: s.SpecialFeeSerializer,
            404: NOT_FOUND,
            409: conflict_response("not_approved_by_manager", "already_promised"),
        },
    )
    @action(detail=True, methods=["post"])
    def promise(self, request, pk=None):
        """R-16.4: the salesperson records the promise to the customer, only once the branch
        manager has approved the fee."""
        fee = services.special_fee_promise(
            fee=self.get_object(), actor=request.user, now=timezone.now()
        )
        return Response(s.SpecialFeeSerializer(fee).data)

    @extend_schema(
        request=s.SpecialFeePaymentFormSerializer,
        responses={
            200: s.SpecialFeeSerializer,
            403: OpenApiResponse(description="Only the company's leadership, on its own step."),
            404: NOT_FOUND,
            409: conflict_response("not_pending", "payment_form_required"),
        },
    )
    @action(detail=True, methods=["post"], url_path="payment-form")
    def payment_form(self, request, pk=None):
        """R-16.4: the executive chooses the form of payment while their step is pending.
        With `approve: true` the step is approved in the same transaction; otherwise approve it
        with `POST /approvals/{id}/decide/` (which answers 409 `payment_form_required` while no
        form is chosen). Reject with `/approvals/{id}/decide/`."""
        fee = self.get_object()
        step = selectors.executive_step_pending(fee)
        _refuse_unless(request.user.has_role(Role.EXECUTIVE))
        _refuse_unless(step is None or may_decide(request.user, step, fee))
        body = s.SpecialFeePaymentFormSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        now = timezone.now()
        if data["approve"]:
            fee = services.special_fee_executive_decide(
                fee=fee,
                actor=request.user,
                decision=Decision.APPROVE,
                payment_form=data["payment_form"],
                note=data["note"],
                now=now,
            )
        else:
            fee = services.special_fee_set_payment_form(
                fee=fee,
                actor=request.user,
                payment_form=data["payment_form"],
                note=data["note"],
                now=now,
            )
        return Response(s.SpecialFeeSerializer(fee).data)

    @extend_schema(
        request=s.SpecialFeePaySerializer,
        responses={
            200: s.SpecialFeeSerializer,
            403: OpenApiResponse(description="Only finance of the branch."),
            404: NOT_FOUND,
            409: conflict_response("not_approved", "payment_form_required", "already_paid"),
        },
    )
    @action(detail=True, methods=["post"])
    def pay(self, request, pk=None):
        """R-16.4: finance pays an approved fee in the chosen form, once."""
        fee = self.get_object()
        _refuse_unless(services.may_pay(request.user, fee))
        body = s.SpecialFeePaySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        fee = services.special_fee_pay(
            fee=fee,
            actor=request.user,
            reference=body.validated_data["reference"],
            now=timezone.now(),
        )
        return Response(s.SpecialFeeSerializer(fee).data)
