"""R-16.3: the meal allowance is the office's setting × the missed meals (the client's amount
refused), fuel lines carry their trip log (none: 400), and the claim's total is the sum of
its lines, never what a client sends."""

from decimal import Decimal

import pytest

from expenses.models import ClaimLine, ExpenseClaim, TripLog

from .conftest import TODAY, budget

pytestmark = pytest.mark.django_db

CLAIMS = "/api/v1/expense-claims/"


def post(api, user, body):
    api.force_authenticate(user)
    return api.post(CLAIMS, body, format="json")


def trip(**over):
    row = {
        "date": TODAY.isoformat(),
        "from": "公司",
        "to": "客户工地",
        "purpose": "送样",
        "km": "35.5",
    }
    row.update(over)
    return row


def test_the_meal_allowance_comes_from_the_office_setting(api, office, salesperson, manager):
    office.meal_allowance = Decimal("25.00")
    office.save()
    made = budget(salesperson, people=[manager], category="meals")
    body = {"budget": made.pk, "date": TODAY.isoformat(), "lines": [{"kind": "meal", "meals": 3}]}
    answer = post(api, salesperson, body)
    assert answer.status_code == 201, answer.content
    line = answer.json()["lines"][0]
    assert (line["meals"], line["allowance"], line["amount"]) == (3, "25.00", "75.00")
    assert answer.json()["total"] == "75.00"


def test_a_meal_line_with_an_amount_of_the_clients_is_refused(api, salesperson, manager):
    made = budget(salesperson, people=[manager], category="meals")
    body = {
        "budget": made.pk,
        "date": TODAY.isoformat(),
        "lines": [{"kind": "meal", "meals": 1, "amount": "500.00"}],
    }
    answer = post(api, salesperson, body)
    assert answer.status_code == 400
    assert "amount" in answer.json()["lines"]["0"]
    assert not ExpenseClaim.objects.exists()


@pytest.mark.parametrize("meals", [0, -1, 94, None])
def test_missed_meals_are_counted_within_bounds(api, salesperson, manager, meals):
    made = budget(salesperson, people=[manager], category="meals")
    line = {"kind": "meal"} if meals is None else {"kind": "meal", "meals": meals}
    answer = post(api, salesperson, {"budget": made.pk, "date": TODAY.isoformat(), "lines": [line]})
    assert answer.status_code == 400
    assert not ExpenseClaim.objects.exists()


def test_a_fuel_line_carries_its_trip_log(api, salesperson, manager):
    made = budget(salesperson, people=[manager], category="fuel")
    line = {"kind": "fuel", "amount": "320.00", "trips": [trip(), trip(km="2000")]}
    answer = post(api, salesperson, {"budget": made.pk, "date": TODAY.isoformat(), "lines": [line]})
    assert answer.status_code == 201, answer.content
    trips = answer.json()["lines"][0]["trips"]
    assert [t["km"] for t in trips] == ["35.5", "2000.0"]
    assert TripLog.objects.count() == 2


@pytest.mark.parametrize(
    "trips",
    [
        [],
        [trip(km="2000.1")],
        [trip(km="-1")],
        [trip(km="abc")],
        [trip(**{"from": ""})],
        [trip(date="2026-03-11")],  # tomorrow
    ],
)
def test_a_fuel_line_without_a_good_trip_log_is_a_400(api, salesperson, manager, trips):
    made = budget(salesperson, people=[manager], category="fuel")
    line = {"kind": "fuel", "amount": "320.00", "trips": trips}
    answer = post(api, salesperson, {"budget": made.pk, "date": TODAY.isoformat(), "lines": [line]})
    assert answer.status_code == 400, answer.content
    assert not ExpenseClaim.objects.exists() and not ClaimLine.objects.exists()


def test_the_total_is_the_sum_of_the_lines(api, salesperson, manager):
    made = budget(salesperson, people=[manager])
    lines = [
        {"kind": "receipt", "amount": "100.10"},
        {"kind": "meal", "meals": 2},
        {"kind": "fuel", "amount": "50.00", "trips": [trip()]},
    ]
    body = {"budget": made.pk, "date": TODAY.isoformat(), "total": "9999", "lines": lines}
    answer = post(api, salesperson, body)
    assert answer.json()["total"] == "190.10"  # 100.10 + 2 × 20.00 + 50.00


@pytest.mark.parametrize("amount", ["0", "-3", "1000000.01", "1.001", "", None])
def test_a_receipt_needs_a_sensible_amount(api, salesperson, manager, amount):
    made = budget(salesperson, people=[manager])
    line = {"kind": "receipt", "amount": amount}
    answer = post(api, salesperson, {"budget": made.pk, "date": TODAY.isoformat(), "lines": [line]})
    assert answer.status_code == 400
    assert not ExpenseClaim.objects.exists()


def test_a_claim_dated_tomorrow_is_refused(api, salesperson, manager):
    made = budget(salesperson, people=[manager])
    body = {"budget": made.pk, "date": "2026-03-11", "lines": [{"kind": "receipt", "amount": "1"}]}
    assert post(api, salesperson, body).status_code == 400
