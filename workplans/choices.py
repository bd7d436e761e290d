from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PlanKind(models.TextChoices):
    """R-17.3: a salesperson's plan of a week (Monday to Sunday) or of a calendar month."""

    WEEKLY = "weekly", pgettext_lazy("work plan", "Weekly")
    MONTHLY = "monthly", pgettext_lazy("work plan", "Monthly")


class PlanStatus(models.TextChoices):
    """The approval engine's states (approvals.choices.DocumentStatus) and `cancelled`: a
    draft or rejected plan its salesperson withdrew (a new one may then be made)."""

    DRAFT = "draft", _("Draft")
    PENDING = "pending", _("Pending approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", pgettext_lazy("work plan", "Withdrawn")


# a plan handed in: what the manager reads and what the reports count as submitted
SUBMITTED = (PlanStatus.PENDING, PlanStatus.APPROVED)
OPEN = (PlanStatus.DRAFT, PlanStatus.REJECTED)


class LineSource(models.TextChoices):
    """Where a line of the plan came from."""

    VISIT_PLAN = "visit_plan", _("From the visit plan")
    DUE = "due", _("Due under its grade")
    FREE = "free", _("Added")
