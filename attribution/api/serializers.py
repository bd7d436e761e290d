"""Ownership in the API: follow-ups (R-3.2, R-3.8), claims (R-3), households (R-4.1, R-4.2),
disputes (R-5.6) and the evidence timeline. Times are rendered in the project's time zone with
their offset, like every other endpoint."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from leads.api.serializers import VisibleCustomerField
from staff.models import User

from ..choices import ClaimStatus, Decision, DisputeStatus, FollowUpKind, Relation
from ..models import Claim, Dispute, FollowUp
from ..rules import last_protected_day, status_on_read

TEXT_MAX = 4000


@extend_schema_field(OpenApiTypes.STR)
class PlainChoiceField(serializers.ChoiceField):
    """A choice documented as a string whose values the help text lists: `status` and `kind`
    already name other choice sets in the schema (duty status, call kind), and two enums of
    one name would need an ENUM_NAME_OVERRIDES entry in the settings."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", ", ".join(str(value) for value, _label in kwargs["choices"]))
        super().__init__(**kwargs)


def claim_status_field(**kwargs):
    return PlainChoiceField(choices=ClaimStatus.choices, **kwargs)


# ---------------------------------------------------------------- claims


class ClaimStateSerializer(serializers.Serializer):
    """A claim as it stands now (R-3.3: past its protection end it is released)."""

    status = claim_status_field()
    protected_until = serializers.DateTimeField()
    protected_through = serializers.DateField(
        help_text=_("The last protected day in the office's time zone, inclusive.")
    )


def protected_through(claim: Claim):
    return last_protected_day(claim.protected_until, tz=claim.office.tzinfo)


def claim_state(claim: Claim, now) -> dict:
    return ClaimStateSerializer(
        {
            "status": status_on_read(claim, now),
            "protected_until": claim.protected_until,
            "protected_through": protected_through(claim),
        }
    ).data


class ClaimSerializer(serializers.ModelSerializer):
    """A row of GET /claims/. The queryset annotates `customer_id` (the household's earliest
    customer) and `customer_name`; the context's `now` evaluates the status (R-3.3)."""

    customer = serializers.IntegerField(source="customer_id", allow_null=True)
    customer_name = serializers.CharField(allow_null=True)
    owner_name = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField()
    protected_through = serializers.SerializerMethodField()

    class Meta:
        model = Claim
        fields = [
            "id",
            "office",
            "household",
            "customer",
            "customer_name",
            "owner",
            "owner_name",
            "status",
            "started_at",
            "last_contact_at",
            "protected_until",
            "protected_through",
            "ended_at",
        ]
        read_only_fields = fields

    def get_owner_name(self, claim) -> str:
        return str(claim.owner)

    @extend_schema_field(
        serializers.DateField(
            help_text=_("The last protected day in the office's time zone, inclusive.")
        )
    )
    def get_protected_through(self, claim):
        return protected_through(claim)

    @extend_schema_field(claim_status_field())
    def get_status(self, claim) -> str:
        return status_on_read(claim, self.context["now"])


# ---------------------------------------------------------------- follow-ups


class FollowUpCreateSerializer(serializers.Serializer):
    customer = VisibleCustomerField()
    kind = PlainChoiceField(choices=FollowUpKind.choices)
    note = serializers.CharField(
        max_length=TEXT_MAX, help_text=_("What was said: a follow-up needs a note.")
    )
    at = serializers.DateTimeField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("When the contact took place; now by default."),
    )
    next_step = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class FollowUpSerializer(serializers.ModelSerializer):
    """A follow-up and the claim it extended, as it stands now (context: `now`)."""

    kind = PlainChoiceField(choices=FollowUpKind.choices, read_only=True)
    claim = serializers.SerializerMethodField()

    class Meta:
        model = FollowUp
        fields = [
            "id",
            "customer",
            "author",
            "kind",
            "note",
            "at",
            "next_step",
            "voided_at",
            "void_reason",
            "claim",
        ]
        read_only_fields = fields

    @extend_schema_field(ClaimStateSerializer)
    def get_claim(self, followup) -> dict:
        return claim_state(followup.claim, self.context["now"])


class VoidSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=TEXT_MAX)


# ---------------------------------------------------------------- timeline and households


class TimelineEntrySerializer(serializers.Serializer):
    """One recorded event of a household (R-5.6), oldest first."""

    at = serializers.DateTimeField()
    kind = serializers.CharField()
    actor = serializers.CharField(allow_null=True)
    detail = serializers.DictField()


class HouseholdLinkCreateSerializer(serializers.Serializer):
    member = VisibleCustomerField(help_text=_("The family member to link."))
    relation = serializers.ChoiceField(choices=Relation.choices)


class HouseholdSerializer(serializers.Serializer):
    household = serializers.IntegerField()
    members = serializers.ListField(child=serializers.IntegerField())
    link = serializers.IntegerField(help_text=_("The household link recorded."))
    relation = serializers.ChoiceField(choices=Relation.choices)


# ---------------------------------------------------------------- disputes


class DisputeCreateSerializer(serializers.Serializer):
    customer = VisibleCustomerField()
    reason = serializers.CharField(max_length=TEXT_MAX)


class DisputeRuleSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=Decision.choices)
    reason = serializers.CharField(max_length=TEXT_MAX)
    new_owner = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        default=None,
        help_text=_("With `move`: the salesperson of the office who receives the claim."),
    )


class DisputeSerializer(serializers.ModelSerializer):
    """A dispute; the context's `timeline` (for the manager who rules) is the evidence."""

    customer_name = serializers.CharField(source="customer.name", read_only=True)
    status = PlainChoiceField(choices=DisputeStatus.choices, read_only=True)
    decision = serializers.ChoiceField(
        choices=[("", "")] + Decision.choices, read_only=True, allow_blank=True
    )
    timeline = serializers.SerializerMethodField()

    class Meta:
        model = Dispute
        fields = [
            "id",
            "office",
            "customer",
            "customer_name",
            "status",
            "reason",
            "opened_at",
            "opened_by",
            "claimant",
            "automatic",
            "decision",
            "ruling_reason",
            "new_owner",
            "ruled_by",
            "ruled_at",
            "timeline",
        ]
        read_only_fields = fields

    @extend_schema_field(TimelineEntrySerializer(many=True, allow_null=True))
    def get_timeline(self, dispute):
        timeline = self.context.get("timeline")
        return TimelineEntrySerializer(timeline, many=True).data if timeline is not None else None
