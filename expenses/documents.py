"""Expense budgets and claims as approval documents (R-8, R-16.3): the branch manager, then
the director when over the cap (approvals.chains)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from approvals.choices import DocumentType
from approvals.registry import register

from .models import ExpenseBudget, ExpenseClaim
from .services import budgets, claims


def _serializer(name: str):
    def serialize(document):
        from .api import serializers

        return getattr(serializers, name)(document).data

    return serialize


def budget_summary(budget: ExpenseBudget) -> str:
    return _("Expense budget %(number)s of %(person)s for %(month)s: %(amount)s yuan") % {
        "number": budget.number,
        "person": budget.author,
        "month": f"{budget.month:%Y-%m}",
        "amount": f"{budget.amount:,.2f}",
    }


def claim_summary(claim: ExpenseClaim) -> str:
    return _("Expense claim %(number)s of %(person)s: %(amount)s yuan") % {
        "number": claim.number,
        "person": claim.author,
        "amount": f"{claim.total:,.2f}",
    }


register(
    DocumentType.EXPENSE_BUDGET,
    ExpenseBudget,
    serialize=_serializer("ExpenseBudgetSerializer"),
    summary=budget_summary,
    url=lambda b: reverse("expenses:budget", args=[b.pk]),
    on_approved=budgets.budget_approved,
    on_rejected=budgets.budget_rejected,
)

register(
    DocumentType.EXPENSE_CLAIM,
    ExpenseClaim,
    serialize=_serializer("ExpenseClaimSerializer"),
    summary=claim_summary,
    url=lambda c: reverse("expenses:claim", args=[c.pk]),
    on_approved=claims.claim_approved,
    on_rejected=claims.claim_rejected,
)
