"""R-17.1: setting targets and their splits through the service: who may set which level,
that children never add up to more than their parent (exactly the parent is fine, 0.01 over
is refused and nothing is saved), and that every number is checked."""

from decimal import Decimal

import pytest
from rest_framework.exceptions import PermissionDenied, ValidationError

from common.errors import DomainError
from targets.factories import set_target
from targets.models import SalesTarget
from targets.selectors import branch_grid, year_overview

pytestmark = pytest.mark.django_db


def amounts():
    return sorted(
        str((t.region, t.office_id, t.salesperson_id, t.month, t.amount))
        for t in SalesTarget.objects.all()
    )


def test_the_director_splits_the_year_and_the_remainder_is_unassigned(
    planned, director, other_office
):
    set_target(director, "200000.00", office=other_office)
    view = year_overview(2026)
    assert view["department"]["amount"] == Decimal("1000000.00")
    assert view["department"]["unassigned"] == Decimal("400000.00")
    (east,) = view["regions"]
    assert east["region"] == "华东"
    assert east["assigned"] == Decimal("500000.00")
    assert east["unassigned"] == Decimal("100000.00")
    sunny = next(b for b in view["branches"] if b["office"] == planned)
    assert sunny["months"][2] == Decimal("30000.00")
    assert sunny["unassigned"] == Decimal("270000.00")
    assert view["month_totals"][2] == Decimal("30000.00")


def test_a_branch_row_takes_its_office_region(planned, director):
    row = SalesTarget.objects.get(office=planned, month=None)
    assert row.region == "华东"


def test_setting_again_updates_the_same_row(planned, director):
    set_target(director, "900000.00")
    assert SalesTarget.objects.filter(office=None, region="").count() == 1
    assert SalesTarget.objects.get(office=None, region="").amount == Decimal("900000.00")


@pytest.mark.parametrize(
    ("amount", "saved"),
    [("270000.00", True), ("270000.01", False)],
    ids=["exactly-the-parent", "one-cent-over"],
)
def test_branch_months_up_to_exactly_the_branch_year(planned, director, amount, saved):
    # March has 30,000.00 of the branch's 300,000.00: April may take the remaining 270,000.00
    before = amounts()
    if saved:
        set_target(director, amount, office=planned, month=4)
        view = year_overview(2026)
        sunny = next(b for b in view["branches"] if b["office"] == planned)
        assert sunny["unassigned"] == Decimal("0.00")
    else:
        with pytest.raises(DomainError) as refused:
            set_target(director, amount, office=planned, month=4)
        assert refused.value.code == "over_parent"
        assert amounts() == before


def test_regions_cannot_exceed_the_department(planned, director, other_office, loose_office):
    # 华东 600,000 + a branch without a region 400,000 = the department's 1,000,000
    set_target(director, "400000.00", office=loose_office)
    with pytest.raises(DomainError) as refused:
        set_target(director, "600000.01", region="华东")
    assert refused.value.code == "over_parent"
    assert SalesTarget.objects.get(region="华东", office=None).amount == Decimal("600000.00")


def test_branches_cannot_exceed_their_region(planned, director, other_office):
    # 阳光花园 300,000 + 江畔 300,000 = 华东's 600,000
    set_target(director, "300000.00", office=other_office)
    with pytest.raises(DomainError) as refused:
        set_target(director, "300000.01", office=other_office)
    assert refused.value.code == "over_parent"
    assert SalesTarget.objects.get(office=other_office, month=None).amount == Decimal("300000.00")


def test_lowering_a_parent_below_its_children_is_refused(planned, director):
    with pytest.raises(DomainError) as refused:
        set_target(director, "29999.99", office=planned)
    assert refused.value.code == "over_parent"
    assert SalesTarget.objects.get(office=planned, month=None).amount == Decimal("300000.00")
    set_target(director, "30000.00", office=planned)  # exactly its children: fine


def test_a_child_without_its_parent_is_refused(regional, office, director):
    with pytest.raises(DomainError) as refused:
        set_target(director, "100.00", office=office, month=1)
    assert refused.value.code == "parent_missing"
    assert SalesTarget.objects.count() == 0


def test_the_manager_splits_a_branch_month_by_salesperson(
    planned, manager, salesperson, other_salesperson
):
    set_target(manager, "20000.00", office=planned, salesperson=salesperson, month=3)
    set_target(manager, "10000.00", office=planned, salesperson=other_salesperson, month=3)
    with pytest.raises(DomainError):
        set_target(manager, "10000.01", office=planned, salesperson=other_salesperson, month=3)
    grid = branch_grid(planned, 2026)
    assert grid["assigned"][2] == Decimal("30000.00")
    assert grid["unassigned"][2] == Decimal("0.00")
    assert grid["unassigned"][3] is None  # April has no branch target yet


def test_a_salesperson_month_needs_the_branch_month(planned, manager, salesperson):
    with pytest.raises(DomainError) as refused:
        set_target(manager, "1.00", office=planned, salesperson=salesperson, month=4)
    assert refused.value.code == "parent_missing"


@pytest.mark.parametrize("who", ["manager", "salesperson", "other_manager", "executive"], ids=str)
def test_only_the_director_sets_the_company_levels(planned, request, who):
    actor = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        set_target(actor, "1.00", office=planned, month=5)
    assert not SalesTarget.objects.filter(month=5).exists()


def test_another_branch_manager_and_a_salesperson_cannot_split_the_branch(
    planned, other_manager, salesperson
):
    for actor in (other_manager, salesperson):
        with pytest.raises(PermissionDenied):
            set_target(actor, "1.00", office=planned, salesperson=salesperson, month=3)
    assert not SalesTarget.objects.filter(salesperson__isnull=False).exists()


def test_the_salesperson_must_be_a_salesperson_of_the_branch(
    planned, manager, other_branch_salesperson, secretary
):
    for person in (other_branch_salesperson, secretary):
        with pytest.raises(ValidationError) as refused:
            set_target(manager, "1.00", office=planned, salesperson=person, month=3)
        assert "salesperson" in refused.value.detail


def test_a_region_must_be_one_of_the_branches(regional, director):
    set_target(director, "100.00")
    with pytest.raises(ValidationError) as refused:
        set_target(director, "1.00", region="火星")
    assert "region" in refused.value.detail


@pytest.mark.parametrize(
    ("field", "level", "value"),
    [
        ("year", {}, 1999),
        ("year", {}, 2101),
        ("month", {"office": True}, 13),
        ("month", {"office": True}, 0),
        ("amount", {}, "-0.01"),
        ("amount", {}, "1.001"),
        ("amount", {}, "1000000000000.00"),
        ("amount", {}, "abc"),
        ("amount", {}, "1e3"),
        ("amount", {}, "NaN"),
    ],
)
def test_every_number_is_checked(regional, office, director, field, level, value):
    from targets import services

    kwargs = {"year": 2026, "amount": "1.00"}
    if level.get("office"):
        kwargs["office"] = office
    kwargs[field] = value
    with pytest.raises(ValidationError) as refused:
        services.target_set(actor=director, now=None, **kwargs)
    assert field in refused.value.detail
    assert SalesTarget.objects.count() == 0


def test_the_largest_amount_is_accepted(regional, director):
    set_target(director, "999999999999.99")
    assert SalesTarget.objects.get().amount == Decimal("999999999999.99")
