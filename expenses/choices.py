"""The states and kinds of expenses (R-16.3), with their transitions."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

BUDGET_PREFIX = "FY"  # 费用预算
CLAIM_PREFIX = "BX"  # 报销单


class Rank(models.TextChoices):
    """R-16.3: the rank a monthly cap is set for (经理, 副经理, 一般人员)."""

    MANAGER = "manager", pgettext_lazy("expense rank", "Manager")
    DEPUTY = "deputy", pgettext_lazy("expense rank", "Deputy manager")
    STAFF = "staff", pgettext_lazy("expense rank", "Staff")


class Category(models.TextChoices):
    TRAVEL = "travel", _("Travel")
    ENTERTAINMENT = "entertainment", _("Entertainment")
    FUEL = "fuel", _("Vehicle fuel")
    MEALS = "meals", _("Missed meals")
    OTHER = "other", pgettext_lazy("expense category", "Other")


class BudgetStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PENDING = "pending", _("Pending approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    CLOSED = "closed", pgettext_lazy("expense budget", "Closed")


class ClaimStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PENDING = "pending", _("Pending approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    PAID = "paid", pgettext_lazy("expense claim", "Paid")


class LineKind(models.TextChoices):
    RECEIPT = "receipt", pgettext_lazy("expense line", "Receipt")
    MEAL = "meal", _("Meal allowance")
    FUEL = "fuel", _("Fuel")


class EventKind(models.TextChoices):
    CLOSED = "closed", pgettext_lazy("expense budget", "Closed")
    PAID = "paid", pgettext_lazy("expense claim", "Paid")


# the transitions this app makes itself (the approval engine makes draft → pending → approved
# or rejected)
BUDGET_TRANSITIONS = {BudgetStatus.APPROVED: {BudgetStatus.CLOSED}}
CLAIM_TRANSITIONS = {ClaimStatus.APPROVED: {ClaimStatus.PAID}}

# what counts against a budget or a cap
BUDGET_HOLDING = (BudgetStatus.PENDING, BudgetStatus.APPROVED)
CLAIM_HOLDING = (ClaimStatus.PENDING, ClaimStatus.APPROVED, ClaimStatus.PAID)
CLAIM_USED = (ClaimStatus.APPROVED, ClaimStatus.PAID)
EDITABLE = (ClaimStatus.DRAFT, ClaimStatus.REJECTED)
