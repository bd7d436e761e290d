"""Reconciling shipping (shipping.reconcile, wired into `manage.py reconcile`): documents kept by
the services have no mismatch; a row slipped in or changed behind the services' back is
reported in words, and the command fails (R-10.3, R-13.1, R-13.3, R-13.4, R-13.5)."""

from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from contracts.factories import NOW
from shipping import reconcile, services
from shipping.factories import approved_request, issued_order, stock_up
from shipping.models import ConfirmationLine, DemandLine, OutboundLine, ReturnLine, ShipmentLine
from shipping.services import LineInput
from stock.models import StockBalance
from tests.receivables.books import give_back

pytestmark = pytest.mark.django_db


@pytest.fixture
def books(contract, product, cable, depot, warehouse, clerk, salesperson, approvers):
    """The contract (10 motors, 100 m of cable) requested in full; 6 motors and all the cable
    shipped, 4 motors confirmed by the customer, 2 motors returned and received back."""
    request = approved_request(contract, now=NOW, requester=clerk, people=approvers)
    order = issued_order(request, now=NOW, warehouse=depot, clerk=clerk)
    stock_up(depot, product, "6", actor=warehouse, now=NOW)
    stock_up(depot, cable, "100", actor=warehouse, now=NOW)
    services.order_ship(
        actor=warehouse,
        order=order,
        lines=[
            LineInput(product=product, quantity=Decimal("6")),
            LineInput(product=cable, quantity=Decimal("100")),
        ],
        now=NOW,
    )
    services.confirmation_record(
        actor=clerk,
        order=order,
        signed_by="王经理",
        signed_on=NOW.date(),
        lines=[LineInput(product=product, quantity=Decimal("4"))],
        now=NOW,
    )
    give_back(
        contract,
        product,
        "2",
        people=approvers,
        salesperson=salesperson,
        clerk=clerk,
        keeper=warehouse,
        depot=depot,
    )
    motors = OutboundLine.objects.get(order=order, product=product)
    return {"order": order, "motors": motors, "contract_line": motors.contract_line}


def _insert_shipment_line(order_line, quantity):
    shipment = ShipmentLine.objects.filter(order_line=order_line).first().shipment
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO shipping_shipmentline (shipment_id, order_line_id, quantity) "
            "VALUES (%s, %s, %s)",
            [shipment.pk, order_line.pk, quantity],
        )


def test_documents_kept_by_the_services_reconcile(books, capsys):
    assert reconcile.mismatches() == []
    call_command("reconcile")
    assert "0 mismatches" in capsys.readouterr().out


def test_a_shipment_line_slipped_in_is_reported_on_its_line_and_its_stock(books, capsys):
    """A shipment line inserted behind the services' back: the order line says 6 shipped, its
    shipments 7; the stock ledger moved 6 motors out for the order, its shipments 7."""
    motors, order = books["motors"], books["order"]
    _insert_shipment_line(motors, 1)
    found = reconcile.mismatches()
    assert [(m.kind, m.ref) for m in found] == [
        ("order line", str(motors.pk)),
        ("outbound order", str(order.pk)),
    ]
    assert str(found[0]) == (
        f"order line {motors.pk}: {order.number} DJ-100: shipped 6 ≠ its shipments 7"
    )
    assert str(found[1]) == (
        f"outbound order {order.pk}: {order.number}: the stock ledger moves -6 of DJ-100 in W1 "
        "as outbound, its shipments -7"
    )
    with pytest.raises(CommandError, match="2 money mismatches"):
        call_command("reconcile")
    captured = capsys.readouterr()
    assert "2 mismatches" in captured.out
    assert f"order line {motors.pk}: {order.number} DJ-100: shipped 6 ≠ its shipments 7" in (
        captured.err
    )


def test_a_shipment_over_the_request_is_reported_on_the_contract_line(books, depot, product):
    """Every document made consistent behind the services' back — the order line raised to
    12 and shipped, its shipment line, the stock moved out and the balance lowered — and yet
    the contract line shipped 12 of the 10 requested (R-13.3)."""
    motors, order = books["motors"], books["order"]
    stock_up(depot, product, "8", actor=order.issued_by, now=NOW)
    OutboundLine.objects.filter(pk=motors.pk).update(quantity=12, shipped=12)
    _insert_shipment_line(motors, 6)
    balance = StockBalance.objects.get(warehouse=depot, product=product)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO stock_stockmove (warehouse_id, product_id, quantity, balance_after, "
            "kind, document_type, document_id, reason, actor_id, at) "
            "VALUES (%s, %s, -6, 2, 'outbound', 'shipping.outboundorder', %s, '', %s, %s)",
            [depot.pk, product.pk, order.pk, order.issued_by_id, NOW],
        )
    StockBalance.objects.filter(pk=balance.pk).update(on_hand=balance.on_hand - 6)
    line = books["contract_line"]
    assert [str(m) for m in reconcile.mismatches()] == [
        f"contract line {line.pk}: {line.contract.number} DJ-100: shipped 12 is over requested 10"
    ]


def test_requests_over_the_contract_are_reported(books):
    """A demand line raised in place: 12 requested of 10 ordered (R-13.1)."""
    line = books["contract_line"]
    DemandLine.objects.filter(contract_line=line).update(quantity=12)
    found = [str(m) for m in reconcile.mismatches()]
    assert found == [
        f"contract line {line.pk}: {line.contract.number} DJ-100: requested 12 − exchanged 0 "
        "is over ordered 10"
    ]


def test_returns_and_confirmations_over_what_shipped_are_reported(books):
    """A return line raised to 7 of the 6 shipped (R-13.5), and a confirmation line of 3
    more slipped in: 7 confirmed of 6 shipped (R-13.4)."""
    line, motors = books["contract_line"], books["motors"]
    ReturnLine.objects.filter(contract_line=line).update(quantity=7)
    confirmation = ConfirmationLine.objects.get(order_line=motors).confirmation
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO shipping_confirmationline (confirmation_id, order_line_id, quantity) "
            "VALUES (%s, %s, 3)",
            [confirmation.pk, motors.pk],
        )
    prefix = f"contract line {line.pk}: {line.contract.number} DJ-100: "
    assert [str(m) for m in reconcile.mismatches()] == [
        prefix + "being returned 7 is over shipped 6",
        prefix + "confirmed 7 is over shipped 6",
    ]


def test_goods_received_back_without_a_return_are_reported(books):
    """The red order's line raised in place: 9 received back of the 6 shipped — over what
    shipped, and its shipments say 2."""
    line = books["contract_line"]
    red = OutboundLine.objects.get(order__red=True, contract_line=line)
    OutboundLine.objects.filter(pk=red.pk).update(quantity=9, shipped=9)
    found = [str(m) for m in reconcile.mismatches()]
    assert found == [
        f"contract line {line.pk}: {line.contract.number} DJ-100: received back 9 is over "
        "shipped 6",
        f"order line {red.pk}: {red.order.number} DJ-100: received back 9 ≠ its shipments 2",
    ]


def test_one_branch_at_a_time(books, other_office, capsys):
    _insert_shipment_line(books["motors"], 1)
    assert reconcile.mismatches([other_office]) == []
    call_command("reconcile", office=other_office.code)
    assert "0 mismatches" in capsys.readouterr().out
    assert reconcile.mismatches([books["order"].office]) != []


def test_the_checks_take_a_few_queries_whatever_the_rows(books, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        assert reconcile.mismatches() == []
