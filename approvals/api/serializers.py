from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..choices import Decision


class InboxItemSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="approval.pk")
    document_type = serializers.CharField(source="approval.document_type")
    document_id = serializers.IntegerField(source="approval.document_id")
    office = serializers.IntegerField(source="approval.office_id")
    step = serializers.IntegerField(source="approval.step")
    role = serializers.CharField(source="approval.role")
    waiting_since = serializers.DateTimeField(source="approval.waiting_since")
    late = serializers.BooleanField()


class DecideSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=Decision.choices)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")

    def validate(self, attrs):
        if attrs["decision"] == Decision.REJECT and not attrs["comment"].strip():
            raise serializers.ValidationError({"comment": [_("Say why the document is rejected.")]})
        return attrs


class ApprovalRowSerializer(serializers.Serializer):
    """API.md: `approvals: [{step, role, state, decided_by, decided_at, comment}]`."""

    step = serializers.IntegerField()
    role = serializers.CharField()
    state = serializers.CharField()
    decided_by = serializers.IntegerField(source="decided_by_id", allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    comment = serializers.CharField()
