"""Work plans as approval documents (R-17.3, R-8 table: the branch manager approves)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from approvals.choices import DocumentType
from approvals.registry import register

from . import services
from .models import WorkPlan


def serialize(plan: WorkPlan) -> dict:
    from .api.serializers import WorkPlanSerializer

    return WorkPlanSerializer(plan).data


def summary(plan: WorkPlan) -> str:
    from .views import title_of

    return _("%(title)s of %(person)s, %(first)s to %(last)s") % {
        "title": title_of(plan),
        "person": str(plan.author),
        "first": plan.period_start.isoformat(),
        "last": plan.period_end.isoformat(),
    }


register(
    DocumentType.WORK_PLAN,
    WorkPlan,
    serialize=serialize,
    summary=summary,
    url=lambda plan: reverse("workplans:detail", args=[plan.pk]),
    on_approved=services.work_plan_approved,
)
