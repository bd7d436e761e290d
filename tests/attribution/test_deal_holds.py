"""Issue 13, the attacks on a deal: a household is *held* while its claim is active or a deal
(R-3.1), and nothing a colleague does — registering the phone, linking it as family, the
customer walking in or calling again — takes it, sees it or is credited with it. A customer
registered by a hotline call stays unowned until they visit (R-2.7, R-3.1)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from attribution.choices import ClaimStatus
from attribution.models import Claim, Collision, Dispute
from attribution.services import customer_register_own, household_link
from common.errors import DomainError
from deals import services as deals
from deals.factories import UnitFactory
from leads.factories import channel
from leads.models import Customer
from reception.choices import CallKind, Rule
from reception.factories import roster_for
from reception.services import call_register, visit_register
from tests.attribution.ownership import claimed

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 11, 28, 10, 0, tzinfo=SH)
LATER = NOW + datetime.timedelta(days=20)
TWO_DAYS = datetime.timedelta(days=2)  # far past any 7-day protection: only a deal holds
DEAL_PHONE, OTHER_PHONE = "13800000001", "13900000002"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(LATER, tick=True):
        yield


def register(office, salesperson, phone, name, now=NOW):
    customer, claim = customer_register_own(
        office=office,
        salesperson=salesperson,
        phone=phone,
        name=name,
        source_channel=channel("passing"),
        now=now,
    )
    return customer, claim


@pytest.fixture
def deal(office, salesperson):
    """周女士, registered by `salesperson` and subscribed the same day: a deal (R-3.7)."""
    customer, claim = register(office, salesperson, DEAL_PHONE, "周女士")
    deals.subscription_create(
        unit=UnitFactory(office=office),
        customer=customer,
        deposit="20000",
        actor=salesperson,
        now=NOW,
    )
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.DEAL
    return customer


def claims_of(customer) -> list[tuple[str, int]]:
    household = Customer.objects.get(pk=customer.pk).household_id
    return sorted(Claim.objects.filter(household=household).values_list("status", "owner_id"))


def test_a_colleague_registering_a_deal_customers_phone_is_refused_and_recorded(
    api, office, salesperson, other_salesperson, deal
):
    api.force_authenticate(other_salesperson)
    response = api.post(
        "/api/v1/customers/",
        {"office": office.pk, "phone": DEAL_PHONE, "name": "周", "source_channel": "passing"},
        format="json",
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "claimed" and body["owner"] == salesperson.pk
    assert body["status"] == "deal" and body["protected_until"] is None
    assert claims_of(deal) == [(ClaimStatus.DEAL, salesperson.pk)]  # no new claim
    assert Collision.objects.filter(customer=deal, salesperson=other_salesperson).count() == 1
    api.force_authenticate(salesperson)  # the owner still sees their customer in full
    assert api.get(f"/api/v1/customers/{deal.pk}/").json()["phone"] == DEAL_PHONE


def test_a_colleague_cannot_link_a_deal_customer_into_their_household(
    api, office, salesperson, other_salesperson, deal
):
    mine, _claim = register(office, other_salesperson, OTHER_PHONE, "李先生", now=LATER)
    api.force_authenticate(other_salesperson)
    response = api.post(
        f"/api/v1/customers/{mine.pk}/household/",
        {"member": deal.pk, "relation": "spouse"},
        format="json",
    )
    assert response.status_code == 409 and response.json()["code"] == "held"
    assert household_of(mine) != household_of(deal)  # nothing moved
    assert claims_of(deal) == [(ClaimStatus.DEAL, salesperson.pk)]
    dispute = Dispute.objects.get(customer=deal, claimant=other_salesperson, status="open")
    assert response.json()["dispute"] == dispute.pk  # for the manager to rule


def test_a_colleague_cannot_link_an_active_customer_either(office, salesperson, other_salesperson):
    """The same attack on an active claim used to merge with an automatic dispute."""
    theirs, _claim = register(office, salesperson, DEAL_PHONE, "周女士", now=LATER)
    mine, _claim = register(office, other_salesperson, OTHER_PHONE, "李先生", now=LATER)
    with pytest.raises(DomainError) as refused:
        household_link(
            customer=mine, member=theirs, relation="child", actor=other_salesperson, now=LATER
        )
    assert refused.value.code == "held"
    assert household_of(mine) != household_of(theirs)
    assert claims_of(theirs) == [(ClaimStatus.ACTIVE, salesperson.pk)]
    assert claims_of(mine) == [(ClaimStatus.ACTIVE, other_salesperson.pk)]


def test_a_salesperson_links_a_customer_nobody_holds_to_their_own(office, secretary, salesperson):
    mine, claim = register(office, salesperson, DEAL_PHONE, "周女士", now=LATER)
    nobody = call_register(  # a caller: registered, unowned
        office=office,
        actor=secretary,
        kind=CallKind.CUSTOMER,
        content="问价格",
        phone=OTHER_PHONE,
        now=LATER,
    ).customer
    household_link(customer=mine, member=nobody, relation="spouse", actor=salesperson, now=LATER)
    assert household_of(nobody) == household_of(mine)
    assert claims_of(nobody) == [(ClaimStatus.ACTIVE, salesperson.pk)]


def test_the_deal_customer_walking_in_again_goes_to_the_deal_owner(
    office, secretary, salesperson, other_salesperson, manager, deal
):
    roster_for(office, LATER.date(), [other_salesperson], manager=manager)
    visit, _created = visit_register(
        office=office,
        actor=secretary,
        phone=DEAL_PHONE,
        source_channel=channel(),
        named_salesperson=other_salesperson,  # names a colleague: the deal still decides
        now=LATER,
    )
    assert visit.rule == Rule.OWNER and visit.assigned_to == salesperson
    assert not visit.started_claim
    assert claims_of(deal) == [(ClaimStatus.DEAL, salesperson.pk)]


def test_a_call_of_the_deal_customer_is_put_through_to_the_deal_owner(
    office, secretary, salesperson, deal
):
    call = call_register(
        office=office,
        actor=secretary,
        kind=CallKind.CUSTOMER,
        content="问交房时间",
        phone=DEAL_PHONE,
        now=LATER,
    )
    assert call.put_through_to == salesperson


def test_the_households_next_subscription_is_credited_to_the_deal_owner(
    office, salesperson, other_salesperson, deal
):
    with pytest.raises(DomainError):
        register(office, other_salesperson, DEAL_PHONE, "周女士", now=LATER)
    second = deals.subscription_create(
        unit=UnitFactory(office=office),
        customer=deal,
        deposit="8000",
        actor=other_salesperson,  # signs on the owner's behalf
        now=LATER,
    )
    assert second.credited_salesperson == salesperson


def test_a_hotline_caller_stays_unowned_until_they_visit(
    office, secretary, salesperson, other_salesperson, manager
):
    caller = call_register(
        office=office,
        actor=secretary,
        kind=CallKind.CUSTOMER,
        content="问户型",
        phone=OTHER_PHONE,
        name="吴先生",
        now=LATER,
    ).customer
    with pytest.raises(DomainError) as refused:
        register(office, salesperson, OTHER_PHONE, "吴先生", now=LATER)
    assert refused.value.code == "awaiting_visit"
    assert claims_of(caller) == []
    roster_for(office, LATER.date(), [other_salesperson], manager=manager)
    visit, _created = visit_register(
        office=office, actor=secretary, phone=OTHER_PHONE, source_channel=channel(), now=LATER
    )
    assert visit.rule == Rule.ROTATION and visit.assigned_to == other_salesperson
    assert claims_of(caller) == [(ClaimStatus.ACTIVE, other_salesperson.pk)]


@pytest.mark.parametrize("deal_registered_first", [True, False])
def test_a_managers_link_never_closes_a_deal(
    office, salesperson, other_salesperson, manager, deal, deal_registered_first
):
    """R-4.2: the later household's active claim is closed as merged; a deal is never closed:
    when the deal is the later household's, the earlier one's active claim is closed instead
    and the deal moves with its customers. The closed claim's owner gets the dispute."""
    registered = NOW + datetime.timedelta(days=1) if deal_registered_first else NOW - TWO_DAYS
    other, active = claimed(office, other_salesperson, LATER, registered_at=registered)
    household_link(customer=other, member=deal, relation="spouse", actor=manager, now=LATER)
    assert household_of(other) == household_of(deal)
    held = [c for c in claims_of(deal) if c[0] in (ClaimStatus.ACTIVE, ClaimStatus.DEAL)]
    assert held == [(ClaimStatus.DEAL, salesperson.pk)]
    active.refresh_from_db()
    assert active.status == ClaimStatus.MERGED
    assert Dispute.objects.filter(claimant=other_salesperson, automatic=True).count() == 1


def test_a_managers_link_of_two_deals_of_different_salespeople_is_refused(
    office, salesperson, other_salesperson, manager, deal
):
    theirs, _claim = register(office, other_salesperson, OTHER_PHONE, "李先生")
    deals.subscription_create(
        unit=UnitFactory(office=office),
        customer=theirs,
        deposit="20000",
        actor=other_salesperson,
        now=NOW,
    )
    with pytest.raises(DomainError) as refused:
        household_link(customer=deal, member=theirs, relation="spouse", actor=manager, now=LATER)
    assert refused.value.code == "both_deals"
    assert household_of(deal) != household_of(theirs)


def test_the_desk_shows_the_deal_owner(client, office, secretary, salesperson, deal):
    client.force_login(secretary)
    html = client.get(
        "/reception/lookup/", {"q": DEAL_PHONE, "office": office.pk}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert str(salesperson) in html and "成交" in html


def household_of(customer) -> int:
    return Customer.objects.values_list("household", flat=True).get(pk=customer.pk)
