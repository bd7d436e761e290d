"""A notification names its customer as the reader may see them now (API.md, visibility).

A walk-in registered by phone only is named by the phone in the notifications it causes. While
the salesperson holds the customer they see the number in full; once the claim is released
(R-3.2), reassigned (R-3.4) or ruled away (R-5.6), their old notifications show it masked
(138****8000) — on the page, in the header's badge and in the API — and the new owner's show
it in full. Nothing is rewritten: the masking happens when the notification is read.
"""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from attribution.models import Dispute
from attribution.selectors import claim_held
from attribution.services import claim_reassign_released, dispute_rule
from leads.factories import channel
from leads.models import Customer
from notifications.models import Notification
from notifications.services import notify
from reception.factories import roster_for
from reception.services import visit_register

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
VISIT_AT = datetime.datetime(2026, 11, 19, 10, 0, tzinfo=SH)  # protected through 11-26
NOW = datetime.datetime(2026, 11, 28, 10, 0, tzinfo=SH)  # released on 11-27 00:00
PHONE, MASKED = "13800138000", "138****8000"
HTMX = {"HTTP_HX_REQUEST": "true"}
API = "/api/v1/notifications/"


@pytest.fixture
def walk_in(office, secretary, salesperson, manager):
    """A walk-in without a name, received by `salesperson` in the rotation (R-2.1 case 4)."""
    roster_for(office, VISIT_AT.date(), [salesperson], manager=manager)
    visit, _created = visit_register(
        office=office, actor=secretary, phone=PHONE, source_channel=channel(), now=VISIT_AT
    )
    assert visit.assigned_to == salesperson
    return Customer.objects.get(office=office, phone=PHONE)


def page_and_api(client, api, user) -> str:
    """What `user` reads of their notifications: the list page, the badge and the API."""
    client.force_login(user)
    api.force_authenticate(user)
    page = client.get("/notifications/").content.decode()
    badge = client.get("/notifications/badge/", **HTMX).content.decode()
    body = api.get(API)
    assert body.status_code == 200
    return page + badge + body.content.decode()


def test_the_owner_sees_the_phone_in_full_while_they_hold_the_customer(
    client, api, salesperson, walk_in
):
    with time_machine.travel(VISIT_AT + datetime.timedelta(hours=1), tick=False):
        seen = page_and_api(client, api, salesperson)
    assert PHONE in seen


def test_after_release_the_former_owner_sees_it_masked_the_new_owner_in_full(
    client, api, office, salesperson, other_salesperson, manager, walk_in
):
    """R-3.2, R-3.4: released, then given by the manager to a colleague."""
    with time_machine.travel(NOW, tick=False):
        released = page_and_api(client, api, salesperson)
        assert MASKED in released and PHONE not in released  # released: nobody holds them
        claim_reassign_released(
            household=walk_in.household,
            new_owner=other_salesperson,
            actor=manager,
            reason="原业务员跟进中断",
            now=NOW,
        )
        former = page_and_api(client, api, salesperson)
        new_owner = page_and_api(client, api, other_salesperson)
    assert MASKED in former and PHONE not in former
    assert PHONE in new_owner
    # the stored row is left as it was: the masking is done on read
    stored = Notification.objects.get(recipient=salesperson, kind="visit_assigned")
    assert stored.params["customer"] == PHONE


def test_the_api_masks_the_params_and_the_text(api, salesperson, walk_in):
    with time_machine.travel(NOW, tick=False):
        api.force_authenticate(salesperson)
        body = api.get(API, HTTP_ACCEPT_LANGUAGE="en").json()
    (row,) = body["results"]
    assert row["kind"] == "visit_assigned"
    assert row["params"]["customer"] == MASKED
    assert MASKED in row["text"] and PHONE not in row["text"]


def test_a_dispute_ruled_away_masks_the_losers_notifications(
    client, api, office, salesperson, other_salesperson, manager, walk_in
):
    """R-5.6: the manager moves the claim to the claimant; the former owner's notifications
    (the visit they received) no longer show the number, the claimant's ruling notice does."""
    ruled_at = VISIT_AT + datetime.timedelta(days=1)
    with time_machine.travel(ruled_at, tick=False):
        dispute = Dispute.objects.create(
            office=office,
            customer=walk_in,
            claimant=other_salesperson,
            opened_by=other_salesperson,
            reason="他上周就来找过我",
            opened_at=ruled_at,
        )
        dispute_rule(
            dispute=dispute,
            actor=manager,
            decision="move",
            reason="通话记录为证",
            new_owner=other_salesperson,
            now=ruled_at,
        )
        assert claim_held(household=walk_in.household, now=ruled_at).owner == other_salesperson
        former = page_and_api(client, api, salesperson)
        winner = page_and_api(client, api, other_salesperson)
    assert MASKED in former and PHONE not in former
    assert PHONE in winner


def test_the_desk_and_managers_see_every_customer_in_full(
    client, api, office, manager, secretary, walk_in
):
    """attribution.visibility: the roles that work with every customer of their offices."""
    with time_machine.travel(NOW, tick=False):
        for user in (manager, secretary):
            notify(recipient=user, kind="visit_waiting", params={"customer": PHONE}, now=NOW)
            assert PHONE in page_and_api(client, api, user)


def test_a_phone_of_a_customer_outside_the_readers_offices_is_masked(
    client, api, office, other_office, salesperson
):
    """The salesperson held the customer in an office they have since left: they know
    nothing of them now."""
    from attribution.services import claim_start
    from leads.factories import CustomerFactory

    customer = CustomerFactory(office=other_office, phone=PHONE, name="")
    claim_start(
        household=customer.household, owner=salesperson, now=NOW, actor=salesperson, detail={}
    )
    salesperson.offices.set([office])  # moved away from the other office
    with time_machine.travel(NOW, tick=False):
        notify(recipient=salesperson, kind="call_put_through", params={"customer": PHONE}, now=NOW)
        seen = page_and_api(client, api, salesperson)
    assert MASKED in seen and PHONE not in seen


def test_a_name_is_shown_in_full_only_to_whoever_holds_a_customer_of_that_name(
    client, api, office, secretary, salesperson, other_salesperson, manager
):
    """Issue 13: names are masked like phones (孙*) for a reader who does not hold the
    customer; the holder reads the name in full."""
    roster_for(office, NOW.date(), [salesperson], manager=manager)
    with time_machine.travel(NOW, tick=False):
        visit_register(
            office=office,
            actor=secretary,
            phone=PHONE,
            name="孙女士",
            source_channel=channel(),
            now=NOW,
        )
        for reader in (salesperson, other_salesperson):
            notify(
                recipient=reader, kind="call_put_through", params={"customer": "孙女士"}, now=NOW
            )
        assert "孙女士" in page_and_api(client, api, salesperson)
        seen = page_and_api(client, api, other_salesperson)
    assert "孙*" in seen and "孙女士" not in seen


def test_the_list_reads_the_customers_in_a_constant_number_of_queries(client, office, salesperson):
    """2 or 20 customers named by their phones: the same number of queries (no N+1)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from leads.factories import CustomerFactory

    def add(n: int, start: int) -> list[str]:
        phones = [f"1390000{k:04d}" for k in range(start, start + n)]
        for phone in phones:
            CustomerFactory(office=office, phone=phone, name="")
            notify(
                recipient=salesperson, kind="call_put_through", params={"customer": phone}, now=NOW
            )
        return phones

    def queries() -> tuple[int, str]:
        with CaptureQueriesContext(connection) as ctx:
            page = client.get("/notifications/").content.decode()
        return len(ctx), page

    with time_machine.travel(NOW, tick=False):
        client.force_login(salesperson)
        phones = add(2, 0)
        client.get("/notifications/")
        few, _page = queries()
        phones += add(18, 2)
        many, page = queries()
    assert many == few
    assert all(p not in page for p in phones)


def test_the_customers_a_page_names_are_found_by_index_not_by_scanning_the_office(
    office, salesperson
):
    """Issue 22: the lookup of the names a page of notifications stores is served by the
    office's name index (a scan of an office of 500,000 customers took 50 ms a page): with
    3,000 customers in the office, analyzed, PostgreSQL reads the few of that name only."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from leads.factories import CustomerFactory
    from leads.models import Household
    from notifications.selectors import customer_names, notifications_of

    first = CustomerFactory(office=office, phone=PHONE, name="孙女士")
    household = Household.objects.get(pk=first.household_id)
    Customer.objects.bulk_create(
        Customer(
            office=office,
            household=household,
            phone=f"1370000{n:04d}",
            name=f"客户{n}",
            source_channel=first.source_channel,
            registered_at=NOW,
            registered_by=first.registered_by,
        )
        for n in range(3000)
    )
    notify(recipient=salesperson, kind="call_put_through", params={"customer": "孙女士"}, now=NOW)
    page = list(notifications_of(salesperson))
    with CaptureQueriesContext(connection) as ctx:
        customer_names(salesperson, page, now=NOW)
    lookup = next(q["sql"] for q in ctx.captured_queries if "leads_customer" in q["sql"])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE leads_customer")
        cursor.execute("EXPLAIN " + lookup)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "customer_name_per_office" in plan and "Seq Scan" not in plan, plan
