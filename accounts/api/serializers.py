from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from approvals.api.serializers import ApprovalRowSerializer
from staff.models import Office, User

from ..choices import Grade, Kind
from ..models import Account, Contact, GradeChange


class ContactSerializer(serializers.ModelSerializer):
    # sent back with a PATCH, a contact is changed in place; without it, one is added
    id = serializers.IntegerField(required=False)

    class Meta:
        model = Contact
        fields = ["id", "name", "title", "phone", "email", "primary"]


class AccountSerializer(serializers.ModelSerializer):
    contacts = ContactSerializer(many=True, required=False)
    approvals = serializers.SerializerMethodField()
    office = serializers.PrimaryKeyRelatedField(queryset=Office.objects.all())
    owner = serializers.PrimaryKeyRelatedField(read_only=True)
    deputy = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True
    )
    kind = serializers.ChoiceField(choices=Kind.choices, default=Kind.CUSTOMER)

    class Meta:
        model = Account
        fields = [
            "id",
            "office",
            "name",
            "credit_code",
            "kind",
            "region",
            "address",
            "owner",
            "deputy",
            "grade",
            "credit_limit",
            "last_credit_review",
            "status",
            "organisation",
            "assets",
            "liabilities",
            "credit_standing",
            "trade_position",
            "trading_habits",
            "payment_habits",
            "contacts",
            "approvals",
        ]
        read_only_fields = ["id", "owner", "grade", "status", "approvals"]
        extra_kwargs = {"credit_code": {"validators": []}}

    def get_approvals(self, account) -> list[dict]:
        return ApprovalRowSerializer(account.approvals(), many=True).data

    def validate_contacts(self, contacts):
        if sum(1 for c in contacts if c.get("primary")) > 1:
            raise serializers.ValidationError(_("Only one contact can be the primary one."))
        return contacts


class AccountUpdateSerializer(AccountSerializer):
    class Meta(AccountSerializer.Meta):
        read_only_fields = [*AccountSerializer.Meta.read_only_fields, "office", "credit_code"]


class ReassignSerializer(serializers.Serializer):
    """R-9.4: the new owner and deputy, active salespeople of the account's branch."""

    owner = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))
    deputy = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True
    )
    reason = serializers.CharField(max_length=2000, allow_blank=True)


class GradeSerializer(serializers.Serializer):
    grade = serializers.ChoiceField(choices=Grade.choices)
    reason = serializers.CharField(max_length=2000)


class GradeChangeSerializer(serializers.ModelSerializer):
    approvals = serializers.SerializerMethodField()

    class Meta:
        model = GradeChange
        fields = [
            "id",
            "account",
            "grade",
            "previous_grade",
            "reason",
            "author",
            "status",
            "created_at",
            "decided_at",
            "decided_by",
            "approvals",
        ]

    def get_approvals(self, change) -> list[dict]:
        return ApprovalRowSerializer(change.approvals(), many=True).data
