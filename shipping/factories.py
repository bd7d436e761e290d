"""Helpers that take a signed contract through shipping with the real services (R-13), for the
tests of every app: the people of each step are found in the contract's branch (made when the
branch has none), stock is received where it is short, and every step is the service's own.

    ship_everything(contract, now=NOW)   # what the contract still owes leaves the warehouse
"""

import datetime
from decimal import Decimal

from approvals.permissions import may_decide
from approvals.registry import party_ids
from approvals.services import approval_decide
from staff.choices import Role
from staff.factories import UserFactory
from staff.models import User
from stock.choices import MoveKind
from stock.models import StockBalance, Warehouse
from stock.services import Line as StockLine
from stock.services import stock_moves, warehouse_create

from . import progress, services
from .choices import OrderStatus, RequestStatus
from .models import DemandRequest, OutboundOrder

ANY_OFFICE = {Role.DIRECTOR, Role.EXECUTIVE}


def person(office, role: str, *, not_ids=()) -> User:
    """An active user holding `role` in the office (a director or executive: of any office)
    and not one of `not_ids`; one is made for the branch when there is none."""
    people = User.objects.filter(is_active=True, groups__name=role).exclude(pk__in=not_ids)
    if role not in ANY_OFFICE:
        people = people.filter(offices=office)
    found = people.order_by("pk").first()
    if found is not None:
        return found
    return UserFactory(username=f"{role}-{office.code}-shipping", roles=[role], offices=[office])


def decide_all(document, people=(), *, now: datetime.datetime, decision: str = "approve"):
    """Decide every pending step of an approval document (R-8), each by the first of `people`
    who may decide it, or by someone of the branch holding the step's role."""
    document.refresh_from_db()
    while document.status == "pending":
        step = document.approvals().get(state="pending")
        who = next((u for u in people if may_decide(u, step, document)), None)
        if who is None:
            who = person(document.office, step.role, not_ids=party_ids(document))
        document = approval_decide(
            approval=step,
            actor=who,
            decision=decision,
            comment="" if decision == "approve" else "测试驳回",
            now=now,
        )
    return document


def decide_next(document, actor, *, now, decision: str = "approve", comment: str = ""):
    """Decide only the pending step of a document, as `actor`."""
    step = document.approvals().get(state="pending")
    return approval_decide(approval=step, actor=actor, decision=decision, comment=comment, now=now)


def depot(office, *, keeper=None) -> Warehouse:
    """The branch's first warehouse, or a new one kept by its warehouse keeper."""
    found = Warehouse.objects.filter(office=office).order_by("pk").first()
    if found is not None:
        return found
    keeper = keeper or person(office, Role.WAREHOUSE)
    return warehouse_create(office=office, code="SHIP", name="发货仓库", keeper=keeper)


def stock_up(warehouse, product, quantity, *, actor, now) -> None:
    """Receive goods so that the warehouse holds at least `quantity` of the product (R-10.3:
    through the ledger; a product no longer sold too, as its documents still move it)."""
    balance = StockBalance.objects.filter(warehouse=warehouse, product=product).first()
    short = Decimal(quantity) - (balance.on_hand if balance else Decimal("0"))
    if short > 0:
        stock_moves(
            lines=[StockLine(warehouse, product, short)],
            kind=MoveKind.RECEIPT,
            reason="测试入库",
            actor=actor,
            now=now,
        )


def approved_request(
    contract, lines=None, *, now, requester=None, people=(), exchange_for=None
) -> DemandRequest:
    """A demand request approved by the branch manager and the director (R-13.1): `lines`
    [(product, quantity)], or everything the contract has left to request."""
    requester = requester or person(contract.office, Role.CLERK)
    if lines is None:
        given = [
            services.LineInput(contract_line=p.line, quantity=p.left_to_request)
            for p in progress.contract_progress(contract)
            if p.left_to_request > 0
        ]
    else:
        given = [services.LineInput(product=p, quantity=Decimal(q)) for p, q in lines]
    request = services.request_create(actor=requester, contract=contract, lines=given, now=now)
    services.request_submit(request=request, actor=requester, now=now)
    return decide_all(request, people, now=now)


def issued_order(request: DemandRequest, *, now, warehouse=None, clerk=None) -> OutboundOrder:
    """The clerk's outbound order of an approved request (R-13.2)."""
    clerk = clerk or person(request.office, Role.CLERK)
    warehouse = warehouse or depot(request.office)
    return services.order_issue(actor=clerk, demand_request=request, warehouse=warehouse, now=now)


def ship_order(order: OutboundOrder, *, now, keeper=None) -> None:
    """The warehouse keeper ships what remains of an open order (a red one: receives it
    back), receiving the stock it lacks first (R-13.3)."""
    keeper = keeper or person(order.office, Role.WAREHOUSE)
    lines = [line for line in order.lines.select_related("product") if line.remaining > 0]
    if not order.red:
        for line in lines:
            stock_up(order.warehouse, line.product, line.remaining, actor=keeper, now=now)
    services.order_ship(
        actor=keeper,
        order=order,
        lines=[
            services.LineInput(contract_line=line.contract_line_id, quantity=line.remaining)
            for line in lines
        ],
        now=now,
    )


def ship_everything(contract, *, now, people=(), warehouse=None) -> list[OutboundOrder]:
    """Everything the contract still owes leaves the warehouse through the services: its
    requests in progress are submitted, approved and issued, what is left to request is
    requested, and every open outbound order ships in full. The contract is then fulfilled
    (shipping.services.settle_fulfilment). Returns the orders shipped."""
    office = contract.office
    clerk = next((u for u in people if u.has_role(Role.CLERK)), None) or person(office, Role.CLERK)
    keeper = next((u for u in people if u.has_role(Role.WAREHOUSE)), None)
    warehouse = warehouse or depot(office, keeper=keeper)
    for request in DemandRequest.objects.filter(contract=contract).order_by("pk"):
        if request.status in (RequestStatus.DRAFT, RequestStatus.REJECTED):
            services.request_submit(request=request, actor=clerk, now=now)
        if request.status in (RequestStatus.DRAFT, RequestStatus.REJECTED, RequestStatus.PENDING):
            request = decide_all(request, people, now=now)
        if request.status == RequestStatus.APPROVED:
            issued_order(request, now=now, warehouse=warehouse, clerk=clerk)
    contract.refresh_from_db()
    if any(p.left_to_request > 0 for p in progress.contract_progress(contract)):
        request = approved_request(contract, now=now, requester=clerk, people=people)
        issued_order(request, now=now, warehouse=warehouse, clerk=clerk)
    orders = list(
        OutboundOrder.objects.filter(
            contract=contract, red=False, status__in=[OrderStatus.OPEN, OrderStatus.PARTIAL]
        ).order_by("pk")
    )
    for order in orders:
        ship_order(order, now=now, keeper=keeper)
    contract.refresh_from_db()
    return orders


def row_counts() -> dict[str, int]:
    """The rows of every shipping table, of the stock ledger and of the approvals: a refused
    write leaves them as they were ("nothing saved")."""
    from approvals.models import Approval
    from stock.models import StockMove

    from . import models as m

    tables = [
        m.DemandRequest, m.DemandLine, m.OutboundOrder, m.OutboundLine, m.Shipment,
        m.ShipmentLine, m.Confirmation, m.ConfirmationLine, m.ReturnRequest, m.ReturnLine,
        m.FirstOrderDelay, StockMove, Approval,
    ]  # fmt: skip
    return {model.__name__: model.objects.count() for model in tables}
