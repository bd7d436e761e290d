from django.contrib.auth import password_validation
from django.db import models
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..choices import Role
from ..models import Office, User


@extend_schema_field(
    {"type": "string", "pattern": r"^\d{2}:\d{2}(:\d{2}(\.\d+)?)?$", "example": "17:00:00"}
)
class WallClockTimeField(serializers.TimeField):
    """An office-local time of day, "17:00:00": no UTC offset, so not OpenAPI's `time`
    (RFC 3339 requires one)."""


class OfficeSerializer(serializers.ModelSerializer):
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.TimeField: WallClockTimeField,
    }

    class Meta:
        model = Office
        fields = [
            "id",
            "name",
            "code",
            "timezone",
            "large_party_size",
            "protection_days",
            "warning_days",
            "weekly_call_target",
            "holding_fee",
            "hold_hours",
            "minimum_deposit",
            "chase_days",
            "diary_deadline",
            "fine_step",
            "meeting_time",
            "weekly_report_weekday",
            "report_deadline",
            "opened_on",
        ]
        read_only_fields = ["opened_on"]  # edited in the admin


class StaffSerializer(serializers.ModelSerializer):
    """`{id, username, display_name, roles, offices}` (API.md); password is write-only."""

    password = serializers.CharField(write_only=True, style={"input_type": "password"})
    roles = serializers.ListField(
        child=serializers.ChoiceField(choices=Role.choices), allow_empty=False
    )
    offices = serializers.PrimaryKeyRelatedField(many=True, queryset=Office.objects.none())

    class Meta:
        model = User
        fields = ["id", "username", "password", "display_name", "roles", "offices"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            # An office the requester cannot see is "unknown": existence is not revealed.
            from ..selectors import offices_visible_to

            self.fields["offices"].child_relation.queryset = offices_visible_to(request.user)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["roles"] = sorted(instance.roles)
        data["offices"] = sorted(o.pk for o in instance.offices.all())
        return data

    def validate_roles(self, value):
        return sorted(set(value))

    def validate(self, attrs):
        if not attrs.get("offices") and Role.DIRECTOR not in attrs.get("roles", []):
            raise serializers.ValidationError(
                {"offices": [_("Choose at least one office for this member of staff.")]}
            )
        candidate = User(username=attrs.get("username"), display_name=attrs.get("display_name"))
        try:
            password_validation.validate_password(attrs.get("password"), candidate)
        except Exception as exc:  # django ValidationError → field error
            raise serializers.ValidationError({"password": list(exc.messages)}) from exc
        return attrs
