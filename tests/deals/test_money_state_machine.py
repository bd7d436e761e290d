"""Money as a state machine (issue 7): Hypothesis drives holds, releases, lapses,
subscriptions, withdrawals, contract payments and refund payments in any order, and after
every step every invariant holds:
- per customer, received − refunded = held (deals.money);
- the reconciliation finds no mismatch (deals.reconcile), so no refund exceeds what was paid;
- every amount is a Decimal with two places, never negative, never a float;
- a unit has at most one active hold or subscription, and its status says which;
- every hold's fee is a fee the office has set, whatever the client sent, and the fee credited
  toward a deposit is its hold's fee and never more than the deposit (issue 13, R-6.2, R-6.3),
  while the office's fee and minimum deposit change between steps.
"""

import contextlib
import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from attribution.services import claim_start
from common.errors import DomainError
from deals import contracts, services
from deals.choices import HoldStatus, SubscriptionStatus, UnitStatus
from deals.factories import UnitFactory
from deals.models import Contract, Hold, Payment, Refund, Subscription
from deals.money import customer_money
from deals.reconcile import mismatches
from leads.factories import CustomerFactory
from staff.choices import Role
from staff.factories import OfficeFactory, UserFactory
from staff.models import Office

SH = ZoneInfo("Asia/Shanghai")
START = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=SH)
REFUSED = (DomainError, ValidationError)
UNITS, CUSTOMERS = 3, 2


class Books(RuleBasedStateMachine):
    """One office per example: its own units, customers and staff."""

    @initialize()
    def open_the_office(self):
        self.office = OfficeFactory()
        self.salesperson = UserFactory(roles=[Role.SALESPERSON], offices=[self.office])
        self.manager = UserFactory(roles=[Role.MANAGER], offices=[self.office])
        self.finance = UserFactory(roles=[Role.FINANCE], offices=[self.office])
        self.units = [UnitFactory(office=self.office) for _ in range(UNITS)]
        self.customers = []
        for _ in range(CUSTOMERS):
            customer = CustomerFactory(office=self.office, registered_by=self.salesperson)
            claim_start(
                household=customer.household,
                owner=self.salesperson,
                now=START,
                actor=self.salesperson,
                detail={},
            )
            self.customers.append(customer)
        self.now = START
        self.steps = 0
        self.office_fees = {self.office.holding_fee}

    def _try(self, step):
        # refused (unit taken, below the minimum …): the books must still balance
        self.steps += 1
        with contextlib.suppress(*REFUSED):
            step()

    @rule(u=st.integers(0, UNITS - 1), c=st.integers(0, CUSTOMERS - 1))
    def hold(self, u, c):
        self._try(
            lambda: services.hold_create(
                unit=self.units[u], customer=self.customers[c], actor=self.salesperson, now=self.now
            )
        )

    @rule(
        u=st.integers(0, UNITS - 1),
        c=st.integers(0, CUSTOMERS - 1),
        fee=st.sampled_from(["100000.00", "0.01", "500.00", "800.00", "5000.00"]),
    )
    def hold_at_a_fee_the_client_chose(self, u, c, fee):
        self._try(
            lambda: services.hold_create(
                unit=self.units[u],
                customer=self.customers[c],
                actor=self.salesperson,
                now=self.now,
                fee=fee,
            )
        )

    @rule(
        fee=st.sampled_from(["500.00", "800.00", "5000.00", "6000.00", "0.00"]),
        minimum=st.sampled_from(["5000.00", "300.00"]),
    )
    def the_office_changes_its_fee(self, fee, minimum):
        # straight to the row, as the offices API may: the services must hold regardless
        Office.objects.filter(pk=self.office.pk).update(
            holding_fee=Decimal(fee), minimum_deposit=Decimal(minimum)
        )
        self.office_fees.add(Decimal(fee))

    @rule(u=st.integers(0, UNITS - 1))
    def release(self, u):
        hold = Hold.objects.filter(unit=self.units[u], status=HoldStatus.ACTIVE).first()
        if hold:
            self._try(
                lambda: services.hold_release(hold=hold, actor=self.salesperson, now=self.now)
            )

    @rule(
        u=st.integers(0, UNITS - 1),
        c=st.integers(0, CUSTOMERS - 1),
        deposit=st.decimals(min_value=100, max_value=60000, places=2),
    )
    def subscribe(self, u, c, deposit):
        self._try(
            lambda: services.subscription_create(
                unit=self.units[u],
                customer=self.customers[c],
                deposit=str(deposit),
                actor=self.salesperson,
                now=self.now,
            )
        )

    @rule(u=st.integers(0, UNITS - 1))
    def withdraw(self, u):
        sub = Subscription.objects.filter(
            unit=self.units[u], status=SubscriptionStatus.ACTIVE
        ).first()
        if sub:
            self._try(
                lambda: services.subscription_withdraw(
                    subscription=sub, actor=self.manager, now=self.now
                )
            )

    @rule(u=st.integers(0, UNITS - 1), amount=st.decimals(min_value=1, max_value=90000, places=2))
    def pay(self, u, amount):
        sub = Subscription.objects.filter(
            unit=self.units[u], status=SubscriptionStatus.ACTIVE
        ).first()
        if sub is None:
            return

        def step():
            contract = Contract.objects.filter(subscription=sub).first()
            if contract is None:
                contract = contracts.contract_create(
                    subscription=sub,
                    total_price=sub.deposit + Decimal("100000.00"),
                    schedule=[
                        {
                            "kind": "loan",
                            "due_date": self.now.date() + datetime.timedelta(days=30),
                            "amount": Decimal("100000.00"),
                        }
                    ],
                    actor=self.finance,
                    now=self.now,
                )
            contracts.payment_record(
                contract=contract, amount=amount, actor=self.finance, now=self.now
            )

        self._try(step)

    @rule()
    def pay_a_refund(self):
        refund = Refund.objects.filter(office=self.office, paid_at__isnull=True).first()
        if refund:
            self._try(
                lambda: services.refund_mark_paid(refund=refund, actor=self.finance, now=self.now)
            )

    @rule(hours=st.integers(1, 80))
    def time_passes(self, hours):
        self.now += datetime.timedelta(hours=hours)
        services.holds_expire(now=self.now)

    @invariant()
    def received_less_refunded_is_held(self):
        for customer in getattr(self, "customers", []):
            money = customer_money(customer)
            assert money["received"] - money["refunded"] == money["held"], money

    @invariant()
    def reconciliation_finds_nothing(self):
        if hasattr(self, "office"):
            assert mismatches([self.office]) == []

    @invariant()
    def amounts_are_exact_and_not_negative(self):
        if not hasattr(self, "office"):
            return
        for model, field in ((Hold, "fee"), (Subscription, "deposit"), (Refund, "amount")):
            for value in model.objects.filter(office=self.office).values_list(field, flat=True):
                assert isinstance(value, Decimal) and value >= 0
                assert value == value.quantize(Decimal("0.01"))
        for value in Payment.objects.filter(office=self.office).values_list("amount", flat=True):
            assert isinstance(value, Decimal) and value > 0

    @invariant()
    def the_fee_is_the_offices_and_credited_within_the_deposit(self):
        if not hasattr(self, "office"):
            return
        for fee in Hold.objects.filter(office=self.office).values_list("fee", flat=True):
            assert fee in self.office_fees and fee > 0
        subs = Subscription.objects.filter(office=self.office).select_related("hold")
        for sub in subs:
            assert sub.fee_credited == (sub.hold.fee if sub.hold else 0)
            assert 0 <= sub.fee_credited <= sub.deposit

    @invariant()
    def a_unit_is_held_or_subscribed_by_one_at_most(self):
        for unit in getattr(self, "units", []):
            unit.refresh_from_db()
            holds = Hold.objects.filter(unit=unit, status=HoldStatus.ACTIVE).count()
            subs = Subscription.objects.filter(unit=unit, status=SubscriptionStatus.ACTIVE).count()
            assert holds + subs <= 1
            if holds:
                assert unit.status == UnitStatus.HELD
            if not holds and not subs:
                assert unit.status == UnitStatus.AVAILABLE


@pytest.mark.django_db
def test_money_state_machine():
    Books.TestCase.settings = settings(
        max_examples=12,
        stateful_step_count=15,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    Books.TestCase().runTest()
