"""Targets and explanations in the API (R-17.1, R-17.2)."""

from rest_framework import serializers

from staff.models import Office, User

from ..models import SalesTarget, TargetExplanation  # noqa: F401
from ..rules import MAX_YEAR, MIN_YEAR
from ..services import MAX_REGION, MAX_TEXT


class SalesTargetSerializer(serializers.ModelSerializer):
    """`{id, year, region, office, salesperson, month, amount, set_by, set_at}`; month null is
    the whole year, amount a decimal string."""

    amount = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)

    class Meta:
        model = SalesTarget
        fields = [
            "id",
            "year",
            "region",
            "office",
            "salesperson",
            "month",
            "amount",
            "set_by",
            "set_at",
        ]
        read_only_fields = fields


class SalesTargetWriteSerializer(serializers.Serializer):
    """The level is named by what is given: nothing (the department), `region`, `office`,
    `office`+`month`, `office`+`salesperson`+`month`. `amount` at least 0, under 10^12, at
    most 2 decimals (a string keeps it exact). Anything else sent (`set_by`…) is ignored."""

    year = serializers.IntegerField(min_value=MIN_YEAR, max_value=MAX_YEAR)
    region = serializers.CharField(
        max_length=MAX_REGION, required=False, allow_blank=True, default=""
    )
    office = serializers.PrimaryKeyRelatedField(
        queryset=Office.objects.all(), required=False, allow_null=True, default=None
    )
    salesperson = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True, default=None
    )
    month = serializers.IntegerField(
        min_value=1, max_value=12, required=False, allow_null=True, default=None
    )
    amount = serializers.CharField(max_length=40)


class TargetExplanationSerializer(serializers.ModelSerializer):
    class Meta:
        model = TargetExplanation
        fields = [
            "id",
            "office",
            "salesperson",
            "year",
            "month",
            "text",
            "written_by",
            "written_at",
        ]
        read_only_fields = fields


class TargetExplanationWriteSerializer(serializers.Serializer):
    office = serializers.PrimaryKeyRelatedField(queryset=Office.objects.all())
    salesperson = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True, default=None
    )
    year = serializers.IntegerField(min_value=MIN_YEAR, max_value=MAX_YEAR)
    month = serializers.IntegerField(min_value=1, max_value=12)
    text = serializers.CharField(max_length=MAX_TEXT)
