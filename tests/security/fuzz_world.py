"""A realistic data set for the fuzzing tests, built once per module inside a transaction that
is rolled back at the end of the module (each test then runs in its own savepoint, as any
pytest-django test does, so that what one fuzzed request writes never reaches another test).

It is the demo office (`demo_data`: one user per role, today's roster, a morning at the desk
with every rule of R-2, claims, a dispute, units, a hold and a subscription; the sales
department's branch with its contracts, invoices, receipts and statements) plus a contract
with a payment, a released hold (a refund), a diary, a fine, notifications, and a second
office with its own manager, salesperson, customer and unit, so that ids of objects the
requester may not see are among the ids tried.
"""

import contextlib
import datetime
from decimal import Decimal
from io import StringIO

from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.utils import timezone
from rest_framework.authtoken.models import Token

from accounts.models import Account
from attribution.models import Claim, Dispute, FollowUp
from attribution.services import customer_register_own
from contracts.models import SalesContract
from deals import contracts
from deals import services as deal_services
from deals.models import Contract, Hold, Instalment, Refund, Subscription, Unit
from leads.factories import channels_restored
from leads.models import Customer, SourceChannel
from notifications.models import Notification
from notifications.services import notify
from receivables.models import (
    CollectionRequest,
    Handover,
    Invoice,
    InvoiceRequest,
    Receipt,
    Statement,
    WriteOff,
)
from reception.models import Call, Visit
from reports import meetings
from reports.models import Fine, MeetingProblem, WorkDiary
from reports.services import diary_submit
from staff.choices import Role
from staff.factories import OfficeFactory, UserFactory
from staff.models import Office, User

ROLES = ["secretary", "salesperson", "manager", "director", "finance", "warehouse"]
# the second part's people who use the API (issue 21): the branch's clerk, technician,
# purchasing and the company's executive, and the branch's own manager and salesperson, who
# see (and act on) the branch's accounts, contracts, requests, invoices … that the demo
# office's manager and salesperson above cannot. The assistant has no API (pages only).
API_ROLES = [*ROLES, "clerk", "technician", "purchasing", "executive", "bmanager", "rep"]
# the demo user who plays each role
ROLE_USER = {
    "secretary": "secretary",
    "salesperson": "sales1",
    "manager": "manager",
    "director": "director",
    "finance": "finance",
    "warehouse": "warehouse",  # of the demo's sales branch
    "clerk": "clerk",
    "technician": "technician",
    "purchasing": "purchasing",
    "executive": "executive",
    "bmanager": "bmanager",
    "rep": "rep1",
}


@contextlib.contextmanager
def requests_keep_the_connection():
    """Django closes the connection after each request it serves; inside a test's transaction
    that would doom it. Django's own test client does the same (django.test.client)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@contextlib.contextmanager
def rolled_back(django_db_blocker):
    """Everything written inside is undone at the end (the test database stays clean)."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def build_world() -> dict:
    """Create the data set; returns users by role, their API tokens and the ids of each kind."""
    channels_restored()  # a transactional test before this one may have flushed them
    call_command("demo_data", stdout=StringIO())
    now = timezone.now()
    office = Office.objects.get(code="demo")
    users = {role: User.objects.get(username=name) for role, name in ROLE_USER.items()}
    manager, finance, sales1 = users["manager"], users["finance"], users["salesperson"]

    subscription = Subscription.objects.filter(office=office).first()
    contract = contracts.contract_create(
        subscription=subscription,
        total_price=subscription.deposit + Decimal("1000000.00"),
        schedule=[
            {
                "kind": "down_payment",
                "due_date": timezone.localdate(now) + datetime.timedelta(days=3),
                "amount": Decimal("300000.00"),
            },
            {
                "kind": "loan",
                "due_date": timezone.localdate(now) + datetime.timedelta(days=40),
                "amount": Decimal("700000.00"),
            },
        ],
        actor=manager,
        now=now,
    )
    contracts.payment_record(
        contract=contract,
        amount=Decimal("100000.00"),
        instalment=contract.instalments.order_by("due_date").first(),
        actor=finance,
        now=now,
    )
    # a second hold, released: its fee is a refund finance owes
    customer = Customer.objects.filter(
        office=office,
        household__claims__owner=sales1,
        household__claims__status="active",
        household__claims__protected_until__gt=now,
    ).first()
    unit = Unit.objects.filter(office=office, status="available").order_by("pk").first()
    hold = deal_services.hold_create(unit=unit, customer=customer, actor=sales1, now=now)
    deal_services.hold_release(hold=hold, actor=manager, now=now)

    yesterday = timezone.localdate(now) - datetime.timedelta(days=1)
    diary_submit(
        salesperson=sales1,
        office=office,
        date=yesterday,
        feedback="客户关心学区",
        problems="",
        now=now,
    )
    if not Fine.objects.filter(office=office).exists():  # the demo data may have fined already
        Fine.objects.create(
            office=office,
            salesperson=User.objects.get(username="sales2"),
            date=yesterday,
            kind="missing",
            offence_number=1,
            amount=Decimal("50.00"),
        )
    for role_user in users.values():
        notify(kind="claim_assigned", params={"customer": "周女士"}, now=now, recipient=role_user)

    # another office: its objects exist, but the demo staff (except the director) cannot see them
    river = OfficeFactory(name="江畔售楼处", code="riverside")
    UserFactory(username="manager-riverside", roles=[Role.MANAGER], offices=[river])
    river_sales = UserFactory(username="sales-riverside", roles=[Role.SALESPERSON], offices=[river])
    customer_register_own(
        office=river,
        salesperson=river_sales,
        phone="13700001111",
        name="江畔客户",
        source_channel=SourceChannel.objects.get(code="passing"),
        now=now,
    )
    deal_services.unit_create(
        office=river,
        project="江畔一期",
        building="1",
        number="101",
        floor=1,
        layout="",
        area=Decimal("90.00"),
        orientation="",
        list_price=Decimal("1000000.00"),
    )

    meetings.problem_raise(
        office=office, date=yesterday, text="样板间空调坏了", escalate=True, by=manager, now=now
    )
    meetings.problem_raise(
        office=office, date=yesterday, text="停车位不够", by=users["secretary"], now=now
    )

    tokens = {role: Token.objects.create(user=user).key for role, user in users.items()}
    return {"users": users, "tokens": tokens, "ids": pools(), "targets": targets(office, now)}


def targets(office: Office, now) -> dict:
    """One object of each kind a page form acts on, as a user allowed to post it finds it."""
    sales1 = User.objects.get(username="sales1")
    claims = Claim.objects.filter(office=office, owner=sales1).order_by("started_at")
    own = claims.filter(status="active", protected_until__gt=now).first()
    released = claims.filter(protected_until__lte=now).first()
    units = Unit.objects.filter(office=office).order_by("pk")
    problems = MeetingProblem.objects.filter(office=office).order_by("pk")
    return {
        "office": office.pk,
        "salespeople": list(
            User.objects.filter(groups__name="salesperson", offices=office)
            .order_by("pk")
            .values_list("pk", flat=True)
        ),
        "visit": Visit.objects.filter(office=office).order_by("pk").first().pk,
        "visit_of_sales1": Visit.objects.filter(office=office, assigned_to=sales1).first().pk,
        "claim": own.pk,
        "released_claim": released.pk,
        "customer": Customer.objects.filter(household=own.household).first().pk,
        "customers": list(
            Customer.objects.filter(office=office).order_by("pk").values_list("pk", flat=True)
        ),
        "dispute": Dispute.objects.filter(customer__office=office).first().pk,
        "unit_available": units.filter(status="available").first().pk,
        "unit_held": units.filter(status="held").first().pk,
        "unit_subscribed": units.filter(status="contracted").first().pk,
        "refund": Refund.objects.filter(office=office).first().pk,
        "contract": Contract.objects.filter(office=office).first().pk,
        "instalments": list(Instalment.objects.order_by("pk").values_list("pk", flat=True)),
        "diary": WorkDiary.objects.filter(office=office).first().pk,
        "fine": Fine.objects.filter(office=office).first().pk,
        "problem_escalated": problems.filter(escalated_at__isnull=False).first().pk,
        "problem_open": problems.filter(escalated_at__isnull=True).first().pk,
    }


def pools() -> dict[str, list[int]]:
    """Existing ids of each kind of object an operation takes, in every office."""

    def ids(model) -> list[int]:
        return list(model.objects.order_by("pk").values_list("pk", flat=True))

    return {
        "offices": ids(Office),
        "staff": ids(User),
        "customers": ids(Customer),
        "visits": ids(Visit),
        "calls": ids(Call),
        "claims": ids(Claim),
        "followups": ids(FollowUp),
        "disputes": ids(Dispute),
        "units": ids(Unit),
        "holds": ids(Hold),
        "subscriptions": ids(Subscription),
        "refunds": ids(Refund),
        "contracts": ids(Contract),
        "instalments": ids(Instalment),
        "fines": ids(Fine),
        "notifications": ids(Notification),
        # the second part: the demo branch's accounts, contracts and receivables (R-9, R-12,
        # ), the ids of its invoices, receipts and statements among those tried
        "accounts": ids(Account),
        "sales_contracts": ids(SalesContract),
        "invoice_requests": ids(InvoiceRequest),
        "invoices": ids(Invoice),
        "receipts": ids(Receipt),
        "collection_requests": ids(CollectionRequest),
        "write_offs": ids(WriteOff),
        "handovers": ids(Handover),
        "statements": ids(Statement),
        # the demo branch's after-sales, complaints, expenses, fees, penalties
        **_r16_pools(ids),
        # BEGIN secb
        **_second_part_pools(ids),
        # END secb
    }


def _r16_pools(ids) -> dict[str, list[int]]:
    from aftersales.models import Complaint, ServiceRequest
    from escalations.models import Escalation
    from expenses.models import ExpenseBudget, ExpenseClaim
    from reports.models import Penalty
    from specialfees.models import SpecialFee

    return {
        "service_requests": ids(ServiceRequest),
        "complaints": ids(Complaint),
        "expense_budgets": ids(ExpenseBudget),
        "expense_claims": ids(ExpenseClaim),
        "special_fees": ids(SpecialFee),
        "penalties": ids(Penalty),
        "escalations": ids(Escalation),
    }


# BEGIN secb
def _second_part_pools(ids) -> dict[str, list[int]]:
    """The rest of the second part (issue 21): approvals, quotes and enquiries (R-8, R-11),
    products, warehouses and contract lines (R-10, R-12), the shipping documents (R-13), the
    technicians' ratings (R-16), targets, work plans and dealer disputes (R-17), the accounts'
    contacts: what the paths and bodies name, so that the fuzzer gets past the lookups."""
    from accounts.models import Contact
    from aftersales.models import TechnicianRating
    from approvals.models import Approval
    from catalog.models import Product
    from contracts.models import ContractLine
    from dealers.models import DealerDispute
    from quotes.models import Enquiry, EnquiryQuestion, Quote, QuoteLine
    from shipping.models import Confirmation, DemandRequest, OutboundOrder, ReturnRequest
    from stock.models import Warehouse
    from targets.models import SalesTarget, TargetExplanation
    from workplans.models import WorkPlan

    return {
        "approvals": ids(Approval),
        "enquiries": ids(Enquiry),
        "enquiry_questions": ids(EnquiryQuestion),
        "quotes": ids(Quote),
        "quote_lines": ids(QuoteLine),
        "products": ids(Product),
        "warehouses": ids(Warehouse),
        "contract_lines": ids(ContractLine),
        "contacts": ids(Contact),
        "demand_requests": ids(DemandRequest),
        "outbound_orders": ids(OutboundOrder),
        "confirmations": ids(Confirmation),
        "returns": ids(ReturnRequest),
        "technician_ratings": ids(TechnicianRating),
        "targets": ids(SalesTarget),
        "target_explanations": ids(TargetExplanation),
        "work_plans": ids(WorkPlan),
        "dealer_disputes": ids(DealerDispute),
    }


# END secb
