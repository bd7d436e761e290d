"""Reconciling the stock (stock.reconcile, run by `manage.py reconcile`): a ledger kept by the
services has no mismatch; a ledger line written or changed behind the services' back, a
balance without its ledger or below zero, is reported in words and fails the command (R-10.3).
The ledger refuses UPDATE and DELETE by trigger: the tests that change a line switch the
trigger off for themselves (pgtrigger.ignore), as a hand in the database could."""

from decimal import Decimal

import pgtrigger
import pytest
from django.core.management import CommandError, call_command
from django.db import ProgrammingError, connection, transaction

from contracts.factories import NOW, make_product
from stock.models import StockBalance, StockMove
from stock.reconcile import stock_mismatches
from stock.services import stock_adjust, stock_receive, warehouse_create

pytestmark = pytest.mark.django_db

APPEND_ONLY = "stock.StockMove:stock_moves_append_only"


@pytest.fixture
def depot(office, warehouse):
    return warehouse_create(office=office, code="W1", name="一号仓库", keeper=warehouse)


@pytest.fixture
def product(manager):
    return make_product(manager)


@pytest.fixture
def ledger(depot, product, warehouse):
    """12 motors received, 2 written off: 10 on hand."""
    stock_receive(
        warehouse=depot,
        product=product,
        quantity=Decimal(12),
        supplier="供应商",
        actor=warehouse,
        now=NOW,
    )
    stock_adjust(
        warehouse=depot,
        product=product,
        quantity=Decimal(-2),
        reason="破损",
        actor=warehouse,
        now=NOW,
    )
    assert StockBalance.objects.get(warehouse=depot, product=product).on_hand == 10
    return depot


def _insert_move(depot, product, quantity, after, actor):
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO stock_stockmove (warehouse_id, product_id, quantity, balance_after, "
            "kind, document_type, reason, actor_id, at) "
            "VALUES (%s, %s, %s, %s, 'adjustment', '', '补录', %s, %s)",
            [depot.pk, product.pk, quantity, after, actor.pk, NOW],
        )


def test_a_ledger_kept_by_the_services_reconciles(ledger, capsys):
    assert stock_mismatches() == []
    call_command("reconcile")
    assert "0 mismatches" in capsys.readouterr().out


def test_a_move_inserted_behind_the_services_back_is_reported(ledger, product, warehouse, capsys):
    _insert_move(ledger, product, 5, 15, warehouse)
    assert [str(m) for m in stock_mismatches()] == [
        "stock W1/DJ-100: on hand 10.000 ≠ moves 15.000"
    ]
    with pytest.raises(CommandError, match="1 money mismatches"):
        call_command("reconcile")
    captured = capsys.readouterr()
    assert "1 mismatches" in captured.out
    assert "stock W1/DJ-100: on hand 10.000 ≠ moves 15.000" in captured.err


def test_a_move_changed_with_the_trigger_off_is_reported(ledger, product):
    """The trigger refuses the change; with it switched off the change goes through, and
    reconcile finds the ledger no longer adds up to the balance."""
    received = StockMove.objects.get(warehouse=ledger, product=product, quantity=12)
    rows = StockMove.objects.filter(pk=received.pk)
    with pytest.raises(ProgrammingError, match="Cannot update"), transaction.atomic():
        rows.update(quantity=20)
    assert stock_mismatches() == []
    with pgtrigger.ignore(APPEND_ONLY):
        rows.update(quantity=20)
    assert [str(m) for m in stock_mismatches()] == [
        "stock W1/DJ-100: on hand 10.000 ≠ moves 18.000"
    ]


def test_moves_without_a_balance_are_reported(ledger, product, manager, warehouse):
    """A product moved behind the services' back has ledger lines but no balance row."""
    cable = make_product(manager, "DL-200", price="12.50", name="电缆", unit="米")
    _insert_move(ledger, cable, 30, 30, warehouse)
    assert [str(m) for m in stock_mismatches()] == [
        "stock W1/DL-200: moves 30.000 without a balance"
    ]


def test_stock_below_zero_is_reported(ledger, product, warehouse):
    """The CHECKs keep stock from going negative; with them dropped (for this test's
    transaction only), a balance and a ledger line below zero are both reported."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SET CONSTRAINTS ALL IMMEDIATE; "
            "ALTER TABLE stock_stockbalance DROP CONSTRAINT stock_on_hand_not_negative; "
            "ALTER TABLE stock_stockmove DROP CONSTRAINT stock_move_balance_not_negative"
        )
    _insert_move(ledger, product, -13, -3, warehouse)
    StockBalance.objects.filter(warehouse=ledger, product=product).update(on_hand=-3)
    move = StockMove.objects.get(quantity=-13)
    assert [str(m) for m in stock_mismatches()] == [
        "stock W1/DJ-100: on hand -3.000 is negative",
        f"stock W1/DJ-100: move {move.pk} leaves -3.000 on hand, below zero",
    ]


def test_one_branch_at_a_time(ledger, product, warehouse, other_office, capsys):
    _insert_move(ledger, product, 1, 11, warehouse)
    assert stock_mismatches([other_office]) == []
    call_command("reconcile", office=other_office.code)
    assert "0 mismatches" in capsys.readouterr().out
    assert len(stock_mismatches([ledger.office])) == 1
