"""Append-only tables (issue 21, Integrity): every model of the project that declares a
pgtrigger Protect trigger has its UPDATE and DELETE refused by PostgreSQL itself, by raw SQL
and not only through the ORM; and the tables the issue names (the stock ledger, the accounts'
ledgers, the approvals' decisions, receipts, allocations and refunds, shipments, claim events,
expense events, accounts' assignment history, contracts' events) are among them, so that
removing a trigger fails a test.

The rows: the demo data (workspace), which goes through every flow of both parts with the
real services, and the few things it does not do; made once for the module and rolled back at
its end."""

import datetime
import io
from decimal import Decimal

import pgtrigger
import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from accounts.models import Account
from accounts.services import account_reassign
from catalog.selectors import price_on, products_on_sale
from leads.factories import channels_restored
from quotes.services import quote_create
from quotes.services.lines import LineInput
from receivables.factories import received
from receivables.services import base
from receivables.services.receipts import refund_record
from shipping.factories import person
from staff.choices import Role

pytestmark = pytest.mark.django_db

OPERATIONS = ("UPDATE", "DELETE")

# the append-only tables the issue names (R-10.3, R-15.1, R-8 ...)
NAMED = [
    "stock.StockMove",  # the stock ledger
    "receivables.LedgerLine",  # the accounts' ledgers, append-only (R-15.1)
    "approvals.ApprovalEvent",  # the approvals' decisions (R-8)
    "receivables.Receipt",
    "receivables.Allocation",
    "receivables.Refund",
    "shipping.Shipment",
    "shipping.ShipmentLine",
    "attribution.ClaimEvent",  # the first part's claim history
    "expenses.ExpenseEvent",
    "accounts.AccountAssignment",  # owner and deputy history
    "contracts.ContractEvent",
]


def protected() -> dict[str, tuple[str, ...]]:
    """{"app.Model": operations refused} of every installed model with a Protect trigger."""
    found = {}
    for model in apps.get_models():
        refused = set()
        for trigger in getattr(model._meta, "triggers", []):
            if isinstance(trigger, pgtrigger.Protect) and trigger.condition is None:
                refused |= {op for op in OPERATIONS if op in str(trigger.operation).split(" OR ")}
        if refused:
            found[model._meta.label] = tuple(op for op in OPERATIONS if op in refused)
    return found


PROTECTED = protected()


def department(tmp_path) -> None:
    """Rows of every flow of both parts: the demo data, and what it does not do (an account
    given to another salesperson, R-9.4; a customer's credit paid back, R-15.1; a quote,
    R-11)."""
    channels_restored()  # a threaded test before may have flushed the migration's rows
    call_command("demo_data", credentials_file=tmp_path / "credentials.json", stdout=io.StringIO())
    now = timezone.now()
    account = Account.objects.filter(status="approved", owner__isnull=False).order_by("pk")[0]
    office, seller = account.office, account.owner
    today = timezone.localdate(now)
    product = products_on_sale().order_by("pk")[0]
    price = price_on(product, today).list_price
    quote_create(
        actor=seller,
        account=account,
        now=now,
        lines=[LineInput(product=product, quantity=Decimal("2"), unit_price=price)],
        valid_until=today + datetime.timedelta(days=15),
    )
    account_reassign(
        account=account,
        actor=person(office, Role.MANAGER),
        owner=person(office, Role.SALESPERSON, not_ids=[seller.pk]),
        reason="调岗",
        now=now,
    )
    received(account, "50.00", now=now, allocations=[])  # nothing allocated: a credit
    refund_record(
        actor=person(office, Role.FINANCE),
        account=account,
        amount=Decimal("50.00"),
        method="transfer",
        date=base.today(office, now),
        now=now,
    )


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The department's rows, once for the module, in a transaction rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        department(tmp_path_factory.mktemp("demo"))
        yield
        transaction.set_rollback(True)


def refused(sql: str, params) -> str:
    """The database's error for `sql`, run in a savepoint; '' when it went through."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    except DatabaseError as error:
        return str(error)
    return ""


@pytest.mark.parametrize(("label", "operations"), sorted(PROTECTED.items()))
def test_the_database_refuses_to_change_an_append_only_row(demo, label, operations):
    model = apps.get_model(label)
    row = model.objects.order_by("pk").first()
    assert row is not None, f"the demo data makes no {label}: give this test a row of it"
    table = connection.ops.quote_name(model._meta.db_table)
    pk = connection.ops.quote_name(model._meta.pk.column)
    before = model.objects.filter(pk=row.pk).values().get()
    if "UPDATE" in operations:
        error = refused(f"UPDATE {table} SET {pk} = {pk} WHERE {pk} = %s", [row.pk])
        assert "pgtrigger" in error and "update" in error.lower()
    if "DELETE" in operations:
        error = refused(f"DELETE FROM {table} WHERE {pk} = %s", [row.pk])
        assert "pgtrigger" in error and "delete" in error.lower()
    assert model.objects.filter(pk=row.pk).values().get() == before


def test_every_table_the_issue_names_is_append_only():
    """Taking the trigger off one of these tables (or its UPDATE or DELETE) fails here."""
    assert {label: PROTECTED.get(label) for label in NAMED} == {
        label: OPERATIONS for label in NAMED
    }
