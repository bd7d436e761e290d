"""Who sees which budgets and claims (R-16.3): the author their own; the branch manager the
branch's and the director every branch's; finance the approved and paid claims of its office
(to pay) and its budgets, read only; the executive all; nobody else any."""

import pytest

from staff.choices import Role
from staff.factories import UserFactory

from .conftest import budget, claim

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(office, salesperson, other_salesperson, manager, finance, director, executive):
    mine = budget(salesperson, people=[manager])
    draft = claim(salesperson, mine, submit=False)
    approved = claim(salesperson, mine)
    from shipping.factories import decide_all

    from .conftest import NOW

    decide_all(approved, [manager], now=NOW)
    return {"budget": mine, "draft": draft, "approved": approved}


def ids(api, user, path):
    api.force_authenticate(user)
    answer = api.get(path)
    assert answer.status_code == 200, answer.content
    body = answer.json()
    rows = body["results"] if isinstance(body, dict) else body
    return {row["id"] for row in rows}


def test_each_role_sees_what_it_should(
    api, world, salesperson, other_salesperson, manager, other_manager, finance, director, executive
):
    b, d, a = world["budget"].pk, world["draft"].pk, world["approved"].pk
    claims, budgets = "/api/v1/expense-claims/", "/api/v1/expense-budgets/"
    assert ids(api, salesperson, claims) == {d, a}
    assert ids(api, other_salesperson, claims) == set()
    assert ids(api, other_salesperson, budgets) == set()
    assert ids(api, manager, claims) == {d, a}
    assert ids(api, other_manager, claims) == set()
    assert ids(api, finance, claims) == {a}  # not the draft
    assert ids(api, finance, budgets) == {b}
    assert ids(api, director, claims) == {d, a}
    assert ids(api, executive, claims) == {d, a}


@pytest.mark.parametrize("role", [Role.SECRETARY, Role.WAREHOUSE, Role.TECHNICIAN, Role.PURCHASING])
def test_other_roles_are_refused(api, office, world, role):
    outsider = UserFactory(username=f"x-{role}", roles=[role], offices=[office])
    api.force_authenticate(outsider)
    assert api.get("/api/v1/expense-claims/").status_code == 403
    assert api.get(f"/api/v1/expense-claims/{world['approved'].pk}/").status_code == 403


def test_a_salesperson_cannot_see_a_peers_claim_or_month(
    api, client, world, other_salesperson, salesperson
):
    api.force_authenticate(other_salesperson)
    assert api.get(f"/api/v1/expense-claims/{world['approved'].pk}/").status_code == 404
    assert api.get(f"/api/v1/expense-budgets/{world['budget'].pk}/").status_code == 404
    assert api.get(f"/api/v1/expenses/month/?person={salesperson.pk}").status_code == 404
    client.force_login(other_salesperson)
    assert client.get(f"/expenses/claims/{world['approved'].pk}/").status_code == 404
    assert client.get(f"/expenses/budgets/{world['budget'].pk}/").status_code == 404
    assert client.get(f"/expenses/month/?person={salesperson.pk}").status_code == 404


def test_the_executive_reads_but_does_not_pay_or_close(api, world, executive):
    api.force_authenticate(executive)
    assert api.post(f"/api/v1/expense-claims/{world['approved'].pk}/pay/", {}).status_code == 403
    assert api.post(f"/api/v1/expense-budgets/{world['budget'].pk}/close/").status_code == 403


def test_finance_of_another_office_does_not_pay(api, world, other_office):
    stranger = UserFactory(username="fin-2", roles=[Role.FINANCE], offices=[other_office])
    api.force_authenticate(stranger)
    assert api.post(f"/api/v1/expense-claims/{world['approved'].pk}/pay/", {}).status_code == 404


def test_the_manager_reads_a_persons_month_and_the_branch(api, world, manager, salesperson):
    api.force_authenticate(manager)
    answer = api.get(f"/api/v1/expenses/month/?person={salesperson.pk}&month=2026-03")
    assert answer.status_code == 200
    assert answer.json()["used"] == "100.00"
    assert api.get("/api/v1/expenses/month/?month=2026-99").status_code == 400
    assert api.get("/api/v1/expenses/month/?person=abc").status_code == 400
