"""Returns and exchanges through their services (R-13.5, R-8): the salesperson records the
customer's request within what shipped less what is being returned; the branch manager
confirms, the technician inspects (not genuine: refused for good), the director approves; the
clerk issues the red outbound order once; the keeper receives the goods back and stock rises.
An exchange is a return plus a demand request for the replacement. Every refusal saves nothing."""

from decimal import Decimal

import pytest
from rest_framework.exceptions import PermissionDenied, ValidationError

from approvals.services import approval_decide
from common.errors import DomainError
from contracts.factories import NOW
from notifications.models import Notification
from shipping import progress, services
from shipping.factories import (
    approved_request,
    decide_all,
    issued_order,
    row_counts,
    ship_order,
)
from shipping.models import OutboundOrder, ReturnRequest
from shipping.services import LineInput
from staff.choices import Role
from staff.factories import UserFactory
from stock.models import StockBalance, StockMove
from stock.services import warehouse_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(approvers, clerk, warehouse):
    return [*approvers, clerk, warehouse]


@pytest.fixture
def shipped(contract, salesperson, people, clerk, warehouse, depot, product):
    """6 of the 10 motors shipped (the cable not requested)."""
    request = approved_request(
        contract, [(product, "6")], now=NOW, requester=salesperson, people=people
    )
    order = issued_order(request, now=NOW, warehouse=depot, clerk=clerk)
    ship_order(order, now=NOW, keeper=warehouse)
    return order


def make_return(contract, actor, *lines, kind="return", reason="外壳破损"):
    return services.return_create(
        actor=actor,
        contract=contract,
        kind=kind,
        reason=reason,
        lines=[LineInput(product=p, quantity=Decimal(q)) for p, q in lines],
        now=NOW,
    )


def submitted(contract, salesperson, *lines, **extra) -> ReturnRequest:
    ret = make_return(contract, salesperson, *lines, **extra)
    return services.return_submit(ret=ret, actor=salesperson, now=NOW)


def decide(ret, actor, decision="approve", comment=""):
    step = ret.approvals().get(state="pending")
    return approval_decide(approval=step, actor=actor, decision=decision, comment=comment, now=NOW)


def on_hand(depot, product) -> Decimal:
    row = StockBalance.objects.filter(warehouse=depot, product=product).first()
    return row.on_hand if row else Decimal("0")


def figures(contract, product):
    return next(p for p in progress.contract_progress(contract) if p.line.product == product)


# ---------------------------------------------------------------- recording


def test_the_salesperson_records_a_return_within_what_shipped(
    shipped, contract, salesperson, product
):
    ret = make_return(contract, salesperson, (product, "2"))
    assert (ret.number, ret.status, ret.kind, ret.reason) == (
        "TH-2026-0001",
        "draft",
        "return",
        "外壳破损",
    )
    assert (ret.author, ret.owner, ret.genuine) == (salesperson, contract.owner, None)
    (line,) = ret.lines.all()
    assert (line.product, line.quantity, line.specification) == (
        product,
        Decimal("2.000"),
        product.specification,
    )
    assert figures(contract, product).left_to_return == 4


@pytest.mark.parametrize(
    ("lines", "field"),
    [
        ([("product", "6.001")], "quantity"),  # over what shipped
        ([("cable", "1")], "quantity"),  # on the contract, never shipped
        ([("product", "0")], "quantity"),
        ([("stranger", "1")], "product"),
    ],
)
def test_a_return_over_what_shipped_saves_nothing(
    shipped, contract, salesperson, product, cable, manager, lines, field
):
    from contracts.factories import make_product

    products = {"product": product, "cable": cable, "stranger": make_product(manager, "QT-2")}
    before = row_counts()
    with pytest.raises(ValidationError) as refused:
        make_return(contract, salesperson, *[(products[k], q) for k, q in lines])
    assert any(field in e for e in refused.value.detail["lines"])
    assert row_counts() == before


def test_returns_in_progress_count_against_what_is_left(shipped, contract, salesperson, product):
    make_return(contract, salesperson, (product, "4"))
    with pytest.raises(ValidationError):
        make_return(contract, salesperson, (product, "3"))
    make_return(contract, salesperson, (product, "2"))
    assert figures(contract, product).left_to_return == 0


def test_a_withdrawn_return_frees_its_quantity(shipped, contract, salesperson, product):
    ret = make_return(contract, salesperson, (product, "6"))
    services.return_cancel(ret=ret, actor=salesperson, now=NOW)
    ret.refresh_from_db()
    assert (ret.status, ret.cancelled_at) == ("cancelled", NOW)
    make_return(contract, salesperson, (product, "6"))


def test_a_reason_and_a_known_kind_are_needed(shipped, contract, salesperson, product):
    with pytest.raises(ValidationError) as refused:
        make_return(contract, salesperson, (product, "1"), reason="  ")
    assert "reason" in refused.value.detail
    with pytest.raises(ValidationError) as refused:
        make_return(contract, salesperson, (product, "1"), kind="gift")
    assert "kind" in refused.value.detail
    assert ReturnRequest.objects.count() == 0


@pytest.mark.parametrize("who", ["other_salesperson", "clerk", "manager", "technician"])
def test_only_the_contracts_salesperson_records_a_return(request, shipped, contract, product, who):
    before = row_counts()
    with pytest.raises(PermissionDenied):
        make_return(contract, request.getfixturevalue(who), (product, "1"))
    assert row_counts() == before


# ---------------------------------------------------------------- the chain and inspection


def test_manager_then_technician_then_director(
    shipped, contract, salesperson, product, manager, technician, director, clerk
):
    ret = submitted(contract, salesperson, (product, "2"))
    chain = [(a.role, a.state) for a in ret.approvals().order_by("step")]
    assert chain == [("manager", "pending"), ("technician", "waiting"), ("director", "waiting")]
    decide(ret, manager)
    ret = services.return_inspect(ret=ret, actor=technician, genuine=True, note="", now=NOW)
    ret.refresh_from_db()
    assert (ret.status, ret.genuine, ret.inspected_by, ret.inspected_at) == (
        "pending",
        True,
        technician,
        NOW,
    )
    decide(ret, director)
    ret.refresh_from_db()
    assert (ret.status, ret.approved_at) == ("approved", NOW)
    told = set(
        Notification.objects.filter(params__number=ret.number).values_list("kind", "recipient")
    )
    assert told == {("return_to_issue", clerk.pk), ("return_approved", salesperson.pk)}


@pytest.mark.parametrize("who", ["manager", "warehouse", "salesperson", "director"])
def test_an_inspection_by_someone_without_the_technician_role_is_refused(
    request, shipped, contract, salesperson, product, manager, who
):
    ret = submitted(contract, salesperson, (product, "2"))
    decide(ret, manager)
    before = row_counts()
    with pytest.raises(PermissionDenied):
        services.return_inspect(
            ret=ret, actor=request.getfixturevalue(who), genuine=True, note="", now=NOW
        )
    step = ret.approvals().get(role="technician")
    with pytest.raises(PermissionDenied):  # nor through the approval engine
        approval_decide(approval=step, actor=manager, decision="approve", comment="", now=NOW)
    assert row_counts() == before
    ret.refresh_from_db()
    assert (ret.genuine, ret.inspected_by, step.state) == (None, None, "pending")


def test_a_technician_of_another_branch_does_not_inspect(
    shipped, contract, salesperson, product, manager, other_office
):
    stranger = UserFactory(
        username="tech-riverside", roles=[Role.TECHNICIAN], offices=[other_office]
    )
    ret = submitted(contract, salesperson, (product, "2"))
    decide(ret, manager)
    with pytest.raises(PermissionDenied):
        services.return_inspect(ret=ret, actor=stranger, genuine=True, note="", now=NOW)
    ret.refresh_from_db()
    assert ret.genuine is None


def test_the_inspection_waits_for_the_manager(shipped, contract, salesperson, product, technician):
    ret = submitted(contract, salesperson, (product, "2"))
    with pytest.raises(DomainError) as refused:
        services.return_inspect(ret=ret, actor=technician, genuine=True, note="", now=NOW)
    assert refused.value.code == "not_pending"


def test_not_genuine_refuses_the_return_for_good(
    shipped, contract, salesperson, product, manager, technician
):
    ret = submitted(contract, salesperson, (product, "5"))
    decide(ret, manager)
    with pytest.raises(ValidationError) as refused:  # a reason is needed
        services.return_inspect(ret=ret, actor=technician, genuine=False, note=" ", now=NOW)
    assert "note" in refused.value.detail
    services.return_inspect(ret=ret, actor=technician, genuine=False, note="非本公司产品", now=NOW)
    ret.refresh_from_db()
    assert (ret.status, ret.genuine, ret.inspection_note, ret.refused) == (
        "rejected",
        False,
        "非本公司产品",
        True,
    )
    note = Notification.objects.get(kind="return_rejected")
    assert (note.recipient, note.params["refused"]) == (salesperson, True)
    with pytest.raises(DomainError) as again:
        services.return_submit(ret=ret, actor=salesperson, now=NOW)
    assert again.value.code == "not_genuine"
    with pytest.raises(DomainError):
        services.return_cancel(ret=ret, actor=salesperson, now=NOW)
    # a refused return holds nothing: the 6 shipped may be returned again (other goods)
    assert figures(contract, product).left_to_return == 6


def test_a_manager_rejection_may_be_sent_again(
    shipped, contract, salesperson, product, manager, technician, director
):
    ret = submitted(contract, salesperson, (product, "2"))
    decide(ret, manager, "reject", "先和客户核实")
    ret.refresh_from_db()
    assert (ret.status, ret.genuine) == ("rejected", None)
    assert figures(contract, product).left_to_return == 4  # still held while rejected
    services.return_submit(ret=ret, actor=salesperson, now=NOW)
    assert decide_all(ret, [manager, technician, director], now=NOW).status == "approved"


def test_the_salesperson_does_not_approve_their_own_return(office, product, depot, technician):
    """R-8.1 (abuse): a salesperson who is also a manager owns the account."""
    from contracts.factories import approved_account, line, signed
    from shipping.factories import ship_everything

    boss = UserFactory(
        username="sales-manager", roles=[Role.SALESPERSON, Role.MANAGER], offices=[office]
    )
    manager2 = UserFactory(username="manager2", roles=[Role.MANAGER], offices=[office])
    contract = signed(approved_account(office, boss), boss, [line(product, "3")], [manager2])
    ship_everything(contract, now=NOW, people=[manager2])
    ret = submitted(contract, boss, (product, "1"))
    step = ret.approvals().get(state="pending")
    with pytest.raises(PermissionDenied):
        approval_decide(approval=step, actor=boss, decision="approve", comment="", now=NOW)
    decide(ret, manager2)


# ---------------------------------------------------------------- the red outbound order


@pytest.fixture
def approved(shipped, contract, salesperson, product, manager, technician, director):
    ret = submitted(contract, salesperson, (product, "2"))
    return decide_all(ret, [manager, technician, director], now=NOW)


def test_the_red_order_receives_the_goods_back(
    approved, clerk, warehouse, depot, product, contract
):
    assert on_hand(depot, product) == 0
    red = services.red_order_issue(actor=clerk, return_request=approved, warehouse=depot, now=NOW)
    assert (red.number, red.red, red.return_request, red.demand_request) == (
        "HC-2026-0001",
        True,
        approved,
        None,
    )
    assert [(ol.product, ol.quantity) for ol in red.lines.all()] == [(product, Decimal("2.000"))]
    approved.refresh_from_db()
    assert approved.status == "issued"
    note = Notification.objects.get(kind="outbound_to_ship", params__red=True)
    assert note.recipient == warehouse
    services.order_ship(
        actor=warehouse,
        order=red,
        lines=[LineInput(product=product, quantity=Decimal("1"))],
        now=NOW,
    )
    approved.refresh_from_db()
    assert approved.status == "issued"  # half back
    services.order_ship(
        actor=warehouse,
        order=red,
        lines=[LineInput(product=product, quantity=Decimal("1"))],
        now=NOW,
    )
    red.refresh_from_db()
    approved.refresh_from_db()
    assert (red.status, approved.status) == ("done", "received")
    assert on_hand(depot, product) == Decimal("2")
    moves = StockMove.objects.filter(kind="red_outbound").order_by("pk")
    assert [m.quantity for m in moves] == [Decimal("1.000"), Decimal("1.000")]
    line = figures(contract, product)
    assert (line.shipped, line.received_back, line.net_shipped) == (6, 2, 4)
    contract.refresh_from_db()
    assert contract.status == "signed"  # a plain return does not reopen what is owed
    assert line.to_ship == 4


def test_a_second_red_order_for_the_same_return_saves_nothing(approved, clerk, depot):
    services.red_order_issue(actor=clerk, return_request=approved, warehouse=depot, now=NOW)
    before = row_counts()
    with pytest.raises(DomainError) as refused:
        services.red_order_issue(actor=clerk, return_request=approved, warehouse=depot, now=NOW)
    assert refused.value.code == "already_issued"
    assert row_counts() == before
    assert OutboundOrder.objects.filter(return_request=approved).count() == 1


def test_a_red_order_needs_an_approved_return(
    shipped, contract, salesperson, product, manager, clerk, depot
):
    ret = submitted(contract, salesperson, (product, "1"))
    decide(ret, manager)  # the technician and the director still to decide
    before = row_counts()
    with pytest.raises(DomainError) as refused:
        services.red_order_issue(actor=clerk, return_request=ret, warehouse=depot, now=NOW)
    assert refused.value.code == "not_approved"
    assert row_counts() == before


def test_a_red_order_into_a_warehouse_of_another_office_is_refused(approved, clerk, other_office):
    keeper = UserFactory(
        username="keeper-riverside", roles=[Role.WAREHOUSE], offices=[other_office]
    )
    theirs = warehouse_create(office=other_office, code="W9", name="江畔仓库", keeper=keeper)
    before = row_counts()
    with pytest.raises(ValidationError) as refused:
        services.red_order_issue(actor=clerk, return_request=approved, warehouse=theirs, now=NOW)
    assert "warehouse" in refused.value.detail
    assert row_counts() == before


def test_a_clerk_of_another_branch_does_not_issue_the_red_order(approved, depot, other_office):
    stranger = UserFactory(username="clerk-riverside", roles=[Role.CLERK], offices=[other_office])
    with pytest.raises(PermissionDenied):
        services.red_order_issue(actor=stranger, return_request=approved, warehouse=depot, now=NOW)
    assert not OutboundOrder.objects.filter(red=True).exists()


def test_receiving_more_than_the_red_order_is_refused(approved, clerk, warehouse, depot, product):
    red = services.red_order_issue(actor=clerk, return_request=approved, warehouse=depot, now=NOW)
    before = row_counts()
    with pytest.raises(ValidationError):
        services.order_ship(
            actor=warehouse,
            order=red,
            lines=[LineInput(product=product, quantity=Decimal("3"))],
            now=NOW,
        )
    assert row_counts() == before


# ---------------------------------------------------------------- certificate, exchange


def test_the_return_certificate_when_the_documents_are_lost(approved, salesperson, clerk):
    with pytest.raises(ValidationError) as refused:
        services.return_certificate(ret=approved, actor=salesperson, reason="  ", now=NOW)
    assert "reason" in refused.value.detail
    with pytest.raises(PermissionDenied):
        services.return_certificate(ret=approved, actor=clerk, reason="发票丢失", now=NOW)
    done = services.return_certificate(ret=approved, actor=salesperson, reason="发票丢失", now=NOW)
    assert (done.certificate_reason, done.certificate_by, done.certificate_at) == (
        "发票丢失",
        salesperson,
        NOW,
    )


def test_an_exchange_is_a_return_plus_a_linked_demand_request(
    shipped, contract, salesperson, product, manager, technician, director
):
    ret = submitted(contract, salesperson, (product, "2"), kind="exchange")
    ret = decide_all(ret, [manager, technician, director], now=NOW)
    replacement = ret.exchange_requests.get()
    assert (replacement.status, replacement.contract, replacement.owner) == (
        "draft",
        contract,
        contract.owner,
    )
    assert [(dl.product, dl.quantity) for dl in replacement.lines.all()] == [
        (product, Decimal("2.000"))
    ]
    assert ret.number in replacement.note
    line = figures(contract, product)
    # the 4 never requested plus the 2 exchanged, less the replacement's 2
    assert (line.exchanged, line.requested, line.left_to_request) == (2, 8, 4)
