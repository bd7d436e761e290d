"""The work diary and fines in the API (R-7.1, R-7.2)."""

from rest_framework import serializers

from attribution.api.serializers import PlainChoiceField
from common.inputs import MONTH_REGEX, validate_date
from deals.api.serializers import MoneyField
from leads.api.serializers import VisibleOfficeField

from ..choices import FineKind
from ..models import Fine

TEXT_LIMIT = 5000


class DiaryVisitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    at = serializers.DateTimeField()
    customer = serializers.IntegerField(source="customer_id")
    customer_name = serializers.CharField(source="customer.name")
    party_size = serializers.IntegerField()


class DiaryCallSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    at = serializers.DateTimeField()
    customer = serializers.IntegerField(source="customer_id", allow_null=True)
    caller = serializers.CharField()
    content = serializers.CharField()


class DiaryFollowUpSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    at = serializers.DateTimeField()
    kind = serializers.CharField()
    customer = serializers.IntegerField(source="customer_id")
    customer_name = serializers.CharField(source="customer.name")
    note = serializers.CharField()


class DiaryCollisionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    at = serializers.DateTimeField()
    customer = serializers.IntegerField(source="customer_id")
    customer_name = serializers.CharField(source="customer.name")


class DiarySerializer(serializers.Serializer):
    """R-7.1: the pre-filled diary: the day's activity and what the salesperson wrote."""

    office = serializers.IntegerField(source="office.pk")
    salesperson = serializers.IntegerField(source="salesperson.pk")
    date = serializers.DateField()
    visits = DiaryVisitSerializer(many=True)
    calls = DiaryCallSerializer(many=True)
    followups = DiaryFollowUpSerializer(many=True)
    collisions = DiaryCollisionSerializer(many=True)
    feedback = serializers.CharField()
    problems = serializers.CharField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    late = serializers.BooleanField()
    manager_reply = serializers.CharField()


class DiaryFilterSerializer(serializers.Serializer):
    date = serializers.DateField(required=False, validators=[validate_date])
    office = serializers.IntegerField(required=False, min_value=1)


class DiarySubmitSerializer(serializers.Serializer):
    feedback = serializers.CharField(allow_blank=True, max_length=TEXT_LIMIT, trim_whitespace=True)
    problems = serializers.CharField(allow_blank=True, max_length=TEXT_LIMIT, trim_whitespace=True)
    office = VisibleOfficeField(required=False)


class FineFilterSerializer(serializers.Serializer):
    salesperson = serializers.IntegerField(required=False, min_value=1)
    month = serializers.RegexField(MONTH_REGEX, required=False, help_text="YYYY-MM")
    office = serializers.IntegerField(required=False, min_value=1)


class FineSerializer(serializers.ModelSerializer):
    kind = PlainChoiceField(choices=FineKind.choices, read_only=True)
    amount = MoneyField(read_only=True)
    waived = serializers.BooleanField(read_only=True)

    class Meta:
        model = Fine
        fields = [
            "id",
            "office",
            "salesperson",
            "date",
            "kind",
            "offence_number",
            "amount",
            "waived",
            "waived_at",
            "waive_reason",
        ]
        read_only_fields = fields


class FineWaiveSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=TEXT_LIMIT)
