"""Statements of account in the API (API.md; R-15.6): `GET, POST /statements/?period=2026H1`,
`GET /statements/{id}/`, `POST /statements/{id}/send/`, `POST /statements/{id}/answer/`.
Thin: parse, call a service of receivables.services.statements, answer."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from common.errors import conflict_response
from staff.models import Office
from staff.permissions import may_in_any_office, office_ids_of

from .. import selectors
from ..choices import StatementStatus
from ..models import Statement, StatementDifference
from ..services import statements
from . import serializers as s

NOT_FOUND = OpenApiResponse(description=str(_("Not found, or not yours to see.")))
BAD = OpenApiResponse(description=str(_("The request is not valid: each field's problems.")))
FORBIDDEN = OpenApiResponse(description=str(_("Not allowed for your role or branch.")))


class StatementViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = s.StatementSerializer
    queryset = Statement.objects.none()
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        qs = (
            selectors.statements_visible_to(self.request.user)
            .select_related("account", "office")
            .prefetch_related(Prefetch("differences", StatementDifference.objects.order_by("pk")))
        )
        if self.action == "list":
            period, _start, _end = statements.parse_period(self.request.query_params.get("period"))
            qs = qs.filter(period=period)
            status = self.request.query_params.get("status")
            if status not in (None, ""):
                if status not in StatementStatus.values:
                    raise ValidationError({"status": [_("Not one of the choices.")]})
                qs = qs.filter(status=status)
            office = self.request.query_params.get("office")
            if office not in (None, ""):
                if not (office.isascii() and office.isdigit() and len(office) < 19):
                    raise ValidationError({"office": [_("Enter a whole number.")]})
                qs = qs.filter(office_id=int(office))
        return qs.order_by("account__name", "pk")

    @extend_schema(
        parameters=[
            OpenApiParameter("period", str, required=True, description="a half year: 2026H1"),
            OpenApiParameter("office", int),
            OpenApiParameter("status", str, enum=StatementStatus.values),
        ],
        responses={200: s.StatementSerializer(many=True), 400: BAD, 403: FORBIDDEN},
    )
    def list(self, request, *args, **kwargs):
        """R-15.6: the statements of a half year the user sees (a salesperson: their
        accounts'; the branch's finance and manager: the branch's)."""
        if not may_in_any_office(request.user, "receivables.view"):
            raise PermissionDenied
        return super().list(request, *args, **kwargs)

    @extend_schema(responses={200: s.StatementSerializer, 404: NOT_FOUND})
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        request=s.StatementCreateSerializer,
        responses={
            202: s.StatementRunSerializer,
            400: BAD,
            403: FORBIDDEN,
            409: conflict_response("period_not_ended", "run_live"),
        },
    )
    def create(self, request):
        """R-15.6: finance makes a branch's statements of a half year that has ended: one per
        account with a balance at its end or any movement in it. The generation runs in the
        background; the answer is the run (`done` of `total` accounts)."""
        if not may_in_any_office(request.user, "receivables.make_statements"):
            raise PermissionDenied
        body = s.StatementCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        office = Office.objects.filter(pk=data["office"], pk__in=office_ids_of(request.user))
        office = office.first()
        if office is None:
            raise ValidationError({"office": [_("Not one of your branches.")]})
        run = statements.statement_run_start(
            actor=request.user, office=office, period=data["period"], now=timezone.now()
        )
        return Response(s.StatementRunSerializer(run).data, status=202)

    def _statement(self, pk) -> Statement:
        return get_object_or_404(self.get_queryset(), pk=pk)

    @extend_schema(
        request=None,
        responses={
            200: s.StatementSerializer,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: conflict_response("not_draft"),
        },
    )
    @action(detail=True, methods=["post"])
    def send(self, request, pk=None):
        """R-15.6: the account's salesperson sends the statement to the customer."""
        made = statements.statement_send(
            statement=self._statement(pk), actor=request.user, now=timezone.now()
        )
        return Response(s.StatementSerializer(self._statement(made.pk)).data)

    @extend_schema(
        request=s.StatementAnswerSerializer,
        responses={
            200: s.StatementSerializer,
            400: BAD,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: conflict_response("not_sent"),
        },
    )
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        """R-15.6: the customer's answer, recorded by the salesperson on a sent statement:
        `{agreed: true}` (signed back) or `{agreed: false, differences: [{item, amount,
        note}]}` (disputed item by item; finance and the manager are told)."""
        statement = self._statement(pk)
        body = s.StatementAnswerSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        made = statements.statement_answer(
            statement=statement,
            actor=request.user,
            agreed=data["agreed"],
            differences=[
                statements.DifferenceInput(item=d["item"], amount=d["amount"], note=d["note"])
                for d in data.get("differences") or []
            ],
            now=timezone.now(),
        )
        return Response(s.StatementSerializer(self._statement(made.pk)).data)
