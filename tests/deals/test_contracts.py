"""Contracts, payment schedules, payments and the chase list (R-6.4), through the services
and the API, with their outcomes in the database."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from attribution.services import claim_start
from common.errors import DomainError
from deals import contracts, services
from deals.choices import UnitStatus
from deals.factories import UnitFactory
from deals.models import Contract, Instalment, Payment
from deals.money import customer_money
from leads.factories import CustomerFactory

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
T0 = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=SH)
TODAY = T0.date()
CONTRACTS, CHASE = "/api/v1/contracts/", "/api/v1/chase/"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


def day(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def subscribed(office, salesperson, deposit="20000.00"):
    customer = CustomerFactory(office=office, registered_by=salesperson)
    claim_start(
        household=customer.household, owner=salesperson, now=T0, actor=salesperson, detail={}
    )
    unit = UnitFactory(office=office)
    return services.subscription_create(
        unit=unit, customer=customer, deposit=deposit, actor=salesperson, now=T0
    )


@pytest.fixture
def subscription(office, salesperson):
    return subscribed(office, salesperson)


# total 1,000,000.00 − deposit 20,000.00 = 980,000.00 on the schedule
SCHEDULE = [
    {"kind": "down_payment", "due_date": day(3), "amount": "280000.00"},
    {"kind": "loan", "due_date": day(30), "amount": "700000.00"},
]


def sign(subscription, actor, schedule=SCHEDULE, total="1000000.00"):
    return contracts.contract_create(
        subscription=subscription, total_price=total, schedule=schedule, actor=actor, now=T0
    )


# ---------------------------------------------------------------- services


def test_contract_create_contracts_the_unit_and_keeps_the_schedule(subscription, finance):
    contract = sign(subscription, finance)
    subscription.unit.refresh_from_db()
    assert subscription.unit.status == UnitStatus.CONTRACTED
    assert contract.number == f"HT-{subscription.number}"
    assert list(contract.instalments.values_list("kind", "due_date", "amount")) == [
        ("down_payment", day(3), Decimal("280000.00")),
        ("loan", day(30), Decimal("700000.00")),
    ]
    assert contracts.contract_balance(contract) == Decimal("980000.00")


@pytest.mark.parametrize(
    "schedule, total, field",
    [
        (SCHEDULE[:1], "1000000.00", "schedule"),  # sums to less than price − deposit
        (SCHEDULE, "1000020.00", "schedule"),  # price changed, schedule not
        ([], "1000000.00", "schedule"),
        ([{**SCHEDULE[0], "due_date": day(-1)}, SCHEDULE[1]], "1000000.00", "schedule[0].due_date"),
        ([{**SCHEDULE[0], "amount": "-1"}, SCHEDULE[1]], "1000000.00", "schedule[0].amount"),
        ([{**SCHEDULE[0], "kind": "gift"}, SCHEDULE[1]], "1000000.00", "schedule[0].kind"),
        (SCHEDULE, "20000.00", "total_price"),  # not more than the deposit
    ],
)
def test_contract_create_refuses_a_bad_schedule(subscription, finance, schedule, total, field):
    with pytest.raises(ValidationError) as exc:
        sign(subscription, finance, schedule=schedule, total=total)
    assert field in exc.value.message_dict
    assert not Contract.objects.exists()
    subscription.unit.refresh_from_db()
    assert subscription.unit.status == UnitStatus.SUBSCRIBED


def test_one_contract_per_subscription(subscription, finance):
    sign(subscription, finance)
    with pytest.raises(DomainError) as exc:
        sign(subscription, finance)
    assert exc.value.code == "already_contracted"
    assert Contract.objects.count() == 1


def test_a_withdrawn_subscription_gets_no_contract(subscription, finance, manager):
    services.subscription_withdraw(subscription=subscription, actor=manager, now=T0)
    with pytest.raises(DomainError) as exc:
        sign(subscription, finance)
    assert exc.value.code == "subscription_inactive"


def test_payments_lower_the_balance_and_never_exceed_it(subscription, finance):
    contract = sign(subscription, finance)
    down = contract.instalments.get(kind="down_payment")
    contracts.payment_record(
        contract=contract, amount="280000.00", instalment=down, actor=finance, now=T0
    )
    assert contracts.contract_balance(contract) == Decimal("700000.00")
    with pytest.raises(ValidationError) as exc:
        contracts.payment_record(contract=contract, amount="700000.01", actor=finance, now=T0)
    assert "amount" in exc.value.message_dict
    contracts.payment_record(contract=contract, amount="700000.00", actor=finance, now=T0)
    assert contracts.contract_balance(contract) == Decimal("0.00")
    assert Payment.objects.count() == 2


def test_a_payment_names_an_instalment_of_its_own_contract(office, salesperson, finance):
    a = sign(subscribed(office, salesperson), finance)
    b = sign(subscribed(office, salesperson), finance)
    with pytest.raises(ValidationError):
        contracts.payment_record(
            contract=a, amount="1.00", instalment=b.instalments.first(), actor=finance, now=T0
        )


def test_the_books_balance_with_contract_payments(subscription, finance):
    """received − refunded = held + deposits + contract payments (deals.money)."""
    contract = sign(subscription, finance)
    contracts.payment_record(contract=contract, amount="1000.00", actor=finance, now=T0)
    money = customer_money(subscription.customer)
    assert money["received"] == Decimal("21000.00")
    assert money["received"] - money["refunded"] == money["held"]


# ---------------------------------------------------------------- chase list


def chase_schedule():
    return [
        {"kind": "down_payment", "due_date": day(0), "amount": "100000.00"},  # paid below
        {"kind": "instalment", "due_date": day(3), "amount": "200000.00"},  # listed
        {"kind": "instalment", "due_date": day(10), "amount": "180000.00"},  # too far
        {"kind": "loan", "due_date": day(40), "amount": "500000.00"},
    ]


def test_chase_lists_what_is_due_soon_or_overdue_oldest_first(
    clock, office, salesperson, other_salesperson, finance
):
    contract = sign(subscribed(office, salesperson), finance, schedule=chase_schedule())
    paid, soon, later, _loan = contract.instalments.order_by("due_date")
    contracts.payment_record(
        contract=contract, amount="100000.00", instalment=paid, actor=finance, now=T0
    )
    contracts.payment_record(
        contract=contract, amount="50000.00", instalment=soon, actor=finance, now=T0
    )
    # a colleague's contract is not this salesperson's to chase
    sign(subscribed(office, other_salesperson), finance, schedule=chase_schedule())

    rows = list(contracts.instalments_to_chase(salesperson=salesperson, now=T0))
    assert [(r.pk, r.remaining) for r in rows] == [(soon.pk, Decimal("150000.00"))]

    # five days on: `soon` is overdue, `later` is within 7 days, oldest first
    clock.move_to(T0 + datetime.timedelta(days=5))
    now = T0 + datetime.timedelta(days=5)
    rows = list(contracts.instalments_to_chase(salesperson=salesperson, now=now))
    assert [r.pk for r in rows] == [soon.pk, later.pk]


def test_chase_uses_the_office_chase_days(office, salesperson, finance):
    office.chase_days = 10
    office.save(update_fields=["chase_days"])
    sign(subscribed(office, salesperson), finance, schedule=chase_schedule())
    rows = contracts.instalments_to_chase(salesperson=salesperson, now=T0)
    assert [r.due_date for r in rows] == [day(0), day(3), day(10)]


# ---------------------------------------------------------------- API


def post(api, user, path, body):
    api.force_authenticate(user)
    return api.post(path, body, format="json")


def body(subscription, schedule=SCHEDULE, total="1000000.00"):
    rows = [{**r, "due_date": r["due_date"].isoformat()} for r in schedule]
    return {"subscription": subscription.pk, "total_price": total, "schedule": rows}


def test_api_contract_payment_and_balance(api, subscription, finance):
    response = post(api, finance, CONTRACTS, body(subscription))
    assert response.status_code == 201, response.data
    data = response.json()
    assert data["balance"] == "980000.00"
    assert data["deposit"] == "20000.00"
    assert [i["amount"] for i in data["instalments"]] == ["280000.00", "700000.00"]
    subscription.unit.refresh_from_db()
    assert subscription.unit.status == UnitStatus.CONTRACTED

    down = data["instalments"][0]["id"]
    paid = post(
        api,
        finance,
        f"{CONTRACTS}{data['id']}/payments/",
        {"amount": "280000.00", "instalment": down},
    )
    assert paid.status_code == 201, paid.data
    assert paid.json()["amount"] == "280000.00"

    shown = api.get(f"{CONTRACTS}{data['id']}/")
    assert shown.status_code == 200
    assert shown.json()["balance"] == "700000.00"


def test_api_schedule_not_summing_is_400(api, subscription, manager):
    response = post(api, manager, CONTRACTS, body(subscription, schedule=SCHEDULE[:1]))
    assert response.status_code == 400
    assert "schedule" in response.json()
    assert not Contract.objects.exists()


def test_api_salesperson_cannot_sign(api, subscription, salesperson):
    response = post(api, salesperson, CONTRACTS, body(subscription))
    assert response.status_code == 403
    assert not Contract.objects.exists()


def test_api_other_office_subscription_is_unknown(api, other_office, other_manager, subscription):
    response = post(api, other_manager, CONTRACTS, body(subscription))
    assert response.status_code == 400
    assert "subscription" in response.json()


def test_api_overpayment_is_400(api, subscription, finance):
    contract = sign(subscription, finance)
    response = post(api, finance, f"{CONTRACTS}{contract.pk}/payments/", {"amount": "980000.01"})
    assert response.status_code == 400
    assert "amount" in response.json()
    assert not Payment.objects.exists()


def test_api_payment_by_a_salesperson_is_403(api, subscription, finance, salesperson, manager):
    contract = sign(subscription, finance)
    for user in (salesperson, manager):
        response = post(api, user, f"{CONTRACTS}{contract.pk}/payments/", {"amount": "1.00"})
        assert response.status_code == 403
    assert not Payment.objects.exists()


def test_api_payment_on_an_instalment_of_another_contract_is_400(api, office, salesperson, finance):
    a = sign(subscribed(office, salesperson), finance)
    b = sign(subscribed(office, salesperson), finance)
    other = b.instalments.first().pk
    response = post(
        api, finance, f"{CONTRACTS}{a.pk}/payments/", {"amount": "1.00", "instalment": other}
    )
    assert response.status_code == 400
    assert not Payment.objects.exists()


def test_api_contract_of_another_office_is_404(api, subscription, finance, other_manager):
    contract = sign(subscription, finance)
    api.force_authenticate(other_manager)
    assert api.get(f"{CONTRACTS}{contract.pk}/").status_code == 404


def test_api_chase_list(api, office, salesperson, finance, manager):
    contract = sign(subscribed(office, salesperson), finance, schedule=chase_schedule())
    paid = contract.instalments.get(due_date=day(0))
    contracts.payment_record(
        contract=contract, amount="100000.00", instalment=paid, actor=finance, now=T0
    )
    overdue = sign(
        subscribed(office, salesperson),
        finance,
        schedule=[
            {"kind": "down_payment", "due_date": day(0), "amount": "100000.00"},
            {"kind": "loan", "due_date": day(90), "amount": "880000.00"},
        ],
    ).instalments.get(due_date=day(0))
    Instalment.objects.filter(pk=overdue.pk).update(due_date=day(-2))  # signed long ago

    api.force_authenticate(salesperson)
    response = api.get(CHASE)
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [(r["id"], r["due_date"], r["remaining"]) for r in rows] == [
        (overdue.pk, day(-2).isoformat(), "100000.00"),
        (contract.instalments.get(due_date=day(3)).pk, day(3).isoformat(), "200000.00"),
    ]
    assert rows[0]["contract_number"].startswith("HT-")

    api.force_authenticate(manager)
    assert api.get(CHASE).status_code == 403
    api.force_authenticate(None)
    assert api.get(CHASE).status_code in (401, 403)


def test_a_contracted_subscription_cannot_be_withdrawn(subscription, finance, manager):
    """R-5.5/R-6.4: once the contract is signed, a withdrawal would free a sold unit."""
    sign(subscription, finance)
    with pytest.raises(DomainError) as exc:
        services.subscription_withdraw(subscription=subscription, actor=manager, now=T0)
    assert exc.value.code == "contracted"
    subscription.refresh_from_db()
    subscription.unit.refresh_from_db()
    assert (subscription.status, subscription.unit.status) == ("active", "contracted")
