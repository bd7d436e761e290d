"""Expense budgets (R-16.3): made by the person who will spend, approved before it is spent
(the branch manager; the director when over the person's monthly cap), closed when done."""

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from rest_framework.exceptions import PermissionDenied, ValidationError

from approvals.services import approval_submit, ensure_editable
from common.errors import DomainError
from notifications.services import notify
from staff.permissions import manages, may

from .. import rules, selectors
from ..choices import BUDGET_PREFIX, BudgetStatus, Category, EventKind
from ..models import ExpenseBudget, ExpenseEvent
from . import base

MONTHS_AHEAD = 3  # a budget is for this month, last month, or up to this many months ahead


def _month(value, *, office, now) -> datetime.date:
    month = rules.month_of(base.a_date(value, "month"))
    current = rules.month_of(base.today(office, now))
    earliest, latest = rules.add_months(current, -1), rules.add_months(current, MONTHS_AHEAD)
    if not earliest <= month <= latest:
        raise ValidationError(
            {
                "month": [
                    _("Choose a month from %(first)s to %(last)s.")
                    % {"first": f"{earliest:%Y-%m}", "last": f"{latest:%Y-%m}"}
                ]
            }
        )
    return month


@transaction.atomic
def budget_create(
    *, actor, office, month, purpose: str, category: str, amount, now: datetime.datetime
) -> ExpenseBudget:
    """A draft budget of the actor's own (R-16.3: 事先提交费用预算)."""
    if not may(actor, "expenses.spend", office):
        raise PermissionDenied(_("A salesperson, manager or clerk of the branch makes a budget."))
    return ExpenseBudget.objects.create(
        office=office,
        author=actor,
        month=_month(month, office=office, now=now),
        purpose=base.text(purpose, "purpose", required=True),
        category=base.choice(category, "category", Category),
        amount=base.money(amount, "amount"),
        created_at=now,
        **base.number(office, BUDGET_PREFIX, now),
    )


@transaction.atomic
def budget_submit(*, budget: ExpenseBudget, actor, now) -> ExpenseBudget:
    """Draft or rejected → pending: the branch manager, then the director when this budget and
    the author's others of the month come to more than the cap (decided now, under the lock
    of the author's budgets of the month)."""
    base.lock_month(office_id=budget.office_id, author_id=budget.author_id, month=budget.month)
    budget = base.lock(budget)
    if actor.pk != budget.author_id:
        raise PermissionDenied(_("Only the budget's author submits it."))
    ensure_editable(budget)
    budget.figures_at_submit = selectors.budget_cap_figures(budget).as_json()
    budget.save(update_fields=["figures_at_submit"])
    return approval_submit(document=budget, actor=actor, now=now)


def budget_approved(budget: ExpenseBudget, *, actor, now) -> None:
    budget.approved_at = now
    budget.save(update_fields=["approved_at"])
    _tell_author(budget, "expense_budget_approved", now=now)


def budget_rejected(budget: ExpenseBudget, *, actor, now) -> None:
    _tell_author(budget, "expense_budget_rejected", now=now)


def _tell_author(budget: ExpenseBudget, kind: str, *, now) -> None:
    notify(
        kind=kind,
        params={"number": budget.number, "amount": f"{budget.amount:,.2f}"},
        now=now,
        url=reverse("expenses:budget", args=[budget.pk]),
        recipient_id=budget.author_id,
    )


def may_close(user, budget: ExpenseBudget) -> bool:
    return user.pk == budget.author_id or manages(user, budget.office)


@transaction.atomic
def budget_close(*, budget: ExpenseBudget, actor, now) -> ExpenseBudget:
    """Approved → closed by the author or the branch manager: no more claims against it."""
    budget = base.lock(budget)
    if not may_close(actor, budget):
        raise PermissionDenied(_("The budget's author or the branch manager closes it."))
    if budget.status == BudgetStatus.CLOSED:
        raise DomainError(_("This budget is closed already."), code="already_closed")
    if budget.status != BudgetStatus.APPROVED:
        raise DomainError(_("Only an approved budget is closed."), code="not_approved")
    budget.status, budget.closed_at, budget.closed_by = BudgetStatus.CLOSED, now, actor
    budget.save(update_fields=["status", "closed_at", "closed_by"])
    ExpenseEvent.objects.create(budget=budget, kind=EventKind.CLOSED, actor=actor, at=now)
    return budget
