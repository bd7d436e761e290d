"""The whole of R-13 in one walk through the services (the detailed tests are beside it)."""

from decimal import Decimal

from approvals.services import approval_decide
from contracts.factories import NOW
from shipping import progress, services
from shipping.services import LineInput

from .conftest import receive


def decide_all(document, people, now=NOW):
    document.refresh_from_db()
    while document.status == "pending":
        step = document.approvals().get(state="pending")
        who = next(u for u in people if u.has_role(step.role))
        document = approval_decide(
            approval=step, actor=who, decision="approve", comment="", now=now
        )
    return document


def test_contract_to_shipped_confirmed_and_returned(
    contract, salesperson, clerk, warehouse, depot, product, cable, approvers
):
    receive(depot, product, "20", warehouse)
    receive(depot, cable, "500", warehouse)
    request = services.request_create(
        actor=salesperson,
        contract=contract,
        lines=[
            LineInput(product=product, quantity=Decimal("10")),
            LineInput(product=cable, quantity=Decimal("100")),
        ],
        now=NOW,
    )
    services.request_submit(request=request, actor=salesperson, now=NOW)
    request = decide_all(request, approvers)
    assert request.status == "approved"
    order = services.order_issue(actor=clerk, demand_request=request, warehouse=depot, now=NOW)
    services.order_ship(
        actor=warehouse,
        order=order,
        lines=[LineInput(product=product, quantity=Decimal("4"))],
        now=NOW,
    )
    contract.refresh_from_db()
    assert contract.status == "signed"
    services.order_ship(
        actor=warehouse,
        order=order,
        lines=[
            LineInput(product=product, quantity=Decimal("6")),
            LineInput(product=cable, quantity=Decimal("100")),
        ],
        now=NOW,
    )
    contract.refresh_from_db()
    assert contract.status == "fulfilled"
    services.confirmation_record(
        actor=clerk,
        order=order,
        signed_by="王经理",
        signed_on=NOW.date(),
        lines=[LineInput(product=product, quantity=Decimal("10"))],
        now=NOW,
    )
    ret = services.return_create(
        actor=salesperson,
        contract=contract,
        kind="exchange",
        reason="损坏",
        lines=[LineInput(product=product, quantity=Decimal("2"))],
        now=NOW,
    )
    services.return_submit(ret=ret, actor=salesperson, now=NOW)
    ret = decide_all(ret, approvers)
    assert ret.status == "approved" and ret.genuine is True
    red = services.red_order_issue(actor=clerk, return_request=ret, warehouse=depot, now=NOW)
    services.order_ship(
        actor=warehouse,
        order=red,
        lines=[LineInput(product=product, quantity=Decimal("2"))],
        now=NOW,
    )
    ret.refresh_from_db()
    contract.refresh_from_db()
    assert ret.status == "received"
    assert contract.status == "signed"  # owes the 2 exchanged motors again
    figures = {p.line.product_id: p for p in progress.contract_progress(contract)}
    assert figures[product.pk].left_to_request == 0  # the exchange's request holds them
    assert figures[product.pk].to_ship == 2
    exchange = ret.exchange_requests.get()
    assert exchange.status == "draft"
