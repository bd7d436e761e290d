"""After-sales requests, complaints and ratings in the API (R-16.1, R-16.2)."""

from django.contrib.auth import get_user_model
from rest_framework import serializers

from accounts.models import Account
from catalog.models import Product
from contracts.models import SalesContract

from ..choices import ComplaintKind, ContactMethod, ReplyMethod
from ..models import (
    Complaint,
    ServiceRequest,
    ServiceRequestEvent,
    ServiceRequestPhoto,
    TechnicianRating,
)

User = get_user_model()


class _Scoped(serializers.Serializer):
    """A body whose related fields are limited to what the user may see: a row the user may
    not see answers as one that does not exist (400 does_not_exist)."""

    def __init__(self, *args, querysets: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        for name, qs in (querysets or {}).items():
            field = self.fields[name]
            target = getattr(field, "child_relation", field)
            target.queryset = qs


class ServiceEventSerializer(serializers.ModelSerializer):
    actor = serializers.StringRelatedField()

    class Meta:
        model = ServiceRequestEvent
        fields = ["kind", "actor", "at", "note"]


class ServicePhotoSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = ServiceRequestPhoto
        fields = ["id", "content_type", "uploaded_by", "uploaded_at", "url"]

    def get_url(self, photo) -> str:
        from django.urls import reverse

        return reverse("aftersales:photo", args=[photo.request_id, photo.pk])


class ServiceRequestSerializer(serializers.ModelSerializer):
    response_seconds = serializers.SerializerMethodField()
    resolution_seconds = serializers.SerializerMethodField()
    escalated = serializers.SerializerMethodField()
    # empty until the technician's first contact: "" is part of the read schema
    contact_method = serializers.ChoiceField(
        choices=ContactMethod.choices, allow_blank=True, read_only=True
    )

    class Meta:
        model = ServiceRequest
        fields = [
            "id",
            "number",
            "office",
            "account",
            "contract",
            "product",
            "problem",
            "state",
            "reported_by",
            "received_at",
            "confirmed_at",
            "rejected_reason",
            "filed_at",
            "technician",
            "contacted_at",
            "contact_method",
            "contact_note",
            "status_note",
            "result",
            "resolved_at",
            "closed_at",
            "escalated",
            "escalated_at",
            "escalation_reason",
            "response_seconds",
            "resolution_seconds",
        ]
        read_only_fields = fields

    def get_escalated(self, obj) -> bool:
        return obj.escalated_at is not None

    def get_response_seconds(self, obj) -> int | None:
        delta = obj.response_time
        return int(delta.total_seconds()) if delta is not None else None

    def get_resolution_seconds(self, obj) -> int | None:
        delta = obj.resolution_time
        return int(delta.total_seconds()) if delta is not None else None


class ServiceRequestDetailSerializer(ServiceRequestSerializer):
    photos = ServicePhotoSerializer(many=True, read_only=True)
    events = ServiceEventSerializer(many=True, read_only=True)

    class Meta(ServiceRequestSerializer.Meta):
        fields = [*ServiceRequestSerializer.Meta.fields, "photos", "events"]
        read_only_fields = fields


class ServiceRequestCreateSerializer(_Scoped):
    account = serializers.PrimaryKeyRelatedField(queryset=Account.objects.none())
    contract = serializers.PrimaryKeyRelatedField(
        queryset=SalesContract.objects.none(), required=False, allow_null=True
    )
    product = serializers.PrimaryKeyRelatedField(
        queryset=Product.objects.all(), required=False, allow_null=True
    )
    problem = serializers.CharField(max_length=4000)
    received_at = serializers.DateTimeField(required=False, allow_null=True)


class ServiceConfirmSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    reason = serializers.CharField(required=False, allow_blank=True, max_length=4000)


class ServiceFileSerializer(_Scoped):
    technician = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.none(), required=False, allow_null=True
    )


class ServiceContactSerializer(serializers.Serializer):
    contacted_at = serializers.DateTimeField()
    method = serializers.ChoiceField(choices=ContactMethod.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=4000)


class ServiceResultSerializer(serializers.Serializer):
    result = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    status = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    resolved = serializers.BooleanField(default=True)


class ServiceEscalateSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, max_length=4000)


class ServiceInstructionSerializer(serializers.Serializer):
    note = serializers.CharField(allow_blank=True, max_length=4000)


class ServicePhotoUploadSerializer(serializers.Serializer):
    photo = serializers.FileField()


class ComplaintSerializer(serializers.ModelSerializer):
    # empty until the reply to the customer is recorded
    reply_method = serializers.ChoiceField(
        choices=ReplyMethod.choices, allow_blank=True, read_only=True
    )

    class Meta:
        model = Complaint
        fields = [
            "id",
            "number",
            "office",
            "account",
            "kind",
            "text",
            "staff",
            "major",
            "state",
            "received_at",
            "recorded_by",
            "handler",
            "assigned_at",
            "reply",
            "reply_method",
            "replied_at",
            "closed_at",
        ]
        read_only_fields = fields


class ComplaintCreateSerializer(_Scoped):
    account = serializers.PrimaryKeyRelatedField(queryset=Account.objects.none())
    kind = serializers.ChoiceField(choices=ComplaintKind.choices)
    text = serializers.CharField(max_length=4000)
    staff = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.none(), many=True, required=False
    )
    major = serializers.BooleanField(default=False)
    received_at = serializers.DateTimeField(required=False, allow_null=True)


class ComplaintAssignSerializer(_Scoped):
    handler = serializers.PrimaryKeyRelatedField(queryset=User.objects.none())


class ComplaintReplySerializer(serializers.Serializer):
    reply = serializers.CharField(allow_blank=True, max_length=4000)
    method = serializers.ChoiceField(choices=ReplyMethod.choices)
    replied_at = serializers.DateTimeField(required=False, allow_null=True)


class TechnicianRatingSerializer(serializers.ModelSerializer):
    class Meta:
        model = TechnicianRating
        fields = [
            "id",
            "request",
            "office",
            "technician",
            "score",
            "comment",
            "month",
            "recorded_by",
            "recorded_at",
        ]
        read_only_fields = fields


class TechnicianRatingCreateSerializer(_Scoped):
    request = serializers.PrimaryKeyRelatedField(queryset=ServiceRequest.objects.none())
    score = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=4000)
