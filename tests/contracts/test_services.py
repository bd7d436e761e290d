"""Sales contracts through their services (R-8, R-9.5, R-12.1–R-12.4): the approval chain at
its boundaries, gap-free numbers, phone orders, amendment, cancellation, exposure."""

import datetime
from decimal import Decimal

import pytest
from django.db import transaction
from rest_framework.exceptions import PermissionDenied, ValidationError

from accounts.selectors import account_exposure
from approvals.services import approval_decide
from common.errors import DomainError
from common.models import DocumentCounter
from contracts import services
from contracts.factories import (
    NOW,
    approve_all,
    approved_account,
    draft,
    line,
    signed,
)
from contracts.models import ContractEvent, SalesContract
from contracts.selectors import unshipped_signed_value
from shipping.factories import ship_everything
from staff.factories import OfficeFactory, UserFactory

pytestmark = pytest.mark.django_db


def _chain(contract) -> list[tuple[str, str]]:
    return [(a.role, a.state) for a in contract.approvals().order_by("step")]


def _submitted(account, actor, total: str, product) -> SalesContract:
    contract = draft(account, actor, [line(product, "1", total)])
    return services.contract_submit(contract=contract, actor=actor, now=NOW)


@pytest.mark.parametrize(
    ("total", "limit", "chain"),
    [
        # major business at the threshold (default 500,000.00), not just under it
        (
            "499999.99",
            "1000000.00",
            [("manager", "pending"), ("director", "skipped"), ("executive", "skipped")],
        ),
        (
            "500000.00",
            "1000000.00",
            [("manager", "pending"), ("director", "skipped"), ("executive", "waiting")],
        ),
        # at the credit limit is within it; a cent over needs the director
        (
            "100000.00",
            "100000.00",
            [("manager", "pending"), ("director", "skipped"), ("executive", "skipped")],
        ),
        (
            "100000.01",
            "100000.00",
            [("manager", "pending"), ("director", "waiting"), ("executive", "skipped")],
        ),
        # both: over the limit and major
        (
            "600000.00",
            "100000.00",
            [("manager", "pending"), ("director", "waiting"), ("executive", "waiting")],
        ),
    ],
)
def test_chain_at_its_boundaries(office, salesperson, product, total, limit, chain):
    """R-8 table: contract — manager; director if over the credit limit; executive if major."""
    account = approved_account(office, salesperson, credit_limit=limit)
    contract = _submitted(account, salesperson, total, product)
    assert contract.status == "pending"
    assert _chain(contract) == chain


def test_exposure_counts_signed_contracts_and_pending_ones(office, salesperson, product, approvers):
    """R-9.5: exposure = unshipped value of signed contracts; a contract that would take it
    over the limit brings in the director; one already waiting counts too (two submitted
    together cannot each fit under the limit)."""
    account = approved_account(office, salesperson, credit_limit="100000.00")
    signed(account, salesperson, [line(product, "1", "60000.00")], approvers)
    assert account_exposure(account) == Decimal("60000.00")
    assert unshipped_signed_value(account) == Decimal("60000.00")
    at_limit = _submitted(account, salesperson, "40000.00", product)
    assert _chain(at_limit)[1] == ("director", "skipped")
    # 60,000 signed + 40,000 waiting: the next cent is over the limit
    over = _submitted(account, salesperson, "0.01", product)
    assert _chain(over)[1] == ("director", "waiting")


def test_numbers_are_consecutive_per_office_and_year(office, salesperson, product, approvers):
    """R-12.2: HT-2026-0001, 0002 … per office; another office starts at 0001; a new year
    too."""
    account = approved_account(office, salesperson)
    first = signed(account, salesperson, [line(product)], approvers)
    second = signed(account, salesperson, [line(product)], approvers)
    assert (first.number, second.number) == ("HT-2026-0001", "HT-2026-0002")
    assert (first.sequence, first.year) == (1, 2026)

    elsewhere = OfficeFactory(code="north")
    seller = UserFactory(username="north-sp", roles=["salesperson"], offices=[elsewhere])
    boss = UserFactory(username="north-ma", roles=["manager"], offices=[elsewhere])
    other = approved_account(elsewhere, seller)
    assert signed(other, seller, [line(product)], [boss]).number == "HT-2026-0001"

    next_year = datetime.datetime(2027, 1, 4, 2, 0, tzinfo=datetime.UTC)
    third = signed(account, salesperson, [line(product)], approvers, now=next_year)
    assert third.number == "HT-2027-0001"


def test_a_rolled_back_approval_gives_its_number_back(office, salesperson, product, manager):
    """R-12.2: the number is taken in the approving transaction; if it rolls back, the next
    contract gets that number (no gap)."""
    account = approved_account(office, salesperson)
    first = draft(account, salesperson, [line(product)])
    services.contract_submit(contract=first, actor=salesperson, now=NOW)
    with pytest.raises(RuntimeError), transaction.atomic():
        step = first.approvals().get(state="pending")
        done = approval_decide(
            approval=step, actor=manager, decision="approve", comment="", now=NOW
        )
        assert done.number == "HT-2026-0001"
        raise RuntimeError("the approval's transaction fails after the number was taken")
    first.refresh_from_db()
    assert (first.status, first.number) == ("pending", "")
    assert not DocumentCounter.objects.filter(office=office).exists()
    second = signed(account, salesperson, [line(product)], [manager])
    assert second.number == "HT-2026-0001"
    assert approve_all(first, [manager]).number == "HT-2026-0002"


def test_nobody_decides_a_contract_of_an_account_they_own(office, salesperson, product, manager):
    """R-8.1: a salesperson cannot sign their own contract; neither can a manager who owns
    the account (nor its deputy)."""
    account = approved_account(office, salesperson)
    contract = _submitted(account, salesperson, "1000.00", product)
    step = contract.approvals().get(state="pending")
    with pytest.raises(PermissionDenied):
        approval_decide(approval=step, actor=salesperson, decision="approve", comment="", now=NOW)
    deputised = approved_account(office, salesperson, deputy=manager, name="经理代管的客户")
    contract = _submitted(deputised, salesperson, "1000.00", product)
    step = contract.approvals().get(state="pending")
    with pytest.raises(PermissionDenied):
        approval_decide(approval=step, actor=manager, decision="approve", comment="", now=NOW)
    contract.refresh_from_db()
    assert contract.status == "pending" and contract.number == ""


def test_a_phone_order_is_confirmed_by_the_managers_approval(office, salesperson, product, manager):
    """R-12.3: a phone or fax order is the same document; the manager's approval step is the
    confirmation before anything ships, and it is numbered in the same series."""
    account = approved_account(office, salesperson)
    later = NOW + datetime.timedelta(hours=2)
    order = draft(account, salesperson, [line(product)], kind="phone_order")
    services.contract_submit(contract=order, actor=salesperson, now=NOW)
    order = approve_all(order, [manager], now=later)
    assert (order.status, order.kind, order.number) == ("signed", "phone_order", "HT-2026-0001")
    assert order.confirmed_by == manager and order.confirmed_at == later


def test_changing_a_signed_contract_sends_it_back_to_draft(office, salesperson, product, manager):
    """R-8.3: a salesperson who raises a price after approval does not get it signed: the
    contract is a draft again, its approvals void, its number kept; it is approved again."""
    account = approved_account(office, salesperson)
    contract = signed(account, salesperson, [line(product, "10", "100.00")], [manager])
    assert contract.total == Decimal("1000.00")
    changed = services.contract_update(
        contract=contract,
        actor=salesperson,
        lines=[line(product, "10", "120.00")],
        now=NOW,
    )
    assert (changed.status, changed.number, changed.total) == (
        "draft",
        "HT-2026-0001",
        Decimal("1200.00"),
    )
    assert list(changed.approvals()) == []
    assert changed.signed_at is None and changed.filed_at is None
    assert unshipped_signed_value(account) == Decimal("0.00")  # no longer signed
    services.contract_submit(contract=changed, actor=salesperson, now=NOW)
    again = approve_all(changed, [manager])
    assert (again.status, again.number) == ("signed", "HT-2026-0001")
    assert DocumentCounter.objects.get(office=office, prefix="HT").last == 1
    kinds = list(ContractEvent.objects.filter(contract=contract).values_list("kind", flat=True))
    assert kinds == ["created", "signed", "amended", "signed"]


def test_the_same_values_change_nothing(office, salesperson, product, manager):
    account = approved_account(office, salesperson)
    contract = signed(account, salesperson, [line(product)], [manager])
    same = services.contract_update(
        contract=contract, actor=salesperson, lines=[line(product)], payment_terms_days=30, now=NOW
    )
    assert same.status == "signed"


def test_a_pending_contract_is_not_edited(office, salesperson, product):
    """R-8.2: while a step is pending the document cannot be edited (409)."""
    account = approved_account(office, salesperson)
    contract = _submitted(account, salesperson, "1000.00", product)
    with pytest.raises(DomainError) as refused:
        services.contract_update(
            contract=contract, actor=salesperson, lines=[line(product, "1", "1.00")], now=NOW
        )
    assert refused.value.code == "not_editable"
    contract.refresh_from_db()
    assert contract.total == Decimal("1000.00")


@pytest.mark.parametrize(
    ("quantity", "price", "field"),
    [
        ("0", "100.00", "quantity"),
        ("-1", "100.00", "quantity"),
        ("1.0001", "100.00", "quantity"),
        ("1", "100.005", "unit_price"),
        ("1", "-0.01", "unit_price"),
    ],
)
def test_bad_lines_are_refused_and_nothing_saved(
    office, salesperson, product, quantity, price, field
):
    account = approved_account(office, salesperson)
    with pytest.raises(ValidationError) as refused:
        draft(account, salesperson, [line(product, quantity, price)])
    assert field in refused.value.detail["lines"][0]
    assert not SalesContract.objects.exists()


def test_an_inactive_product_and_a_pending_account_are_refused(
    office, salesperson, product, manager
):
    account = approved_account(office, salesperson)
    product.active = False
    product.save()
    with pytest.raises(ValidationError):
        draft(account, salesperson, [line(product)])
    product.active = True
    product.save()
    pending = approved_account(office, salesperson, name="待审核客户")
    pending.status = "pending"
    pending.save()
    with pytest.raises(DomainError) as refused:
        draft(pending, salesperson, [line(product)])
    assert refused.value.code == "account_not_approved"
    assert not SalesContract.objects.exists()


def test_a_colleagues_account_is_refused(office, salesperson, other_salesperson, product):
    theirs = approved_account(office, other_salesperson)
    with pytest.raises(ValidationError) as refused:
        draft(theirs, salesperson, [line(product)])
    assert "account" in refused.value.detail
    assert not SalesContract.objects.exists()


def test_a_delivery_date_in_the_past_is_refused(office, salesperson, product):
    account = approved_account(office, salesperson)
    with pytest.raises(ValidationError) as refused:
        draft(account, salesperson, [line(product)], delivery_date=datetime.date(2026, 3, 9))
    assert "delivery_date" in refused.value.detail
    contract = draft(
        account, salesperson, [line(product)], delivery_date=datetime.date(2026, 3, 10)
    )
    assert contract.delivery_date == datetime.date(2026, 3, 10)


def test_money_is_the_sum_of_rounded_lines(office, salesperson, product, cable):
    """R-11.3 through quotes.money: amount = quantity × price half-up, tax = amount × rate /
    (1 + rate) half-up, totals the sums of the lines."""
    account = approved_account(office, salesperson)
    contract = draft(
        account, salesperson, [line(product, "3", "33.33"), line(cable, "2.125", "12.50")]
    )
    amounts = list(contract.lines.order_by("pk").values_list("amount", "tax"))
    # 99.99 and its tax 99.99 × 0.13 / 1.13 = 11.503… → 11.50; 26.5625 → 26.56, tax 3.06
    assert amounts == [
        (Decimal("99.99"), Decimal("11.50")),
        (Decimal("26.56"), Decimal("3.06")),
    ]
    assert (contract.total, contract.tax_total) == (Decimal("126.55"), Decimal("14.56"))


def test_the_manager_cancels_what_has_not_shipped(office, salesperson, product, manager):
    """R-12.4: by the manager with a reason; the exposure falls; the salesperson may not."""
    account = approved_account(office, salesperson)
    contract = signed(account, salesperson, [line(product, "10", "100.00")], [manager])
    with pytest.raises(PermissionDenied):
        services.contract_cancel(contract=contract, actor=salesperson, reason="不要了", now=NOW)
    with pytest.raises(ValidationError) as refused:
        services.contract_cancel(contract=contract, actor=manager, reason="  ", now=NOW)
    assert "reason" in refused.value.detail
    contract.refresh_from_db()
    assert contract.status == "signed"
    done = services.contract_cancel(
        contract=contract, actor=manager, reason="客户取消订单", now=NOW
    )
    assert (done.status, done.cancelled_by, done.cancel_reason) == (
        "cancelled",
        manager,
        "客户取消订单",
    )
    assert done.lines.get().cancelled_quantity == Decimal("10")
    assert account_exposure(account) == Decimal("0.00")
    with pytest.raises(DomainError):
        services.contract_cancel(contract=done, actor=manager, reason="再取消", now=NOW)


def test_a_pending_contract_is_not_cancelled(office, salesperson, product, manager):
    account = approved_account(office, salesperson)
    contract = _submitted(account, salesperson, "1000.00", product)
    with pytest.raises(DomainError) as refused:
        services.contract_cancel(contract=contract, actor=manager, reason="取消", now=NOW)
    assert refused.value.code == "bad_transition"


def test_fulfilled_then_closed_by_the_manager(
    office, salesperson, product, manager, director, clerk, warehouse
):
    """R-12.4: fulfilled once everything has shipped (shipping does it with the last goods,
    R-13.3), not before; then closed by the manager."""
    account = approved_account(office, salesperson)
    contract = signed(account, salesperson, [line(product)], [manager])
    with pytest.raises(DomainError):
        services.contract_close(contract=contract, actor=manager, now=NOW)
    with pytest.raises(DomainError) as early:
        services.contract_fulfil(contract=contract, actor=manager, now=NOW)
    assert early.value.code == "not_shipped"
    contract.refresh_from_db()
    assert contract.status == "signed"
    ship_everything(contract, now=NOW, people=[manager, director, clerk, warehouse])
    fulfilled = SalesContract.objects.get(pk=contract.pk)
    assert (fulfilled.status, fulfilled.fulfilled_at) == ("fulfilled", NOW)
    assert fulfilled.events.filter(kind="fulfilled").count() == 1
    with pytest.raises(DomainError):  # fulfilled already
        services.contract_fulfil(contract=fulfilled, actor=manager, now=NOW)
    assert unshipped_signed_value(account) == Decimal("0.00")
    assert services.contract_close(contract=fulfilled, actor=manager, now=NOW).status == "closed"
    with pytest.raises(DomainError):
        services.contract_update(
            contract=fulfilled, actor=salesperson, lines=[line(product, "1")], now=NOW
        )
