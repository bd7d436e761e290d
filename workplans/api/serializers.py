"""Work plans in the API (R-17.3)."""

from rest_framework import serializers

from accounts.models import Account
from approvals.api.serializers import ApprovalRowSerializer
from attribution.api.serializers import PlainChoiceField
from deals.api.serializers import MoneyField
from reports.api.penalties import WrittenOutMoneyField

from ..choices import LineSource, PlanKind, PlanStatus
from ..models import WorkPlan, WorkPlanVisit
from ..services import MAX_TEXT, PURPOSE_MAX


class WorkPlanVisitSerializer(serializers.ModelSerializer):
    source = PlainChoiceField(choices=LineSource.choices, read_only=True)
    account_name = serializers.CharField(source="account.name", read_only=True, default="")

    class Meta:
        model = WorkPlanVisit
        fields = ["id", "account", "account_name", "day", "purpose", "source", "planned_visit"]
        read_only_fields = fields


class WorkPlanSerializer(serializers.ModelSerializer):
    """`{id, office, author, kind, period_start, period_end, status, target_amount, goals,
    actions, submitted_at, late, approved_at, lines, approvals}`; status, author, late and
    submitted_at are the services' and the engine's, never the client's."""

    kind = PlainChoiceField(choices=PlanKind.choices, read_only=True)
    status = PlainChoiceField(choices=PlanStatus.choices, read_only=True)
    target_amount = MoneyField(read_only=True)
    lines = WorkPlanVisitSerializer(many=True, read_only=True)
    approvals = serializers.SerializerMethodField()

    class Meta:
        model = WorkPlan
        fields = [
            "id",
            "office",
            "author",
            "kind",
            "period_start",
            "period_end",
            "status",
            "target_amount",
            "goals",
            "actions",
            "created_at",
            "submitted_at",
            "late",
            "approved_at",
            "lines",
            "approvals",
        ]
        read_only_fields = fields

    def get_approvals(self, plan) -> list[dict]:
        return ApprovalRowSerializer(plan.approvals(), many=True).data


class WorkPlanCreateSerializer(serializers.Serializer):
    kind = PlainChoiceField(choices=PlanKind.choices)
    date = serializers.DateField(
        required=False, help_text="a day of the week or month planned (default: today)"
    )
    office = serializers.IntegerField(
        required=False, min_value=1, help_text="the branch; optional when the user has one"
    )


class WorkPlanUpdateSerializer(serializers.Serializer):
    """Only these are written; anything else sent (status, author, late …) is ignored."""

    goals = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True)
    actions = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True)
    target_amount = WrittenOutMoneyField(required=False)


class WorkPlanLineSerializer(serializers.Serializer):
    account = serializers.PrimaryKeyRelatedField(
        queryset=Account.objects.none(), required=False, allow_null=True
    )
    day = serializers.DateField(required=False, allow_null=True)
    purpose = serializers.CharField(
        max_length=PURPOSE_MAX, required=False, allow_blank=True, default=""
    )

    def __init__(self, *args, accounts=None, **kwargs):
        super().__init__(*args, **kwargs)
        if accounts is not None:
            self.fields["account"].queryset = accounts
