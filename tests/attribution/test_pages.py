"""The ownership pages (R-3, R-4, R-5) through Django's test client: who may open what, the
salesperson's phone page (follow-ups, own registrations, collisions), the manager's claims,
released list and disputes, bad input, and constant query counts."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from attribution import rules
from attribution.choices import ClaimEventKind, ClaimStatus, DisputeStatus
from attribution.models import Claim, ClaimEvent, Collision, Dispute, FollowUp
from attribution.services import claim_start, dispute_open, followup_log, household_link
from leads.factories import CustomerFactory, channel
from leads.models import Customer
from staff.choices import Role
from staff.factories import UserFactory

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 11, 28, 10, 0, tzinfo=SH)  # Saturday morning
HTMX = {"HTTP_HX_REQUEST": "true"}
MY = "/attribution/my/"
CLAIMS = "/attribution/claims/"
DISPUTES = "/attribution/disputes/"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=True) as traveller:
        yield traveller


def claimed(office, owner, phone: str, *, days_ago: float = 0, name: str = "") -> Claim:
    """A customer registered `days_ago` and claimed by `owner` since then."""
    at = NOW - datetime.timedelta(days=days_ago)
    customer = CustomerFactory(
        office=office, phone=phone, name=name or f"客户{phone[-4:]}", registered_at=at
    )
    return claim_start(
        household=customer.household,
        owner=owner,
        now=at,
        actor=owner,
        detail={"rule": "own_registration"},
    )


def customer_of(claim: Claim) -> Customer:
    return Customer.objects.filter(household=claim.household).order_by("registered_at").first()


def html(response) -> str:
    return response.content.decode()


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html(response)))


def card(response, claim: Claim) -> str:
    match = re.search(
        rf'<article id="claim-{claim.pk}".*?</article>', html(response), flags=re.DOTALL
    )
    assert match, f"no card of claim {claim.pk}"
    return match.group(0)


def followup_data(claim: Claim, **extra) -> dict:
    data = {f"c{claim.pk}-kind": "call", f"c{claim.pk}-note": "聊了户型，周末带家人来"}
    data.update({f"c{claim.pk}-{k}": v for k, v in extra.items()})
    return data


def register_data(office, phone="13912345678", **extra) -> dict:
    data = {
        "office": office.pk,
        "phone": phone,
        "name": "陈女士",
        "source_channel": channel("referral").pk,
    }
    data.update(extra)
    return data


@pytest.fixture
def mine(office, salesperson):
    """Three claims of the salesperson: ending in 8, 5 and 2 days (the last one in red)."""
    return [
        claimed(office, salesperson, "13800000001", days_ago=0),
        claimed(office, salesperson, "13800000002", days_ago=3),
        claimed(office, salesperson, "13800000003", days_ago=6),
    ]


@pytest.fixture
def theirs(office, other_salesperson):
    return claimed(office, other_salesperson, "13700000001", days_ago=1, name="李先生")


# ---------------------------------------------------------------- who may open what


class TestPermissions:
    def test_anonymous_is_sent_to_login_and_nothing_is_saved(self, client, office, mine):
        claim = mine[0]
        for url in [MY, CLAIMS, DISPUTES, f"/attribution/customers/{customer_of(claim).pk}/"]:
            response = client.get(url)
            assert response.status_code == 302
            assert response.url.startswith("/accounts/login/")
        response = client.post(f"/attribution/claims/{claim.pk}/followups/", followup_data(claim))
        assert response.status_code == 302
        assert client.post("/attribution/my/register/", register_data(office)).status_code == 302
        assert FollowUp.objects.count() == 0
        assert Claim.objects.count() == 3

    @pytest.mark.parametrize("url", [MY, "/attribution/my/register/"])
    def test_only_salespeople_use_the_phone_page(self, client, office, manager, secretary, url):
        for user in (manager, secretary):
            client.force_login(user)
            if url == MY:
                assert client.get(url).status_code == 403
            else:
                assert client.post(url, register_data(office)).status_code == 403
        assert Customer.objects.count() == 0

    def test_salesperson_gets_404_for_another_office(self, client, salesperson, other_office):
        client.force_login(salesperson)
        assert client.get(f"{MY}?office={other_office.pk}").status_code == 404
        response = client.post("/attribution/my/register/", register_data(other_office), **HTMX)
        assert response.status_code == 404
        assert Customer.objects.count() == 0

    def test_manager_pages_are_for_the_manager_and_the_director(
        self, client, office, salesperson, secretary, manager, director
    ):
        for user in (salesperson, secretary):
            client.force_login(user)
            assert client.get(CLAIMS).status_code == 403
        client.force_login(secretary)
        assert client.get(DISPUTES).status_code == 403
        for user in (manager, director):
            client.force_login(user)
            assert client.get(f"{CLAIMS}?office={office.pk}").status_code == 200
            assert client.get(f"{DISPUTES}?office={office.pk}").status_code == 200

    def test_manager_of_another_office_gets_404(
        self, client, office, other_office, other_manager, theirs, salesperson
    ):
        dispute = Dispute.objects.create(
            office=office,
            customer=customer_of(theirs),
            claimant=salesperson,
            opened_by=salesperson,
            reason="我先接待的",
            opened_at=NOW,
        )
        client.force_login(other_manager)
        assert client.get(f"{CLAIMS}?office={office.pk}").status_code == 404
        assert client.get(f"{DISPUTES}?office={office.pk}").status_code == 404
        assert client.get(f"/attribution/customers/{customer_of(theirs).pk}/").status_code == 404
        assert client.get(f"/attribution/disputes/{dispute.pk}/").status_code == 404
        other_sales = UserFactory(
            username="sp-river", roles=[Role.SALESPERSON], offices=[other_office]
        )
        response = client.post(
            f"/attribution/disputes/{dispute.pk}/rule/",
            {"decision": "move", "new_owner": other_sales.pk, "reason": "x"},
        )
        assert response.status_code == 404
        response = client.post(
            f"/attribution/claims/{theirs.pk}/reassign/",
            {f"r{theirs.pk}-salesperson": other_sales.pk, f"r{theirs.pk}-reason": "x"},
        )
        assert response.status_code == 404
        dispute.refresh_from_db()
        assert dispute.status == DisputeStatus.OPEN

    def test_a_salesperson_cannot_follow_up_someone_elses_claim(self, client, salesperson, theirs):
        client.force_login(salesperson)
        response = client.post(
            f"/attribution/claims/{theirs.pk}/followups/", followup_data(theirs), **HTMX
        )
        assert response.status_code == 404
        assert FollowUp.objects.count() == 0

    def test_customer_page_full_for_owner_and_manager_limited_for_colleagues(
        self, client, office, salesperson, other_salesperson, manager, secretary, theirs
    ):
        customer = customer_of(theirs)
        url = f"/attribution/customers/{customer.pk}/"
        for user in (other_salesperson, manager):
            client.force_login(user)
            response = client.get(url)
            assert response.status_code == 200
            assert customer.phone in html(response)
            assert 'id="timeline"' in html(response)
            assert 'id="dispute-form"' not in html(response)  # the owner has nothing to dispute
        # another salesperson: whose and until when, the phone masked, no timeline
        client.force_login(salesperson)
        response = client.get(url)
        assert response.status_code == 200
        page = html(response)
        assert customer.phone not in page
        assert "137****0001" in page
        assert str(other_salesperson) in page
        # registered 11-27 → released 12-05 00:00: protected through 12-04 inclusive
        assert "保护至 12月4日（含），还剩 6 天" in text(response)
        assert 'id="timeline"' not in page
        assert 'id="dispute-form"' not in page  # no recorded link with the customer
        client.force_login(secretary)
        assert client.get(url).status_code == 403

    def test_a_dispute_is_read_by_its_claimant_and_ruled_by_the_manager_only(
        self, client, office, salesperson, other_salesperson, manager, theirs
    ):
        dispute = Dispute.objects.create(
            office=office,
            customer=customer_of(theirs),
            claimant=salesperson,
            opened_by=salesperson,
            reason="我先接待的",
            opened_at=NOW,
        )
        url = f"/attribution/disputes/{dispute.pk}/"
        client.force_login(salesperson)
        response = client.get(url)
        assert response.status_code == 200
        assert "我先接待的" in html(response)
        assert 'id="ruling-form"' not in html(response)
        assert 'id="timeline"' not in html(response)
        response = client.post(
            f"{url}rule/", {"decision": "move", "new_owner": salesperson.pk, "reason": "我的"}
        )
        assert response.status_code == 403
        # the owner of the disputed claim is a party too: reads it, as in the API
        client.force_login(other_salesperson)
        response = client.get(url)
        assert response.status_code == 200
        assert 'id="ruling-form"' not in html(response)
        dispute.refresh_from_db()
        assert dispute.status == DisputeStatus.OPEN
        client.force_login(manager)
        assert 'id="ruling-form"' in html(client.get(url))

    def test_someone_elses_dispute_is_not_there_on_the_page_nor_in_the_api(
        self, client, api, office, salesperson, other_salesperson, secretary, theirs
    ):
        """R-5.6: a salesperson who is not a party to a dispute (neither its claimant nor the
        owner of the claim it is about) is told nothing of it — not even that it exists: 404
        on the page as in the API, like a missing id; and no ruling either (403 whatever the
        id, to anyone who does not rule)."""
        third = UserFactory(username="sales3", roles=[Role.SALESPERSON], offices=[office])
        dispute = Dispute.objects.create(
            office=office,
            customer=customer_of(theirs),
            claimant=salesperson,
            opened_by=salesperson,
            reason="我先接待的",
            opened_at=NOW,
        )
        missing = dispute.pk + 1000
        for user in (third, secretary):
            client.force_login(user)
            api.force_authenticate(user)
            for pk in (dispute.pk, missing):
                response = client.get(f"/attribution/disputes/{pk}/")
                assert response.status_code == 404, (user, pk)
                assert "我先接待的" not in html(response)
                assert api.get(f"/api/v1/disputes/{pk}/").status_code == 404
                ruling = {"decision": "move", "new_owner": third.pk, "reason": "我的"}
                assert client.post(f"/attribution/disputes/{pk}/rule/", ruling).status_code == 403
                response = api.post(f"/api/v1/disputes/{pk}/rule/", ruling, format="json")
                assert response.status_code == 403
        dispute.refresh_from_db()
        assert (dispute.status, dispute.claimant) == (DisputeStatus.OPEN, salesperson)

    def test_salesperson_cannot_reassign(self, client, office, salesperson, theirs):
        Claim.objects.filter(pk=theirs.pk).update(status=ClaimStatus.RELEASED)
        client.force_login(salesperson)
        response = client.post(
            f"/attribution/claims/{theirs.pk}/reassign/",
            {f"r{theirs.pk}-salesperson": salesperson.pk, f"r{theirs.pk}-reason": "给我"},
        )
        assert response.status_code == 403
        assert Claim.objects.count() == 1

    def test_navigation_has_the_new_pages_by_role(self, client, salesperson, manager):
        client.force_login(salesperson)
        urls = {i["url"] for i in client.get(MY).context["nav_items"]}
        assert MY in urls
        assert CLAIMS not in urls
        client.force_login(manager)
        urls = {i["url"] for i in client.get(CLAIMS).context["nav_items"]}
        assert {CLAIMS, DISPUTES} <= urls
        assert MY not in urls


# ---------------------------------------------------------------- my customers (phone page)


class TestMyCustomers:
    def test_active_cards_sorted_by_protection_end_with_days_left_in_red_at_the_end(
        self, client, salesperson, mine, theirs
    ):
        followup_log(
            customer=customer_of(mine[1]),
            author=salesperson,
            kind="call",
            note="约了看样板间",
            next_step="周日下午看样板间",
            now=NOW - datetime.timedelta(days=3),
        )
        client.force_login(salesperson)
        response = client.get(MY)
        assert response.status_code == 200
        page = html(response)
        order = [int(pk) for pk in re.findall(r'<article id="claim-(\d+)"', page)]
        assert order == [mine[2].pk, mine[1].pk, mine[0].pk]  # the next to lose first
        assert theirs.pk not in order
        days = {c.pk: c.days_left for c in response.context["claims"]}
        # days after today until the last protected day: 0 is "today", 1 "tomorrow"
        assert days == {mine[0].pk: 7, mine[1].pk: 4, mine[2].pk: 1}
        assert "ending" in card(response, mine[2]).split(">")[0]
        assert "ending" not in card(response, mine[1]).split(">")[0]
        assert "周日下午看样板间" in card(response, mine[1])
        assert customer_of(mine[0]).phone in card(response, mine[0])  # own customers in full
        assert "2026-11-25 10:00" in card(response, mine[1])  # last contact, office time
        assert response.context["counts"] == {"active": 3, "released": 0, "deal": 0}

    def test_released_and_deal_tabs(self, client, office, salesperson, mine):
        Claim.objects.filter(pk=mine[0].pk).update(status=ClaimStatus.DEAL)
        stale = claimed(office, salesperson, "13800000009", days_ago=9)  # past its end, unswept
        Claim.objects.filter(pk=mine[1].pk).update(
            status=ClaimStatus.RELEASED, ended_at=NOW - datetime.timedelta(hours=1)
        )
        client.force_login(salesperson)
        active = client.get(MY)
        assert [c.pk for c in active.context["claims"]] == [mine[2].pk]
        assert active.context["counts"] == {"active": 1, "released": 2, "deal": 1}
        released = client.get(f"{MY}?tab=released")
        assert {c.pk for c in released.context["claims"]} == {mine[1].pk, stale.pk}
        assert "followup-form" not in html(released)
        deals = client.get(f"{MY}?tab=deal")
        assert [c.pk for c in deals.context["claims"]] == [mine[0].pk]

    def test_a_released_customer_linked_into_another_household_keeps_their_card(
        self, client, office, salesperson, manager
    ):
        claim = claimed(office, salesperson, "13800000007", days_ago=10, name="郑先生")
        elder = CustomerFactory(
            office=office,
            phone="13800000008",
            name="郑老先生",
            registered_at=NOW - datetime.timedelta(days=20),
        )
        household_link(  # the earlier registration keeps the household
            customer=elder, member=customer_of(claim), relation="child", actor=manager, now=NOW
        )
        assert not Customer.objects.filter(household=claim.household).exists()
        client.force_login(salesperson)
        [shown] = client.get(f"{MY}?tab=released").context["claims"]
        assert shown.pk == claim.pk
        assert {m.name for m in shown.members} == {"郑老先生", "郑先生"}

    def test_follow_up_swaps_the_card_with_the_new_protection_end(
        self, client, office, salesperson, mine
    ):
        claim = mine[2]
        client.force_login(salesperson)
        response = client.post(
            f"/attribution/claims/{claim.pk}/followups/",
            followup_data(claim, next_step="下周二签约"),
            **HTMX,
        )
        assert response.status_code == 200
        assert response["HX-Trigger"] == "claims-changed"
        claim.refresh_from_db()
        expected = rules.protection_end(NOW, tz=SH, days=7)
        assert abs(claim.protected_until - expected) < datetime.timedelta(seconds=1)
        part = html(response)
        assert part.startswith('<article id="claim-') or f'id="claim-{claim.pk}"' in part
        # contact today (11-28) → released 12-06 00:00: protected through 12-05 inclusive
        assert "保护至 12月5日（含），还剩 7 天" in part
        assert 'data-days-left="7"' in part
        assert "下周二签约" in part
        assert "ending" not in part.split(">")[0]
        followup = FollowUp.objects.get()
        assert (followup.kind, followup.next_step) == ("call", "下周二签约")

    def test_follow_up_without_note_or_kind_is_refused_and_saves_nothing(
        self, client, salesperson, mine
    ):
        claim = mine[2]
        client.force_login(salesperson)
        before = claim.protected_until
        response = client.post(
            f"/attribution/claims/{claim.pk}/followups/",
            {f"c{claim.pk}-kind": "call", f"c{claim.pk}-note": "   "},
            **HTMX,
        )
        assert response.status_code == 422
        assert "field-error" in html(response)
        response = client.post(
            f"/attribution/claims/{claim.pk}/followups/",
            {f"c{claim.pk}-kind": "fax", f"c{claim.pk}-note": "发了传真"},
            **HTMX,
        )
        assert response.status_code == 422
        assert FollowUp.objects.count() == 0
        claim.refresh_from_db()
        assert claim.protected_until == before

    def test_follow_up_on_a_claim_released_meanwhile_says_so(
        self, client, salesperson, mine, clock
    ):
        claim = mine[2]
        client.force_login(salesperson)
        clock.move_to(NOW + datetime.timedelta(days=3))  # past 12-01 00:00
        response = client.post(
            f"/attribution/claims/{claim.pk}/followups/", followup_data(claim), **HTMX
        )
        assert response.status_code == 409
        assert "followup-form" in html(response)
        assert "error" in html(response)
        assert FollowUp.objects.count() == 0

    def test_follow_up_without_htmx_redirects_back(self, client, salesperson, mine):
        client.force_login(salesperson)
        response = client.post(
            f"/attribution/claims/{mine[0].pk}/followups/", followup_data(mine[0])
        )
        assert response.status_code == 302
        assert response.url.startswith(MY)
        assert FollowUp.objects.count() == 1

    def test_register_a_customer_met_outside_adds_the_card(self, client, office, salesperson, mine):
        client.force_login(salesperson)
        response = client.post("/attribution/my/register/", register_data(office), **HTMX)
        assert response.status_code == 200
        claim = Claim.objects.get(household__members__phone="13912345678")
        assert claim.owner == salesperson
        assert ClaimEvent.objects.get(claim=claim).detail == {"rule": "own_registration"}
        part = html(response)
        assert 'hx-swap-oob="beforeend:#claim-list"' in part
        assert f'id="claim-{claim.pk}"' in part
        assert "陈女士" in part
        assert 'data-count="active">4<' in part  # the tab's count follows
        assert client.get(MY).context["counts"]["active"] == 4

    def test_someone_elses_customer_is_refused_with_whose_and_until_when(
        self, client, office, salesperson, other_salesperson, theirs
    ):
        phone = customer_of(theirs).phone
        client.force_login(salesperson)
        response = client.post(
            "/attribution/my/register/", register_data(office, phone=phone), **HTMX
        )
        assert response.status_code == 409
        page = text(response)
        assert str(other_salesperson) in page
        assert "2026-12-05 00:00" in page  # office-local end of protection
        assert "聊了户型" not in page
        collision = Collision.objects.get()  # the attempt is on record
        assert (collision.salesperson, collision.claim) == (salesperson, theirs)
        assert Claim.objects.filter(owner=salesperson).count() == 0

    def test_bad_phone_re_renders_with_a_translated_error(self, client, office, salesperson):
        client.force_login(salesperson)
        response = client.post(
            "/attribution/my/register/", register_data(office, phone="1380013"), **HTMX
        )
        assert response.status_code == 422
        assert "大陆手机号码为 11 位数字" in text(response)  # zh-Hans, the office's language
        assert Customer.objects.count() == 0

    def test_register_without_htmx_re_renders_the_page(self, client, office, salesperson):
        client.force_login(salesperson)
        response = client.post("/attribution/my/register/", register_data(office, phone=""))
        assert response.status_code == 422
        assert 'id="register-form"' in html(response)
        response = client.post("/attribution/my/register/", register_data(office))
        assert response.status_code == 302
        assert Customer.objects.count() == 1

    def test_query_count_is_the_same_for_3_and_30_claims(
        self, client, office, salesperson, django_assert_max_num_queries
    ):
        def add(start, stop):
            for i in range(start, stop):
                claim = claimed(office, salesperson, f"1360000{i:04d}", days_ago=i % 7)
                followup_log(
                    customer=customer_of(claim),
                    author=salesperson,
                    kind="call",
                    note="回访",
                    next_step=f"再约{i}",
                    now=NOW,
                )

        client.force_login(salesperson)
        add(0, 3)
        client.get(MY)  # warm the session
        with CaptureQueriesContext(connection) as few:
            assert len(client.get(MY).context["claims"]) == 3
        add(3, 30)
        with django_assert_max_num_queries(len(few.captured_queries)):
            response = client.get(MY)
        assert len(response.context["claims"]) == 30
        assert "再约29" in html(response)
        assert len(few.captured_queries) <= 12


# ---------------------------------------------------------------- the manager's claims


class TestClaims:
    def test_filters_by_owner_status_and_ending(
        self, client, office, manager, salesperson, other_salesperson, mine, theirs
    ):
        client.force_login(manager)
        everyone = client.get(CLAIMS)
        assert {c.pk for c in everyone.context["claims"]} == {c.pk for c in mine} | {theirs.pk}
        only = client.get(f"{CLAIMS}?owner={other_salesperson.pk}")
        assert [c.pk for c in only.context["claims"]] == [theirs.pk]
        ending = client.get(f"{CLAIMS}?ending=2")
        assert [c.pk for c in ending.context["claims"]] == [mine[2].pk]
        Claim.objects.filter(pk=mine[0].pk).update(status=ClaimStatus.DEAL)
        deals = client.get(f"{CLAIMS}?status=deal")
        assert [c.pk for c in deals.context["claims"]] == [mine[0].pk]
        assert customer_of(theirs).phone in html(only)  # the manager sees phones in full

    def test_bad_filter_shows_a_translated_error(self, client, manager, mine):
        client.force_login(manager)
        response = client.get(f"{CLAIMS}?ending=-3&status=whatever")
        assert response.status_code == 200
        assert response.context["claims"] == []
        assert len(response.context["filter_form"].errors) == 2
        assert "field-error" in html(response)

    def test_query_count_is_the_same_for_3_and_30_claims(
        self, client, office, manager, salesperson, django_assert_max_num_queries
    ):
        def add(start, stop):
            for i in range(start, stop):
                claimed(office, salesperson, f"1350000{i:04d}", days_ago=i % 7)
                claimed(office, salesperson, f"1340000{i:04d}", days_ago=9 + i)  # released

        client.force_login(manager)
        add(0, 3)
        client.get(CLAIMS)
        with CaptureQueriesContext(connection) as few:
            assert len(client.get(CLAIMS).context["claims"]) == 3
        with CaptureQueriesContext(connection) as few_released:
            assert len(client.get(f"{CLAIMS}?tab=released").context["released"]) == 3
        add(3, 30)
        with django_assert_max_num_queries(len(few.captured_queries)):
            assert len(client.get(CLAIMS).context["claims"]) == 30
        with django_assert_max_num_queries(len(few_released.captured_queries)):
            assert len(client.get(f"{CLAIMS}?tab=released").context["released"]) == 30
        assert len(few.captured_queries) <= 12
        assert len(few_released.captured_queries) <= 12

    def test_reassign_a_released_customer_with_a_reason(
        self, client, office, manager, salesperson, other_salesperson, theirs, clock
    ):
        clock.move_to(NOW + datetime.timedelta(days=8))  # theirs ended 12-05 00:00, unswept
        client.force_login(manager)
        released = client.get(f"{CLAIMS}?tab=released").context["released"]
        assert [c.pk for c in released] == [theirs.pk]
        url = f"/attribution/claims/{theirs.pk}/reassign/"
        response = client.post(
            url, {f"r{theirs.pk}-salesperson": salesperson.pk, f"r{theirs.pk}-reason": " "}, **HTMX
        )
        assert response.status_code == 422
        assert Claim.objects.count() == 1
        response = client.post(
            url,
            {f"r{theirs.pk}-salesperson": salesperson.pk, f"r{theirs.pk}-reason": "客户要求换人"},
            **HTMX,
        )
        assert response.status_code == 200
        new = Claim.objects.get(status=ClaimStatus.ACTIVE)
        assert new.owner == salesperson
        started = ClaimEvent.objects.get(claim=new, kind=ClaimEventKind.STARTED)
        assert started.actor == manager
        assert started.detail["rule"] == "manager"
        assert started.detail["reason"] == "客户要求换人"
        assert Claim.objects.get(pk=theirs.pk).status == ClaimStatus.RELEASED  # made permanent
        assert response.context["released"] == []
        # held again: a second reassignment is refused
        response = client.post(
            url,
            {f"r{theirs.pk}-salesperson": other_salesperson.pk, f"r{theirs.pk}-reason": "再换"},
            **HTMX,
        )
        assert response.status_code in (409, 422)
        assert Claim.objects.filter(status=ClaimStatus.ACTIVE).get().owner == salesperson

    def test_collisions_are_listed(self, client, office, manager, salesperson, theirs):
        client.force_login(salesperson)
        client.post(
            "/attribution/my/register/",
            register_data(office, phone=customer_of(theirs).phone),
            **HTMX,
        )
        client.force_login(manager)
        response = client.get(f"{CLAIMS}?tab=collisions")
        assert [c.salesperson for c in response.context["collisions"]] == [salesperson]
        assert str(theirs.owner) in html(response)


# ---------------------------------------------------------------- customer page, disputes


class TestCustomerAndDisputes:
    def test_owner_links_a_family_member_by_phone(self, client, office, salesperson, mine):
        spouse = CustomerFactory(office=office, phone="13811112222", name="王太太")
        customer = customer_of(mine[0])
        url = f"/attribution/customers/{customer.pk}/household/"
        client.force_login(salesperson)
        response = client.post(url, {"phone": "13899998888", "relation": "spouse"})
        assert response.status_code == 422
        response = client.post(url, {"phone": "138 1111 2222", "relation": "cousin"})
        assert response.status_code == 422
        spouse.refresh_from_db()
        assert spouse.household_id != customer.household_id
        response = client.post(url, {"phone": "138 1111 2222", "relation": "spouse"})
        assert response.status_code == 302
        spouse.refresh_from_db()
        customer.refresh_from_db()
        assert spouse.household_id == customer.household_id  # the earlier registration's
        page = html(client.get(f"/attribution/customers/{customer.pk}/"))
        assert "王太太" in page
        assert 'data-kind="household_link"' in page

    def test_timeline_shows_registrations_follow_ups_and_claim_events_in_local_time(
        self, client, office, salesperson, manager, mine
    ):
        customer = customer_of(mine[1])
        followup_log(
            customer=customer, author=salesperson, kind="visit", note="看了三号楼", now=NOW
        )
        client.force_login(manager)
        response = client.get(f"/attribution/customers/{customer.pk}/")
        kinds = [e["kind"] for e in response.context["timeline"]]
        assert kinds == ["registration", "claim_started", "followup", "claim_contact"]
        page = html(response)
        assert "看了三号楼" in page
        assert "2026-11-25 10:00" in page  # registered three days ago, office time
        assert "2026-11-28 10:00" in page

    def test_a_salesperson_who_collided_opens_a_dispute(self, client, office, salesperson, theirs):
        customer = customer_of(theirs)
        client.force_login(salesperson)
        client.post(
            "/attribution/my/register/", register_data(office, phone=customer.phone), **HTMX
        )
        url = f"/attribution/customers/{customer.pk}/"
        assert 'id="dispute-form"' in html(client.get(url))
        response = client.post(f"{url}disputes/", {"reason": "  "})
        assert response.status_code == 422
        assert Dispute.objects.count() == 0
        response = client.post(f"{url}disputes/", {"reason": "上周我在展会上接待过他"})
        dispute = Dispute.objects.get()
        assert response.status_code == 302
        assert response.url == f"/attribution/disputes/{dispute.pk}/"
        assert (dispute.claimant, dispute.status) == (salesperson, DisputeStatus.OPEN)
        response = client.post(f"{url}disputes/", {"reason": "再说一次"})
        assert response.status_code == 409
        assert Dispute.objects.count() == 1

    def test_without_a_recorded_link_no_dispute(self, client, salesperson, theirs):
        client.force_login(salesperson)
        url = f"/attribution/customers/{customer_of(theirs).pk}/disputes/"
        assert client.post(url, {"reason": "我想要"}).status_code == 403
        assert Dispute.objects.count() == 0

    @pytest.fixture
    def dispute(self, office, salesperson, theirs):
        client_customer = customer_of(theirs)
        Collision.objects.create(
            office=office,
            customer=client_customer,
            salesperson=salesperson,
            claim=theirs,
            at=NOW - datetime.timedelta(hours=2),
        )
        return dispute_open(
            customer=client_customer, opener=salesperson, reason="上周我接待过他", now=NOW
        )

    def test_evidence_page_names_both_and_shows_the_timeline_and_the_diary_placeholder(
        self, client, manager, salesperson, other_salesperson, dispute
    ):
        client.force_login(manager)
        response = client.get(f"/attribution/disputes/{dispute.pk}/")
        assert response.status_code == 200
        page = html(response)
        kinds = [e["kind"] for e in response.context["timeline"]]
        assert kinds == ["registration", "claim_started", "collision", "dispute_opened"]
        assert str(salesperson) in page
        assert str(other_salesperson) in page
        assert 'class="card diaries"' in page  # the placeholder until diaries exist
        assert response.context["diary_days"] == [datetime.date(2026, 11, 27), NOW.date()]
        assert 'id="ruling-form"' in page

    def test_ruling_move_changes_the_owner(
        self, client, manager, salesperson, other_salesperson, theirs, dispute
    ):
        client.force_login(manager)
        url = f"/attribution/disputes/{dispute.pk}/rule/"
        response = client.post(url, {"decision": "move", "reason": "展会登记在先"})
        assert response.status_code == 422  # moving needs the new owner
        response = client.post(url, {"decision": "move", "new_owner": salesperson.pk, "reason": ""})
        assert response.status_code == 422
        theirs.refresh_from_db()
        assert theirs.owner == other_salesperson
        response = client.post(
            url, {"decision": "move", "new_owner": salesperson.pk, "reason": "展会登记在先"}
        )
        assert response.status_code == 302
        theirs.refresh_from_db()
        assert theirs.owner == salesperson
        ruled = ClaimEvent.objects.get(claim=theirs, kind=ClaimEventKind.RULED)
        assert ruled.detail["reason"] == "展会登记在先"
        dispute.refresh_from_db()
        assert (dispute.status, dispute.decision, dispute.new_owner) == (
            DisputeStatus.RULED,
            "move",
            salesperson,
        )
        page = html(client.get(f"/attribution/disputes/{dispute.pk}/"))
        assert 'id="ruling-form"' not in page
        assert "展会登记在先" in page
        # final: a second ruling is refused
        response = client.post(url, {"decision": "keep", "reason": "改判"})
        assert response.status_code == 409
        theirs.refresh_from_db()
        assert theirs.owner == salesperson

    def test_dispute_lists(self, client, office, manager, salesperson, dispute):
        client.force_login(manager)
        response = client.get(DISPUTES)
        assert [d.pk for d in response.context["open_disputes"]] == [dispute.pk]
        client.force_login(salesperson)
        response = client.get(DISPUTES)
        assert [d.pk for d in response.context["open_disputes"]] == [dispute.pk]
        assert response.context["manager"] is False


# ---------------------------------------------------------------- the chase list


def test_my_page_lists_the_instalments_to_chase(client, office, salesperson, finance):
    from deals import contracts, services
    from deals.factories import UnitFactory

    signed = NOW - datetime.timedelta(days=5)
    customer = CustomerFactory(office=office, registered_by=salesperson, name="周女士")
    claim_start(
        household=customer.household, owner=salesperson, now=signed, actor=salesperson, detail={}
    )
    subscription = services.subscription_create(
        unit=UnitFactory(office=office),
        customer=customer,
        deposit="20000.00",
        actor=salesperson,
        now=signed,
    )
    today = NOW.date()
    contract = contracts.contract_create(
        subscription=subscription,
        total_price="1000000.00",
        schedule=[
            {
                "kind": "down_payment",
                "due_date": today - datetime.timedelta(days=2),
                "amount": "100000.00",
            },
            {
                "kind": "instalment",
                "due_date": today + datetime.timedelta(days=3),
                "amount": "200000.00",
            },
            {
                "kind": "loan",
                "due_date": today + datetime.timedelta(days=10),
                "amount": "680000.00",
            },
        ],
        actor=finance,
        now=signed,
    )
    overdue, soon, later = contract.instalments.order_by("due_date")
    contracts.payment_record(
        contract=contract, amount="40000.00", instalment=overdue, actor=finance, now=signed
    )

    client.force_login(salesperson)
    page = html(client.get(MY))
    section = re.search(r'<section class="card to-chase".*?</section>', page, flags=re.DOTALL)
    assert section, "no to-chase section"
    rows = re.findall(r'<li id="chase-(\d+)">(.*?)</li>', section.group(0), flags=re.DOTALL)
    assert [int(pk) for pk, _ in rows] == [overdue.pk, soon.pk]  # oldest first; not `later`
    first, second = rows[0][1], rows[1][1]
    assert "周女士" in first and contract.number in first
    assert str(overdue.due_date) in first and ">60,000.00<" in first
    assert 'class="error overdue"' in first
    assert str(soon.due_date) in second and ">200,000.00<" in second
    assert "overdue" not in second
    assert f"chase-{later.pk}" not in page

    # a colleague has nothing to chase: no section at all
    other = UserFactory(username="sales9", roles=[Role.SALESPERSON], offices=[office])
    client.force_login(other)
    assert "to-chase" not in html(client.get(MY))


# ---------------------------------------------------------------- diaries on the dispute page


class TestDisputeDiaries:
    @pytest.fixture
    def dispute(self, office, salesperson, theirs):
        customer = customer_of(theirs)
        Collision.objects.create(
            office=office,
            customer=customer,
            salesperson=salesperson,
            claim=theirs,
            at=NOW - datetime.timedelta(hours=2),
        )
        return dispute_open(customer=customer, opener=salesperson, reason="我接待过他", now=NOW)

    def test_the_claimants_diary_of_the_visit_day_shows(
        self, client, office, manager, salesperson, dispute
    ):
        from reports.services import diary_submit

        diary_submit(
            salesperson=salesperson,
            office=office,
            date=NOW.date(),
            feedback="李先生说上周来过",
            problems="前台登记慢",
            now=NOW,
        )
        client.force_login(manager)
        response = client.get(f"/attribution/disputes/{dispute.pk}/")
        assert response.status_code == 200
        page = html(response)
        assert "李先生说上周来过" in page
        assert "前台登记慢" in page
        days = dict(response.context["diaries"])
        mine = next(d for d in days[NOW.date()] if d.salesperson == salesperson)
        assert (len(mine.collisions), mine.late) == (1, False)
