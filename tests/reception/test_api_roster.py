"""The roster and duty-status endpoints (R-2.2): who reads, who sets, and bad input."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from reception.factories import roster_for
from reception.models import DutyState, Roster, RosterEntry
from staff.factories import UserFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 11, 28)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime(2026, 11, 28, 10, 0, tzinfo=SHANGHAI), tick=False) as t:
        yield t


@pytest.fixture
def third(office):
    return UserFactory(username="sales3", roles=["salesperson"], offices=[office])


def roster_url(office, day="2026-11-28"):
    return f"/api/v1/offices/{office.pk}/roster/{day}/"


def status_url(office):
    return f"/api/v1/offices/{office.pk}/duty-status/"


def entries_of(office, day=TODAY):
    return list(
        RosterEntry.objects.filter(roster__office=office, roster__date=day)
        .order_by("position")
        .values_list("salesperson_id", flat=True)
    )


class TestRead:
    def test_member_reads_pointer_status_and_owed_turns_r_2_2(
        self, api, secretary, manager, salesperson, other_salesperson, office
    ):
        roster_for(
            office,
            TODAY,
            [salesperson, other_salesperson],
            manager=manager,
            statuses={other_salesperson: "away_business"},
            owed={other_salesperson: 2},
        )
        api.force_authenticate(secretary)
        response = api.get(roster_url(office))
        assert response.status_code == 200
        assert response.json() == {
            "office": office.pk,
            "date": "2026-11-28",
            "pointer": 1,
            "entries": [
                {
                    "salesperson": salesperson.pk,
                    "salesperson_name": str(salesperson),
                    "position": 1,
                    "owed_turns": 0,
                    "status": "available",
                },
                {
                    "salesperson": other_salesperson.pk,
                    "salesperson_name": str(other_salesperson),
                    "position": 2,
                    "owed_turns": 2,
                    "status": "away_business",
                },
            ],
        }

    def test_salesperson_may_read_too(self, api, manager, salesperson, office):
        roster_for(office, TODAY, [salesperson], manager=manager)
        api.force_authenticate(salesperson)
        assert api.get(roster_url(office)).status_code == 200

    def test_no_roster_that_day_is_404(self, api, secretary, office):
        api.force_authenticate(secretary)
        assert api.get(roster_url(office)).status_code == 404

    def test_office_not_visible_is_404(self, api, other_manager, manager, salesperson, office):
        roster_for(office, TODAY, [salesperson], manager=manager)
        api.force_authenticate(other_manager)
        assert api.get(roster_url(office)).status_code == 404
        assert api.get("/api/v1/offices/999999/roster/2026-11-28/").status_code == 404

    @pytest.mark.parametrize("day", ["2026-13-01", "2026-02-30", "yesterday", "20261128"])
    def test_malformed_date_is_400(self, api, secretary, office, day):
        api.force_authenticate(secretary)
        response = api.get(roster_url(office, day))
        assert response.status_code == 400
        assert "date" in response.json()

    def test_anonymous_is_401(self, api, office):
        assert api.get(roster_url(office)).status_code == 401


class TestSet:
    def test_manager_sets_the_order_r_2_2(
        self, api, manager, salesperson, other_salesperson, third, office
    ):
        api.force_authenticate(manager)
        ids = [third.pk, salesperson.pk, other_salesperson.pk]
        response = api.put(roster_url(office, "2026-11-29"), {"salespeople": ids}, format="json")
        assert response.status_code == 200, response.json()
        body = response.json()
        assert body["date"] == "2026-11-29"
        assert body["pointer"] == 1
        assert [e["salesperson"] for e in body["entries"]] == ids
        assert [e["position"] for e in body["entries"]] == [1, 2, 3]
        assert entries_of(office, date(2026, 11, 29)) == ids
        assert Roster.objects.get(office=office, date=date(2026, 11, 29)).set_by == manager
        assert DutyState.objects.filter(office=office).count() == 3

    def test_pointer_stays_on_the_same_person_when_reordered_r_2_2(
        self, api, manager, salesperson, other_salesperson, third, office
    ):
        roster = roster_for(office, TODAY, [salesperson, other_salesperson, third], manager=manager)
        Roster.objects.filter(pk=roster.pk).update(pointer=2)  # other_salesperson is next
        api.force_authenticate(manager)
        ids = [other_salesperson.pk, third.pk, salesperson.pk]
        body = api.put(roster_url(office), {"salespeople": ids}, format="json").json()
        assert body["pointer"] == 1

    def test_director_may_set(self, api, director, salesperson, office):
        api.force_authenticate(director)
        response = api.put(roster_url(office), {"salespeople": [salesperson.pk]}, format="json")
        assert response.status_code == 200

    @pytest.mark.parametrize("who", ["secretary", "salesperson"])
    def test_only_a_manager_sets_it(self, api, request, office, who):
        user = request.getfixturevalue(who)
        salesperson = request.getfixturevalue("salesperson")
        api.force_authenticate(user)
        response = api.put(roster_url(office), {"salespeople": [salesperson.pk]}, format="json")
        assert response.status_code == 403
        assert Roster.objects.count() == 0

    def test_manager_of_another_office_gets_404(self, api, other_manager, salesperson, office):
        api.force_authenticate(other_manager)
        response = api.put(roster_url(office), {"salespeople": [salesperson.pk]}, format="json")
        assert response.status_code == 404

    @pytest.mark.parametrize(
        "case",
        ["non_salesperson", "duplicate", "unknown", "other_office", "empty", "not_a_list"],
    )
    def test_bad_input_is_400_and_the_roster_unchanged(
        self, api, manager, salesperson, other_salesperson, secretary, other_office, office, case
    ):
        roster_for(office, TODAY, [salesperson, other_salesperson], manager=manager)
        stranger = UserFactory(username="far", roles=["salesperson"], offices=[other_office])
        payload = {
            "non_salesperson": [salesperson.pk, secretary.pk],
            "duplicate": [salesperson.pk, salesperson.pk],
            "unknown": [salesperson.pk, 999999],
            "other_office": [stranger.pk],
            "empty": [],
            "not_a_list": str(salesperson.pk),
        }[case]
        api.force_authenticate(manager)
        response = api.put(roster_url(office), {"salespeople": payload}, format="json")
        assert response.status_code == 400
        assert "salespeople" in response.json()
        assert entries_of(office) == [salesperson.pk, other_salesperson.pk]

    def test_missing_body_and_malformed_json_are_400(self, api, manager, office):
        api.force_authenticate(manager)
        assert api.put(roster_url(office), {}, format="json").status_code == 400
        response = api.put(roster_url(office), "{oops", content_type="application/json")
        assert response.status_code == 400
        assert Roster.objects.count() == 0

    def test_malformed_date_is_400(self, api, manager, salesperson, office):
        api.force_authenticate(manager)
        response = api.put(
            roster_url(office, "28-11-2026"), {"salespeople": [salesperson.pk]}, format="json"
        )
        assert response.status_code == 400
        assert Roster.objects.count() == 0


class TestDutyStatus:
    """R-2.2: the person, the secretary or the manager sets a status."""

    @pytest.fixture
    def rostered(self, manager, salesperson, other_salesperson, office):
        return roster_for(
            office,
            TODAY,
            [salesperson, other_salesperson],
            manager=manager,
            owed={salesperson: 1},
        )

    def test_secretary_sets_a_status(self, api, secretary, salesperson, office, rostered):
        api.force_authenticate(secretary)
        response = api.post(
            status_url(office), {"salesperson": salesperson.pk, "status": "busy"}, format="json"
        )
        assert response.status_code == 200
        assert response.json() == {"salesperson": salesperson.pk, "status": "busy", "owed_turns": 1}
        assert DutyState.objects.get(office=office, salesperson=salesperson).status == "busy"

    def test_salesperson_sets_their_own(self, api, salesperson, office, rostered):
        api.force_authenticate(salesperson)
        response = api.post(
            status_url(office),
            {"salesperson": salesperson.pk, "status": "away_private"},
            format="json",
        )
        assert response.status_code == 200
        state = DutyState.objects.get(office=office, salesperson=salesperson)
        assert state.status == "away_private"

    def test_salesperson_cannot_set_a_colleagues(
        self, api, salesperson, other_salesperson, office, rostered
    ):
        api.force_authenticate(salesperson)
        response = api.post(
            status_url(office),
            {"salesperson": other_salesperson.pk, "status": "away_private"},
            format="json",
        )
        assert response.status_code == 403
        assert DutyState.objects.get(salesperson=other_salesperson).status == "available"

    def test_someone_not_on_todays_roster_is_400(self, api, manager, third, office, rostered):
        api.force_authenticate(manager)
        response = api.post(
            status_url(office), {"salesperson": third.pk, "status": "busy"}, format="json"
        )
        assert response.status_code == 400
        assert "salesperson" in response.json()
        assert not DutyState.objects.filter(salesperson=third).exists()

    @pytest.mark.parametrize(
        "payload, field",
        [
            ({"status": "asleep"}, "status"),
            ({"salesperson": 999999}, "salesperson"),
            ({"salesperson": None}, "salesperson"),
        ],
    )
    def test_bad_input_is_400(self, api, manager, salesperson, office, rostered, payload, field):
        api.force_authenticate(manager)
        data = {"salesperson": salesperson.pk, "status": "busy", **payload}
        response = api.post(status_url(office), data, format="json")
        assert response.status_code == 400
        assert field in response.json()
        assert DutyState.objects.get(salesperson=salesperson).status == "available"

    def test_other_office_is_404(self, api, other_manager, salesperson, office, rostered):
        api.force_authenticate(other_manager)
        response = api.post(
            status_url(office), {"salesperson": salesperson.pk, "status": "busy"}, format="json"
        )
        assert response.status_code == 404

    def test_anonymous_is_401(self, api, office):
        assert api.post(status_url(office), {}, format="json").status_code == 401


class TestNeverA500:
    def test_out_of_range_ids_are_404_or_400(self, api, manager, salesperson, office):
        api.force_authenticate(manager)
        huge = 10**20
        assert api.get(f"/api/v1/offices/{huge}/roster/2026-11-28/").status_code == 404
        response = api.put(roster_url(office), {"salespeople": [huge]}, format="json")
        assert response.status_code == 400
        response = api.post(
            status_url(office), {"salesperson": huge, "status": "busy"}, format="json"
        )
        assert response.status_code == 400
        assert api.get(f"/api/v1/visits/{huge}/").status_code == 404
        assert api.get(f"/api/v1/customers/{huge}/").status_code == 404
        response = api.post("/api/v1/notifications/read/", {"ids": [huge]}, format="json")
        assert response.status_code in (200, 400)

    def test_a_list_body_is_400(self, api, manager, office):
        api.force_authenticate(manager)
        response = api.put(roster_url(office), [1, 2], format="json")
        assert response.status_code == 400
