"""Shipping and returns for tests/security/test_field_exposure.py and test_csrf.py (R-13): user
a's signed contract of 20 motors in the sunny office, and on it, made once per test through
shipping.services (found again by their notes and reasons):

- an outbound order of 6 with 5 shipped (1 left for the keeper) and a confirmation of 1 without
  its scan (the clerk files it);
- a demand request approved, waiting for its outbound order; a draft one;
- returns of 1 each: a draft, one waiting for the technician's inspection, one approved (its red
  outbound order to issue);

and the requests that write them, one per writing endpoint and page form (mass assignment)."""

from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.factories import AccountFactory
from accounts.models import Account
from approvals.services import approval_decide
from catalog.models import Product
from catalog.services import product_create
from contracts.factories import line, signed
from contracts.models import SalesContract
from shipping import services
from shipping.models import Confirmation, DemandRequest, OutboundOrder, ReturnRequest
from shipping.services import LineInput
from staff.choices import Role
from staff.factories import UserFactory
from staff.models import User
from stock.models import Warehouse
from stock.services import stock_receive

ACCOUNT = "发货测试客户"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
# a document's tag: its note (a demand request) or reason (a return)
TAGS = {
    "order": "发货-出库",
    "approved": "发货-已批",
    "draft": "发货-草稿",
    "return_draft": "退货-草稿",
    "return_inspection": "退货-待检",
    "return_approved": "退货-已批",
}


def _photo():
    return {"scan": SimpleUploadedFile("photo.png", PNG, content_type="image/png")}


def _decide(document, people, now, *, until=None):
    """Decide the pending steps with the first of `people` holding each one's role; stop
    before the step of role `until`."""
    document.refresh_from_db()
    while document.status == "pending":
        step = document.approvals().get(state="pending")
        if step.role == until:
            break
        decider = next(u for u in people if u.has_role(step.role))
        approval_decide(approval=step, actor=decider, decision="approve", comment="", now=now)
        document.refresh_from_db()
    return document


def shipping_world(*, office, users: dict, now) -> dict:
    """The objects (made when not found); the technician joins `users`."""
    a, manager, director = users["a"], users["manager"], users["director"]
    clerk, keeper = users["clerk"], users["warehouse"]
    technician = User.objects.filter(username="sx-technician").first() or UserFactory(
        username="sx-technician", roles=[Role.TECHNICIAN], offices=[office]
    )
    users["technician"] = technician
    product = Product.objects.filter(code="SX-DJ").first() or product_create(
        actor=manager, now=now, code="SX-DJ", name="发货电机", unit="台",
        list_price=Decimal("100.00"), floor_price=Decimal("80.00"), cost=Decimal("60.00"),
    )  # fmt: skip
    # after the other tests' warehouses by code: the stock page shows the first (theirs)
    store = Warehouse.objects.filter(office=office, code="WH-ZS").first()
    if store is None:
        store = Warehouse.objects.create(
            office=office, code="WH-ZS", name="发货仓库", keeper=keeper
        )
        stock_receive(
            warehouse=store, product=product, quantity=Decimal("50"), supplier="供应商",
            actor=keeper, now=now,
        )  # fmt: skip
    account = Account.objects.filter(name=ACCOUNT).first() or AccountFactory(
        office=office, author=a, status="approved", name=ACCOUNT,
        credit_limit=Decimal("10000000.00"),
    )  # fmt: skip
    contract = SalesContract.objects.filter(account=account).first() or signed(
        account, a, [line(product, "20", "100.00")], [manager, director], now=now
    )
    people = [manager, director, technician]

    def request(tag, quantity, *, approved):
        found = DemandRequest.objects.filter(contract=contract, note=TAGS[tag]).first()
        if found is not None:
            return found
        made = services.request_create(
            actor=a, contract=contract, note=TAGS[tag], now=now,
            lines=[LineInput(product=product, quantity=Decimal(quantity))],
        )  # fmt: skip
        if approved:
            services.request_submit(request=made, actor=a, now=now)
            made = _decide(made, people, now)
        return made

    order = OutboundOrder.objects.filter(demand_request__note=TAGS["order"]).first()
    if order is None:
        order = services.order_issue(
            actor=clerk, demand_request=request("order", "6", approved=True), warehouse=store,
            now=now,
        )  # fmt: skip
        services.order_ship(
            actor=keeper, order=order, now=now,
            lines=[LineInput(product=product, quantity=Decimal("5"))],
        )  # fmt: skip
        services.confirmation_record(
            actor=clerk, order=order, signed_by="王经理", signed_on=now.date(), now=now,
            lines=[LineInput(product=product, quantity=Decimal("1"))],
        )  # fmt: skip

    def ret(tag, *, until):
        found = ReturnRequest.objects.filter(contract=contract, reason=TAGS[tag]).first()
        if found is not None:
            return found
        made = services.return_create(
            actor=a, contract=contract, reason=TAGS[tag], now=now,
            lines=[LineInput(product=product, quantity=Decimal("1"))],
        )  # fmt: skip
        if until == "draft":
            return made
        services.return_submit(ret=made, actor=a, now=now)
        return _decide(made, people, now, until=until)

    return {
        "product": product,
        "store": store,
        "contract": contract,
        "order": order,
        "confirmation": Confirmation.objects.get(order=order),
        "approved": request("approved", "5", approved=True),
        "draft": request("draft", "1", approved=False),
        "return_draft": ret("return_draft", until="draft"),
        "return_inspection": ret("return_inspection", until=Role.TECHNICIAN),
        "return_approved": ret("return_approved", until=None),
    }


def _one(s: dict) -> list[dict]:
    return [{"product": s["product"].pk, "quantity": "1"}]


def api_specs(s: dict, today) -> list[dict]:
    draft, ret = s["draft"].pk, s["return_draft"].pk
    return [
        {
            "name": "demand-request-list",
            "user": "a",
            "path": "/api/v1/demand-requests/",
            "body": {"contract": s["contract"].pk, "lines": _one(s), "note": "下周要货"},
        },
        *[
            {
                "name": f"demand-request-{action}",
                "user": "a",
                "path": f"/api/v1/demand-requests/{draft}/{action}/",
                "body": {},
            }
            for action in ("submit", "cancel")
        ],
        {
            "name": "outbound-order-list",
            "user": "clerk",
            "path": "/api/v1/outbound-orders/",
            "body": {"demand_request": s["approved"].pk, "warehouse": s["store"].pk},
        },
        {
            "name": "outbound-order-ship",
            "user": "warehouse",
            "path": f"/api/v1/outbound-orders/{s['order'].pk}/ship/",
            "body": {"lines": _one(s)},
        },
        {
            "name": "outbound-order-confirmation",
            "user": "clerk",
            "path": f"/api/v1/outbound-orders/{s['order'].pk}/confirmation/",
            "body": {"signed_by": "王经理", "signed_on": today.isoformat(), "lines": _one(s)},
        },
        {
            "name": "confirmation-scan",
            "user": "clerk",
            "path": f"/api/v1/confirmations/{s['confirmation'].pk}/scan/",
            "body": {},
            "files": _photo,
        },
        {
            "name": "return-list",
            "user": "a",
            "path": "/api/v1/returns/",
            "body": {
                "contract": s["contract"].pk,
                "kind": "return",
                "reason": "包装破损",
                "lines": _one(s),
            },
        },
        *[
            {
                "name": f"return-{action}",
                "user": "a",
                "path": f"/api/v1/returns/{ret}/{action}/",
                "body": body,
            }
            for action, body in (
                ("submit", {}),
                ("cancel", {}),
                ("certificate", {"reason": "客户发票遗失"}),
            )
        ],
        {
            "name": "return-inspection",
            "user": "technician",
            "path": f"/api/v1/returns/{s['return_inspection'].pk}/inspection/",
            "body": {"genuine": True, "note": "原厂铭牌完好"},
        },
    ]


def page_specs(s: dict, today) -> list[dict]:
    contract, order = s["contract"], s["order"]
    contract_line = contract.lines.get()
    order_line = order.lines.get()
    draft, ret = s["draft"].pk, s["return_draft"].pk
    return [
        {
            "name": "shipping:request_new",
            "user": "a",
            "path": "/shipping/requests/new/",
            "body": {"contract": contract.pk, f"q-{contract_line.pk}": "1", "note": "下周要货"},
        },
        *[
            {
                "name": f"shipping:request_{action}",
                "user": "a",
                "path": f"/shipping/requests/{draft}/{action}/",
                "body": {},
            }
            for action in ("submit", "cancel")
        ],
        {
            "name": "shipping:request_issue",
            "user": "clerk",
            "path": f"/shipping/requests/{s['approved'].pk}/issue/",
            "body": {"warehouse": s["store"].pk, "note": "上午发"},
        },
        {
            "name": "shipping:order_ship",
            "user": "warehouse",
            "path": f"/shipping/orders/{order.pk}/ship/",
            "body": {f"q-{order_line.pk}": "1"},
        },
        {
            "name": "shipping:order_confirm",
            "user": "clerk",
            "path": f"/shipping/orders/{order.pk}/confirm/",
            "body": {
                f"q-{order_line.pk}": "1",
                "signed_by": "王经理",
                "signed_on": today.isoformat(),
                "note": "",
            },
            "files": _photo,
        },
        {
            "name": "shipping:confirmation_attach",
            "user": "clerk",
            "path": f"/shipping/confirmations/{s['confirmation'].pk}/attach/",
            "body": {},
            "files": _photo,
        },
        {
            "name": "shipping:late_reason",
            "user": "clerk",
            "path": f"/shipping/late/{contract.pk}/reason/",
            "body": {f"c{contract.pk}-reason": "客户要求延后发货"},
        },
        {
            "name": "shipping:return_new",
            "user": "a",
            "path": "/shipping/returns/new/",
            "body": {
                "contract": contract.pk,
                "kind": "return",
                "reason": "包装破损",
                "lines-TOTAL_FORMS": "1",
                "lines-INITIAL_FORMS": "0",
                "lines-0-contract_line": contract_line.pk,
                "lines-0-specification": "",
                "lines-0-quantity": "1",
            },
        },
        *[
            {
                "name": f"shipping:return_{action}",
                "user": "a",
                "path": f"/shipping/returns/{ret}/{action}/",
                "body": body,
            }
            for action, body in (
                ("submit", {}),
                ("cancel", {}),
                ("certificate", {"reason": "客户发票遗失"}),
            )
        ],
        {
            "name": "shipping:return_inspect",
            "user": "technician",
            "path": f"/shipping/returns/{s['return_inspection'].pk}/inspect/",
            "body": {"genuine": "yes", "note": "原厂铭牌完好"},
        },
        {
            "name": "shipping:return_red_order",
            "user": "clerk",
            "path": f"/shipping/returns/{s['return_approved'].pk}/red-order/",
            "body": {"warehouse": s["store"].pk},
        },
    ]
