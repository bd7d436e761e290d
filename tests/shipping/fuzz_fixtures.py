"""Targets of the shipping and return forms for tests/security/test_form_fuzz.py (R-13), in the
demo's branch (workspace.demo_shipping): its approved demand request waiting for the clerk, the
order shipped in part, the order awaiting the customer's confirmation, the return waiting for
the technician; and, made here, a confirmation of one metre of cable without its scan, a
contract of rep1's with a draft demand request, a draft return and an approved one (its red
outbound order to issue). rep1 (as "rep") and the technician join the users."""

import datetime
from decimal import Decimal

from django.utils import timezone

from accounts.models import Account
from approvals.services import approval_decide
from catalog.models import Product
from contracts import services as contracts
from contracts.models import ContractLine, SalesContract
from shipping import services
from shipping.models import DemandRequest, OutboundOrder, ReturnRequest
from shipping.services import LineInput
from staff.models import Office, User
from stock.models import Warehouse
from workspace import demo_shipping


def _decide(document, people, now) -> None:
    document.refresh_from_db()
    while document.status == "pending":
        step = document.approvals().get(state="pending")
        decider = next(p for p in people if p.has_role(step.role))
        approval_decide(approval=step, actor=decider, decision="approve", comment="", now=now)
        document.refresh_from_db()


def shipping_targets(world: dict) -> dict:
    now = timezone.now()
    branch = Office.objects.get(code="demo-branch")
    people = {u.username: u for u in User.objects.filter(offices=branch)}
    rep = people["rep1"]
    world["users"]["rep"], world["users"]["technician"] = rep, people["technician"]
    deciders = [people["bmanager"], people["director"], people["technician"]]
    by_place = {c.delivery_place: c for c in SalesContract.objects.filter(office=branch)}
    shipped = by_place[demo_shipping.CONTRACTS[0].delivery_place]
    waiting = by_place[demo_shipping.CONTRACTS[2].delivery_place]

    pump = Product.objects.get(code="SB-IS80")
    fresh = contracts.contract_create(
        actor=rep,
        account=Account.objects.get(office=branch, name="江苏恒通机电设备有限公司"),
        now=now - datetime.timedelta(hours=3),
        lines=[
            contracts.LineInput(product=pump, quantity=Decimal("5"), unit_price=Decimal("2800"))
        ],
    )
    contracts.contract_submit(contract=fresh, actor=rep, now=now - datetime.timedelta(hours=3))
    _decide(fresh, deciders, now - datetime.timedelta(hours=2))
    draft = services.request_create(
        actor=rep, contract=fresh, now=now, lines=[LineInput(product=pump, quantity=Decimal("1"))]
    )
    cable = shipped.lines.get(product__code="DL-YJV395")

    def cable_return(reason):
        return services.return_create(
            actor=rep,
            contract=shipped,
            reason=reason,
            now=now,
            lines=[LineInput(contract_line=cable, quantity=Decimal("1"))],
        )

    # the demo_shipping contracts' documents (the receivables demo ships older contracts too)
    partial = by_place[demo_shipping.CONTRACTS[1].delivery_place]
    done = OutboundOrder.objects.get(contract=shipped, status="done")
    unscanned = services.confirmation_record(
        actor=people["clerk"], order=done, signed_by="陆敏", signed_on=timezone.localdate(now),
        now=now, lines=[LineInput(contract_line=cable, quantity=Decimal("1"))],
    )  # fmt: skip
    draft_return = cable_return("客户多订了一米")
    approved_return = cable_return("电缆外皮破损")
    services.return_submit(ret=approved_return, actor=rep, now=now)
    _decide(approved_return, deciders, now)
    return {
        "shipping_contracts": [fresh.pk, shipped.pk, waiting.pk],
        "shipping_fresh": fresh.pk,
        "shipping_fresh_lines": list(fresh.lines.values_list("pk", flat=True)),
        "shipping_shipped": shipped.pk,
        "shipping_shipped_lines": list(
            ContractLine.objects.filter(contract=shipped).values_list("pk", flat=True)
        ),
        "shipping_waiting": waiting.pk,
        "request_draft": draft.pk,
        "request_approved": DemandRequest.objects.get(contract=waiting, status="approved").pk,
        "order_partial": OutboundOrder.objects.get(contract=partial, status="partial").pk,
        "order_done": done.pk,
        "confirmation_unscanned": unscanned.pk,
        "order_lines": {
            order.pk: list(order.lines.values_list("pk", flat=True))
            for order in OutboundOrder.objects.filter(office=branch)
        },
        "return_draft": draft_return.pk,
        "return_inspection": ReturnRequest.objects.get(
            contract=shipped, status="pending", reason=demo_shipping.RETURN_REASON
        ).pk,
        "return_approved": approved_return.pk,
        "branch_warehouses": list(Warehouse.objects.order_by("pk").values_list("pk", flat=True)),
    }
