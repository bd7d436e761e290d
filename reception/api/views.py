"""The front desk's endpoints (API.md, customers and reception; staff, offices, roster).

Views parse, check `may(...)`, call one service and render. Offices in a path are looked up
among the requester's offices (404 otherwise); offices in a body are "unknown" (400).
"""

import datetime
import functools
import operator
import re

from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from common import idempotency
from common.errors import DomainError
from staff.permissions import may, may_in_any_office, restrict_to_offices
from staff.selectors import offices_visible_to

from .. import selectors, services
from ..choices import Rule
from ..explain import names_of, skipped_ids
from ..models import Call, Referral, Visit
from .serializers import (
    CallCreateSerializer,
    CallSerializer,
    DutyStatusSerializer,
    DutyStatusSetSerializer,
    OfficeFilterSerializer,
    OnBehalfSerializer,
    ReferralCreateSerializer,
    ReferralSerializer,
    ResearchStatusSerializer,
    ResearchStepSerializer,
    RosterSerializer,
    RosterSetSerializer,
    VisitCreateSerializer,
    VisitFilterSerializer,
    VisitReassignSerializer,
    VisitSerializer,
)

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

OFFICE_PATH = OpenApiParameter("office_id", int, OpenApiParameter.PATH, description="Office id")
DATE_PATH = OpenApiParameter(
    "date", str, OpenApiParameter.PATH, description="Office-local day, YYYY-MM-DD"
)


def _office_or_404(request, office_id):
    return get_object_or_404(offices_visible_to(request.user), pk=office_id)


def _parse_date(raw: str) -> datetime.date:
    try:
        if not _DATE.match(raw):
            raise ValueError(raw)
        return datetime.date.fromisoformat(raw)
    except ValueError as exc:
        raise ValidationError({"date": [_("Enter a date as YYYY-MM-DD.")]}) from exc


def _day(office, date: datetime.date) -> Q:
    """The visits of one office-local day (offices may sit in different time zones)."""
    start, end = selectors.day_bounds(office, date)
    return Q(office=office, at__gte=start, at__lt=end)


def _any(conditions: list[Q]) -> Q | None:
    return functools.reduce(operator.or_, conditions) if conditions else None


# ---------------------------------------------------------------- roster


def roster_data(board: selectors.Board) -> dict:
    return {
        "office": board.office.pk,
        "date": board.day,
        "pointer": board.roster.pointer,
        "entries": [
            {
                "salesperson": seat.salesperson.pk,
                "salesperson_name": str(seat.salesperson),
                "position": seat.position,
                "owed_turns": seat.owed_turns,
                "status": seat.status,
            }
            for seat in board.seats
        ],
    }


class RosterView(APIView):
    """An office's rotation order for one office-local day, its pointer and each person's
    status and owed turns (R-2.2, R-2.3). Members read it; the manager sets it."""

    @extend_schema(
        parameters=[OFFICE_PATH, DATE_PATH],
        responses={
            200: RosterSerializer,
            400: OpenApiResponse(description="The date is not YYYY-MM-DD."),
            404: OpenApiResponse(description="No roster that day."),
        },
    )
    def get(self, request, office_id: int, date: str):
        office = _office_or_404(request, office_id)
        if not may(request.user, "reception.view_roster", office):
            raise PermissionDenied
        board = selectors.board_of_day(office=office, day=_parse_date(date))
        if board.roster is None:
            raise NotFound(_("There is no roster for this day."))
        return Response(RosterSerializer(roster_data(board)).data)

    @extend_schema(
        parameters=[OFFICE_PATH, DATE_PATH],
        request=RosterSetSerializer,
        responses={200: RosterSerializer},
    )
    def put(self, request, office_id: int, date: str):
        office = _office_or_404(request, office_id)
        if not may(request.user, "reception.set_roster", office):
            raise PermissionDenied(_("Only the office's manager sets the roster."))
        day = _parse_date(date)
        serializer = RosterSetSerializer(
            data=request.data, context={"request": request, "office": office}
        )
        serializer.is_valid(raise_exception=True)
        services.roster_set(
            office=office,
            date=day,
            salespeople=serializer.validated_data["salespeople"],
            actor=request.user,
        )
        board = selectors.board_of_day(office=office, day=day)
        return Response(RosterSerializer(roster_data(board)).data)


class DutyStatusView(APIView):
    """R-2.2: the person, the secretary or the manager sets a status; only someone on
    today's roster has one."""

    @extend_schema(
        parameters=[OFFICE_PATH],
        request=DutyStatusSetSerializer,
        responses={200: DutyStatusSerializer},
    )
    def post(self, request, office_id: int):
        office = _office_or_404(request, office_id)
        serializer = DutyStatusSetSerializer(
            data=request.data, context={"request": request, "office": office}
        )
        serializer.is_valid(raise_exception=True)
        salesperson = serializer.validated_data["salesperson"]
        if not may(request.user, "reception.set_duty_status", (office, salesperson)):
            raise PermissionDenied(_("You cannot set this person's status."))
        state = services.duty_status_set(
            office=office,
            salesperson=salesperson,
            status=serializer.validated_data["status"],
            now=timezone.now(),
        )
        return Response(DutyStatusSerializer(state).data)


# ---------------------------------------------------------------- visits


def _sees_all_visits(user, office) -> bool:
    """The desk and whoever assigns visits see every visit of the office; others their own."""
    return may(user, "reception.view_visits", office)


class VisitViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Walk-ins and the system's assignment, with its explanation (R-2.1, R-2.4)."""

    serializer_class = VisitSerializer
    lookup_value_regex = r"\d+"

    def _base(self):
        return restrict_to_offices(
            Visit.objects.select_related(
                "office",
                "customer",
                "source_channel",
                "assigned_to",
                "named_salesperson",
                "referrer",
                "claim",
            ),
            self.request.user,
        ).order_by("-at", "-pk")

    def get_queryset(self):
        """What the requester may read: all visits of offices where they work the desk or
        assign visits, elsewhere only the visits assigned to them."""
        user = self.request.user
        scopes = [
            Q(office=o) if _sees_all_visits(user, o) else Q(office=o, assigned_to=user)
            for o in offices_visible_to(user)
        ]
        condition = _any(scopes)
        return self._base().filter(condition) if condition else self._base().none()

    def _render(self, visits, *, many: bool):
        names = names_of(skipped_ids(visits if many else [visits]))
        context = {**self.get_serializer_context(), "names": names}
        return VisitSerializer(visits, many=many, context=context).data

    def _render_one(self, visit: Visit):
        return self._render(self._base().get(pk=visit.pk), many=False)

    def _office_visit(self, pk) -> Visit:
        """A visit of the requester's offices, for the actions (their role is checked next)."""
        return get_object_or_404(self._base(), pk=pk)

    def _list(self, request, conditions: list[Q]):
        condition = _any(conditions)
        qs = self._base().filter(condition) if condition else self._base().none()
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(self._render(page, many=True))

    @extend_schema(parameters=[VisitFilterSerializer])
    def list(self, request, *args, **kwargs):
        """The visits of one office-local day (today by default)."""
        params = VisitFilterSerializer(data=request.query_params, context={"request": request})
        params.is_valid(raise_exception=True)
        office, date = params.validated_data.get("office"), params.validated_data.get("date")
        now = timezone.now()
        user = request.user
        conditions = []
        for o in [office] if office else offices_visible_to(user):
            day = _day(o, date or services.local_date(o, now))
            conditions.append(day if _sees_all_visits(user, o) else day & Q(assigned_to=user))
        return self._list(request, conditions)

    def retrieve(self, request, *args, **kwargs):
        """One visit, its skipped salespeople named as in the lists (R-2.4)."""
        return Response(self._render(self.get_object(), many=False))

    @extend_schema(
        request=VisitCreateSerializer,
        parameters=[idempotency.PARAMETER],
        responses={
            201: VisitSerializer,
            409: OpenApiResponse(description="`duplicate`: the same customer a moment ago."),
            422: idempotency.REUSED,
        },
    )
    @idempotency.idempotent
    def create(self, request, *args, **kwargs):
        """R-2.1: register a walk-in; the system decides who receives them and says why."""
        if not may_in_any_office(request.user, "reception.register_visit"):
            raise PermissionDenied(_("Only the front desk registers visits."))
        key = request.headers.get(idempotency.HEADER, "").strip()  # also kept on the visit
        serializer = VisitCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if not may(request.user, "reception.register_visit", data["office"]):
            raise PermissionDenied(_("Only the front desk of this office registers visits."))
        visit, created = services.visit_register(
            actor=request.user, now=timezone.now(), idempotency_key=key, **data
        )
        if not created:  # a replay: the first visit as it is now
            return Response(self._render_one(visit), status=status.HTTP_200_OK)
        # the new visit carries every object the response names (office, customer, channel,
        # people, claim): rendered as it is, not read back (issue 22)
        return Response(self._render(visit, many=False), status=status.HTTP_201_CREATED)

    @extend_schema(
        request=VisitReassignSerializer,
        responses={
            200: VisitSerializer,
            409: OpenApiResponse(description="`unchanged`: already assigned to them."),
        },
    )
    @action(detail=True, methods=["post"])
    def reassign(self, request, pk=None):
        """R-2.4: only a manager overrides an assignment, with a written reason."""
        visit = self._office_visit(pk)
        if not may(request.user, "reception.assign_visit", visit.office):
            raise PermissionDenied(_("Only a manager reassigns a visit."))
        serializer = VisitReassignSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        visit = services.visit_reassign(
            visit=visit, actor=request.user, now=timezone.now(), **serializer.validated_data
        )
        return Response(self._render_one(visit))

    @extend_schema(
        request=OnBehalfSerializer,
        responses={200: VisitSerializer, 409: OpenApiResponse(description="`unassigned`")},
    )
    @action(detail=True, methods=["post"], url_path="on-behalf")
    def on_behalf(self, request, pk=None):
        """R-5.4: record who received the customer for the absent owner; credit stays."""
        visit = self._office_visit(pk)
        if not may(request.user, "reception.receive_on_behalf", visit.office):
            raise PermissionDenied(_("Only the front desk or a manager records this."))
        serializer = OnBehalfSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        visit = services.visit_receive_on_behalf(
            visit=visit, actor=request.user, now=timezone.now(), **serializer.validated_data
        )
        return Response(self._render_one(visit))

    @extend_schema(
        request=ResearchStepSerializer,
        responses={
            200: ResearchStatusSerializer,
            403: OpenApiResponse(description="This role cannot take this step."),
            409: OpenApiResponse(description="`invalid_transition`"),
        },
    )
    @action(detail=True, methods=["post"], url_path="market-research")
    def market_research(self, request, pk=None):
        """R-2.6: the receiving salesperson flags, the secretary confirms, the director
        approves (the salesperson is owed one turn) or rejects."""
        visit = self._office_visit(pk)
        if not may(request.user, "reception.research_step", visit.office):
            raise PermissionDenied
        serializer = ResearchStepSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            visit = services.visit_research_step(
                visit=visit,
                step=serializer.validated_data["step"],
                actor=request.user,
                now=timezone.now(),
            )
        except DomainError as exc:
            if exc.code == "forbidden_step":
                raise PermissionDenied(exc.detail) from exc
            raise
        return Response(ResearchStatusSerializer(visit).data)

    @extend_schema(parameters=[OfficeFilterSerializer], responses=VisitSerializer(many=True))
    @action(detail=False, methods=["get"])
    def unassigned(self, request):
        """R-2.3, R-2.5: today's visits waiting for the manager, for the desk and managers."""
        params = OfficeFilterSerializer(data=request.query_params, context={"request": request})
        params.is_valid(raise_exception=True)
        office = params.validated_data.get("office")
        offices = [office] if office else offices_visible_to(request.user)
        allowed = [o for o in offices if may(request.user, "reception.view_unassigned", o)]
        if not allowed or (office and office not in allowed):
            raise PermissionDenied
        now = timezone.now()
        conditions = [
            _day(o, services.local_date(o, now)) & Q(rule=Rule.UNASSIGNED) for o in allowed
        ]
        return self._list(request, conditions)


# ---------------------------------------------------------------- calls and referrals


class CallViewSet(mixins.CreateModelMixin, viewsets.GenericViewSet):
    """R-2.7: the hotline, registered by the secretary."""

    serializer_class = CallSerializer

    def get_queryset(self):
        return restrict_to_offices(Call.objects.all(), self.request.user)

    @extend_schema(request=CallCreateSerializer, responses={201: CallSerializer})
    def create(self, request, *args, **kwargs):
        if not may_in_any_office(request.user, "reception.log_call"):
            raise PermissionDenied(_("Only the front desk registers calls."))
        serializer = CallCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if not may(request.user, "reception.log_call", data["office"]):
            raise PermissionDenied(_("Only the front desk of this office registers calls."))
        call = services.call_register(actor=request.user, now=timezone.now(), **data)
        return Response(CallSerializer(call).data, status=status.HTTP_201_CREATED)


class ReferralViewSet(mixins.CreateModelMixin, viewsets.GenericViewSet):
    """R-4.3: a customer pre-registers someone they will bring, at the desk."""

    serializer_class = ReferralSerializer

    def get_queryset(self):
        return restrict_to_offices(Referral.objects.all(), self.request.user)

    @extend_schema(request=ReferralCreateSerializer, responses={201: ReferralSerializer})
    def create(self, request, *args, **kwargs):
        if not may_in_any_office(request.user, "reception.register_referral"):
            raise PermissionDenied(_("Only the front desk registers referrals."))
        serializer = ReferralCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if not may(request.user, "reception.register_referral", data["office"]):
            raise PermissionDenied(_("Only the front desk of this office registers referrals."))
        referral = services.referral_register(actor=request.user, now=timezone.now(), **data)
        return Response(ReferralSerializer(referral).data, status=status.HTTP_201_CREATED)
