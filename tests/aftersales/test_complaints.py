"""R-16.2: complaints and suggestions through the API: recorded with the staff concerned,
a major one on leadership's list until its reply, a handler named by the manager."""

import datetime

import pytest
from django.utils import timezone

from aftersales.models import Complaint
from escalations.selectors import escalations_open
from notifications.models import Notification

BASE = "/api/v1/complaints/"


def post(api, user, path, data=None):
    api.force_authenticate(user)
    return api.post(path, data or {}, format="json")


def kinds(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


@pytest.mark.django_db
def test_r16_2_major_complaint_flow_on_leaderships_list_until_replied(
    api, account, salesperson, other_salesperson, manager, clerk, executive, technician
):
    made = post(
        api,
        salesperson,
        BASE,
        {
            "account": account.pk,
            "kind": "complaint",
            "text": "送货员态度恶劣",
            "staff": [other_salesperson.pk],
            "major": True,
        },
    )
    assert made.status_code == 201, made.data
    pk = made.data["id"]
    assert made.data["number"].startswith("KS-") and made.data["staff"] == [other_salesperson.pk]
    assert "complaint_new" in kinds(manager)
    listed = escalations_open(executive)
    assert [(e.source, e.subject_id) for e in listed] == [("complaint", pk)]

    url = f"{BASE}{pk}/"
    # the manager names the handler; nobody else may, and the technician does not see it
    assert post(api, salesperson, url + "assign/", {"handler": clerk.pk}).status_code == 403
    api.force_authenticate(technician)
    assert api.get(url).status_code == 404
    ok = post(api, manager, url + "assign/", {"handler": clerk.pk})
    assert ok.status_code == 200 and ok.data["state"] == "assigned"
    assert "complaint_assigned" in kinds(clerk)

    # the handler replies; the manager may not reply for them
    body = {
        "reply": "已致歉并更换送货员",
        "method": "phone",
        "replied_at": timezone.now().isoformat(),
    }
    assert post(api, manager, url + "reply/", body).status_code == 403
    assert post(api, clerk, url + "reply/", {**body, "reply": ""}).status_code == 400
    assert post(api, clerk, url + "reply/", {**body, "method": "pigeon"}).status_code == 400
    assert escalations_open(executive)  # still there
    ok = post(api, clerk, url + "reply/", body)
    assert ok.status_code == 200 and ok.data["state"] == "closed"
    assert "complaint_replied" in kinds(salesperson)
    assert escalations_open(executive) == []
    assert post(api, clerk, url + "reply/", body).status_code == 409
    assert post(api, manager, url + "assign/", {"handler": manager.pk}).status_code == 409


@pytest.mark.django_db
def test_a_suggestion_that_is_not_major_is_not_escalated(api, account, clerk, executive):
    made = post(
        api, clerk, BASE, {"account": account.pk, "kind": "suggestion", "text": "希望增加夜间服务"}
    )
    assert made.status_code == 201
    assert escalations_open(executive) == []


@pytest.mark.django_db
def test_the_handler_must_be_of_the_branch(
    api, account, clerk, manager, other_manager, other_seller
):
    pk = post(api, clerk, BASE, {"account": account.pk, "kind": "complaint", "text": "x"}).data[
        "id"
    ]
    bad = post(api, manager, f"{BASE}{pk}/assign/", {"handler": other_seller.pk})
    assert bad.status_code == 400 and "handler" in bad.data
    ok = post(api, manager, f"{BASE}{pk}/assign/", {"handler": manager.pk})
    assert ok.data["handler"] == manager.pk
    # another branch's manager does not even see it
    assert (
        post(api, other_manager, f"{BASE}{pk}/assign/", {"handler": other_manager.pk}).status_code
        == 404
    )


@pytest.mark.django_db
def test_staff_concerned_of_another_office_are_refused(api, account, clerk, other_seller):
    bad = post(
        api,
        clerk,
        BASE,
        {"account": account.pk, "kind": "complaint", "text": "x", "staff": [other_seller.pk]},
    )
    assert bad.status_code == 400 and "staff" in bad.data
    assert Complaint.objects.count() == 0


@pytest.mark.django_db
def test_another_offices_account_is_400(api, other_account, clerk):
    bad = post(api, clerk, BASE, {"account": other_account.pk, "kind": "complaint", "text": "x"})
    assert bad.status_code == 400 and "account" in bad.data


@pytest.mark.django_db
def test_reply_time_before_the_complaint_is_refused(api, account, clerk, manager):
    pk = post(api, clerk, BASE, {"account": account.pk, "kind": "complaint", "text": "x"}).data[
        "id"
    ]
    post(api, manager, f"{BASE}{pk}/assign/", {"handler": clerk.pk})
    early = (timezone.now() - datetime.timedelta(days=2)).isoformat()
    bad = post(
        api, clerk, f"{BASE}{pk}/reply/", {"reply": "好", "method": "phone", "replied_at": early}
    )
    assert bad.status_code == 400 and "replied_at" in bad.data


@pytest.mark.django_db
def test_a_salesperson_sees_only_complaints_of_own_accounts(
    api, account, peer_account, salesperson, other_salesperson, technician
):
    mine = post(api, salesperson, BASE, {"account": account.pk, "kind": "complaint", "text": "x"})
    theirs = post(
        api, other_salesperson, BASE, {"account": peer_account.pk, "kind": "complaint", "text": "y"}
    )
    api.force_authenticate(salesperson)
    data = api.get(BASE).data
    rows = data["results"] if isinstance(data, dict) else data
    assert [r["id"] for r in rows] == [mine.data["id"]]
    assert api.get(f"{BASE}{theirs.data['id']}/").status_code == 404
    api.force_authenticate(technician)
    assert api.get(BASE).status_code == 403
