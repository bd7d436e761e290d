"""Penalties in the API (R-16.5): `GET, POST /penalties/`, `POST /penalties/{id}/withdraw/`.

A person reads their own; a manager of the office (the director) reads the office's, records
penalties of 10.00 to 100.00 against its people (never themselves: 403) and withdraws them with
a reason. A penalty the user may not see is a 404."""

import re
from decimal import Decimal

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from common.inputs import MONTH_REGEX, validate_date
from deals.api.serializers import MoneyField
from staff.models import Office, User
from staff.permissions import may, may_in_any_office, office_ids_of

from .. import penalties
from ..models import PENALTY_MAX, PENALTY_MIN, Penalty
from ..selectors import penalties_visible_to

TEXT_LIMIT = penalties.TEXT_LIMIT
AMOUNT_MESSAGE = _("A penalty is 10.00 to 100.00 yuan.")


class PenaltySerializer(serializers.ModelSerializer):
    """`{id, office, person, date, amount, rule, reason, recorded_by, withdrawn}`."""

    amount = MoneyField(read_only=True)
    withdrawn = serializers.BooleanField(read_only=True)

    class Meta:
        model = Penalty
        fields = [
            "id",
            "office",
            "person",
            "date",
            "amount",
            "rule",
            "reason",
            "recorded_by",
            "recorded_at",
            "withdrawn",
            "withdrawn_at",
            "withdraw_reason",
        ]
        read_only_fields = fields


class WrittenOutMoneyField(MoneyField):
    """An amount as digits with at most 2 decimals ("50.00"): exponents ("1e1"), NaN and
    infinities are refused, not read as numbers (a DecimalField would read "1e1" as 10)."""

    def to_internal_value(self, data):
        if isinstance(data, str) and not re.fullmatch(r"\s*-?\d+(\.\d+)?\s*", data):
            raise serializers.ValidationError(
                _("Enter an amount in yuan with at most 2 decimals."), code="invalid"
            )
        return super().to_internal_value(data)


class PenaltyCreateSerializer(serializers.Serializer):
    office = serializers.IntegerField(
        required=False, min_value=1, help_text="the office; optional when the user manages one"
    )
    person = serializers.IntegerField(min_value=1)
    date = serializers.DateField(validators=[validate_date])
    amount = WrittenOutMoneyField(
        min_value=Decimal(PENALTY_MIN),
        max_value=Decimal(PENALTY_MAX),
        error_messages={"min_value": AMOUNT_MESSAGE, "max_value": AMOUNT_MESSAGE},
    )
    rule = serializers.CharField(max_length=penalties.RULE_LIMIT)
    reason = serializers.CharField(max_length=TEXT_LIMIT)


class PenaltyFilterSerializer(serializers.Serializer):
    person = serializers.IntegerField(required=False, min_value=1)
    month = serializers.RegexField(MONTH_REGEX, required=False, help_text="YYYY-MM")
    office = serializers.IntegerField(required=False, min_value=1)


class PenaltyWithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=TEXT_LIMIT)


def _office(user, raw: int | None) -> Office:
    """The office named (one of the user's, else 404), or the only one where they record."""
    if raw is not None:
        if raw not in office_ids_of(user):
            raise ValidationError({"office": [_("Not one of your offices.")]})
        return Office.objects.get(pk=raw)
    offices = [
        o
        for o in Office.objects.filter(pk__in=office_ids_of(user))
        if may(user, penalties.RECORD, o)
    ]
    if len(offices) != 1:
        raise ValidationError({"office": [_("Choose the office.")]})
    return offices[0]


class PenaltyViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """R-16.5: penalties for breaking the office's rules."""

    serializer_class = PenaltySerializer
    queryset = Penalty.objects.none()  # the model, for the schema; see get_queryset
    filter_backends: list = []
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        qs = penalties_visible_to(self.request.user)
        if self.action != "list":
            return qs
        filters = PenaltyFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        if "person" in data:
            qs = qs.filter(person_id=data["person"])
        if "office" in data:
            qs = qs.filter(office_id=data["office"])
        if "month" in data:
            year, month = (int(part) for part in data["month"].split("-"))
            qs = qs.filter(date__year=year, date__month=month)
        return qs

    @extend_schema(parameters=[PenaltyFilterSerializer])
    def list(self, request, *args, **kwargs):
        """A person's own penalties; a manager's, of the offices they manage. An account
        without a role in any office: 403."""
        user = request.user
        if not (
            may_in_any_office(user, penalties.OWN_PENALTIES)
            or may_in_any_office(user, penalties.RECORD)
        ):
            raise PermissionDenied
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request=PenaltyCreateSerializer,
        responses={
            201: PenaltySerializer,
            400: OpenApiResponse(description="Outside 10.00–100.00, a bad date, no rule."),
            403: OpenApiResponse(
                description="Not a manager of the office, against oneself, or a person of "
                "another office."
            ),
        },
    )
    def create(self, request):
        """R-16.5: a manager records a penalty of 10.00 to 100.00 against a person of the
        office, with the rule broken and the reason; the person is notified."""
        if not may_in_any_office(request.user, penalties.RECORD):
            raise PermissionDenied
        body = PenaltyCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        office = _office(request.user, data.get("office"))
        if not may(request.user, penalties.RECORD, office):
            raise PermissionDenied
        person = User.objects.filter(pk=data["person"]).first()
        if person is None:
            raise ValidationError({"person": [_("No such person.")]})
        made = penalties.penalty_record(
            office=office,
            person=person,
            date=data["date"],
            amount=data["amount"],
            rule=data["rule"],
            reason=data["reason"],
            actor=request.user,
            now=timezone.now(),
        )
        return Response(PenaltySerializer(made).data, status=201)

    @extend_schema(
        request=PenaltyWithdrawSerializer,
        responses={
            200: PenaltySerializer,
            400: OpenApiResponse(description="No reason given."),
            403: OpenApiResponse(description="Only another manager of the office."),
            409: OpenApiResponse(description="`already_withdrawn`"),
        },
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """R-16.5: a manager withdraws a penalty with a reason; the row stays."""
        penalty = get_object_or_404(self.get_queryset(), pk=pk)
        if not may(request.user, penalties.RECORD, penalty.office):
            raise PermissionDenied
        body = PenaltyWithdrawSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        made = penalties.penalty_withdraw(
            penalty=penalty,
            actor=request.user,
            reason=body.validated_data["reason"],
            now=timezone.now(),
        )
        return Response(PenaltySerializer(made).data)
