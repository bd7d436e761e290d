"""The permission layer: one place answers "may this user do X on this object"."""

import pytest

from staff.permissions import may, office_ids_of

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "who, action, on, allowed",
    [
        ("salesperson", "office.view", "office", True),
        ("salesperson", "office.view", "other_office", False),
        ("salesperson", "office.change", "office", False),
        ("manager", "office.change", "office", True),
        ("manager", "office.change", "other_office", False),
        ("director", "office.change", "other_office", True),
        ("manager", "office.create", None, False),
        ("director", "office.create", None, True),
        ("secretary", "staff.list", None, False),
        ("manager", "staff.list", None, True),
        ("secretary", "workspace.secretary", None, True),
        ("secretary", "workspace.manager", None, False),
        ("manager", "no.such.action", None, False),
        # the office's customers: the desk, salespeople, managers, finance
        ("secretary", "leads.view_customers", "office", True),
        ("salesperson", "leads.view_customers", "office", True),
        ("finance", "leads.view_customers", "office", True),
        ("salesperson", "leads.view_customers", "other_office", False),
        ("director", "leads.view_customers", "other_office", True),
        ("warehouse", "leads.view_customers", "office", True),
        ("salesperson", "leads.view_customers", None, True),  # the API's list: own offices
        ("warehouse", "leads.view_customers", None, True),
        # the duty roster: the desk, salespeople, managers
        ("salesperson", "reception.view_roster", "office", True),
        ("secretary", "reception.view_roster", "office", True),
        ("manager", "reception.view_roster", "office", True),
        ("director", "reception.view_roster", "other_office", True),
        ("salesperson", "reception.view_roster", "other_office", False),
        ("finance", "reception.view_roster", "office", True),
        # ownership: obj is the office
        ("salesperson", "attribution.log_followup", "office", True),
        ("salesperson", "attribution.log_followup", "other_office", False),
        ("manager", "attribution.log_followup", "office", False),
        ("director", "attribution.log_followup", "office", False),
        ("secretary", "attribution.log_followup", "office", False),
        ("manager", "attribution.void_followup", "office", True),
        ("manager", "attribution.void_followup", "other_office", False),
        ("director", "attribution.void_followup", "other_office", True),
        ("salesperson", "attribution.void_followup", "office", False),
        ("salesperson", "attribution.view_claims", "office", True),
        ("salesperson", "attribution.view_claims", "other_office", False),
        ("manager", "attribution.view_claims", "office", True),
        ("director", "attribution.view_claims", "other_office", True),
        ("secretary", "attribution.view_claims", "office", False),
        ("finance", "attribution.view_claims", "office", False),
        ("salesperson", "attribution.view_claims", None, False),
        ("manager", "attribution.manage_claims", "office", True),
        ("manager", "attribution.manage_claims", "other_office", False),
        ("director", "attribution.manage_claims", "other_office", True),
        ("salesperson", "attribution.manage_claims", "office", False),
        ("manager", "attribution.reassign_released", "office", True),
        ("manager", "attribution.reassign_released", "other_office", False),
        ("director", "attribution.reassign_released", "other_office", True),
        ("salesperson", "attribution.reassign_released", "office", False),
        ("salesperson", "attribution.open_dispute", "office", True),
        ("salesperson", "attribution.open_dispute", "other_office", False),
        ("manager", "attribution.open_dispute", "office", False),
        ("director", "attribution.open_dispute", "office", False),
        ("secretary", "attribution.open_dispute", "office", False),
        ("salesperson", "attribution.view_disputes", "office", True),
        ("salesperson", "attribution.view_disputes", "other_office", False),
        ("manager", "attribution.view_disputes", "office", True),
        ("director", "attribution.view_disputes", "other_office", True),
        ("secretary", "attribution.view_disputes", "office", False),
        ("manager", "attribution.rule_dispute", "office", True),
        ("manager", "attribution.rule_dispute", "other_office", False),
        ("director", "attribution.rule_dispute", "other_office", True),
        ("salesperson", "attribution.rule_dispute", "office", False),
        ("secretary", "attribution.rule_dispute", "office", False),
        # units, holds and deposits: obj is the office. The board is for the
        # roles that hold, subscribe, release or are paid; the clerk has no part in it
        ("clerk", "deals.view_units", "office", True),
        ("warehouse", "deals.view_units", "office", True),
        ("assistant", "deals.view_units", "office", True),
        ("secretary", "deals.view_units", "office", True),
        ("finance", "deals.view_units", "office", True),
        ("salesperson", "deals.view_units", "office", True),
        ("salesperson", "deals.view_units", "other_office", False),
        ("director", "deals.view_units", "other_office", True),
        ("salesperson", "deals.view_units", None, False),
        ("manager", "deals.manage_units", "office", True),
        ("manager", "deals.manage_units", "other_office", False),
        ("director", "deals.manage_units", "other_office", True),
        ("salesperson", "deals.manage_units", "office", False),
        ("salesperson", "deals.hold", "office", True),
        ("secretary", "deals.hold", "office", True),
        ("salesperson", "deals.hold", "other_office", False),
        ("manager", "deals.hold", "office", False),
        ("finance", "deals.hold", "office", False),
        ("salesperson", "deals.subscribe", "office", True),
        ("finance", "deals.subscribe", "office", True),
        ("finance", "deals.subscribe", "other_office", False),
        ("secretary", "deals.subscribe", "office", False),
        ("manager", "deals.subscribe", "office", False),
        ("manager", "deals.withdraw", "office", True),
        ("manager", "deals.withdraw", "other_office", False),
        ("director", "deals.withdraw", "other_office", True),
        ("salesperson", "deals.withdraw", "office", False),
        ("finance", "deals.withdraw", "office", False),
        ("finance", "deals.view_refunds", "office", True),
        ("finance", "deals.view_refunds", "other_office", False),
        ("manager", "deals.view_refunds", "office", True),
        ("salesperson", "deals.view_refunds", "office", False),
        ("finance", "deals.pay_refund", "office", True),
        ("manager", "deals.pay_refund", "office", True),
        ("director", "deals.pay_refund", "other_office", True),
        ("secretary", "deals.pay_refund", "office", False),
        # contracts and payments
        ("manager", "deals.contract", "office", True),
        ("finance", "deals.contract", "office", True),
        ("director", "deals.contract", "other_office", True),
        ("finance", "deals.contract", "other_office", False),
        ("salesperson", "deals.contract", "office", False),
        ("finance", "deals.record_payment", "office", True),
        ("finance", "deals.record_payment", "other_office", False),
        ("manager", "deals.record_payment", "office", False),
        ("salesperson", "deals.record_payment", "office", False),
        ("salesperson", "deals.view_chase", "office", True),
        ("salesperson", "deals.view_chase", "other_office", False),
        ("manager", "deals.view_chase", "office", False),
        ("finance", "deals.view_chase", "office", False),
        # the work diary and fines
        ("salesperson", "reports.write_diary", "office", True),
        ("salesperson", "reports.write_diary", "other_office", False),
        ("manager", "reports.write_diary", "office", False),
        ("secretary", "reports.write_diary", "office", False),
        ("manager", "reports.view_diaries", "office", True),
        ("manager", "reports.view_diaries", "other_office", False),
        ("director", "reports.view_diaries", "other_office", True),
        ("salesperson", "reports.view_diaries", "office", False),
        ("salesperson", "reports.view_fines", "office", True),
        ("salesperson", "reports.view_fines", "other_office", False),
        ("manager", "reports.view_fines", "office", True),
        ("director", "reports.view_fines", "other_office", True),
        ("secretary", "reports.view_fines", "office", False),
        ("manager", "reports.waive_fine", "office", True),
        ("manager", "reports.waive_fine", "other_office", False),
        ("director", "reports.waive_fine", "other_office", True),
        ("salesperson", "reports.waive_fine", "office", False),
    ],
)
def test_may(request, who, action, on, allowed):
    user = request.getfixturevalue(who)
    obj = request.getfixturevalue(on) if on else None
    request.getfixturevalue("other_office")
    assert may(user, action, obj) is allowed


def test_inactive_user_may_nothing(manager, office):
    manager.is_active = False
    assert not may(manager, "office.view", office)
    assert not may(manager, "workspace.manager")


def test_anonymous_may_nothing(office):
    from django.contrib.auth.models import AnonymousUser

    assert not may(AnonymousUser(), "office.view", office)
    assert office_ids_of(AnonymousUser()) == set()


@pytest.fixture
def claim(office, salesperson):
    """The household's claim held by `salesperson`."""
    import datetime

    from attribution.services import claim_start
    from leads.factories import CustomerFactory

    now = datetime.datetime(2026, 3, 2, 15, 0, tzinfo=datetime.UTC)
    customer = CustomerFactory(office=office, registered_at=now)
    return claim_start(
        household=customer.household, owner=salesperson, now=now, actor=salesperson, detail={}
    )


@pytest.mark.parametrize("action", ["attribution.view_timeline", "attribution.link_household"])
@pytest.mark.parametrize(
    "who, office_, with_claim, allowed",
    [
        ("manager", "office", False, True),  # a manager of the office, held or not
        ("manager", "office", True, True),
        ("director", "other_office", False, True),
        ("salesperson", "office", True, True),  # the owner of the claim held now
        ("salesperson", "office", False, False),  # released: no longer theirs
        ("salesperson", "other_office", True, False),  # not a member of that office
        ("other_salesperson", "office", True, False),  # a colleague
        ("other_manager", "office", True, False),  # the manager of another office
        ("secretary", "office", True, False),
    ],
)
def test_may_on_office_and_claim(request, claim, action, who, office_, with_claim, allowed):
    """obj: (office, the claim that holds the household now or None)."""
    user = request.getfixturevalue(who)
    obj = (request.getfixturevalue(office_), claim if with_claim else None)
    assert may(user, action, obj) is allowed


def test_may_on_a_missing_office_is_refused(manager):
    assert not may(manager, "attribution.view_timeline", (None, None))
    assert not may(manager, "attribution.rule_dispute", None)


@pytest.fixture
def no_role(office):
    """A member of the office without any role (no group)."""
    from staff.factories import UserFactory

    return UserFactory(username="no-role", roles=[], offices=[office])


@pytest.mark.parametrize(
    "action",
    [
        "leads.view_customers",
        "reception.view_roster",
        "deals.view_units",
        "office.view",  # the offices one belongs to: all a member without a role sees
    ],
)
def test_a_member_without_a_role_sees_no_customers_roster_or_units(no_role, office, action):
    """Membership alone is not a role (RULES.md, people and roles): the office's customers,
    its roster and its units are for the roles that work with them."""
    assert may(no_role, action, office) is (action == "office.view")
    if action == "leads.view_customers":
        assert not may(no_role, action, None)


def test_a_member_without_a_role_cannot_set_their_own_duty_status(no_role, office):
    """R-2.2: the salesperson themself, not any member who names themself."""
    assert not may(no_role, "reception.set_duty_status", (office, no_role))


@pytest.fixture
def hold(office, other_salesperson):
    """A hold placed by `other_salesperson` for their own customer (R-6.2)."""
    import datetime

    from attribution.services import claim_start
    from deals import services
    from deals.factories import UnitFactory
    from leads.factories import CustomerFactory

    now = datetime.datetime(2026, 3, 2, 15, 0, tzinfo=datetime.UTC)
    customer = CustomerFactory(office=office, registered_at=now)
    claim_start(
        household=customer.household,
        owner=other_salesperson,
        now=now,
        actor=other_salesperson,
        detail={},
    )
    return services.hold_create(
        unit=UnitFactory(office=office), customer=customer, actor=other_salesperson, now=now
    )


@pytest.mark.parametrize(
    "who, owns_claim, placed, allowed",
    [
        ("manager", False, False, True),  # the office's manager: any hold
        ("director", False, False, True),
        ("other_salesperson", True, True, True),  # placed it, holds the customer
        ("salesperson", False, True, True),  # placed it for a colleague's customer
        ("salesperson", True, False, True),  # holds the customer now (claim reassigned)
        ("salesperson", False, False, False),  # any other salesperson of the office
        ("secretary", False, True, False),  # placed it, but releasing is not the desk's
        ("finance", False, False, False),
        ("other_manager", False, False, False),  # the manager of another office
    ],
)
def test_may_release_hold(request, hold, who, owns_claim, placed, allowed):
    """R-6.2, obj: (hold, the claim that holds its customer now or None)."""
    from attribution.models import Claim

    user = request.getfixturevalue(who)
    if placed:
        hold.created_by = user
    claim = Claim(owner=user) if owns_claim else Claim(owner=request.getfixturevalue("manager"))
    assert may(user, "deals.release_hold", (hold, claim)) is allowed


def test_may_release_hold_without_a_hold_is_refused(manager):
    assert not may(manager, "deals.release_hold", (None, None))
