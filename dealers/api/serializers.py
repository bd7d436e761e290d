"""Dealer disputes in the API (R-17.5)."""

from rest_framework import serializers

from accounts.models import Account
from attribution.api.serializers import PlainChoiceField

from ..choices import DisputeAction, DisputeStatus
from ..models import DealerDispute, DisputeEvent
from ..services import MAX_TEXT


class DisputeEventSerializer(serializers.ModelSerializer):
    action = PlainChoiceField(choices=DisputeAction.choices, read_only=True)

    class Meta:
        model = DisputeEvent
        fields = ["action", "from_status", "to_status", "actor", "at", "note"]
        read_only_fields = fields


class DealerDisputeSerializer(serializers.ModelSerializer):
    """`{id, office, dealer, dealer_name, other_dealer, description, status, recorded_by,
    recorded_at, help_note, escalation_reason, escalated_by, escalated_at, resolution,
    settled_by, settled_at, events}`; everything is set by the services (read-only)."""

    status = PlainChoiceField(choices=DisputeStatus.choices, read_only=True)
    dealer_name = serializers.CharField(source="dealer.name", read_only=True)
    events = DisputeEventSerializer(many=True, read_only=True)

    class Meta:
        model = DealerDispute
        fields = [
            "id",
            "office",
            "dealer",
            "dealer_name",
            "other_dealer",
            "description",
            "status",
            "recorded_by",
            "recorded_at",
            "help_note",
            "escalation_reason",
            "escalated_by",
            "escalated_at",
            "resolution",
            "settled_by",
            "settled_at",
            "events",
        ]
        read_only_fields = fields


class DealerDisputeCreateSerializer(serializers.Serializer):
    """The dealers are looked up among those the user sees (else 400)."""

    dealer = serializers.PrimaryKeyRelatedField(queryset=Account.objects.none())
    other_dealer = serializers.PrimaryKeyRelatedField(
        queryset=Account.objects.none(), required=False, allow_null=True
    )
    description = serializers.CharField(max_length=MAX_TEXT)

    def __init__(self, *args, dealers=None, **kwargs):
        super().__init__(*args, **kwargs)
        if dealers is not None:  # the schema's copy has none: it looks nothing up
            self.fields["dealer"].queryset = dealers
            self.fields["other_dealer"].queryset = dealers


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=MAX_TEXT)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=MAX_TEXT)


class ResolutionSerializer(serializers.Serializer):
    resolution = serializers.CharField(max_length=MAX_TEXT)
