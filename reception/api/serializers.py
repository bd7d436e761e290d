"""The front desk in the API: roster and duty status (R-2.2), visits and their explanation
(R-2.1–R-2.6), calls (R-2.7) and referral pre-registrations (R-4.3)."""

from functools import cached_property

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from common.inputs import validate_date
from leads.api.serializers import (
    PhoneField,
    VisibleCustomerField,
    VisibleOfficeField,
    channel_field,
)
from staff.models import User

from .. import rules
from ..choices import CallKind, DutyStatus, ResearchStatus, ResearchStep, Rule, UnassignedReason
from ..explain import explain
from ..models import Call, Referral, Visit

MAX_ROSTER = 100

# ---------------------------------------------------------------- roster and duty status


class RosterEntrySerializer(serializers.Serializer):
    salesperson = serializers.IntegerField()
    salesperson_name = serializers.CharField()
    position = serializers.IntegerField(help_text=_("1-based place in the day's order."))
    owed_turns = serializers.IntegerField()
    status = serializers.ChoiceField(choices=DutyStatus.choices)


class RosterSerializer(serializers.Serializer):
    office = serializers.IntegerField()
    date = serializers.DateField()
    pointer = serializers.IntegerField(help_text=_("Position of whose turn is next."))
    entries = RosterEntrySerializer(many=True)


class RosterSetSerializer(serializers.Serializer):
    """R-2.2: the day's order; the context's `office` decides who may be on it."""

    salespeople = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        allow_empty=False,
        max_length=MAX_ROSTER,
        help_text=_("User ids in rotation order."),
    )

    def validate_salespeople(self, ids):
        office = self.context["office"]
        members = {u.pk: u for u in User.objects.filter(is_active=True, offices=office, pk__in=ids)}
        unknown = sorted({i for i in ids if i not in members})
        if unknown:
            raise serializers.ValidationError(
                _("Unknown member of this office: %(ids)s.")
                % {"ids": ", ".join(str(i) for i in unknown)}
            )
        return [members[i] for i in ids]  # duplicates kept: the service refuses them


class _OfficeMemberField(serializers.PrimaryKeyRelatedField):
    """An active member of the context's office (other users are unknown)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", User.objects.all())
        super().__init__(**kwargs)

    def get_queryset(self):
        return User.objects.filter(is_active=True, offices=self.context["office"])


class DutyStatusSetSerializer(serializers.Serializer):
    salesperson = _OfficeMemberField()
    status = serializers.ChoiceField(choices=DutyStatus.choices)


class DutyStatusSerializer(serializers.Serializer):
    salesperson = serializers.IntegerField(source="salesperson_id")
    status = serializers.ChoiceField(choices=DutyStatus.choices)
    owed_turns = serializers.IntegerField()


# ---------------------------------------------------------------- visits


class _ActiveUserField(serializers.PrimaryKeyRelatedField):
    """A user by id; whether they are a salesperson of the office the service decides."""

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", User.objects.filter(is_active=True))
        super().__init__(**kwargs)


class VisitCreateSerializer(serializers.Serializer):
    office = VisibleOfficeField()
    phone = PhoneField()
    name = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    party_size = serializers.IntegerField(min_value=1, max_value=rules.MAX_PARTY_SIZE, default=1)
    source_channel = channel_field()
    named_salesperson = _ActiveUserField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("The salesperson the customer says they dealt with."),
    )
    referrer = VisibleCustomerField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("The existing customer who brought them in person."),
    )
    one_household = serializers.BooleanField(default=True)


class OfficeFilterSerializer(serializers.Serializer):
    office = VisibleOfficeField(required=False)


class VisitFilterSerializer(OfficeFilterSerializer):
    date = serializers.DateField(
        required=False,
        input_formats=["%Y-%m-%d"],
        validators=[validate_date],
        help_text=_("Office-local day; defaults to today."),
    )


class VisitReassignSerializer(serializers.Serializer):
    salesperson = _ActiveUserField()
    reason = serializers.CharField(max_length=1000)


class OnBehalfSerializer(serializers.Serializer):
    receiver = _ActiveUserField(help_text=_("Who received the customer for the owner."))


class ResearchStepSerializer(serializers.Serializer):
    step = serializers.ChoiceField(choices=ResearchStep.choices)


class ResearchStatusSerializer(serializers.ModelSerializer):
    research_status = serializers.ChoiceField(choices=ResearchStatus.choices, read_only=True)

    class Meta:
        model = Visit
        fields = ["id", "research_status"]


class SkippedSerializer(serializers.Serializer):
    salesperson = serializers.IntegerField()
    salesperson_name = serializers.CharField()
    reason = serializers.CharField()


class VisitClaimSerializer(serializers.Serializer):
    owner = serializers.IntegerField(source="owner_id")
    protected_until = serializers.DateTimeField()


class VisitSerializer(serializers.ModelSerializer):
    """A visit and the system's assignment with its explanation (R-2.4).

    The context's `names` maps the skipped salespeople's ids to names (fetched in bulk).
    """

    customer_name = serializers.CharField(source="customer.name", read_only=True)
    source_channel = serializers.SlugRelatedField(slug_field="code", read_only=True)
    assigned_to_name = serializers.SerializerMethodField()
    rule = serializers.ChoiceField(choices=Rule.choices, read_only=True)
    unassigned_reason = serializers.ChoiceField(
        choices=[("", "")] + UnassignedReason.choices, read_only=True
    )
    explanation = serializers.SerializerMethodField()
    skipped = serializers.SerializerMethodField()
    claim = serializers.SerializerMethodField()
    research_status = serializers.ChoiceField(choices=ResearchStatus.choices, read_only=True)

    class Meta:
        model = Visit
        fields = [
            "id",
            "office",
            "at",
            "customer",
            "customer_name",
            "is_new_customer",
            "party_size",
            "one_household",
            "source_channel",
            "named_salesperson",
            "referrer",
            "assigned_to",
            "assigned_to_name",
            "received_on_behalf_by",
            "rule",
            "explanation",
            "skipped",
            "owed_turn_used",
            "unassigned_reason",
            "claim",
            "research_status",
        ]
        read_only_fields = fields

    def _names(self) -> dict[int, str]:
        return self.context.get("names", {})

    def get_assigned_to_name(self, visit) -> str | None:
        return str(visit.assigned_to) if visit.assigned_to_id else None

    def get_explanation(self, visit) -> str:
        return explain(visit, names=self._names())

    @extend_schema_field(SkippedSerializer(many=True))
    def get_skipped(self, visit):
        names = self._names()
        return [
            {
                "salesperson": row["salesperson"],
                "salesperson_name": names.get(row["salesperson"], ""),
                "reason": row["reason"],
            }
            for row in visit.skipped or []
        ]

    @cached_property
    def _claim_serializer(self) -> VisitClaimSerializer:
        """One for the whole list, not a new serializer per row (issue 8)."""
        return VisitClaimSerializer(context=self.context)

    @extend_schema_field(VisitClaimSerializer(allow_null=True))
    def get_claim(self, visit):
        return self._claim_serializer.to_representation(visit.claim) if visit.claim_id else None


# ---------------------------------------------------------------- calls and referrals


class CallCreateSerializer(serializers.Serializer):
    office = VisibleOfficeField()
    kind = serializers.ChoiceField(choices=CallKind.choices)
    phone = PhoneField(required=False, allow_blank=True, default="")
    name = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    caller = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    content = serializers.CharField(max_length=4000)
    source_channel = channel_field(required=False, allow_null=True, default=None)

    def validate(self, attrs):
        # a customer call is registered by the caller's phone.
        if attrs["kind"] == CallKind.CUSTOMER and not attrs["phone"]:
            raise serializers.ValidationError({"phone": [_("Enter the caller's phone number.")]})
        return attrs


class CallSerializer(serializers.ModelSerializer):
    put_through_to_name = serializers.SerializerMethodField()

    class Meta:
        model = Call
        fields = [
            "id",
            "office",
            "kind",
            "at",
            "customer",
            "is_new_customer",
            "caller",
            "content",
            "put_through_to",
            "put_through_to_name",
        ]
        read_only_fields = fields

    def get_put_through_to_name(self, call) -> str | None:
        return str(call.put_through_to) if call.put_through_to_id else None


class ReferralCreateSerializer(serializers.Serializer):
    office = VisibleOfficeField()
    referrer = VisibleCustomerField()
    phone = PhoneField()
    name = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")


class ReferralSerializer(serializers.ModelSerializer):
    class Meta:
        model = Referral
        fields = ["id", "office", "referrer", "phone", "name", "registered_at"]
        read_only_fields = fields
