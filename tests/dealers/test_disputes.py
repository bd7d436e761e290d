"""Dealer disputes (R-17.5): recorded, helped by the salesperson, escalated to the manager,
settled; the wrong person refused at every step; a move the status does not allow is a 409."""

import pytest
from rest_framework.exceptions import PermissionDenied, ValidationError

from common.errors import DomainError
from dealers import services
from dealers.models import DisputeEvent
from notifications.models import Notification

from .conftest import NOW

pytestmark = pytest.mark.django_db


def test_the_whole_flow_through_the_api(api, dealer, salesperson, other_salesperson, manager):
    api.force_authenticate(salesperson)
    made = api.post(
        "/api/v1/dealer-disputes/",
        {"dealer": dealer.pk, "description": "窜货到邻区", "status": "settled"},
        format="json",
    )
    assert made.status_code == 201, made.content
    dispute = made.json()
    assert dispute["status"] == "open" and dispute["recorded_by"] == salesperson.pk
    url = f"/api/v1/dealer-disputes/{dispute['id']}/"

    # a colleague does not even see it; the manager may not help in the salesperson's place
    api.force_authenticate(other_salesperson)
    assert api.post(url + "help/", {"note": "x"}, format="json").status_code == 404
    api.force_authenticate(manager)
    assert api.post(url + "help/", {"note": "x"}, format="json").status_code == 403

    api.force_authenticate(salesperson)
    helped = api.post(url + "help/", {"note": "约两家面谈"}, format="json")
    assert helped.status_code == 200 and helped.json()["status"] == "helping"
    # helping twice is not a move of the map
    again = api.post(url + "help/", {"note": "再谈"}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "invalid_transition"

    # the manager does not escalate to themself
    api.force_authenticate(manager)
    assert api.post(url + "escalate/", {"reason": "x"}, format="json").status_code == 403
    api.force_authenticate(salesperson)
    up = api.post(url + "escalate/", {"reason": "双方各执一词"}, format="json")
    assert up.status_code == 200 and up.json()["status"] == "escalated"
    note = Notification.objects.get(recipient=manager, kind="dealer_dispute_escalated")
    assert note.params["reason"] == "双方各执一词"

    # once escalated, only the manager settles it
    assert api.post(url + "settle/", {"resolution": "x"}, format="json").status_code == 403
    api.force_authenticate(manager)
    done = api.post(url + "settle/", {"resolution": "划定各自区域"}, format="json")
    assert done.status_code == 200
    body = done.json()
    assert body["status"] == "settled" and body["settled_by"] == manager.pk
    assert [e["action"] for e in body["events"]] == ["recorded", "helping", "escalated", "settled"]
    assert Notification.objects.filter(
        recipient=salesperson, kind="dealer_dispute_settled"
    ).exists()
    # settled is final
    again = api.post(url + "settle/", {"resolution": "再次"}, format="json")
    assert again.status_code == 409


def test_status_and_people_are_read_only(api, dealer, salesperson, manager):
    api.force_authenticate(salesperson)
    made = api.post(
        "/api/v1/dealer-disputes/",
        {
            "dealer": dealer.pk,
            "description": "摩擦",
            "status": "settled",
            "recorded_by": manager.pk,
            "resolution": "早已解决",
        },
        format="json",
    )
    body = made.json()
    assert body["status"] == "open" and body["recorded_by"] == salesperson.pk
    assert body["resolution"] == ""


def test_a_dealer_the_user_does_not_see_is_refused(
    api, colleague_dealer, far_dealer, salesperson, other_salesperson
):
    theirs = services.dispute_record(
        actor=other_salesperson, dealer=colleague_dealer, description="x", now=NOW
    )
    api.force_authenticate(salesperson)
    listed = api.get("/api/v1/dealer-disputes/").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert theirs.pk not in [r["id"] for r in rows]
    assert api.get(f"/api/v1/dealer-disputes/{theirs.pk}/").status_code == 404
    for other in (colleague_dealer, far_dealer):
        r = api.post(
            "/api/v1/dealer-disputes/", {"dealer": other.pk, "description": "x"}, format="json"
        )
        assert r.status_code == 400


def test_services_refuse_wrong_people_and_moves(
    dealer, salesperson, other_salesperson, manager, other_manager
):
    with pytest.raises(PermissionDenied):
        services.dispute_record(actor=other_salesperson, dealer=dealer, description="x", now=NOW)
    with pytest.raises(PermissionDenied):
        services.dispute_record(actor=other_manager, dealer=dealer, description="x", now=NOW)
    with pytest.raises(ValidationError):
        services.dispute_record(actor=salesperson, dealer=dealer, description="  ", now=NOW)
    dispute = services.dispute_record(actor=manager, dealer=dealer, description="x", now=NOW)
    # open → settled is not a move: the salesperson helps first
    with pytest.raises(DomainError) as refused:
        services.dispute_settle(dispute=dispute, actor=salesperson, resolution="ok", now=NOW)
    assert refused.value.code == "invalid_transition"
    with pytest.raises(PermissionDenied):
        services.dispute_escalate(dispute=dispute, actor=other_salesperson, reason="x", now=NOW)
    services.dispute_help(dispute=dispute, actor=salesperson, note="调解", now=NOW)
    with pytest.raises(PermissionDenied):
        services.dispute_settle(dispute=dispute, actor=other_manager, resolution="x", now=NOW)
    services.dispute_settle(dispute=dispute, actor=salesperson, resolution="和解", now=NOW)
    dispute.refresh_from_db()
    assert dispute.status == "settled" and dispute.settled_by == salesperson
    assert DisputeEvent.objects.filter(dispute=dispute).count() == 3


def test_a_dispute_recorded_on_a_customer_is_refused(office, salesperson):
    from contracts.factories import approved_account

    customer = approved_account(office, salesperson, name="终端客户")
    with pytest.raises(ValidationError):
        services.dispute_record(actor=salesperson, dealer=customer, description="x", now=NOW)
