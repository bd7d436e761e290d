"""Visit records (R-9.7): the service `visit_record_create` and who may record on which
account. Every bad input is a clear 400 or 403 and saves nothing; a colleague's account is not
there at all (404, through the API: test_records_api.py)."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from rest_framework.exceptions import PermissionDenied, ValidationError

from accounts.factories import AccountFactory
from accounts.models import Contact
from catalog.models import Product
from staff.choices import Role
from staff.factories import UserFactory
from visits.choices import PlannedOutcome
from visits.models import DealerStock, PlannedVisit, VisitPlan, VisitRecord
from visits.records import records_visible_to, suggested_kind, visit_record_create
from visits.rules import week_start

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 3, 20, 9, 0, tzinfo=SH)  # a Friday morning in the branch
TODAY = NOW.date()
OPENED = datetime.date(2026, 1, 5)


# ---------------------------------------------------------------- helpers (shared by the
# other test modules of visit records and overdue accounts)


def make_account(office, owner, *, grade="B", kind="customer", opened=OPENED, **fields):
    """An approved account of `owner`, opened on `opened` (10:00 in the branch)."""
    fields.setdefault("status", "approved")
    return AccountFactory(
        office=office,
        author=owner,
        owner=owner,
        grade=grade,
        kind=kind,
        created_at=datetime.datetime.combine(opened, datetime.time(10), tzinfo=SH),
        **fields,
    )


def make_contact(account, name="张经理", *, primary=True):
    return Contact.objects.create(account=account, name=name, primary=primary, phone="13800000000")


def make_record(account, who, day, kind="return"):
    """A record written directly: the state a test starts from, not what it checks."""
    return VisitRecord.objects.create(
        account=account,
        office=account.office,
        salesperson=who,
        date=day,
        kind=kind,
        created_at=NOW,
    )


def make_product(code="DJ-1", name="电机", *, active=True):
    return Product.objects.create(
        code=code, name=name, unit="台", active=active, created_at=NOW - datetime.timedelta(30)
    )


def nothing_saved():
    return VisitRecord.objects.count() == 0 and DealerStock.objects.count() == 0


def record(actor, account, **fields):
    fields.setdefault("date", TODAY)
    fields.setdefault("kind", "return")
    return visit_record_create(actor=actor, account=account, now=fields.pop("now", NOW), **fields)


@pytest.fixture
def deputy(office):
    return UserFactory(username="deputy", roles=[Role.SALESPERSON], offices=[office])


# ---------------------------------------------------------------- who records


def test_r_9_7_the_owner_records_a_visit_with_its_market_information(office, salesperson):
    account = make_account(office, salesperson)
    contact = make_contact(account)

    saved = record(
        salesperson,
        account,
        kind="first",
        contact=contact.pk,
        quality_feedback="外壳易刮花",
        price_feedback="比对手贵 5%",
        demand="下季度扩产",
        competitors="某品牌降价促销",
        new_products="问变频型号",
    )

    saved.refresh_from_db()
    assert (saved.account, saved.office, saved.salesperson) == (account, office, salesperson)
    assert (saved.date, saved.kind, saved.contact) == (TODAY, "first", contact)
    assert saved.created_at == NOW
    assert (saved.quality_feedback, saved.price_feedback, saved.demand) == (
        "外壳易刮花",
        "比对手贵 5%",
        "下季度扩产",
    )
    assert (saved.competitors, saved.new_products) == ("某品牌降价促销", "问变频型号")


def test_r_9_1_the_deputy_and_the_branchs_manager_record_too(office, salesperson, deputy, manager):
    account = make_account(office, salesperson, deputy=deputy)

    by_deputy = record(deputy, account)
    by_manager = record(manager, account, kind="call")

    assert by_deputy.salesperson == deputy and by_manager.salesperson == manager
    assert VisitRecord.objects.filter(account=account).count() == 2


@pytest.mark.parametrize("who", ["other_salesperson", "other_manager", "secretary", "clerk"])
def test_r_9_1_nobody_else_records_on_the_account(request, office, salesperson, who):
    """A colleague would reset the owner's visit clock (R-9.8) or make the account look
    worked: 403, nothing saved. (Through the API and the pages the account is not even
    there for them: 404.)"""
    account = make_account(office, salesperson)
    intruder = request.getfixturevalue(who)

    with pytest.raises(PermissionDenied):
        record(intruder, account)

    assert nothing_saved()


def test_r_9_1_a_former_owner_no_longer_records(office, salesperson, other_salesperson):
    account = make_account(office, salesperson)
    account.owner = other_salesperson
    account.save(update_fields=["owner"])

    with pytest.raises(PermissionDenied):
        record(salesperson, account)
    assert record(other_salesperson, account).salesperson == other_salesperson


# ---------------------------------------------------------------- the date


def test_the_date_is_the_branchs_day_not_a_day_to_come(office, salesperson):
    """At 04:00 in Shanghai it is still the previous day in UTC: the branch's day counts."""
    account = make_account(office, salesperson)
    early = datetime.datetime(2026, 3, 19, 20, 0, tzinfo=datetime.UTC)  # 03-20 04:00 in SH

    assert record(salesperson, account, date=datetime.date(2026, 3, 20), now=early)
    with pytest.raises(ValidationError) as refused:
        record(salesperson, account, date=datetime.date(2026, 3, 21), now=early)

    assert "date" in refused.value.detail
    assert VisitRecord.objects.count() == 1


def test_a_backdated_visit_before_the_account_existed_is_refused(office, salesperson):
    """Abuse: a visit dated before the account was opened would forge its history."""
    account = make_account(office, salesperson, opened=datetime.date(2026, 3, 1))

    with pytest.raises(ValidationError) as refused:
        record(salesperson, account, date=datetime.date(2026, 2, 28))

    assert "2026-03-01" in str(refused.value.detail["date"][0])
    assert nothing_saved()
    assert record(salesperson, account, date=datetime.date(2026, 3, 1))  # the opening day is fine


# ---------------------------------------------------------------- the contact


def test_the_contact_must_be_one_of_the_accounts(office, salesperson):
    account = make_account(office, salesperson)
    elsewhere = make_contact(make_account(office, salesperson), name="别家联系人")

    with pytest.raises(ValidationError) as refused:
        record(salesperson, account, contact=elsewhere.pk)

    assert list(refused.value.detail) == ["contact"]
    assert nothing_saved()


def test_an_unknown_kind_is_refused(office, salesperson):
    account = make_account(office, salesperson)
    with pytest.raises(ValidationError) as refused:
        record(salesperson, account, kind="meeting")
    assert list(refused.value.detail) == ["kind"]
    assert nothing_saved()


# ---------------------------------------------------------------- a dealer's stock


def test_r_9_7_a_dealers_stock_per_product_with_the_reason_when_short(office, salesperson):
    dealer = make_account(office, salesperson, kind="dealer")
    motor, pump = make_product(), make_product("SB-1", "水泵")

    saved = record(
        salesperson,
        dealer,
        dealer_stock=[
            {"product": motor.pk, "quantity": Decimal("12.500"), "note": ""},
            {"product": pump, "quantity": "0", "note": "断货，下周补货两台"},
        ],
    )

    lines = list(saved.dealer_stock.order_by("pk").values_list("product", "quantity", "note"))
    assert lines == [
        (motor.pk, Decimal("12.500"), ""),
        (pump.pk, Decimal("0.000"), "断货，下周补货两台"),
    ]


BAD_LINES = {
    "negative quantity": ([{"product": "motor", "quantity": "-1"}], "不能为负数"),
    "4 decimals": ([{"product": "motor", "quantity": "1.2345"}], "最多 3 位小数"),
    "not a number": ([{"product": "motor", "quantity": "abc"}], "请填写数字"),
    "infinity": ([{"product": "motor", "quantity": "Infinity"}], "请填写数字"),
    "too large": ([{"product": "motor", "quantity": "1e12"}], "数量过大"),
    "one product twice": (
        [{"product": "motor", "quantity": "1"}, {"product": "motor", "quantity": "2"}],
        "每种产品只填一行",
    ),
    "inactive product": ([{"product": "old", "quantity": "1"}], "产品目录"),
    "unknown product": ([{"product": 987654, "quantity": "1"}], "产品目录"),
}


@pytest.mark.parametrize("case", BAD_LINES, ids=list(BAD_LINES))
def test_bad_stock_lines_are_refused_and_nothing_is_saved(office, salesperson, case):
    dealer = make_account(office, salesperson, kind="dealer")
    products = {"motor": make_product().pk, "old": make_product("OLD-1", active=False).pk}
    lines, message = BAD_LINES[case]
    lines = [{**line, "product": products.get(line["product"], line["product"])} for line in lines]

    with pytest.raises(ValidationError) as refused:
        record(salesperson, dealer, dealer_stock=lines)

    assert message in " ".join(str(e) for e in refused.value.detail["dealer_stock"])
    assert nothing_saved()


def test_stock_is_recorded_for_a_dealer_only(office, salesperson):
    customer = make_account(office, salesperson, kind="customer")
    with pytest.raises(ValidationError) as refused:
        record(salesperson, customer, dealer_stock=[{"product": make_product().pk, "quantity": 1}])
    assert list(refused.value.detail) == ["dealer_stock"]
    assert nothing_saved()


# ---------------------------------------------------------------- the plan


def _planned(owner, office, account, day):
    plan, _ = VisitPlan.objects.get_or_create(
        office=office, salesperson=owner, week_start=week_start(day), defaults={"created_at": NOW}
    )
    return PlannedVisit.objects.create(plan=plan, account=account, day=day)


def test_r_9_6_a_visit_on_the_planned_day_marks_the_planned_visit_done(office, salesperson):
    account = make_account(office, salesperson)
    today = _planned(salesperson, office, account, TODAY)
    tomorrow = _planned(salesperson, office, account, TODAY + datetime.timedelta(1))

    saved = record(salesperson, account)

    today.refresh_from_db()
    tomorrow.refresh_from_db()
    assert (today.outcome, today.record) == (PlannedOutcome.DONE, saved)
    assert (tomorrow.outcome, tomorrow.record) == (PlannedOutcome.PLANNED, None)
    # a second visit the same day finds nothing left to mark
    again = record(salesperson, account)
    assert not PlannedVisit.objects.filter(record=again).exists()
    assert PlannedVisit.objects.filter(outcome=PlannedOutcome.DONE).count() == 1


def test_r_9_8_a_call_does_not_do_a_planned_visit(office, salesperson):
    account = make_account(office, salesperson)
    planned = _planned(salesperson, office, account, TODAY)

    record(salesperson, account, kind="call")

    planned.refresh_from_db()
    assert (planned.outcome, planned.record) == (PlannedOutcome.PLANNED, None)


def test_the_managers_visit_leaves_the_salespersons_plan_alone(office, salesperson, manager):
    account = make_account(office, salesperson)
    planned = _planned(salesperson, office, account, TODAY)

    record(manager, account)

    planned.refresh_from_db()
    assert planned.outcome == PlannedOutcome.PLANNED


# ---------------------------------------------------------------- reads


def test_suggested_kind_is_a_first_visit_until_the_account_is_visited(office, salesperson):
    account = make_account(office, salesperson)
    assert suggested_kind(account) == "first"
    make_record(account, salesperson, TODAY, kind="call")
    assert suggested_kind(account) == "first"  # a call is not a visit
    make_record(account, salesperson, TODAY, kind="first")
    assert suggested_kind(account) == "return"


def test_r_9_1_who_reads_which_records(
    office, other_office, salesperson, other_salesperson, deputy, manager, other_manager, director
):
    mine = make_account(office, salesperson, deputy=deputy)
    theirs = make_account(office, other_salesperson)
    river = make_account(
        other_office, UserFactory(roles=[Role.SALESPERSON], offices=[other_office])
    )
    on_mine = make_record(mine, salesperson, TODAY)
    on_theirs = make_record(theirs, other_salesperson, TODAY)
    by_manager = make_record(mine, manager, TODAY)
    in_river = make_record(river, river.owner, TODAY)
    # written before `theirs` was reassigned to other_salesperson: still the writer's
    written_before = make_record(theirs, salesperson, TODAY - datetime.timedelta(30))

    def seen(user):
        return set(records_visible_to(user))

    assert seen(salesperson) == {on_mine, by_manager, written_before}
    assert seen(deputy) == {on_mine, by_manager}
    assert seen(other_salesperson) == {on_theirs, written_before}
    assert seen(manager) == {on_mine, on_theirs, by_manager, written_before}
    assert seen(other_manager) == {in_river}
    assert seen(director) == {on_mine, on_theirs, by_manager, in_river, written_before}
