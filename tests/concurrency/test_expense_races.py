"""Races of expenses (R-16.3), real threads against PostgreSQL.

- one approved claim paid by two finance requests at once: paid once, the other told
  `already_paid`, one payment event, one notice to the author;
- two claims against one budget submitted at once, each within what is left of it but not
  both: the author's budgets of the month are locked first, so the second sees the first and
  gets the director's step;
- two budgets of one person submitted at once, together over the monthly cap: one of them goes
  to the director.

Each race runs several rounds; every outcome is asserted.
"""

import datetime
from decimal import Decimal

import pytest

from common.errors import DomainError
from expenses.models import ExpenseEvent
from expenses.services import budgets, claims
from notifications.models import Notification
from shipping.factories import decide_all
from staff.choices import Role
from staff.factories import UserFactory

from .harness import run_together

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 3
NOW = datetime.datetime(2026, 3, 10, 2, 0, tzinfo=datetime.UTC)
MONTH = datetime.date(2026, 3, 1)


def a_budget(author, amount, people, *, approve=True):
    made = budgets.budget_create(
        actor=author,
        office=author.offices.first(),
        month=MONTH,
        purpose="差旅",
        category="travel",
        amount=amount,
        now=NOW,
    )
    if approve:
        budgets.budget_submit(budget=made, actor=author, now=NOW)
        made = decide_all(made, people, now=NOW)
    return made


def a_claim(author, budget, amount):
    return claims.claim_create(
        actor=author,
        budget=budget,
        date=NOW.date(),
        lines=[claims.LineInput(kind="meal", meals=int(Decimal(amount) / 20))],
        now=NOW,
    )


def director_step(document) -> bool:
    return document.approvals().filter(role=Role.DIRECTOR).exclude(state="skipped").exists()


def test_a_claim_is_never_paid_twice(office, salesperson, manager, director, finance):
    second = UserFactory(username="finance-2", roles=[Role.FINANCE], offices=[office])
    budget = a_budget(salesperson, "900.00", [manager])
    for _round in range(ROUNDS):
        made = a_claim(salesperson, budget, "100")
        claims.claim_submit(claim=made, actor=salesperson, now=NOW)
        decide_all(made, [manager], now=NOW)
        outcomes = run_together(
            [
                lambda who=who, made=made: claims.claim_pay(
                    claim=made, actor=who, reference="r", now=NOW
                )
                for who in (finance, second)
            ]
        )
        errors = [o.error for o in outcomes if o.error is not None]
        assert len(errors) == 1, errors
        assert isinstance(errors[0], DomainError) and errors[0].code == "already_paid"
        made.refresh_from_db()
        assert made.status == "paid"
        assert ExpenseEvent.objects.filter(claim=made, kind="paid").count() == 1
        told = Notification.objects.filter(kind="expense_claim_paid", params__number=made.number)
        assert told.count() == 1


def test_two_claims_at_once_do_not_both_pass_the_budget_unseen(
    office, salesperson, manager, director
):
    for _round in range(ROUNDS):
        budget = a_budget(salesperson, "500.00", [manager])
        first, second = a_claim(salesperson, budget, "300"), a_claim(salesperson, budget, "300")
        outcomes = run_together(
            [
                lambda c=c: claims.claim_submit(claim=c, actor=salesperson, now=NOW)
                for c in (first, second)
            ]
        )
        assert all(o.error is None for o in outcomes), [o.error for o in outcomes]
        assert sorted([director_step(first), director_step(second)]) == [False, True]
        # the round's claims leave the month: rejected, they count no more
        for c in (first, second):
            decide_all(c, [manager, director], now=NOW, decision="reject")


def test_two_budgets_at_once_do_not_both_pass_the_cap_unseen(
    office, salesperson, manager, director
):
    for _round in range(ROUNDS):
        first = a_budget(salesperson, "600.00", [], approve=False)
        second = a_budget(salesperson, "600.00", [], approve=False)
        outcomes = run_together(
            [
                lambda b=b: budgets.budget_submit(budget=b, actor=salesperson, now=NOW)
                for b in (first, second)
            ]
        )
        assert all(o.error is None for o in outcomes), [o.error for o in outcomes]
        assert sorted([director_step(first), director_step(second)]) == [False, True]
        for b in (first, second):
            decide_all(b, [manager, director], now=NOW, decision="reject")
