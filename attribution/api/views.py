"""Ownership endpoints (API.md): follow-ups, claims and disputes. The customer sub-resources
(timeline, household) live with the customers in leads.api.views.

Views parse, ask staff.permissions (`attribution.*` actions), call one service and render.
Objects are looked up among the requester's offices (404 otherwise); a customer in a body that
the requester cannot see is "unknown" (400). A role check that comes before the body is read
(`may_in_any_office`) gives a wrong role 403 whatever it sent.
"""

from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from leads.models import Customer
from staff.permissions import may, may_in_any_office, restrict_to_offices

from ..filters import ClaimFilter, DisputeFilter
from ..models import Claim, Dispute, FollowUp
from ..selectors import claims_visible_to, disputes_visible_to
from ..services import NotYourCustomer, dispute_open, dispute_rule, followup_log, followup_void
from ..timeline import household_timeline
from .serializers import (
    ClaimSerializer,
    DisputeCreateSerializer,
    DisputeRuleSerializer,
    DisputeSerializer,
    FollowUpCreateSerializer,
    FollowUpSerializer,
    VoidSerializer,
)

# ---------------------------------------------------------------- follow-ups


class FollowUpViewSet(mixins.CreateModelMixin, viewsets.GenericViewSet):
    """A claim's owner logs a qualifying contact; a manager voids one with a reason."""

    serializer_class = FollowUpSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return restrict_to_offices(
            FollowUp.objects.select_related("claim__office", "customer"),
            self.request.user,
            field="claim__office",
        )

    @extend_schema(
        request=FollowUpCreateSerializer,
        responses={
            201: FollowUpSerializer,
            400: OpenApiResponse(
                description="Bad input: empty note, unknown kind, a time in the future, "
                "a customer the requester cannot see."
            ),
            403: OpenApiResponse(description="`not_owner`: not the claim's owner."),
            409: OpenApiResponse(description="`claim_released`: the claim is no longer active."),
        },
    )
    def create(self, request, *args, **kwargs):
        """R-3.2: the follow-up extends protection to the end of local day D+7; refused with
        409 `claim_released` once the protection has ended (R-3.3), even before the job ran."""
        if not may_in_any_office(request.user, "attribution.log_followup"):
            raise NotYourCustomer()
        serializer = FollowUpCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if not may(request.user, "attribution.log_followup", data["customer"].office):
            raise NotYourCustomer()
        now = timezone.now()
        followup = followup_log(
            customer=data["customer"],
            author=request.user,
            kind=data["kind"],
            note=data["note"],
            at=data["at"],
            next_step=data["next_step"],
            now=now,
        )
        body = FollowUpSerializer(followup, context={"now": now}).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=VoidSerializer,
        responses={
            200: FollowUpSerializer,
            403: OpenApiResponse(description="Only a manager of the office voids."),
            409: OpenApiResponse(description="`already_void`"),
        },
    )
    @action(detail=True, methods=["post"])
    def void(self, request, pk=None):
        """R-3.8: the follow-up no longer counts; protection is recomputed from the contacts
        that remain and, if it ended, the claim is released now."""
        followup = get_object_or_404(self.get_queryset(), pk=pk)
        if not may(request.user, "attribution.void_followup", followup.claim.office):
            raise PermissionDenied(_("Only a manager voids a follow-up."))
        serializer = VoidSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        now = timezone.now()
        claim = followup_void(
            followup=followup,
            actor=request.user,
            reason=serializer.validated_data["reason"],
            now=now,
        )
        followup.refresh_from_db()
        followup.claim = claim
        return Response(FollowUpSerializer(followup, context={"now": now}).data)


# ---------------------------------------------------------------- claims


class _AsOfNowFilterBackend(DjangoFilterBackend):
    """Hands the view's moment to the FilterSet: a status is evaluated as of now (R-3.3)."""

    def get_filterset_kwargs(self, request, queryset, view):
        return {**super().get_filterset_kwargs(request, queryset, view), "now": view.now}


def _earliest_customer(field: str, **where) -> Subquery:
    return Subquery(
        Customer.objects.filter(**where).order_by("registered_at", "pk").values(field)[:1]
    )


def _with_customer(qs):
    """Each claim's customer: the earliest of its household (a merged household's members
    moved on, R-4.1, so look one level further). Subqueries keep the list at a flat count;
    both refer to the claim's own column, so that the list's COUNT joins nothing (issue 8:
    a join to the households doubled the count of an office's active claims)."""

    def first(field):
        return Coalesce(
            _earliest_customer(field, household=OuterRef("household")),
            _earliest_customer(field, household__merged_from=OuterRef("household")),
        )

    return qs.annotate(customer_id=first("pk"), customer_name=first("name"))


class ClaimViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Claims: a salesperson sees their own, a manager the office's, the director all.
    The status is the one evaluated on read (R-3.3)."""

    queryset = Claim.objects.none()  # the model, for the schema; see get_queryset
    serializer_class = ClaimSerializer
    filterset_class = ClaimFilter
    filter_backends = [_AsOfNowFilterBackend]
    now = None

    def get_queryset(self):
        return _with_customer(claims_visible_to(self.request.user)).order_by(
            "protected_until", "pk"
        )

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "now": self.now or timezone.now()}

    def list(self, request, *args, **kwargs):
        if not may_in_any_office(request.user, "attribution.view_claims"):
            raise PermissionDenied
        self.now = timezone.now()
        return super().list(request, *args, **kwargs)


# ---------------------------------------------------------------- disputes


class DisputeViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """R-5.6: a salesperson with a recorded link opens a dispute; the manager sees the full
    evidence timeline and rules, finally, with a written reason."""

    queryset = Dispute.objects.none()  # the model, for the schema; see get_queryset
    serializer_class = DisputeSerializer
    filterset_class = DisputeFilter
    filter_backends = [DjangoFilterBackend]
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return disputes_visible_to(self.request.user)

    def _render(self, dispute: Dispute):
        """The dispute; with the evidence timeline for whoever rules on it."""
        timeline = None
        if may(self.request.user, "attribution.rule_dispute", dispute.office):
            timeline = household_timeline(dispute.customer.household)
        context = {**self.get_serializer_context(), "timeline": timeline}
        return DisputeSerializer(dispute, context=context).data

    def list(self, request, *args, **kwargs):
        if not may_in_any_office(request.user, "attribution.view_disputes"):
            raise PermissionDenied
        return super().list(request, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        """The dispute; a manager of the office also gets its evidence `timeline`
        (the customer timeline's entries, oldest first); for others it is null. A dispute the
        requester is not a party to is not there (404), as on the dispute page."""
        return Response(self._render(self.get_object()))

    @extend_schema(
        request=DisputeCreateSerializer,
        responses={
            201: DisputeSerializer,
            403: OpenApiResponse(description="`no_relation`, or not a salesperson."),
            409: OpenApiResponse(description="`duplicate`: already an open dispute of yours."),
        },
    )
    def create(self, request, *args, **kwargs):
        """A salesperson disputes a customer they have a recorded link with (R-5.1)."""
        if not may_in_any_office(request.user, "attribution.open_dispute"):
            raise PermissionDenied(_("Only a salesperson opens a dispute."))
        serializer = DisputeCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        customer = serializer.validated_data["customer"]
        if not may(request.user, "attribution.open_dispute", customer.office):
            raise PermissionDenied(_("Only a salesperson opens a dispute."))
        dispute = dispute_open(
            customer=customer,
            opener=request.user,
            reason=serializer.validated_data["reason"],
            now=timezone.now(),
        )
        body = DisputeSerializer(dispute, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=DisputeRuleSerializer,
        responses={
            200: DisputeSerializer,
            400: OpenApiResponse(
                description="No reason; `move` without `new_owner`, or one who is not a "
                "salesperson of the office."
            ),
            403: OpenApiResponse(description="Only a manager of the office rules."),
            409: OpenApiResponse(description="`already_ruled`"),
        },
    )
    @action(detail=True, methods=["post"])
    def rule(self, request, pk=None):
        """R-5.6: keep or move the household's claim; the ruling is final and on record.
        Whoever does not rule gets 403 whatever the id: it does not tell them whether the
        dispute exists."""
        if not may_in_any_office(request.user, "attribution.rule_dispute"):
            raise PermissionDenied(_("Only the office's manager rules on a dispute."))
        offices = restrict_to_offices(
            Dispute.objects.select_related("customer", "office"), request.user
        )
        dispute = get_object_or_404(offices, pk=pk)
        if not may(request.user, "attribution.rule_dispute", dispute.office):
            raise PermissionDenied(_("Only the office's manager rules on a dispute."))
        serializer = DisputeRuleSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        dispute = dispute_rule(
            dispute=dispute, actor=request.user, now=timezone.now(), **serializer.validated_data
        )
        return Response(self._render(dispute))
