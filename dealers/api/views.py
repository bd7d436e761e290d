"""Dealer disputes in the API (R-17.5): `GET, POST /dealer-disputes/`, `GET
/dealer-disputes/{id}/`, `POST /dealer-disputes/{id}/help/`, `/escalate/`, `/settle/`. Thin:
parse, call a service, answer. A dispute of a dealer the user may not see is a 404; the wrong
person a 403; a move the dispute's status does not allow a 409 `invalid_transition`."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from common.errors import conflict_response

from .. import selectors, services
from ..choices import DisputeStatus
from ..models import DealerDispute
from . import serializers as s

NOT_FOUND = OpenApiResponse(description=str(_("Not found, or not yours to see.")))


def _move_schema(body_class):
    """The schema of a move of a dispute: its body, the dispute back, or 404/409."""
    return extend_schema(
        request=body_class,
        responses={
            200: s.DealerDisputeSerializer,
            404: NOT_FOUND,
            409: conflict_response("invalid_transition"),
        },
    )


def _refuse_unless(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


class DealerDisputeViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = s.DealerDisputeSerializer
    queryset = DealerDispute.objects.none()
    lookup_value_regex = r"\d+"

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        _refuse_unless(request.user.has_role(*selectors.READERS))

    def get_queryset(self):
        qs = (
            selectors.disputes_visible_to(self.request.user)
            .select_related("office", "dealer", "dealer__office")
            .prefetch_related("events")
        )
        if self.action == "list":
            status = self.request.query_params.get("status")
            if status not in (None, ""):
                if status not in DisputeStatus.values:
                    raise ValidationError({"status": [_("Not one of the choices.")]})
                qs = qs.filter(status=status)
            dealer = self.request.query_params.get("dealer")
            if dealer not in (None, ""):
                if not (dealer.isascii() and dealer.isdecimal()) or len(dealer) > 9:
                    raise ValidationError({"dealer": [_("Enter a whole number.")]})
                qs = qs.filter(dealer=int(dealer))
        return qs.order_by("-recorded_at", "-pk")

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, description="a dispute's status"),
            OpenApiParameter("dealer", int, description="a dealer's account id"),
        ]
    )
    def list(self, request, *args, **kwargs):
        """R-17.5: the disputes of the dealers the user sees, newest first."""
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request=s.DealerDisputeCreateSerializer, responses={201: s.DealerDisputeSerializer}
    )
    def create(self, request):
        """R-17.5: record a dispute of a dealer (its salesperson or the branch manager)."""
        body = s.DealerDisputeCreateSerializer(
            data=request.data, dealers=selectors.dealers_visible_to(request.user)
        )
        body.is_valid(raise_exception=True)
        dispute = services.dispute_record(
            actor=request.user, now=timezone.now(), **body.validated_data
        )
        return Response(self._out(dispute), status=201)

    def _out(self, dispute) -> dict:
        fresh = self.get_queryset().get(pk=dispute.pk)
        return s.DealerDisputeSerializer(fresh).data

    def _move(self, request, body_class, field: str, service):
        dispute = self.get_object()
        body = body_class(data=request.data)
        body.is_valid(raise_exception=True)
        dispute = service(
            dispute=dispute,
            actor=request.user,
            now=timezone.now(),
            **{field: body.validated_data[field]},
        )
        return Response(self._out(dispute))

    @_move_schema(s.NoteSerializer)
    @action(detail=True, methods=["post"])
    def help(self, request, pk=None):
        """R-17.5: the dealer's salesperson helps settle it (open → helping), with a note."""
        return self._move(request, s.NoteSerializer, "note", services.dispute_help)

    @_move_schema(s.ReasonSerializer)
    @action(detail=True, methods=["post"])
    def escalate(self, request, pk=None):
        """R-17.5: the salesperson escalates it to the branch manager, who is told."""
        return self._move(request, s.ReasonSerializer, "reason", services.dispute_escalate)

    @_move_schema(s.ResolutionSerializer)
    @action(detail=True, methods=["post"])
    def settle(self, request, pk=None):
        """R-17.5: settled with how: the salesperson while helping, the manager once escalated."""
        return self._move(request, s.ResolutionSerializer, "resolution", services.dispute_settle)
