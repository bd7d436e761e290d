"""The work diary and fines (API.md, "Work diary"; R-7.1, R-7.2).

A salesperson reads and submits their own diary and reads their own fines; a manager reads
the diaries and fines of the offices they manage and waives fines (`reports.*` actions).
Fines are looked up among those the requester may see (404 otherwise).
"""

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from reception.selectors import office_today
from staff.permissions import may, may_in_any_office

from .. import services
from ..models import Fine, WorkDiary
from ..selectors import (
    diaries_for,
    diary_for,
    diary_offices,
    fines_visible_to,
    salespeople_of,
)
from .serializers import (
    DiaryFilterSerializer,
    DiarySerializer,
    DiarySubmitSerializer,
    FineFilterSerializer,
    FineSerializer,
    FineWaiveSerializer,
)

DIARY_READERS = ("reports.view_diaries", "reports.write_diary")


def _require_any(request, *actions: str) -> None:
    if not any(may_in_any_office(request.user, a) for a in actions):
        raise PermissionDenied


class DiaryViewSet(viewsets.GenericViewSet):
    serializer_class = DiarySerializer
    queryset = WorkDiary.objects.none()  # the model, for the schema; diaries are compiled
    pagination_class = None
    lookup_field = "date"
    lookup_value_regex = r"\d{4}-\d{2}-\d{2}"

    @extend_schema(
        parameters=[DiaryFilterSerializer],
        responses={
            200: DiarySerializer(many=True),
            403: OpenApiResponse(description="A salesperson or a manager."),
        },
    )
    def list(self, request):
        """R-7.1: the pre-filled diaries of the day: a salesperson's own, in each of their
        offices; for a manager, every salesperson's of the offices they manage."""
        _require_any(request, *DIARY_READERS)
        filters = DiaryFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        now, user, diaries = timezone.now(), request.user, []
        managed = {o.pk for o in diary_offices(user, "reports.view_diaries")}
        for office in diary_offices(user, *DIARY_READERS):
            if "office" in data and office.pk != data["office"]:
                continue
            date = data.get("date") or office_today(office, now)
            if office.pk in managed:
                diaries += diaries_for(office=office, date=date, salespeople=salespeople_of(office))
            else:
                diaries.append(diary_for(salesperson=user, office=office, date=date))
        return Response(DiarySerializer(diaries, many=True).data)

    @extend_schema(
        request=DiarySubmitSerializer,
        responses={
            200: DiarySerializer,
            400: OpenApiResponse(description="Bad input, a future day, or no office given."),
            403: OpenApiResponse(description="Only a salesperson of the office."),
        },
    )
    def update(self, request, date=None):
        """R-7.1: the salesperson submits the day's feedback and problems (today or earlier).
        Submitting again changes the text; the first submission time stays."""
        _require_any(request, "reports.write_diary")
        try:
            day = serializers.DateField().to_internal_value(date)
        except ValidationError as exc:
            raise ValidationError({"date": exc.detail}) from None
        serializer = DiarySubmitSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        office = data.get("office")
        if office is None:
            offices = diary_offices(request.user, "reports.write_diary")
            if len(offices) != 1:
                raise ValidationError({"office": [_("Choose the office.")]})
            office = offices[0]
        if not may(request.user, "reports.write_diary", office):
            raise PermissionDenied
        services.diary_submit(
            salesperson=request.user,
            office=office,
            date=day,
            feedback=data["feedback"],
            problems=data["problems"],
            now=timezone.now(),
        )
        diary = diary_for(salesperson=request.user, office=office, date=day)
        return Response(DiarySerializer(diary).data)


class FineViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """R-7.2: a salesperson's own fines; a manager's, of the offices they manage."""

    serializer_class = FineSerializer
    queryset = Fine.objects.none()  # the model, for the schema; see get_queryset
    filter_backends: list = []
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        qs = fines_visible_to(self.request.user)
        if self.action != "list":
            return qs
        filters = FineFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        if "salesperson" in data:
            qs = qs.filter(salesperson_id=data["salesperson"])
        if "office" in data:
            qs = qs.filter(office_id=data["office"])
        if "month" in data:
            year, month = (int(part) for part in data["month"].split("-"))
            qs = qs.filter(date__year=year, date__month=month)
        return qs

    @extend_schema(parameters=[FineFilterSerializer])
    def list(self, request, *args, **kwargs):
        _require_any(request, "reports.view_fines")
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request=FineWaiveSerializer,
        responses={
            200: FineSerializer,
            400: OpenApiResponse(description="No reason given."),
            403: OpenApiResponse(description="Only a manager of the office."),
            409: OpenApiResponse(description="`already_waived`"),
        },
    )
    @action(detail=True, methods=["post"])
    def waive(self, request, pk=None):
        """R-7.2: the manager waives a fine with a reason."""
        fine = get_object_or_404(self.get_queryset(), pk=pk)
        if not may(request.user, "reports.waive_fine", fine.office):
            raise PermissionDenied
        serializer = FineWaiveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fine = services.fine_waive(
            fine=fine,
            manager=request.user,
            reason=serializer.validated_data["reason"],
            now=timezone.now(),
        )
        return Response(FineSerializer(fine).data)
