"""After-sales requests, complaints and technicians' ratings in the API (R-16.1, R-16.2).
Thin: parse, call a service, answer. A request or complaint the user may not see is 404;
one they see but whose step is not theirs is 403; a wrong state 409 (DomainError)."""

from django.contrib.auth import get_user_model
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from common.errors import conflict_response
from contracts.selectors import contracts_visible_to
from staff.permissions import may_in_any_office, office_ids_of

from .. import selectors
from ..choices import ComplaintState, RequestState
from ..models import ServiceRequestEvent
from ..services import complaints, extras, requests
from . import serializers as s

NOT_FOUND = OpenApiResponse(description=str(_("Not found, or not yours to see.")))
WRONG_STATE = conflict_response("wrong_state")


def refuse_unless(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _choice_param(request, name: str, choices):
    value = request.query_params.get(name)
    if value in (None, ""):
        return None
    if value not in choices.values:
        raise ValidationError({name: [_("Not one of the choices.")]})
    return value


def _people(user):
    return get_user_model().objects.filter(is_active=True, offices__in=office_ids_of(user))


def _answer(made) -> Response:
    return Response(s.ServiceRequestDetailSerializer(made).data)


class ServiceRequestViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """`/api/v1/after-sales/`: the requests the user sees (aftersales.selectors)."""

    lookup_value_regex = r"\d+"
    queryset = selectors.ServiceRequest.objects.none()

    def get_serializer_class(self):
        return (
            s.ServiceRequestSerializer
            if self.action == "list"
            else s.ServiceRequestDetailSerializer
        )

    def get_queryset(self):
        qs = selectors.requests_visible_to(self.request.user).select_related("account", "office")
        if self.action == "list":
            if (state := _choice_param(self.request, "state", RequestState)) is not None:
                qs = qs.filter(state=state)
            if self.request.query_params.get("escalated") == "1":
                qs = qs.filter(escalated_at__isnull=False)
            return qs.order_by("-received_at", "-pk")
        return qs.prefetch_related(
            "photos",
            Prefetch("events", ServiceRequestEvent.objects.select_related("actor")),
        )

    def _object(self):
        return self.get_object()

    @extend_schema(
        parameters=[
            OpenApiParameter("state", str),
            OpenApiParameter("escalated", str, description="1: escalated only"),
        ]
    )
    def list(self, request, *args, **kwargs):
        refuse_unless(may_in_any_office(request.user, "aftersales.view"))
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request=s.ServiceRequestCreateSerializer, responses={201: s.ServiceRequestDetailSerializer}
    )
    def create(self, request):
        """R-16.1: a customer's call; another office's (or another salesperson's) account is
        400 `does_not_exist` on `account`."""
        refuse_unless(may_in_any_office(request.user, "aftersales.report"))
        body = s.ServiceRequestCreateSerializer(
            data=request.data,
            querysets={
                "account": selectors.accounts_to_report(request.user),
                "contract": contracts_visible_to(request.user),
            },
        )
        body.is_valid(raise_exception=True)
        made = requests.request_create(
            actor=request.user, now=timezone.now(), **body.validated_data
        )
        return Response(s.ServiceRequestDetailSerializer(made).data, status=201)

    @extend_schema(
        request=s.ServiceConfirmSerializer,
        responses={200: s.ServiceRequestDetailSerializer, 404: NOT_FOUND, 409: WRONG_STATE},
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        """R-16.1: the manager confirms (`approve: true`) or rejects with a reason."""
        made = self._object()
        body = s.ServiceConfirmSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        return _answer(
            requests.request_confirm(
                request=made,
                actor=request.user,
                approve=data["approve"],
                reason=data.get("reason", ""),
                now=timezone.now(),
            )
        )

    @extend_schema(
        request=s.ServiceFileSerializer,
        responses={200: s.ServiceRequestDetailSerializer, 404: NOT_FOUND, 409: WRONG_STATE},
    )
    @action(detail=True, methods=["post"], url_path="file")
    def file_(self, request, pk=None):
        """R-16.1: the clerk files it to the technical department (a technician optional)."""
        made = self._object()
        body = s.ServiceFileSerializer(
            data=request.data,
            querysets={"technician": selectors.technicians_of(made.office)},
        )
        body.is_valid(raise_exception=True)
        return _answer(
            requests.request_file(
                request=made,
                actor=request.user,
                technician=body.validated_data.get("technician"),
                now=timezone.now(),
            )
        )

    @extend_schema(
        request=None,
        responses={
            200: s.ServiceRequestDetailSerializer,
            404: NOT_FOUND,
            409: conflict_response("wrong_state", "already_taken"),
        },
    )
    @action(detail=True, methods=["post"])
    def take(self, request, pk=None):
        """A technician of the office takes an unassigned request."""
        made = self._object()
        return _answer(requests.request_take(request=made, actor=request.user, now=timezone.now()))

    @extend_schema(
        request=s.ServiceContactSerializer,
        responses={200: s.ServiceRequestDetailSerializer, 404: NOT_FOUND, 409: WRONG_STATE},
    )
    @action(detail=True, methods=["post"])
    def contact(self, request, pk=None):
        """R-16.1: the technician's first contact with the customer."""
        made = self._object()
        body = s.ServiceContactSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return _answer(
            requests.request_contact(
                request=made, actor=request.user, now=timezone.now(), **body.validated_data
            )
        )

    @extend_schema(
        request=s.ServiceResultSerializer,
        responses={200: s.ServiceRequestDetailSerializer, 404: NOT_FOUND, 409: WRONG_STATE},
    )
    @action(detail=True, methods=["post"])
    def result(self, request, pk=None):
        """R-16.1: status and result; `resolved: true` without a result is 400."""
        made = self._object()
        body = s.ServiceResultSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return _answer(
            requests.request_result(
                request=made, actor=request.user, now=timezone.now(), **body.validated_data
            )
        )

    @extend_schema(
        request=None,
        responses={200: s.ServiceRequestDetailSerializer, 404: NOT_FOUND, 409: WRONG_STATE},
    )
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """R-16.1: the clerk has told the salesperson: closed."""
        made = self._object()
        return _answer(requests.request_close(request=made, actor=request.user, now=timezone.now()))

    @extend_schema(
        request=s.ServiceEscalateSerializer,
        responses={
            200: s.ServiceRequestDetailSerializer,
            404: NOT_FOUND,
            409: conflict_response("wrong_state", "already_escalated"),
        },
    )
    @action(detail=True, methods=["post"])
    def escalate(self, request, pk=None):
        """R-16.1: the manager escalates to leadership (a reason required)."""
        made = self._object()
        body = s.ServiceEscalateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return _answer(
            requests.request_escalate(
                request=made,
                actor=request.user,
                reason=body.validated_data["reason"],
                now=timezone.now(),
            )
        )

    @extend_schema(
        request=s.ServiceInstructionSerializer,
        responses={
            200: s.ServiceRequestDetailSerializer,
            404: NOT_FOUND,
            409: conflict_response("not_escalated"),
        },
    )
    @action(detail=True, methods=["post"])
    def instruct(self, request, pk=None):
        """Leadership's instruction on an escalated request."""
        made = self._object()
        body = s.ServiceInstructionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return _answer(
            extras.request_instruct(
                request=made,
                actor=request.user,
                note=body.validated_data["note"],
                now=timezone.now(),
            )
        )

    @extend_schema(
        request={"multipart/form-data": s.ServicePhotoUploadSerializer},
        responses={
            201: s.ServicePhotoSerializer,
            404: NOT_FOUND,
            409: conflict_response("wrong_state", "too_many_photos"),
        },
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def photos(self, request, pk=None):
        """A photo of the problem: an image of at most 20 MB (its bytes say what it is)."""
        made = self._object()
        refuse_unless(extras.may_add_photo(request.user, made))
        photo = extras.photo_add(
            request=made, actor=request.user, upload=request.FILES.get("photo"), now=timezone.now()
        )
        return Response(s.ServicePhotoSerializer(photo).data, status=201)


class ComplaintViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """`/api/v1/complaints/` (R-16.2)."""

    lookup_value_regex = r"\d+"
    serializer_class = s.ComplaintSerializer
    queryset = selectors.Complaint.objects.none()

    def get_queryset(self):
        qs = selectors.complaints_visible_to(self.request.user).prefetch_related("staff")
        state = _choice_param(self.request, "state", ComplaintState)
        if self.action == "list" and state is not None:
            qs = qs.filter(state=state)
        return qs.order_by("-received_at", "-pk")

    @extend_schema(parameters=[OpenApiParameter("state", str)])
    def list(self, request, *args, **kwargs):
        refuse_unless(
            may_in_any_office(request.user, "aftersales.view_complaints")
            or selectors.complaints_visible_to(request.user).exists()
        )
        return super().list(request, *args, **kwargs)

    @extend_schema(request=s.ComplaintCreateSerializer, responses={201: s.ComplaintSerializer})
    def create(self, request):
        """R-16.2: a complaint or suggestion; a major one goes to leadership at once."""
        refuse_unless(may_in_any_office(request.user, "aftersales.record_complaint"))
        body = s.ComplaintCreateSerializer(
            data=request.data,
            querysets={
                "account": selectors.accounts_to_report(request.user),
                "staff": _people(request.user).distinct(),
            },
        )
        body.is_valid(raise_exception=True)
        made = complaints.complaint_create(
            actor=request.user, now=timezone.now(), **body.validated_data
        )
        return Response(s.ComplaintSerializer(made).data, status=201)

    @extend_schema(
        request=s.ComplaintAssignSerializer,
        responses={200: s.ComplaintSerializer, 404: NOT_FOUND, 409: WRONG_STATE},
    )
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        """R-16.2: the manager names the handler (themself or someone of the branch)."""
        made = self.get_object()
        body = s.ComplaintAssignSerializer(
            data=request.data, querysets={"handler": selectors.office_people(made.office)}
        )
        body.is_valid(raise_exception=True)
        made = complaints.complaint_assign(
            complaint=made,
            actor=request.user,
            handler=body.validated_data["handler"],
            now=timezone.now(),
        )
        return Response(s.ComplaintSerializer(made).data)

    @extend_schema(
        request=s.ComplaintReplySerializer,
        responses={200: s.ComplaintSerializer, 404: NOT_FOUND, 409: WRONG_STATE},
    )
    @action(detail=True, methods=["post"])
    def reply(self, request, pk=None):
        """R-16.2: the handler records the reply to the customer: closed."""
        made = self.get_object()
        body = s.ComplaintReplySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        made = complaints.complaint_reply(
            complaint=made, actor=request.user, now=timezone.now(), **body.validated_data
        )
        return Response(s.ComplaintSerializer(made).data)


class RatingViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """`/api/v1/technician-ratings/` (R-16.2): a technician their own; the manager the
    branch's; leadership all."""

    serializer_class = s.TechnicianRatingSerializer
    queryset = selectors.TechnicianRating.objects.none()

    def get_queryset(self):
        return selectors.ratings_visible_to(self.request.user).order_by("-recorded_at", "-pk")

    def list(self, request, *args, **kwargs):
        refuse_unless(may_in_any_office(request.user, "aftersales.ratings"))
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request=s.TechnicianRatingCreateSerializer,
        responses={
            201: s.TechnicianRatingSerializer,
            409: conflict_response("wrong_state", "already_rated", "no_technician"),
        },
    )
    def create(self, request):
        """R-16.2: the clerk or the manager records the customer's rating of the technician."""
        refuse_unless(may_in_any_office(request.user, "aftersales.rate"))
        body = s.TechnicianRatingCreateSerializer(
            data=request.data,
            querysets={"request": selectors.requests_visible_to(request.user)},
        )
        body.is_valid(raise_exception=True)
        data = body.validated_data
        made = extras.rating_record(
            request=data["request"],
            actor=request.user,
            score=data["score"],
            comment=data.get("comment", ""),
            now=timezone.now(),
        )
        return Response(s.TechnicianRatingSerializer(made).data, status=201)
