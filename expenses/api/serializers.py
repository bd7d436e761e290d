"""The API's shapes of expenses (R-16.3). Reads show the derived figures; writes take only
what a person decides (never a total, a status or a payment's fields: mass assignment changes
nothing)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..models import ClaimLine, ClaimPhoto, ExpenseBudget, ExpenseClaim, TripLog


class ExpenseBudgetSerializer(serializers.ModelSerializer):
    author_name = serializers.CharField(source="author.__str__", read_only=True)
    office_name = serializers.CharField(source="office.name", read_only=True)

    class Meta:
        model = ExpenseBudget
        fields = [
            "id",
            "number",
            "office",
            "office_name",
            "author",
            "author_name",
            "month",
            "purpose",
            "category",
            "amount",
            "status",
            "created_at",
            "approved_at",
            "closed_at",
        ]
        read_only_fields = fields


class ExpenseBudgetCreateSerializer(serializers.Serializer):
    office = serializers.IntegerField(required=False, min_value=1)
    month = serializers.CharField(max_length=10, help_text="YYYY-MM or YYYY-MM-DD")
    purpose = serializers.CharField(max_length=2000)
    category = serializers.CharField(max_length=20)
    amount = serializers.CharField(max_length=30)

    def validate_month(self, value: str) -> str:
        value = value.strip()
        return f"{value}-01" if len(value) == 7 else value


class ExpenseTripSerializer(serializers.ModelSerializer):
    class Meta:
        model = TripLog
        fields = ["id", "date", "origin", "destination", "purpose", "km"]
        read_only_fields = fields


class ExpensePhotoSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = ClaimPhoto
        fields = ["id", "line", "content_type", "uploaded_at", "url"]
        read_only_fields = fields

    def get_url(self, photo) -> str:
        return reverse("expenses:photo", args=[photo.claim_id, photo.pk])


class ExpenseLineSerializer(serializers.ModelSerializer):
    trips = ExpenseTripSerializer(many=True, read_only=True)

    class Meta:
        model = ClaimLine
        fields = ["id", "kind", "description", "meals", "allowance", "amount", "trips"]
        read_only_fields = fields


class ExpenseClaimSerializer(serializers.ModelSerializer):
    author_name = serializers.CharField(source="author.__str__", read_only=True)
    budget_number = serializers.CharField(source="budget.number", read_only=True)
    lines = ExpenseLineSerializer(many=True, read_only=True)
    photos = ExpensePhotoSerializer(many=True, read_only=True)

    class Meta:
        model = ExpenseClaim
        fields = [
            "id",
            "number",
            "office",
            "author",
            "author_name",
            "budget",
            "budget_number",
            "date",
            "note",
            "total",
            "status",
            "created_at",
            "approved_at",
            "paid_at",
            "paid_by",
            "reference",
            "lines",
            "photos",
        ]
        read_only_fields = fields


class ExpenseTripInputSerializer(serializers.Serializer):
    date = serializers.CharField(max_length=10)
    # "from" is a Python keyword: the field is renamed below
    to = serializers.CharField(max_length=100, allow_blank=True)
    purpose = serializers.CharField(max_length=200, allow_blank=True)
    km = serializers.CharField(max_length=20)

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = serializers.CharField(max_length=100, allow_blank=True)
        return fields


class ExpenseLineInputSerializer(serializers.Serializer):
    kind = serializers.CharField(max_length=20)
    description = serializers.CharField(max_length=300, required=False, allow_blank=True)
    amount = serializers.CharField(max_length=30, required=False, allow_null=True)
    meals = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=93)
    trips = ExpenseTripInputSerializer(many=True, required=False)


class ExpenseClaimCreateSerializer(serializers.Serializer):
    budget = serializers.IntegerField(min_value=1)
    date = serializers.CharField(max_length=10)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    lines = ExpenseLineInputSerializer(many=True)

    def validate_lines(self, value):
        if not value:
            raise serializers.ValidationError(_("Add at least one line."))
        return value


class ExpensePhotoUploadSerializer(serializers.Serializer):
    photo = serializers.FileField()
    line = serializers.IntegerField(required=False, min_value=1)


class ExpensePaySerializer(serializers.Serializer):
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True)


class ExpenseMonthSerializer(serializers.Serializer):
    person = serializers.IntegerField()
    person_name = serializers.CharField()
    office = serializers.IntegerField()
    month = serializers.DateField()
    rank = serializers.CharField()
    cap = serializers.DecimalField(max_digits=14, decimal_places=2)
    used = serializers.DecimalField(max_digits=14, decimal_places=2)
    pending = serializers.DecimalField(max_digits=14, decimal_places=2)
    left = serializers.DecimalField(max_digits=14, decimal_places=2)
    over = serializers.BooleanField()
    budgets = ExpenseBudgetSerializer(many=True)
    claims = ExpenseClaimSerializer(many=True)
