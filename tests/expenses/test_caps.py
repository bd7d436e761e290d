"""R-16.3 with R-8's table: the director's step when a budget or a claim goes over the
person's monthly cap (exactly the cap is within it, one cent over is not), or a claim over
what is left of its budget; the rank the manager sets moves the cap; a manager's own
documents go to another manager of the branch, never to themself."""

import pytest
from rest_framework.exceptions import PermissionDenied

from approvals.services import approval_decide
from expenses.services import ranks
from shipping.factories import decide_all
from staff.choices import Role
from staff.factories import UserFactory

from .conftest import NOW, budget, claim, receipt_line

pytestmark = pytest.mark.django_db


def live_roles(document) -> list[str]:
    return list(
        document.approvals()
        .exclude(state="skipped")
        .order_by("step")
        .values_list("role", flat=True)
    )


@pytest.mark.parametrize(
    ("amount", "roles"),
    [
        ("1000.00", ["manager"]),  # exactly the staff cap: no director
        ("1000.01", ["manager", "director"]),  # one cent over
    ],
)
def test_a_budget_at_the_cap_needs_no_director_and_one_cent_over_does(
    salesperson, manager, director, amount, roles
):
    made = budget(salesperson, amount, approve=False)
    from expenses.services import budgets

    budgets.budget_submit(budget=made, actor=salesperson, now=NOW)
    assert live_roles(made) == roles


def test_the_other_budgets_of_the_month_count_against_the_cap(salesperson, manager, director):
    budget(salesperson, "600.00", people=[manager])
    second = budget(salesperson, "400.00", approve=False)
    from expenses.services import budgets

    budgets.budget_submit(budget=second, actor=salesperson, now=NOW)
    assert live_roles(second) == ["manager"]  # 600 + 400 = the cap
    third = budget(salesperson, "0.01", approve=False)
    budgets.budget_submit(budget=third, actor=salesperson, now=NOW)
    assert live_roles(third) == ["manager", "director"]


def test_closing_a_budget_does_not_free_its_amount_under_the_cap(salesperson, manager, director):
    """Abuse: close an approved budget and open another to get round the cap."""
    from expenses.services import budgets

    first = budget(salesperson, "1000.00", people=[manager])
    budgets.budget_close(budget=first, actor=salesperson, now=NOW)
    second = budget(salesperson, "500.00", approve=False)
    budgets.budget_submit(budget=second, actor=salesperson, now=NOW)
    assert live_roles(second) == ["manager", "director"]


def test_the_rank_set_by_the_manager_sets_the_cap(office, salesperson, manager, director):
    ranks.rank_set(actor=manager, office=office, user=salesperson, rank="deputy", now=NOW)
    made = budget(salesperson, "2000.00", approve=False)
    from expenses.services import budgets

    budgets.budget_submit(budget=made, actor=salesperson, now=NOW)
    assert live_roles(made) == ["manager"]  # the deputy's cap is 2000


def test_a_salesperson_cannot_set_their_own_rank(office, salesperson):
    with pytest.raises(PermissionDenied):
        ranks.rank_set(actor=salesperson, office=office, user=salesperson, rank="manager", now=NOW)


def test_a_claim_over_what_is_left_of_its_budget_needs_the_director(salesperson, manager, director):
    made = budget(salesperson, "500.00", people=[manager])
    first = claim(salesperson, made, [receipt_line("300.00")])
    assert live_roles(first) == ["manager"]
    second = claim(salesperson, made, [receipt_line("200.00")])
    assert live_roles(second) == ["manager"]  # 300 + 200 = the budget
    third = claim(salesperson, made, [receipt_line("0.01")])
    assert live_roles(third) == ["manager", "director"]


def test_a_claim_over_the_monthly_cap_needs_the_director(salesperson, manager, director):
    """Two budgets within the cap each… their claims together may not pass it unseen."""
    big = budget(salesperson, "1500.00", people=[manager, director])
    first = claim(salesperson, big, [receipt_line("1000.00")])
    assert live_roles(first) == ["manager"]
    second = claim(salesperson, big, [receipt_line("0.01")])
    assert live_roles(second) == ["manager", "director"]


def test_a_rejected_claim_no_longer_counts_against_the_budget(salesperson, manager, director):
    made = budget(salesperson, "500.00", people=[manager])
    first = claim(salesperson, made, [receipt_line("500.00")])
    decide_all(first, [manager], now=NOW, decision="reject")
    second = claim(salesperson, made, [receipt_line("500.00")])
    assert live_roles(second) == ["manager"]


def test_a_managers_own_budget_goes_to_another_manager_of_the_branch(office, manager, director):
    """R-8.1: the engine leaves out the author; another manager of the branch decides, and the
    director cannot take a manager's step."""
    deputy = UserFactory(username="manager-2", roles=[Role.MANAGER], offices=[office])
    made = budget(manager, "900.00", approve=False)
    from expenses.services import budgets

    budgets.budget_submit(budget=made, actor=manager, now=NOW)
    step = made.approvals().get(state="pending")
    with pytest.raises(PermissionDenied):
        approval_decide(approval=step, actor=manager, decision="approve", comment="", now=NOW)
    with pytest.raises(PermissionDenied):
        approval_decide(approval=step, actor=director, decision="approve", comment="", now=NOW)
    approval_decide(approval=step, actor=deputy, decision="approve", comment="", now=NOW)
    made.refresh_from_db()
    assert made.status == "approved"


def test_the_managers_cap_is_the_managers(office, manager, director):
    """Without a rank set, the branch's manager has the manager's cap (3000)."""
    UserFactory(username="manager-2", roles=[Role.MANAGER], offices=[office])
    made = budget(manager, "3000.00", approve=False)
    from expenses.services import budgets

    budgets.budget_submit(budget=made, actor=manager, now=NOW)
    assert live_roles(made) == ["manager"]
