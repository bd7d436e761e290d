"""Targets in the API (R-17.1, R-17.2): `GET, POST /targets/` (POST sets one target, insert or
update) and `GET, POST /target-explanations/`. Thin: parse, call a service, answer."""

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from common.errors import conflict_response
from staff.choices import Role

from .. import selectors, services
from . import serializers as s

READERS = (Role.SALESPERSON, Role.MANAGER, Role.DIRECTOR, Role.EXECUTIVE)
FORBIDDEN = OpenApiResponse(description="Not a role or branch that may set this target.")


def _int_param(request, name: str):
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return None
    if not (raw.isascii() and raw.isdecimal()) or len(raw) > 9:
        raise ValidationError({name: ["Enter a whole number."]})
    return int(raw)


class _Readers:
    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not request.user.has_role(*READERS):
            raise PermissionDenied


class SalesTargetViewSet(_Readers, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = s.SalesTargetSerializer
    queryset = s.SalesTarget.objects.none()

    def get_queryset(self):
        qs = selectors.targets_visible_to(self.request.user)
        for name in ("year", "office", "salesperson"):
            value = _int_param(self.request, name)
            if value is not None:
                qs = qs.filter(**{name: value})
        return qs.order_by("year", "region", "office_id", "salesperson_id", "month", "pk")

    @extend_schema(
        parameters=[
            OpenApiParameter("year", int),
            OpenApiParameter("office", int),
            OpenApiParameter("salesperson", int),
        ]
    )
    def list(self, request, *args, **kwargs):
        """R-17.1: the targets the user sees (leadership all, a manager the branch's, a
        salesperson their own)."""
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request=s.SalesTargetWriteSerializer,
        responses={
            201: s.SalesTargetSerializer,
            403: FORBIDDEN,
            409: conflict_response("over_parent", "parent_missing"),
        },
    )
    def create(self, request):
        """R-17.1: set one target. The director: the department's, a region's, a branch's
        year or month; the branch's manager: a salesperson's month. A split whose children
        would exceed their parent (or a parent lowered below them) is 409 `over_parent`."""
        body = s.SalesTargetWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        target = services.target_set(actor=request.user, now=timezone.now(), **body.validated_data)
        return Response(s.SalesTargetSerializer(target).data, status=201)


class TargetExplanationViewSet(_Readers, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = s.TargetExplanationSerializer
    queryset = s.TargetExplanation.objects.none()

    def get_queryset(self):
        qs = selectors.explanations_visible_to(self.request.user)
        for name in ("year", "month", "office"):
            value = _int_param(self.request, name)
            if value is not None:
                qs = qs.filter(**{name: value})
        return qs.order_by("year", "month", "office_id", "salesperson_id", "pk")

    @extend_schema(
        parameters=[
            OpenApiParameter("year", int),
            OpenApiParameter("month", int),
            OpenApiParameter("office", int),
        ]
    )
    def list(self, request, *args, **kwargs):
        """R-17.2: the explanations of variances the user sees."""
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request=s.TargetExplanationWriteSerializer,
        responses={201: s.TargetExplanationSerializer, 403: FORBIDDEN},
    )
    def create(self, request):
        """R-17.2: the branch's manager (or the director) explains a month's variance of the
        branch (no salesperson) or of a salesperson; writing again replaces the text."""
        body = s.TargetExplanationWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        row = services.explanation_write(
            actor=request.user, now=timezone.now(), **body.validated_data
        )
        return Response(s.TargetExplanationSerializer(row).data, status=201)
