"""Finance's page (R-6): the office-local day's cash, the refunds to pay, the day's deals."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from attribution.services import customer_register_own
from deals import services
from deals.models import Project, Refund, Unit
from finance.views import cash_summary
from leads.factories import channel
from staff.choices import Role
from staff.factories import UserFactory
from staff.models import Office

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 11, 28, 18, 0, tzinfo=SH)
DAY = NOW.date()
PAGE = "/finance/"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def make_units(office, count: int) -> list[Unit]:
    project = Project.objects.create(office=office, name="阳光花园一期")
    return [
        Unit.objects.create(
            office=office,
            project=project,
            building="1",
            number=f"{n + 1:03d}",
            floor=1,
            area=Decimal("89.50"),
            list_price=Decimal("1500000.00"),
        )
        for n in range(count)
    ]


def claimed(office, salesperson, phone, name):
    customer, _claim = customer_register_own(
        office=office,
        salesperson=salesperson,
        phone=phone,
        name=name,
        source_channel=channel("passing"),
        now=NOW - datetime.timedelta(days=2),
    )
    return customer


@pytest.fixture
def day_of_deals(office, salesperson, manager):
    """2 holds, 1 conversion, 1 release, 1 withdrawal on DAY, and a hold the day before."""
    units = make_units(office, 3)
    zhou = claimed(office, salesperson, "13800000001", "周女士")
    li = claimed(office, salesperson, "13900000002", "李秀英")
    wang = claimed(office, salesperson, "13700000003", "王先生")
    # the day before (office-local 23:30 on the 27th, 15:30 UTC): not in the 28th's figures
    yesterday = datetime.datetime(2026, 11, 27, 23, 30, tzinfo=SH)
    old = services.hold_create(unit=units[2], customer=wang, actor=salesperson, now=yesterday)
    services.hold_release(hold=old, actor=manager, now=yesterday + datetime.timedelta(minutes=5))
    # the day (from 00:10 local, still the 27th in UTC)
    t = datetime.datetime(2026, 11, 28, 0, 10, tzinfo=SH)
    services.hold_create(unit=units[0], customer=zhou, fee="500.00", actor=salesperson, now=t)
    # the manager raises the office's holding fee: the next hold pays 800.00
    Office.objects.filter(pk=office.pk).update(holding_fee=Decimal("800.00"))
    hold_li = services.hold_create(
        unit=units[1], customer=li, fee="800.00", actor=salesperson, now=t
    )
    sub = services.subscription_create(
        unit=units[0],
        customer=zhou,
        deposit="20000.00",
        actor=salesperson,
        now=t + datetime.timedelta(hours=2),
    )
    services.hold_release(hold=hold_li, actor=manager, now=t + datetime.timedelta(hours=3))
    services.subscription_withdraw(
        subscription=sub, actor=manager, now=t + datetime.timedelta(hours=4)
    )
    return {"sub": sub, "old_refund": Refund.objects.get(hold=old)}


def test_the_days_cash_summary_is_exact(office, finance, day_of_deals):
    # the refund of yesterday's hold is paid today: it counts as paid today, not as owed
    old_refund = day_of_deals["old_refund"]
    services.refund_mark_paid(refund=old_refund, actor=finance, now=NOW)
    summary = cash_summary(office, DAY)
    assert summary["fees"] == Decimal("1300.00") and summary["holds"] == 2
    assert summary["deposits"] == Decimal("19500.00") and summary["subscriptions"] == 1
    assert summary["refunds_created"] == Decimal("20800.00")  # 800 released + 20000 withdrawn
    assert summary["refunds_paid"] == Decimal("500.00")
    assert all(
        isinstance(v, Decimal) and v.as_tuple().exponent == -2
        for k, v in summary.items()
        if k not in {"holds", "subscriptions"}
    )
    before = cash_summary(office, DAY - datetime.timedelta(days=1))
    assert (before["fees"], before["refunds_created"], before["refunds_paid"]) == (
        Decimal("500.00"),
        Decimal("500.00"),
        Decimal("0.00"),
    )


def test_the_page_shows_the_summary_refunds_and_the_days_deals(
    client, office, finance, day_of_deals
):
    client.force_login(finance)
    response = client.get(PAGE)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<dd class="money" id="sum-fees">1,300.00</dd>' in html
    assert '<dd class="money" id="sum-deposits">19,500.00</dd>' in html
    assert '<dd class="money" id="sum-refunds-created">20,800.00</dd>' in html
    assert '<dd class="money" id="sum-refunds-paid">0.00</dd>' in html
    # unpaid refunds, oldest first: yesterday's 500, today's 800, then the 20000 withdrawal
    first, second, third = (html.index(f">{a}</td>") for a in ("500.00", "800.00", "20,000.00"))
    assert first < second < third
    assert html.count('class="plain day-holds"') == 1 and "李秀英" in html
    assert day_of_deals["sub"].number in html
    # another day, picked by ?date=
    html = client.get(PAGE, {"date": "2026-11-27"}).content.decode()
    assert '<dd class="money" id="sum-fees">500.00</dd>' in html
    assert day_of_deals["sub"].number not in html


def test_finances_work_page_is_this_page(client, finance, day_of_deals):
    client.force_login(finance)
    html = client.get("/w/finance/").content.decode()
    assert 'id="sum-fees">1,300.00<' in html


def test_a_manager_sees_the_page(client, manager, day_of_deals):
    client.force_login(manager)
    assert client.get(PAGE).status_code == 200


def test_paying_a_refund_then_paying_it_again(client, office, finance, day_of_deals):
    refund = day_of_deals["old_refund"]
    client.force_login(finance)
    url = f"/finance/refunds/{refund.pk}/pay/"
    response = client.post(url, {"next": f"{PAGE}?office={office.pk}"}, follow=True)
    assert response.redirect_chain[-1][0] == f"{PAGE}?office={office.pk}"
    refund.refresh_from_db()
    assert refund.paid_at == NOW and refund.paid_by == finance
    html = response.content.decode()
    assert f'id="refund-{refund.pk}"' not in html  # no longer to pay
    assert '<dd class="money" id="sum-refunds-paid">500.00</dd>' in html

    response = client.post(url, follow=True)
    assert response.status_code == 200
    assert '<li class="error">该退款已支付。</li>' in response.content.decode()
    refund.refresh_from_db()
    assert refund.paid_at == NOW


def test_a_foreign_next_is_ignored(client, office, finance, day_of_deals):
    refund = day_of_deals["old_refund"]
    client.force_login(finance)
    response = client.post(f"/finance/refunds/{refund.pk}/pay/", {"next": "https://evil.test/"})
    assert response["Location"] == f"{PAGE}?office={office.pk}"


def test_a_salesperson_is_403(client, salesperson, day_of_deals):
    client.force_login(salesperson)
    assert client.get(PAGE).status_code == 403
    refund = day_of_deals["old_refund"]
    assert client.post(f"/finance/refunds/{refund.pk}/pay/").status_code == 404
    refund.refresh_from_db()
    assert refund.paid_at is None


def test_other_office_is_404(client, office, other_office, finance, other_manager, day_of_deals):
    client.force_login(finance)
    assert client.get(PAGE, {"office": other_office.pk}).status_code == 404
    client.force_login(other_manager)
    assert client.get(PAGE, {"office": office.pk}).status_code == 404
    refund = day_of_deals["old_refund"]
    assert client.post(f"/finance/refunds/{refund.pk}/pay/").status_code == 404
    refund.refresh_from_db()
    assert refund.paid_at is None


def test_pay_needs_post(client, finance, day_of_deals):
    client.force_login(finance)
    refund = day_of_deals["old_refund"]
    assert client.get(f"/finance/refunds/{refund.pk}/pay/").status_code == 405


def test_query_count_does_not_grow_with_refunds(client, office, salesperson, manager, finance):
    units = make_units(office, 30)
    customer = claimed(office, salesperson, "13800000001", "周女士")

    def owe(batch):
        for unit in batch:
            hold = services.hold_create(unit=unit, customer=customer, actor=salesperson, now=NOW)
            services.hold_release(hold=hold, actor=manager, now=NOW)

    def queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(PAGE)
        return len(captured), response.content.decode().count('<tr id="refund-')

    client.force_login(finance)
    owe(units[:3])
    few, rows = queries()
    assert rows == 3
    owe(units[3:])
    many, rows = queries()
    assert rows == 30
    assert few == many


# ------------------------------------------------ payments against contracts


def contracted(office, salesperson, finance, units: list[Unit]) -> list:
    """One signed contract per unit: price 1,000,000.00, deposit 20,000.00, two instalments."""
    from deals import contracts

    signed = NOW - datetime.timedelta(days=1)
    result = []
    for n, unit in enumerate(units):
        customer = claimed(office, salesperson, f"136{unit.pk:08d}", f"客户{n}")
        sub = services.subscription_create(
            unit=unit, customer=customer, deposit="20000.00", actor=salesperson, now=signed
        )
        result.append(
            contracts.contract_create(
                subscription=sub,
                total_price="1000000.00",
                schedule=[
                    {"kind": "down_payment", "due_date": DAY, "amount": "280000.00"},
                    {"kind": "loan", "due_date": DAY, "amount": "700000.00"},
                ],
                actor=finance,
                now=signed,
            )
        )
    return result


def pay_url(contract) -> str:
    return f"/finance/contracts/{contract.pk}/payments/"


def test_recording_a_payment_lowers_the_balance(client, office, salesperson, finance):
    from deals.contracts import contract_balance

    (contract,) = contracted(office, salesperson, finance, make_units(office, 1))
    down = contract.instalments.get(kind="down_payment")
    client.force_login(finance)
    html = client.get(PAGE).content.decode()
    assert f'<tr id="contract-{contract.pk}">' in html and ">980,000.00</td>" in html
    assert f'<option value="{down.pk}">' in html
    response = client.post(
        pay_url(contract), {"amount": "280000.00", "instalment": down.pk}, follow=True
    )
    assert response.redirect_chain[-1][0] == f"{PAGE}?office={office.pk}"
    assert contract_balance(contract) == Decimal("700000.00")
    payment = contract.payments.get()
    assert (payment.instalment, payment.paid_at, payment.recorded_by) == (down, NOW, finance)
    html = response.content.decode()
    assert ">700,000.00</td>" in html
    assert f'<option value="{down.pk}">' not in html  # paid: no longer offered
    assert '<dd class="money" id="sum-payments">280,000.00</dd>' in html
    assert cash_summary(office, DAY)["payments"] == Decimal("280000.00")


def test_an_overpayment_is_refused_and_nothing_is_saved(client, office, salesperson, finance):
    (contract,) = contracted(office, salesperson, finance, make_units(office, 1))
    client.force_login(finance)
    response = client.post(pay_url(contract), {"amount": "980000.01"}, follow=True)
    assert response.status_code == 200
    assert '<li class="error">' in response.content.decode()
    assert "980000.00" in response.content.decode()  # the message names the balance
    assert not contract.payments.exists()
    for bad in ({"amount": "abc"}, {"amount": "10.00", "instalment": "999999"}):
        response = client.post(pay_url(contract), bad, follow=True)
        assert '<li class="error">' in response.content.decode()
    assert not contract.payments.exists()


def test_only_finance_records_a_payment(client, office, salesperson, manager, finance):
    (contract,) = contracted(office, salesperson, finance, make_units(office, 1))
    client.force_login(salesperson)
    assert client.post(pay_url(contract), {"amount": "100.00"}).status_code == 403
    client.force_login(manager)  # sees the contracts, records nothing
    html = client.get(PAGE).content.decode()
    assert f'<tr id="contract-{contract.pk}">' in html and "payment-form" not in html
    assert client.post(pay_url(contract), {"amount": "100.00"}).status_code == 403
    client.force_login(finance)
    assert client.get(pay_url(contract)).status_code == 405
    assert not contract.payments.exists()


def test_another_offices_contract_is_404(client, office, other_office, salesperson, finance):
    (contract,) = contracted(office, salesperson, finance, make_units(office, 1))
    other = UserFactory(username="finance9", roles=[Role.FINANCE], offices=[other_office])
    client.force_login(other)
    assert client.post(pay_url(contract), {"amount": "100.00"}).status_code == 404
    assert not contract.payments.exists()


def test_query_count_does_not_grow_with_contracts(client, office, salesperson, finance):
    units = make_units(office, 10)

    def queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(PAGE)
        return len(captured), response.content.decode().count('<tr id="contract-')

    contracted(office, salesperson, finance, units[:2])
    client.force_login(finance)
    few, rows = queries()
    assert rows == 2
    contracted(office, salesperson, finance, units[2:])
    many, rows = queries()
    assert rows == 10
    assert few == many
