from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentStatus(models.TextChoices):
    """The approval states every document shares (API.md, second part). `rejected` is
    editable like `draft` and may be submitted again (R-8.2: back to draft with the comment,
    which stays on the rejected step)."""

    DRAFT = "draft", _("Draft")
    PENDING = "pending", _("Pending approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


EDITABLE = {DocumentStatus.DRAFT, DocumentStatus.REJECTED}
SUBMITTABLE = EDITABLE


class ApprovalState(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    SKIPPED = "skipped", _("Skipped")


class Decision(models.TextChoices):
    APPROVE = "approve", _("Approve")
    REJECT = "reject", _("Reject")


class EventKind(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Step approved")
    REJECTED = "rejected", _("Step rejected")
    COMPLETED = "completed", _("Approved")
    VOIDED = "voided", _("Approvals voided")
    LATE = "late", _("Late")


class DocumentType(models.TextChoices):
    """API.md's inbox list: every document type that goes through approval."""

    ACCOUNT = "account", _("New account")
    GRADE = "grade", _("Grade change")
    ENQUIRY = "enquiry", _("Bid decision")
    QUOTE = "quote", _("Quote or bid")
    SALES_CONTRACT = "sales_contract", _("Sales contract")
    DEMAND_REQUEST = "demand_request", _("Demand request")
    RETURN = "return", _("Return")
    INVOICE_REQUEST = "invoice_request", _("Invoice request")
    COLLECTION_REQUEST = "collection_request", _("Collection request")
    WRITE_OFF = "write_off", _("Write-off")
    EXPENSE_BUDGET = "expense_budget", _("Expense budget")
    EXPENSE_CLAIM = "expense_claim", _("Expense claim")
    SPECIAL_FEE = "special_fee", _("Special customer fee")
    WORK_PLAN = "work_plan", _("Work plan")
