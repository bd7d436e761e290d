"""Leadership's escalation list in the API (R-7.3, R-16.1, R-16.2). Thin: parse, call a
service, answer."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from common.errors import conflict_response
from staff.permissions import may

from .. import selectors, services
from ..choices import Source
from ..models import Escalation
from ..views import CLOSE, may_follow
from . import serializers as s

STATES = ("open", "closed", "all")


def _param(request, name: str, allowed) -> str:
    value = request.query_params.get(name) or ""
    if value and value not in allowed:
        raise ValidationError({name: [_("Not one of the choices.")]})
    return value


def _office(request) -> int | None:
    value = request.query_params.get("office")
    if value in (None, ""):
        return None
    if not (value.isascii() and value.isdigit() and len(value) < 19):
        raise ValidationError({"office": [_("Enter a whole number.")]})
    return int(value)


class EscalationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = s.EscalationSerializer
    queryset = Escalation.objects.none()
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        qs = selectors.escalations_visible_to(self.request.user).select_related("escalated_by")
        if self.action == "list":
            state = _param(self.request, "state", STATES) or "open"
            if state != "all":
                qs = qs.filter(closed_at__isnull=state == "open")
            if source := _param(self.request, "source", Source.values):
                qs = qs.filter(source=source)
            if (office := _office(self.request)) is not None:
                qs = qs.filter(office_id=office)
        return qs.order_by("escalated_at", "pk")

    @extend_schema(
        parameters=[
            OpenApiParameter("state", str, enum=STATES, description="open (default), closed, all"),
            OpenApiParameter("source", str, enum=Source.values),
            OpenApiParameter("office", int),
        ]
    )
    def list(self, request, *args, **kwargs):
        """R-7.3, R-16.1: the escalations the user follows, oldest first: every office's for
        the director and the executive, the managed offices' for a manager."""
        if not may_follow(request.user):
            raise PermissionDenied
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request=s.CloseSerializer,
        responses={
            200: s.EscalationSerializer,
            409: conflict_response("already_closed", "closes_with_subject"),
        },
    )
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """R-7.3: company leadership closes an escalation with its resolution (a meeting
        problem closes with it); after-sales and complaints close with their request (409)."""
        escalation = self.get_object()
        if not may(request.user, CLOSE, escalation.office):
            raise PermissionDenied
        body = s.CloseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        closed = services.escalation_close(
            escalation=escalation,
            resolution=body.validated_data["resolution"],
            by=request.user,
            now=timezone.now(),
        )
        return Response(s.EscalationSerializer(closed).data)
