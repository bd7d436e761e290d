"""The reconciliation command (issue 7): 0 mismatches on balanced books; a refund larger than
what was paid, or money that went missing, is reported and fails the command; money code has
no float."""

import ast
import datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command

from attribution.services import claim_start
from deals import services
from deals.factories import UnitFactory
from deals.models import Hold, Refund
from deals.reconcile import mismatches
from leads.factories import CustomerFactory

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
T0 = datetime.datetime(2026, 11, 2, 10, 0, tzinfo=SH)
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def books(office, salesperson, manager):
    """A lapsed hold (refund owed), a converted hold, a withdrawn subscription."""
    customers = []
    for _ in range(2):
        customer = CustomerFactory(office=office, registered_by=salesperson)
        claim_start(
            household=customer.household, owner=salesperson, now=T0, actor=salesperson, detail={}
        )
        customers.append(customer)
    first, second = UnitFactory(office=office), UnitFactory(office=office)
    services.hold_create(unit=first, customer=customers[0], actor=salesperson, now=T0)
    services.holds_expire(now=T0 + datetime.timedelta(days=3))
    services.hold_create(unit=second, customer=customers[1], actor=salesperson, now=T0)
    sub = services.subscription_create(
        unit=second, customer=customers[1], deposit="20000.00", actor=salesperson, now=T0
    )
    services.subscription_withdraw(subscription=sub, actor=manager, now=T0)
    return customers


def test_balanced_books_have_no_mismatch(books, capsys):
    assert Refund.objects.count() == 2
    call_command("reconcile")
    assert "0 mismatches" in capsys.readouterr().out


def test_a_refund_larger_than_the_fee_is_reported(books):
    refund = Refund.objects.get(hold__isnull=False)
    Refund.objects.filter(pk=refund.pk).update(amount=refund.amount + Decimal("0.01"))
    found = {(m.kind, m.ref) for m in mismatches()}
    assert ("refund", str(refund.pk)) in found
    assert ("customer", str(refund.customer_id)) in found  # the books no longer balance
    with pytest.raises(CommandError, match="mismatches"):
        call_command("reconcile")


def test_a_fee_that_went_missing_is_reported_for_its_customer_only(books):
    hold = Hold.objects.get(customer=books[0])
    Hold.objects.filter(pk=hold.pk).update(fee=hold.fee - Decimal("100.00"))
    assert [(m.kind, m.ref) for m in mismatches()] == [
        ("customer", str(books[0].pk)),
        ("refund", str(Refund.objects.get(hold=hold).pk)),
        ("hold", str(hold.pk)),  # issue 13: 400.00 paid, 500.00 refunded
    ]


def test_reconcile_one_office(books, other_office, capsys):
    call_command("reconcile", office=other_office.code)
    assert "0 mismatches" in capsys.readouterr().out


def test_no_float_in_money_code():
    """Money is Decimal: no float() call and no float literal in the money modules."""
    modules = ["deals/money.py", "deals/reconcile.py", "deals/services.py", "deals/contracts.py"]
    modules += ["finance/views.py", "deals/excel.py"]
    found = []
    for name in modules:
        tree = ast.parse((ROOT / name).read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "float":
                found.append(f"{name}:{node.lineno} float()")
            if isinstance(node, ast.Constant) and isinstance(node.value, float):
                found.append(f"{name}:{node.lineno} {node.value}")
    assert found == []
