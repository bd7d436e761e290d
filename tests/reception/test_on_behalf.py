"""R-5.4: when the owner is absent, a colleague, the manager or the secretary receives the
customer on the owner's behalf; credit stays with the owner."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from attribution.models import Claim
from leads.factories import channel
from notifications.models import Notification
from reception import services
from reception.choices import DutyStatus
from reception.factories import roster_for
from reception.models import Visit
from staff.choices import Role
from staff.factories import UserFactory

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 11, 28, 10, 0, tzinfo=SH)


@pytest.fixture
def owned_visit(office, secretary, manager, salesperson, other_salesperson):
    """The owner (sales1) is away on business when their customer walks in."""
    roster_for(
        office,
        NOW.date(),
        [salesperson, other_salesperson],
        manager=manager,
        statuses={salesperson: DutyStatus.AWAY_BUSINESS},
    )
    first, _ = services.visit_register(
        office=office,
        actor=secretary,
        phone="13800000001",
        source_channel=channel(),
        named_salesperson=salesperson,
        now=NOW - datetime.timedelta(days=2),
    )
    visit, _ = services.visit_register(
        office=office, actor=secretary, phone="13800000001", source_channel=channel(), now=NOW
    )
    assert (visit.rule, visit.assigned_to) == ("owner", salesperson)
    return visit


def url(visit):
    return f"/api/v1/visits/{visit.pk}/on-behalf/"


def test_colleague_receives_for_the_owner_and_credit_stays(
    api, secretary, owned_visit, salesperson, other_salesperson
):
    api.force_authenticate(secretary)
    response = api.post(url(owned_visit), {"receiver": other_salesperson.pk}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["assigned_to"] == salesperson.pk  # the owner keeps the visit
    assert body["received_on_behalf_by"] == other_salesperson.pk
    claim = Claim.objects.get(household=owned_visit.customer.household, status="active")
    assert claim.owner == salesperson  # and the claim
    event = owned_visit.timeline.get(kind="on_behalf")
    assert event.detail["receiver"] == other_salesperson.pk
    assert Notification.objects.filter(recipient=salesperson, kind="received_on_behalf").exists()


def test_only_desk_or_manager_records_it(api, owned_visit, other_salesperson):
    api.force_authenticate(other_salesperson)
    response = api.post(url(owned_visit), {"receiver": other_salesperson.pk}, format="json")
    assert response.status_code == 403
    assert Visit.objects.get(pk=owned_visit.pk).received_on_behalf_by is None


def test_receiver_must_be_a_colleague_not_the_owner(
    api, secretary, owned_visit, salesperson, other_office
):
    api.force_authenticate(secretary)
    assert (
        api.post(url(owned_visit), {"receiver": salesperson.pk}, format="json").status_code == 400
    )
    stranger = UserFactory(username="far", roles=[Role.SALESPERSON], offices=[other_office])
    response = api.post(url(owned_visit), {"receiver": stranger.pk}, format="json")
    assert response.status_code == 400
    assert "receiver" in response.json()
    assert Visit.objects.get(pk=owned_visit.pk).received_on_behalf_by is None


def test_a_waiting_visit_is_assigned_first(api, secretary, office, manager, other_salesperson):
    visit, _ = services.visit_register(
        office=office, actor=secretary, phone="13800000002", source_channel=channel(), now=NOW
    )
    assert visit.rule == "unassigned"  # no roster
    api.force_authenticate(secretary)
    response = api.post(url(visit), {"receiver": other_salesperson.pk}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "unassigned"


def test_timeline_shows_who_stood_in(api, manager, secretary, owned_visit, other_salesperson):
    api.force_authenticate(secretary)
    api.post(url(owned_visit), {"receiver": other_salesperson.pk}, format="json")
    api.force_authenticate(manager)
    entries = api.get(f"/api/v1/customers/{owned_visit.customer_id}/timeline/").json()
    assert any(e["kind"] == "visit_on_behalf" for e in entries)


def test_the_desk_records_it_from_the_result_panel(
    client, secretary, owned_visit, other_salesperson, salesperson
):
    client.force_login(secretary)
    page = f"/reception/visits/{owned_visit.pk}/on-behalf/"
    response = client.post(page, {"receiver": other_salesperson.pk}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert str(other_salesperson) in html and str(salesperson) in html
    assert Visit.objects.get(pk=owned_visit.pk).received_on_behalf_by == other_salesperson
    missing = client.post(page, {"receiver": ""}, HTTP_HX_REQUEST="true")
    assert missing.status_code == 422


def test_a_salesperson_cannot_record_it_on_the_desk(client, other_salesperson, owned_visit):
    client.force_login(other_salesperson)
    page = f"/reception/visits/{owned_visit.pk}/on-behalf/"
    assert client.post(page, {"receiver": other_salesperson.pk}).status_code == 403
