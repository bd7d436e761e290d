"""R-16.1: an escalated request stays on leadership's list until it is closed; leadership
instructs. R-16.2: the customers' ratings of technicians (1–5, one per request), and the
times per technician."""

import pytest

from aftersales.factories import NOW, at, request_at
from aftersales.selectors import rating_months, technician_times
from aftersales.services import extras, requests
from escalations.selectors import escalations_open
from notifications.models import Notification

BASE = "/api/v1/after-sales/"
RATINGS = "/api/v1/technician-ratings/"


def post(api, user, path, data=None):
    api.force_authenticate(user)
    return api.post(path, data or {}, format="json")


@pytest.fixture
def flow(salesperson, manager, clerk, technician):
    return {"reporter": salesperson, "manager": manager, "clerk": clerk, "technician": technician}


@pytest.mark.django_db
def test_r16_1_escalated_request_on_the_executives_list_until_closed(
    api, account, flow, manager, clerk, technician, salesperson, executive, director, other_manager
):
    made = request_at("filed", account, **flow)
    url = f"{BASE}{made.pk}/"
    assert post(api, salesperson, url + "escalate/", {"reason": "x"}).status_code == 403
    assert post(api, manager, url + "escalate/", {"reason": " "}).status_code == 400
    ok = post(api, manager, url + "escalate/", {"reason": "分部无法判断故障原因"})
    assert ok.status_code == 200 and ok.data["escalated"] is True
    assert post(api, manager, url + "escalate/", {"reason": "再次"}).status_code == 409

    listed = escalations_open(executive)
    assert [(e.source, e.subject_id, e.url) for e in listed] == [
        ("after_sales", made.pk, f"/aftersales/{made.pk}/")
    ]
    assert escalations_open(other_manager) == []
    # the executive reads the request and gives an instruction; the manager is told
    api.force_authenticate(executive)
    assert api.get(url).status_code == 200
    assert post(api, manager, url + "instruct/", {"note": "x"}).status_code == 403
    ok = post(api, executive, url + "instruct/", {"note": "请技术部经理亲自上门"})
    assert ok.status_code == 200 and ok.data["events"][-1]["kind"] == "note"
    assert Notification.objects.filter(recipient=manager, kind="aftersales_instruction").exists()

    requests.request_contact(
        request=made, actor=technician, contacted_at=at(100), method="visit", now=at(100)
    )
    requests.request_result(request=made, actor=technician, result="更换主板", now=at(200))
    assert escalations_open(executive)  # resolved is not closed
    requests.request_close(request=made, actor=clerk, now=at(300))
    assert escalations_open(executive) == []
    assert escalations_open(director) == []


@pytest.mark.django_db
def test_a_closed_request_cannot_be_escalated_nor_instructed_unless_escalated(
    api, account, flow, manager, executive
):
    made = request_at("closed", account, **flow)
    assert post(api, manager, f"{BASE}{made.pk}/escalate/", {"reason": "x"}).status_code == 409
    assert post(api, executive, f"{BASE}{made.pk}/instruct/", {"note": "x"}).status_code == 409


@pytest.mark.django_db
def test_r16_2_rating_1_to_5_once_per_resolved_request(
    api, account, flow, clerk, manager, salesperson, technician
):
    made = request_at("resolved", account, **flow)
    for bad in (0, 6, "x", None):
        assert post(api, clerk, RATINGS, {"request": made.pk, "score": bad}).status_code == 400
    assert post(api, salesperson, RATINGS, {"request": made.pk, "score": 5}).status_code == 403
    assert post(api, technician, RATINGS, {"request": made.pk, "score": 5}).status_code == 403
    ok = post(api, clerk, RATINGS, {"request": made.pk, "score": 1, "comment": "来得太慢"})
    assert ok.status_code == 201 and ok.data["technician"] == technician.pk
    assert post(api, manager, RATINGS, {"request": made.pk, "score": 5}).status_code == 409
    other = request_at("resolved", account, **flow)
    assert post(api, manager, RATINGS, {"request": other.pk, "score": 5}).status_code == 201


@pytest.mark.django_db
def test_a_request_not_yet_resolved_is_not_rated(api, account, flow, clerk):
    made = request_at("contacted", account, **flow)
    assert post(api, clerk, RATINGS, {"request": made.pk, "score": 4}).status_code == 409


@pytest.mark.django_db
def test_a_technician_sees_only_their_own_ratings(
    api, account, flow, clerk, technician, technician2, manager, executive
):
    mine = request_at("resolved", account, **flow)
    theirs = request_at("resolved", account, **{**flow, "technician": technician2})
    extras.rating_record(request=mine, actor=clerk, score=4, comment="好", now=at(500))
    extras.rating_record(request=theirs, actor=clerk, score=2, now=at(500))
    api.force_authenticate(technician)
    data = api.get(RATINGS).data
    rows = data["results"] if isinstance(data, dict) else data
    assert [r["request"] for r in rows] == [mine.pk]
    assert [(r["technician"], r["count"]) for r in rating_months(technician)] == [
        (technician.pk, 1)
    ]
    assert {r["technician"]: r["average"] for r in rating_months(manager)} == {
        technician.pk: 4.0,
        technician2.pk: 2.0,
    }
    assert len(rating_months(executive)) == 2


@pytest.mark.django_db
def test_r16_1_times_per_technician_per_month_in_one_query(
    account, flow, technician, manager, django_assert_max_num_queries
):
    first = request_at("resolved", account, **flow)
    request_at("resolved", account, **flow)
    # filed at +60 min, contacted at +90, resolved at +120 from the call (factories.request_at)
    assert first.response_time.total_seconds() == 30 * 60
    assert first.resolution_time.total_seconds() == 120 * 60
    manager.refresh_from_db()
    with django_assert_max_num_queries(2):  # the manager's offices, then the GROUP BY
        rows = technician_times(manager)
    assert len(rows) == 1
    row = rows[0]
    assert row["technician"] == technician.pk and row["requests"] == 2
    assert row["response"].total_seconds() == 30 * 60
    assert row["resolution"].total_seconds() == 120 * 60
    assert row["month"].date().replace(day=1) == NOW.date().replace(day=1)
