"""The front desk's pages and fragments (R-2, R-4.3) through Django's test client: who may open
what, what the secretary sees after each action, bad input, and constant query counts."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from attribution.services import claim_start
from leads.factories import CustomerFactory, channel
from leads.models import Customer
from notifications.models import Notification
from reception import services
from reception.choices import DutyStatus, ResearchStatus, Rule
from reception.factories import roster_for
from reception.models import Call, DutyState, Referral, Roster, RosterEntry, Visit
from staff.choices import Role
from staff.factories import UserFactory

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 11, 28, 10, 0, tzinfo=SH)  # a busy Saturday morning
TODAY = NOW.date()
DESK = "/w/desk/"
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=True) as traveller:
        yield traveller


@pytest.fixture
def team(office):
    return [
        UserFactory(
            username=f"sp{i}", display_name=f"销售{i}", roles=[Role.SALESPERSON], offices=[office]
        )
        for i in range(1, 4)
    ]


@pytest.fixture
def rotation(office, manager, team):
    return roster_for(office, TODAY, team, manager=manager)


def visit_data(office, phone="13800138000", **extra):
    data = {
        "office": office.pk,
        "phone": phone,
        "name": "王先生",
        "party_size": 2,
        "source_channel": channel("passing").pk,
        "one_household": "on",
        "idempotency_key": f"key-{phone}",
    }
    data.update(extra)
    return data


def html(response) -> str:
    return response.content.decode()


def text(response) -> str:
    """The response's visible text, tags stripped and whitespace collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html(response)))


def seat_of_next(response) -> str:
    match = re.search(r'data-salesperson="(\d+)" aria-current="true"', html(response))
    return match and match.group(1)


# ---------------------------------------------------------------- who may open what


class TestPermissions:
    def test_anonymous_is_sent_to_login(self, client, office):
        for url in ["/reception/board/", "/reception/lookup/?q=138", "/reception/unassigned/"]:
            response = client.get(url)
            assert response.status_code == 302
            assert response.url.startswith("/accounts/login/")
        assert client.post("/reception/visits/", visit_data(office)).status_code == 302
        assert Visit.objects.count() == 0

    def test_secretary_gets_404_for_another_office(
        self, client, secretary, office, other_office, rotation
    ):
        client.force_login(secretary)
        assert client.get(DESK).status_code == 200
        assert client.get(f"{DESK}?office={office.pk}").status_code == 200
        assert client.get(f"{DESK}?office={other_office.pk}").status_code == 404
        assert client.get(f"/reception/board/?office={other_office.pk}").status_code == 404
        assert client.get(f"/reception/lookup/?office={other_office.pk}&q=1").status_code == 404
        response = client.post(
            "/reception/visits/", visit_data(other_office), **HTMX
        )  # office is the form's
        assert response.status_code == 404
        assert Visit.objects.count() == 0

    def test_salesperson_may_not_use_the_desk(self, client, salesperson, office, rotation):
        client.force_login(salesperson)
        assert client.get(DESK).status_code == 403
        assert client.get(f"/reception/lookup/?office={office.pk}&q=138").status_code == 403
        assert client.get(f"/reception/counters/?office={office.pk}").status_code == 403
        response = client.post("/reception/visits/", visit_data(office), **HTMX)
        assert response.status_code == 403
        response = client.post(
            "/reception/calls/",
            {"office": office.pk, "kind": "non_customer", "caller": "x", "content": "y"},
        )
        assert response.status_code == 403
        assert Visit.objects.count() == 0
        assert Call.objects.count() == 0

    def test_director_and_manager_do_not_register_visits(self, client, director, manager, office):
        for user in (director, manager):
            client.force_login(user)
            response = client.post("/reception/visits/", visit_data(office), **HTMX)
            assert response.status_code == 403
        assert Visit.objects.count() == 0

    def test_salesperson_sets_own_duty_status_but_not_someone_elses(
        self, client, office, team, rotation
    ):
        me, colleague = team[0], team[1]
        client.force_login(me)
        response = client.post(
            "/reception/duty-status/",
            {"office": office.pk, "salesperson": colleague.pk, "status": DutyStatus.BUSY},
            **HTMX,
        )
        assert response.status_code == 403
        assert DutyState.objects.get(salesperson=colleague).status == DutyStatus.AVAILABLE

        response = client.post(
            "/reception/duty-status/",
            {"office": office.pk, "salesperson": me.pk, "status": DutyStatus.BUSY},
            **HTMX,
        )
        assert response.status_code == 200
        assert DutyState.objects.get(salesperson=me).status == DutyStatus.BUSY
        # the board that comes back shows the change, and only their own buttons
        board = html(response)
        assert board.count('name="status" value="busy"') == 1

    def test_secretary_of_another_office_cannot_set_a_status(
        self, client, office, other_office, team, rotation
    ):
        outsider = UserFactory(
            username="sec-riverside", roles=[Role.SECRETARY], offices=[other_office]
        )
        client.force_login(outsider)
        response = client.post(
            "/reception/duty-status/",
            {"office": office.pk, "salesperson": team[0].pk, "status": DutyStatus.BUSY},
            **HTMX,
        )
        assert response.status_code == 404
        assert DutyState.objects.get(salesperson=team[0]).status == DutyStatus.AVAILABLE


# ---------------------------------------------------------------- the desk page


class TestDesk:
    def test_desk_shows_counters_board_with_pointer_and_forms(
        self, client, secretary, office, team, rotation
    ):
        client.force_login(secretary)
        response = client.get(DESK)
        assert response.status_code == 200
        page = html(response)
        assert 'id="visit-form"' in page
        assert 'id="lookup-q"' in page
        assert 'id="call-form"' in page
        assert 'id="referral-form"' in page
        assert 'hx-trigger="reception-changed from:body' in page
        assert seat_of_next(response) == str(team[0].pk)
        for person in team:
            assert person.display_name in page
        assert response.context["counters"] == {
            "parties": 0,
            "new_customers": 0,
            "returning_customers": 0,
            "customer_calls": 0,
            "non_customer_calls": 0,
        }
        # four status buttons per person for the secretary
        assert page.count('name="status" value="away_business"') == 3

    def test_desk_without_roster_says_so(self, client, secretary, office):
        client.force_login(secretary)
        response = client.get(DESK)
        assert response.context["board"].roster is None
        assert "前台接待" in html(response)

    def test_secretary_with_two_offices_picks_one(self, client, office, other_office):
        both = UserFactory(username="sec2", roles=[Role.SECRETARY], offices=[office, other_office])
        client.force_login(both)
        first = client.get(DESK)
        assert first.context["office"] == sorted([office, other_office], key=lambda o: o.name)[0]
        assert f"?office={other_office.pk}" in html(first)
        assert client.get(f"{DESK}?office={other_office.pk}").context["office"] == other_office

    def test_desk_query_count_does_not_grow_with_visits(
        self, client, secretary, office, team, rotation
    ):
        client.force_login(secretary)

        def add_visits(n, start):
            for i in range(start, start + n):
                services.visit_register(
                    office=office,
                    actor=secretary,
                    phone=f"1390000{i:04d}",
                    name=f"客户{i}",
                    source_channel=channel(),
                    now=NOW + datetime.timedelta(seconds=i),
                    party_size=6 if i % 7 == 0 else 2,
                    one_household=i % 7 != 0,
                )
                services.call_register(
                    office=office,
                    actor=secretary,
                    kind="non_customer",
                    caller=f"来电{i}",
                    content="推销",
                    now=NOW,
                )

        add_visits(5, 0)
        with CaptureQueriesContext(connection) as few:
            assert client.get(DESK).status_code == 200
        add_visits(45, 5)
        with CaptureQueriesContext(connection) as many:
            response = client.get(DESK)
        assert response.context["counters"]["parties"] == 50
        assert len(many.captured_queries) == len(few.captured_queries)
        assert len(many.captured_queries) <= 20

    def test_desk_query_count_is_bounded(
        self, client, secretary, office, team, rotation, django_assert_max_num_queries
    ):
        client.force_login(secretary)
        for i in range(50):
            services.visit_register(
                office=office,
                actor=secretary,
                phone=f"1370000{i:04d}",
                source_channel=channel(),
                now=NOW + datetime.timedelta(seconds=i),
            )
        with django_assert_max_num_queries(20):
            client.get(DESK)


# ---------------------------------------------------------------- registering a walk-in


class TestRegisterVisit:
    def test_rotation_result_panel_board_and_event(self, client, secretary, office, team, rotation):
        client.force_login(secretary)
        response = client.post("/reception/visits/", visit_data(office), **HTMX)
        assert response.status_code == 200
        assert response["HX-Trigger"] == "reception-changed"
        visit = Visit.objects.get()
        assert visit.assigned_to == team[0]
        assert visit.rule == Rule.ROTATION
        panel = html(response)
        assert "<html" not in panel
        assert 'class="receiver-name">销售1<' in panel
        assert visit.get_rule_display() in panel
        # a fresh form with a fresh key, for the next customer
        assert 'value="key-13800138000"' not in panel
        assert 'name="idempotency_key"' in panel
        # the board now points at the second person
        board = client.get(f"/reception/board/?office={office.pk}")
        assert seat_of_next(board) == str(team[1].pk)
        counters = client.get(f"/reception/counters/?office={office.pk}")
        assert counters.context["counters"]["parties"] == 1
        assert counters.context["counters"]["new_customers"] == 1
        # the salesperson is notified at once
        assert Notification.objects.filter(recipient=team[0], kind="visit_assigned").exists()

    def test_double_submission_with_the_same_key_registers_one_visit(
        self, client, secretary, office, rotation
    ):
        client.force_login(secretary)
        first = client.post("/reception/visits/", visit_data(office), **HTMX)
        second = client.post("/reception/visits/", visit_data(office), **HTMX)
        assert first.status_code == second.status_code == 200
        assert Visit.objects.count() == 1
        assert Roster.objects.get().pointer == 2  # one turn used, not two

    def test_skipped_person_and_owed_turn_are_explained(
        self, client, secretary, office, team, rotation
    ):
        client.force_login(secretary)
        client.post(
            "/reception/duty-status/",
            {"office": office.pk, "salesperson": team[0].pk, "status": DutyStatus.AWAY_BUSINESS},
            **HTMX,
        )
        response = client.post("/reception/visits/", visit_data(office), **HTMX)
        visit = Visit.objects.get()
        assert visit.assigned_to == team[1]
        skipped = response.context["result"]["skipped"]
        assert [s["name"] for s in skipped] == ["销售1"]
        assert "销售1" in text(response)
        board = client.get(f"/reception/board/?office={office.pk}")
        assert 'data-owed="1"' in html(board)

    def test_nobody_available_waits_for_the_manager(self, client, secretary, office, team):
        roster_for(
            office,
            TODAY,
            team,
            manager=UserFactory(username="m2", roles=[Role.MANAGER], offices=[office]),
            statuses=dict.fromkeys(team, DutyStatus.BUSY),
        )
        client.force_login(secretary)
        response = client.post("/reception/visits/", visit_data(office), **HTMX)
        assert response.status_code == 200
        visit = Visit.objects.get()
        assert visit.rule == Rule.UNASSIGNED
        assert response.context["result"]["unassigned_reason"] == str(
            visit.get_unassigned_reason_display()
        )
        assert "receiver-name" in html(response)
        listing = client.get(f"/reception/unassigned/?office={office.pk}", **HTMX)
        assert f'data-visit="{visit.pk}"' in html(listing)
        assert "assign-form" not in html(listing)  # the secretary sees it, cannot assign

    @pytest.mark.parametrize(
        "field, value, error",
        [
            ("phone", "", "该字段是必填项。"),
            ("party_size", "0", "确保该值大于或等于1。"),
            ("party_size", "500", "确保该值小于或等于100。"),
        ],
    )
    def test_bad_input_rerenders_with_a_translated_error_and_saves_nothing(
        self, client, secretary, office, rotation, field, value, error
    ):
        client.force_login(secretary)
        data = visit_data(office, **{field: value})
        response = client.post("/reception/visits/", data, **HTMX)
        assert response.status_code == 422
        assert "HX-Trigger" not in response
        assert error in html(response)
        # what was typed is kept
        assert 'value="王先生"' in html(response)
        assert f'value="{data["idempotency_key"]}"' in html(response)
        assert Visit.objects.count() == 0
        assert Customer.objects.count() == 0
        assert Roster.objects.get().pointer == 1

    def test_bad_phone_is_refused_with_the_rules_message(self, client, secretary, office):
        client.force_login(secretary)
        response = client.post("/reception/visits/", visit_data(office, phone="138-0013"), **HTMX)
        assert response.status_code == 422
        assert response.context["visit_form"].errors["phone"]
        assert Customer.objects.count() == 0

    def test_without_htmx_the_whole_desk_comes_back(self, client, secretary, office, rotation):
        client.force_login(secretary)
        response = client.post("/reception/visits/", visit_data(office))
        assert response.status_code == 200
        assert "<html" in html(response)
        assert response.context["result"]["visit"].rule == Rule.ROTATION

    def test_named_salesperson_and_referrer_are_taken_from_the_form(
        self, client, secretary, office, team, rotation
    ):
        referrer = CustomerFactory(office=office, registered_by=secretary)
        claim_start(household=referrer.household, owner=team[2], now=NOW, actor=team[2], detail={})
        client.force_login(secretary)
        client.post(
            "/reception/visits/",
            visit_data(office, phone="13600000001", referrer=referrer.pk),
            **HTMX,
        )
        client.post(
            "/reception/visits/",
            visit_data(office, phone="13600000002", named_salesperson=team[1].pk),
            **HTMX,
        )
        referred, named = Visit.objects.order_by("pk")
        assert (referred.rule, referred.assigned_to) == (Rule.REFERRAL, team[2])
        assert (named.rule, named.assigned_to) == (Rule.NAMED, team[1])

    def test_unknown_referrer_is_an_error_on_the_field(
        self, client, secretary, office, other_office
    ):
        stranger = CustomerFactory(office=other_office, registered_by=secretary)
        client.force_login(secretary)
        response = client.post(
            "/reception/visits/", visit_data(office, referrer=stranger.pk), **HTMX
        )
        assert response.status_code == 422
        assert response.context["visit_form"].errors["referrer"]
        assert Visit.objects.count() == 0


# ---------------------------------------------------------------- the lookup box


class TestLookup:
    def test_match_shows_phone_household_and_claim(
        self, client, secretary, office, other_office, team
    ):
        husband = CustomerFactory(office=office, name="李雷", phone="13912345678")
        wife = CustomerFactory(
            office=office, name="韩梅梅", phone="13787654321", household=husband.household
        )
        claim_start(household=husband.household, owner=team[1], now=NOW, actor=team[1], detail={})
        CustomerFactory(office=other_office, name="李雷", phone="13912345679")
        client.force_login(secretary)
        response = client.get(f"/reception/lookup/?office={office.pk}&q=1391234")
        page = text(response)
        assert "李雷" in page and "13912345678" in page  # the desk sees full phones
        assert "韩梅梅" in page and wife.phone in page
        assert "销售2" in page
        assert "保护至 12月5日（含），还剩 7 天" in page  # released 12-06 00:00, office time
        assert "13912345679" not in page  # another office's customer
        # by name, and as the form's phone field types
        assert "13912345678" in text(client.get(f"/reception/lookup/?office={office.pk}&q=李雷"))
        assert "韩梅梅" in text(client.get(f"/reception/lookup/?office={office.pk}&phone=137876"))

    def test_no_match_says_new_customer(self, client, secretary, office):
        client.force_login(secretary)
        response = client.get(f"/reception/lookup/?office={office.pk}&q=1500000")
        assert response.context["matches"] == []
        assert "match-name" not in html(response)

    def test_lookup_queries_do_not_grow_with_matches(
        self, client, secretary, office, team, django_assert_max_num_queries
    ):
        for i in range(10):
            customer = CustomerFactory(office=office, phone=f"1881111{i:04d}")
            claim_start(
                household=customer.household, owner=team[i % 3], now=NOW, actor=team[0], detail={}
            )
        client.force_login(secretary)
        client.get(f"/reception/lookup/?office={office.pk}&q=18811")  # warm the session
        with django_assert_max_num_queries(8):
            response = client.get(f"/reception/lookup/?office={office.pk}&q=18811")
        assert len(response.context["matches"]) == 10

    def test_referrer_options_carry_the_customer_id(self, client, secretary, office):
        customer = CustomerFactory(office=office, name="老客户", phone="13511112222")
        client.force_login(secretary)
        response = client.get(f"/reception/referrer-options/?office={office.pk}&referrer_q=1351111")
        assert f'name="referrer" value="{customer.pk}"' in html(response)


# ---------------------------------------------------------------- calls and referrals


class TestCallsAndReferrals:
    def test_claimed_caller_is_put_through(self, client, secretary, office, team):
        customer = CustomerFactory(office=office, phone="13912340000")
        claim_start(household=customer.household, owner=team[2], now=NOW, actor=team[2], detail={})
        client.force_login(secretary)
        response = client.post(
            "/reception/calls/",
            {"office": office.pk, "kind": "customer", "phone": "139 1234 0000", "content": "问价"},
            **HTMX,
        )
        assert response.status_code == 200
        assert response["HX-Trigger"] == "reception-changed"
        assert Call.objects.get().put_through_to == team[2]
        assert "销售3" in text(response)
        counters = client.get(f"/reception/counters/?office={office.pk}")
        assert counters.context["counters"]["customer_calls"] == 1

    def test_non_customer_call_needs_a_caller(self, client, secretary, office):
        client.force_login(secretary)
        response = client.post(
            "/reception/calls/",
            {"office": office.pk, "kind": "non_customer", "content": "推销广告"},
            **HTMX,
        )
        assert response.status_code == 422
        assert response.context["call_form"].errors["caller"]
        assert "推销广告" in html(response)  # nothing typed is lost
        assert Call.objects.count() == 0

    def test_customer_call_without_phone_is_refused(self, client, secretary, office):
        client.force_login(secretary)
        response = client.post(
            "/reception/calls/",
            {"office": office.pk, "kind": "customer", "content": "问价"},
            **HTMX,
        )
        assert response.status_code == 422
        assert response.context["call_form"].errors["phone"]
        assert Customer.objects.count() == 0

    def test_referral_pre_registration(self, client, secretary, office):
        referrer = CustomerFactory(office=office, phone="13512345678")
        client.force_login(secretary)
        response = client.post(
            "/reception/referrals/",
            {"office": office.pk, "referrer": referrer.pk, "phone": "13700001111", "name": "小张"},
            **HTMX,
        )
        assert response.status_code == 200
        referral = Referral.objects.get()
        assert (referral.referrer, referral.phone, referral.name) == (
            referrer,
            "13700001111",
            "小张",
        )
        assert "小张" in text(response)

    def test_referral_without_referrer_or_to_self_is_refused(self, client, secretary, office):
        referrer = CustomerFactory(office=office, phone="13512345678")
        client.force_login(secretary)
        missing = client.post(
            "/reception/referrals/",
            {"office": office.pk, "phone": "13700001111", "name": "小张"},
            **HTMX,
        )
        assert missing.status_code == 422
        assert missing.context["referral_form"].errors["referrer"]
        to_self = client.post(
            "/reception/referrals/",
            {"office": office.pk, "referrer": referrer.pk, "phone": referrer.phone},
            **HTMX,
        )
        assert to_self.status_code == 422
        assert to_self.context["referral_form"].errors["phone"]
        assert Referral.objects.count() == 0


# ---------------------------------------------------------------- the manager


class TestManager:
    @pytest.fixture
    def waiting(self, office, secretary, team, rotation):
        visit, _ = services.visit_register(
            office=office,
            actor=secretary,
            phone="13800000009",
            source_channel=channel(),
            now=NOW,
            party_size=6,
            one_household=False,
        )
        assert visit.rule == Rule.UNASSIGNED
        return visit

    def test_manage_page_shows_roster_editor_board_and_unassigned(
        self, client, manager, office, team, waiting
    ):
        client.force_login(manager)
        response = client.get("/w/manage/")
        assert response.status_code == 200
        page = html(response)
        assert 'id="roster-editor"' in page
        assert f'action="/reception/visits/{waiting.pk}/assign/"' in page
        assert seat_of_next(response) == str(team[0].pk)

    def test_manager_assigns_with_a_reason(self, client, manager, office, team, waiting):
        client.force_login(manager)
        url = f"/reception/visits/{waiting.pk}/assign/"
        prefix = f"v{waiting.pk}"
        refused = client.post(
            url, {f"{prefix}-salesperson": team[2].pk, f"{prefix}-reason": " "}, **HTMX
        )
        assert refused.status_code == 422
        assert "该字段是必填项。" in html(refused)
        waiting.refresh_from_db()
        assert waiting.assigned_to is None

        response = client.post(
            url,
            {f"{prefix}-salesperson": team[2].pk, f"{prefix}-reason": "团购客户，熟悉小区"},
            **HTMX,
        )
        assert response.status_code == 200
        assert response["HX-Trigger"] == "reception-changed"
        waiting.refresh_from_db()
        assert (waiting.rule, waiting.assigned_to) == (Rule.MANAGER, team[2])
        event = waiting.timeline.get()
        assert event.detail["reason"] == "团购客户，熟悉小区"
        assert f'data-visit="{waiting.pk}"' not in html(response)
        assert Notification.objects.filter(recipient=team[2], kind="visit_assigned").exists()

    def test_secretary_and_other_office_manager_cannot_assign(
        self, client, secretary, other_manager, team, waiting
    ):
        url = f"/reception/visits/{waiting.pk}/assign/"
        data = {f"v{waiting.pk}-salesperson": team[0].pk, f"v{waiting.pk}-reason": "x"}
        client.force_login(secretary)
        assert client.post(url, data, **HTMX).status_code == 403
        client.force_login(other_manager)
        assert client.post(url, data, **HTMX).status_code == 404
        waiting.refresh_from_db()
        assert waiting.assigned_to is None

    def test_manager_sets_the_roster_in_order(self, client, manager, office, team):
        client.force_login(manager)
        tomorrow = TODAY + datetime.timedelta(days=1)
        editor = client.get(f"/reception/roster/?office={office.pk}&date={tomorrow}")
        assert editor.status_code == 200
        data = {
            "office": office.pk,
            "date": tomorrow.isoformat(),
            f"pos_{team[2].pk}": "1",
            f"pos_{team[0].pk}": "2",
            f"pos_{team[1].pk}": "",
        }
        response = client.post("/reception/roster/", data, **HTMX)
        assert response.status_code == 200
        entries = RosterEntry.objects.filter(roster__date=tomorrow).order_by("position")
        assert [e.salesperson for e in entries] == [team[2], team[0]]
        # the editor shows the saved order for that date
        assert response.context["roster_form"][f"pos_{team[2].pk}"].value() == 1

    def test_roster_with_the_same_position_twice_or_nobody_is_refused(
        self, client, manager, office, team
    ):
        client.force_login(manager)
        same = {
            "office": office.pk,
            "date": TODAY.isoformat(),
            f"pos_{team[0].pk}": "1",
            f"pos_{team[1].pk}": "1",
        }
        assert client.post("/reception/roster/", same, **HTMX).status_code == 422
        nobody = {"office": office.pk, "date": TODAY.isoformat()}
        response = client.post("/reception/roster/", nobody, **HTMX)
        assert response.status_code == 422
        assert response.context["roster_form"].non_field_errors()
        assert Roster.objects.count() == 0

    def test_salesperson_and_secretary_cannot_set_the_roster(
        self, client, salesperson, secretary, office
    ):
        data = {"office": office.pk, "date": TODAY.isoformat(), f"pos_{salesperson.pk}": "1"}
        for user in (salesperson, secretary):
            client.force_login(user)
            assert client.post("/reception/roster/", data, **HTMX).status_code == 403
        assert Roster.objects.count() == 0


# ---------------------------------------------------------------- market research


class TestMarketResearch:
    @pytest.fixture
    def received(self, office, secretary, team, rotation):
        visit, _ = services.visit_register(
            office=office, actor=secretary, phone="13800000077", source_channel=channel(), now=NOW
        )
        assert visit.assigned_to == team[0]
        return visit

    def test_flag_confirm_approve_through_the_pages(
        self, client, office, team, secretary, director, received
    ):
        url = f"/reception/visits/{received.pk}/research/"
        client.force_login(team[0])
        my_page = client.get("/w/my/")
        assert my_page.status_code == 200
        assert f'action="{url}"' in html(my_page)
        response = client.post(url, {"step": "flag"}, **HTMX)
        assert response.status_code == 200
        received.refresh_from_db()
        assert received.research_status == ResearchStatus.FLAGGED

        client.force_login(secretary)
        assert f'action="{url}"' in html(client.get(DESK))
        assert client.post(url, {"step": "confirm"}, **HTMX).status_code == 200

        client.force_login(team[0])
        assert client.post(url, {"step": "approve"}, **HTMX).status_code == 403  # not a director
        client.force_login(secretary)
        assert client.post(url, {"step": "approve"}, **HTMX).status_code == 403
        received.refresh_from_db()
        assert received.research_status == ResearchStatus.CONFIRMED

        client.force_login(director)
        page = client.get("/w/director/")
        assert f'data-visit="{received.pk}"' in html(page)
        response = client.post(url, {"step": "approve"}, **HTMX)
        assert response.status_code == 200
        received.refresh_from_db()
        assert received.research_status == ResearchStatus.APPROVED
        assert DutyState.objects.get(salesperson=team[0]).owed_turns == 1
        assert f'data-visit="{received.pk}"' not in html(client.get("/w/director/"))

    def test_only_the_receiver_flags(self, client, team, received):
        client.force_login(team[1])
        response = client.post(f"/reception/visits/{received.pk}/research/", {"step": "flag"})
        assert response.status_code == 403
        received.refresh_from_db()
        assert received.research_status == ResearchStatus.NONE

    def test_other_office_cannot_see_the_visit(self, client, other_manager, received):
        client.force_login(other_manager)
        response = client.post(f"/reception/visits/{received.pk}/research/", {"step": "flag"})
        assert response.status_code == 404


# ---------------------------------------------------------------- the salesperson's page


class TestSalespersonPage:
    def test_my_page_shows_todays_visits_and_the_board(
        self, client, office, secretary, team, rotation
    ):
        services.visit_register(
            office=office,
            actor=secretary,
            phone="13800000055",
            name="赵女士",
            source_channel=channel(),
            now=NOW,
        )
        client.force_login(team[0])
        response = client.get("/w/my/")
        assert response.status_code == 200
        page = text(response)
        assert "赵女士" in page
        assert 'hx-trigger="notifications-changed from:body"' in html(response)
        assert "10:00" in page  # office time
        fragment = client.get(f"/reception/visits/mine/?office={office.pk}", **HTMX)
        assert "赵女士" in text(fragment)
        client.force_login(team[1])
        assert "赵女士" not in text(client.get("/w/my/"))

    def test_salesperson_without_office_gets_the_plain_page(self, client, db):
        lonely = UserFactory(username="lonely", roles=[Role.SALESPERSON])
        client.force_login(lonely)
        response = client.get("/w/my/")
        assert response.status_code == 200
        assert "office" not in response.context or not response.context["offices"]
