"""`GET, POST /api/v1/targets/` and `/api/v1/target-explanations/` (R-17.1, R-17.2): each role
right and wrong, another branch's manager, a salesperson setting their own target, 400 for bad
numbers, 409 over_parent, and set_by never taken from the body."""

from decimal import Decimal

import pytest

from targets.factories import set_target
from targets.models import SalesTarget, TargetExplanation

pytestmark = pytest.mark.django_db

URL = "/api/v1/targets/"


def post(api, user, body):
    api.force_authenticate(user)
    return api.post(URL, body, format="json")


def test_the_director_sets_the_department_target(api, regional, director):
    answer = post(api, director, {"year": 2026, "amount": "1000000.00"})
    assert answer.status_code == 201, answer.data
    assert answer.data["amount"] == "1000000.00"
    assert answer.data["month"] is None
    assert answer.data["set_by"] == director.pk


def test_set_by_in_the_body_is_ignored(api, regional, director, manager):
    answer = post(api, director, {"year": 2026, "amount": "5.00", "set_by": manager.pk})
    assert answer.status_code == 201
    assert SalesTarget.objects.get().set_by == director


def test_the_manager_splits_the_branch_month(api, planned, manager, salesperson):
    body = {"year": 2026, "office": planned.pk, "salesperson": salesperson.pk, "month": 3,
            "amount": "30000.00"}  # fmt: skip
    answer = post(api, manager, body)
    assert answer.status_code == 201, answer.data
    body["amount"] = "30000.01"
    answer = post(api, manager, body)
    assert answer.status_code == 409
    assert answer.data["code"] == "over_parent"
    assert SalesTarget.objects.get(salesperson=salesperson).amount == Decimal("30000.00")


def test_a_manager_cannot_set_the_branch_year(api, planned, manager):
    answer = post(api, manager, {"year": 2026, "office": planned.pk, "amount": "1.00"})
    assert answer.status_code == 403
    assert SalesTarget.objects.get(office=planned, month=None).amount == Decimal("300000.00")


def test_another_branch_manager_is_refused(api, planned, other_manager, salesperson):
    body = {"year": 2026, "office": planned.pk, "salesperson": salesperson.pk, "month": 3,
            "amount": "1.00"}  # fmt: skip
    assert post(api, other_manager, body).status_code == 403
    assert not SalesTarget.objects.filter(salesperson=salesperson).exists()


def test_a_salesperson_cannot_set_their_own_target(api, planned, salesperson):
    body = {"year": 2026, "office": planned.pk, "salesperson": salesperson.pk, "month": 3,
            "amount": "99999.00"}  # fmt: skip
    assert post(api, salesperson, body).status_code == 403
    assert not SalesTarget.objects.filter(salesperson=salesperson).exists()


@pytest.mark.parametrize(
    "body",
    [
        {"year": 1999, "amount": "1.00"},
        {"year": 2026, "amount": "-1.00"},
        {"year": 2026, "amount": "1.005"},
        {"year": 2026, "amount": "abc"},
        {"year": 2026, "amount": "1000000000000"},
        {"year": 2026, "month": 13, "amount": "1.00"},
        {"year": "x", "amount": "1.00"},
    ],
)
def test_bad_numbers_are_400(api, regional, director, body):
    answer = post(api, director, body)
    assert answer.status_code == 400, answer.data
    assert SalesTarget.objects.count() == 0


def test_the_list_shows_what_each_one_may_see(
    api, planned, director, executive, manager, other_manager, salesperson, other_salesperson,
    finance,
):  # fmt: skip
    set_target(manager, "100.00", office=planned, salesperson=salesperson, month=3)
    set_target(manager, "200.00", office=planned, salesperson=other_salesperson, month=3)

    def listed(user, query=""):
        api.force_authenticate(user)
        answer = api.get(URL + query)
        if answer.status_code != 200:
            return answer.status_code, None
        return 200, [row["amount"] for row in answer.data["results"]]

    assert len(listed(director)[1]) == 6
    assert len(listed(executive)[1]) == 6
    status, rows = listed(manager)
    assert sorted(rows) == sorted(["100.00", "200.00", "300000.00", "30000.00"])
    assert listed(salesperson) == (200, ["100.00"])
    assert listed(other_manager) == (200, [])
    assert listed(finance)[0] == 403
    assert listed(director, f"?salesperson={salesperson.pk}") == (200, ["100.00"])
    assert listed(director, "?year=2025") == (200, [])
    assert listed(director, "?year=abc")[0] == 400


def test_anonymous_is_refused(api, regional):
    assert api.get(URL).status_code in (401, 403)
    assert api.post(URL, {"year": 2026, "amount": "1"}, format="json").status_code in (401, 403)


def test_explanations_by_the_manager_only(api, planned, manager, other_manager, salesperson):
    body = {"office": planned.pk, "salesperson": salesperson.pk, "year": 2026, "month": 3,
            "text": "大客户推迟签约", "written_by": other_manager.pk}  # fmt: skip
    api.force_authenticate(other_manager)
    assert api.post("/api/v1/target-explanations/", body, format="json").status_code == 403
    api.force_authenticate(salesperson)
    assert api.post("/api/v1/target-explanations/", body, format="json").status_code == 403
    api.force_authenticate(manager)
    answer = api.post("/api/v1/target-explanations/", body, format="json")
    assert answer.status_code == 201, answer.data
    assert TargetExplanation.objects.get().written_by == manager
    api.force_authenticate(salesperson)
    assert [r["text"] for r in api.get("/api/v1/target-explanations/").data["results"]] == [
        "大客户推迟签约"
    ]
    api.force_authenticate(other_manager)
    assert api.get("/api/v1/target-explanations/").data["results"] == []
