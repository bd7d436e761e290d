"""A contract's fulfilment figures (R-13, R-12.4): ordered, requested, shipped, confirmed,
returned per line; the contract fulfilled when everything ordered has shipped net of exchanged
goods, signed again when an exchange's goods come back; a cancellation takes only what has not
shipped, ends the open requests and orders, and waits for a return on its way; the exposure
(R-9.5) counts only what is still owed."""

from decimal import Decimal

import pytest

from accounts.selectors import account_exposure
from common.errors import DomainError
from contracts import services as contract_services
from contracts.factories import NOW
from contracts.selectors import unshipped_signed_value
from shipping import progress, services
from shipping.factories import (
    approved_request,
    decide_all,
    issued_order,
    ship_everything,
    ship_order,
)
from shipping.services import LineInput

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(approvers, clerk, warehouse):
    return [*approvers, clerk, warehouse]


def figures(contract) -> dict[str, dict]:
    names = ("ordered", "requested", "shipped", "confirmed", "returning", "received_back")
    names += ("exchanged", "left_to_request", "left_to_return", "to_ship", "complete")
    return {
        p.line.product.code: {n: getattr(p, n) for n in names}
        for p in progress.contract_progress(contract)
    }


def ship(order, keeper, product, quantity):
    return services.order_ship(
        actor=keeper,
        order=order,
        lines=[LineInput(product=product, quantity=Decimal(quantity))],
        now=NOW,
    )


def return_of(contract, salesperson, product, quantity, people, kind="return"):
    ret = services.return_create(
        actor=salesperson,
        contract=contract,
        kind=kind,
        reason="质量问题",
        lines=[LineInput(product=product, quantity=Decimal(quantity))],
        now=NOW,
    )
    services.return_submit(ret=ret, actor=salesperson, now=NOW)
    return decide_all(ret, people, now=NOW)


def events(contract) -> list[str]:
    return list(contract.events.order_by("pk").values_list("kind", flat=True))


@pytest.fixture
def eight(contract, salesperson, people, clerk, depot, warehouse, product):
    """8 of the 10 motors requested and issued, with 20 in stock."""
    from .conftest import receive

    receive(depot, product, "20", warehouse)
    request = approved_request(
        contract, [(product, "8")], now=NOW, requester=salesperson, people=people
    )
    return issued_order(request, now=NOW, warehouse=depot, clerk=clerk)


def test_the_figures_of_each_line(eight, contract, salesperson, clerk, warehouse, product):
    ship(eight, warehouse, product, "5")
    services.confirmation_record(
        actor=clerk,
        order=eight,
        signed_by="王",
        signed_on=NOW.date(),
        lines=[LineInput(product=product, quantity=Decimal("3"))],
        now=NOW,
    )
    services.return_create(
        actor=salesperson,
        contract=contract,
        reason="损坏",
        lines=[LineInput(product=product, quantity=Decimal("1"))],
        now=NOW,
    )
    assert figures(contract) == {
        "DJ-100": {
            "ordered": 10,
            "requested": 8,
            "shipped": 5,
            "confirmed": 3,
            "returning": 1,
            "received_back": 0,
            "exchanged": 0,
            "left_to_request": 2,
            "left_to_return": 4,
            "to_ship": 5,
            "complete": False,
        },
        "DL-200": {
            "ordered": 100,
            "requested": 0,
            "shipped": 0,
            "confirmed": 0,
            "returning": 0,
            "received_back": 0,
            "exchanged": 0,
            "left_to_request": 100,
            "left_to_return": 0,
            "to_ship": 100,
            "complete": False,
        },
    }
    assert progress.is_complete(progress.contract_progress(contract)) is False


def test_fulfilled_when_the_last_goods_ship_and_not_before(
    eight, contract, people, manager, warehouse, product
):
    ship(eight, warehouse, product, "8")
    contract.refresh_from_db()
    assert contract.status == "signed"
    with pytest.raises(DomainError) as refused:
        contract_services.contract_fulfil(contract=contract, actor=manager, now=NOW)
    assert refused.value.code == "not_shipped"
    ship_everything(contract, now=NOW, people=people)  # the 2 motors and the cable left
    contract.refresh_from_db()
    assert (contract.status, contract.fulfilled_at) == ("fulfilled", NOW)
    assert events(contract).count("fulfilled") == 1
    assert all(f["complete"] for f in figures(contract).values())


def test_a_plain_return_keeps_the_contract_fulfilled(
    contract, people, salesperson, clerk, depot, product
):
    ship_everything(contract, now=NOW, people=people)
    ret = return_of(contract, salesperson, product, "3", people)
    red = services.red_order_issue(actor=clerk, return_request=ret, warehouse=depot, now=NOW)
    ship_order(red, now=NOW)
    contract.refresh_from_db()
    assert contract.status == "fulfilled"
    line = figures(contract)["DJ-100"]
    assert (line["shipped"], line["received_back"], line["to_ship"]) == (10, 3, 0)
    assert (line["left_to_request"], line["left_to_return"]) == (0, 7)


def test_an_exchange_received_back_reopens_the_contract_until_the_replacement_ships(
    contract, people, salesperson, clerk, depot, product
):
    ship_everything(contract, now=NOW, people=people)
    ret = return_of(contract, salesperson, product, "2", people, kind="exchange")
    contract.refresh_from_db()
    assert contract.status == "fulfilled"  # approved, the goods not back yet
    red = services.red_order_issue(actor=clerk, return_request=ret, warehouse=depot, now=NOW)
    ship_order(red, now=NOW)
    contract.refresh_from_db()
    assert (contract.status, contract.fulfilled_at) == ("signed", None)
    assert events(contract)[-1] == "reopened"
    line = figures(contract)["DJ-100"]
    assert (line["to_ship"], line["left_to_request"], line["complete"]) == (2, 0, False)
    ship_everything(contract, now=NOW, people=people)  # the exchange's own request
    contract.refresh_from_db()
    assert contract.status == "fulfilled"
    assert events(contract).count("fulfilled") == 2
    assert ret.exchange_requests.get().status == "issued"


def test_a_cancellation_takes_what_has_not_shipped_and_ends_what_is_open(
    eight, contract, salesperson, manager, people, warehouse, product, cable
):
    ship(eight, warehouse, product, "4")
    draft = services.request_create(
        actor=salesperson,
        contract=contract,
        lines=[LineInput(product=cable, quantity=Decimal("10"))],
        now=NOW,
    )
    pending = services.request_create(
        actor=salesperson,
        contract=contract,
        lines=[LineInput(product=cable, quantity=Decimal("20"))],
        now=NOW,
    )
    services.request_submit(request=pending, actor=salesperson, now=NOW)
    approved = approved_request(
        contract, [(product, "2")], now=NOW, requester=salesperson, people=people
    )
    contract_services.contract_cancel(contract=contract, actor=manager, reason="客户取消", now=NOW)
    contract.refresh_from_db()
    assert contract.status == "cancelled"
    cancelled = dict(contract.lines.values_list("product__code", "cancelled_quantity"))
    assert cancelled == {"DJ-100": Decimal("6.000"), "DL-200": Decimal("100.000")}
    for request in (draft, pending, approved):
        request.refresh_from_db()
        assert (request.status, request.cancelled_by) == ("cancelled", manager)
    assert not pending.approvals().exists()  # voided
    eight.refresh_from_db()
    assert (eight.status, eight.closed_at) == ("closed", NOW)
    eight.demand_request.refresh_from_db()
    assert eight.demand_request.status == "issued"  # what shipped of it stays shipped
    line, wire = figures(contract)["DJ-100"], figures(contract)["DL-200"]
    assert (line["ordered"], line["shipped"], line["to_ship"], line["left_to_request"]) == (
        4,
        4,
        0,
        0,
    )
    assert (wire["ordered"], wire["to_ship"]) == (0, 0)
    assert unshipped_signed_value(contract.account) == 0


def test_a_return_on_its_way_keeps_the_contract_from_being_cancelled(
    eight, contract, salesperson, manager, people, clerk, depot, warehouse, product
):
    ship(eight, warehouse, product, "4")
    ret = services.return_create(
        actor=salesperson,
        contract=contract,
        reason="损坏",
        lines=[LineInput(product=product, quantity=Decimal("1"))],
        now=NOW,
    )
    services.return_submit(ret=ret, actor=salesperson, now=NOW)
    with pytest.raises(DomainError) as refused:
        contract_services.contract_cancel(contract=contract, actor=manager, reason="取消", now=NOW)
    assert refused.value.code == "return_open"
    contract.refresh_from_db()
    assert contract.status == "signed"
    assert not contract.lines.filter(cancelled_quantity__gt=0).exists()
    ret = decide_all(ret, people, now=NOW)
    red = services.red_order_issue(actor=clerk, return_request=ret, warehouse=depot, now=NOW)
    with pytest.raises(DomainError):  # approved, its red order open
        contract_services.contract_cancel(contract=contract, actor=manager, reason="取消", now=NOW)
    ship_order(red, now=NOW)
    contract_services.contract_cancel(contract=contract, actor=manager, reason="取消", now=NOW)
    contract.refresh_from_db()
    assert contract.status == "cancelled"
    # 4 shipped, 1 came back for good: the customer keeps 3 of the 4; 6 cancelled
    assert contract.lines.get(product=product).cancelled_quantity == 6


def test_the_exposure_counts_what_is_still_owed(
    eight, contract, account, people, salesperson, clerk, depot, warehouse, product
):
    """R-9.5: 10 motors at 100.00 and 100 metres at 12.50: 2,250.00 owed; less each shipment."""
    assert unshipped_signed_value(account) == Decimal("2250.00")
    ship(eight, warehouse, product, "4")
    assert unshipped_signed_value(account) == Decimal("1850.00")
    assert account_exposure(account) == Decimal("1850.00")
    ship_everything(contract, now=NOW, people=people)
    assert unshipped_signed_value(account) == Decimal("0.00")
    ret = return_of(contract, salesperson, product, "2", people, kind="exchange")
    red = services.red_order_issue(actor=clerk, return_request=ret, warehouse=depot, now=NOW)
    ship_order(red, now=NOW)
    assert unshipped_signed_value(account) == Decimal("200.00")  # the 2 to replace


def test_returned_and_net_shipped_value(contract, people, salesperson, clerk, depot, product):
    ship_everything(contract, now=NOW, people=people)
    ret = return_of(contract, salesperson, product, "3", people)
    red = services.red_order_issue(actor=clerk, return_request=ret, warehouse=depot, now=NOW)
    ship_order(red, now=NOW)
    assert progress.returned_value(contract) == Decimal("300.00")
    # what may be invoiced is what shipped less what came back
    assert progress.net_shipped_value(contract) == contract.total - Decimal("300.00")


@pytest.mark.parametrize(
    ("kind", "params", "words"),
    [
        ("demand_to_issue", {}, "需货申请单"),
        ("demand_approved", {}, "需货申请单"),
        ("demand_rejected", {"by": "周经理", "comment": "太多"}, "需货申请单"),
        ("outbound_to_ship", {"warehouse": "一号仓库", "red": False}, "销售出库单"),
        ("outbound_to_ship", {"warehouse": "一号仓库", "red": True}, "红字出库单"),
        ("goods_shipped", {"done": True}, "销售出库单"),
        ("goods_shipped", {"done": False}, "部分发货"),
        ("return_to_issue", {}, "红字出库单"),
        ("return_approved", {}, "退货"),
        ("return_rejected", {"by": "技术员", "comment": "假货", "refused": True}, "非正品"),
        ("return_rejected", {"by": "周经理", "comment": "核实"}, "退货"),
    ],
)
def test_the_notices_of_shipping_read_in_chinese(kind, params, words):
    """Each step's notice (R-13) in the interface's language, with the document's number."""
    from django.utils import translation

    from notifications.messages import render
    from notifications.models import Notification

    note = Notification(
        kind=kind, params={"number": "XQ-2026-0001", "account": "华东机械", **params}
    )
    with translation.override("zh-hans"):
        text = render(note)
    assert words in text and "XQ-2026-0001" in text
    assert not any(c.isascii() and c.isalpha() for c in text.replace("XQ", "")), text
    with translation.override("en"):
        assert render(note) != text
