"""The escalations in the API (R-7.3, R-16.1, R-16.2)."""

from rest_framework import serializers

from ..forms import TEXT_LIMIT
from ..models import Escalation


class EscalationSerializer(serializers.ModelSerializer):
    escalated_by = serializers.StringRelatedField()

    class Meta:
        model = Escalation
        fields = [
            "id",
            "office",
            "source",
            "title",
            "text",
            "url",
            "escalated_at",
            "escalated_by",
            "closed_at",
            "resolution",
        ]
        read_only_fields = fields


class CloseSerializer(serializers.Serializer):
    resolution = serializers.CharField(max_length=TEXT_LIMIT)
