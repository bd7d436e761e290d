"""The branch's shipping and returns in the demo (R-13): signed contracts of the branch's
salespeople, each at another step of the way from contract to goods at the customer:

- a contract signed two days ago whose demand request the branch manager and the director
  approved: it waits for the clerk's outbound order (and, a working day late, is on the list of
  late first orders);
- a contract whose outbound order was shipped in part yesterday: the rest is in the warehouse
  keeper's queue (and on the backorder list);
- a contract shipped in full eight days ago, the customer's confirmation not back yet (on the
  list of unconfirmed shipments); on it, a return of one frequency converter that the branch
  manager confirmed: it waits for the technician's inspection.

Everything goes through the services as the people would do it, and once: a contract is found
again by its delivery place, and a second run adds nothing."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from accounts.models import Account
from approvals.services import approval_decide
from catalog.models import Product
from contracts import services as contracts
from contracts.models import SalesContract
from shipping import services as shipping
from shipping.services import LineInput
from stock.models import Warehouse


@dataclass(frozen=True)
class DemoContract:
    key: str
    account: str  # the account's name (workspace.demo_sales.ACCOUNTS)
    seller: str  # username
    delivery_place: str  # how the demo finds the contract again
    lines: tuple[tuple[str, str], ...]  # (product code, quantity) at the list price
    signed_days_ago: int


CONTRACTS = [  # in the order they were signed (their numbers follow)
    DemoContract(
        "shipped", "上海浦江水务工程有限公司", "rep1", "上海市浦东新区 川沙泵站",
        (("BP-ACS510", "2"), ("DL-YJV395", "120")), 12,
    ),
    DemoContract(
        "partial", "苏州市政设施管理处", "rep2", "苏州市姑苏区 排涝泵站工地",
        (("SB-QW50", "6"), ("FM-D71X50", "20")), 5,
    ),
    DemoContract(
        "waiting", "江苏恒通机电设备有限公司", "rep1", "苏州工业园区星湖街 218 号 二号库",
        (("DJ-Y160M4", "2"), ("SB-IS80", "3")), 2,
    ),
]  # fmt: skip
RETURN_REASON = "一台变频器通电后报警，客户要求退货"


def _ago(now, **delta) -> datetime.datetime:
    return now - datetime.timedelta(**delta)


def _decide(document, people, at, *, until=None) -> None:
    """Each pending step decided by the first of `people` holding its role, at `at`; stops at
    the step of role `until`."""
    document.refresh_from_db()
    while document.status == "pending":
        step = document.approvals().get(state="pending")
        if step.role == until:
            return
        decider = next(p for p in people if p.has_role(step.role))
        approval_decide(approval=step, actor=decider, decision="approve", comment="", now=at)
        document.refresh_from_db()


def _signed(spec: DemoContract, branch, users, now) -> SalesContract:
    seller = users[spec.seller]
    account = Account.objects.get(office=branch, name=spec.account)
    created = _ago(now, days=spec.signed_days_ago, hours=4)
    by_code = {p.code: p for p in Product.objects.filter(code__in=[c for c, _q in spec.lines])}
    lines = [
        contracts.LineInput(
            product=by_code[code],
            quantity=Decimal(quantity),
            unit_price=by_code[code].prices.order_by("effective_from").first().list_price,
        )
        for code, quantity in spec.lines
    ]
    contract = contracts.contract_create(
        actor=seller, account=account, lines=lines, now=created, delivery_place=spec.delivery_place
    )
    contracts.contract_submit(contract=contract, actor=seller, now=created)
    deciders = [users["bmanager"], users["director"], users["executive"]]
    _decide(contract, deciders, _ago(now, days=spec.signed_days_ago))
    contract.refresh_from_db()
    return contract


def _approved_request(contract, seller, users, at) -> object:
    made = shipping.request_create(
        actor=seller,
        contract=contract,
        now=at,
        lines=[
            LineInput(contract_line=line, quantity=line.quantity)
            for line in contract.lines.order_by("pk")
        ],
    )
    shipping.request_submit(request=made, actor=seller, now=at)
    _decide(made, [users["bmanager"], users["director"]], at + datetime.timedelta(hours=2))
    return made


def shipping_demo(branch, users, now) -> str:
    """Once per contract (found by its delivery place): the steps above."""
    made = []
    store = Warehouse.objects.get(office=branch, code="WH-01")
    clerk, keeper = users["clerk"], users["warehouse"]
    for spec in CONTRACTS:
        if SalesContract.objects.filter(office=branch, delivery_place=spec.delivery_place).exists():
            continue
        seller = users[spec.seller]
        contract = _signed(spec, branch, users, now)
        days = spec.signed_days_ago
        request = _approved_request(contract, seller, users, _ago(now, days=days, hours=-1))
        made.append(spec.key)
        if spec.key == "waiting":
            continue
        order = shipping.order_issue(
            actor=clerk, demand_request=request, warehouse=store, now=_ago(now, days=days - 1)
        )
        lines = list(order.lines.select_related("product").order_by("pk"))
        if spec.key == "partial":  # half the pumps and every valve yesterday
            first = lines[0]
            ship = [LineInput(contract_line=first.contract_line_id, quantity=first.quantity / 2)]
            ship += [
                LineInput(contract_line=ln.contract_line_id, quantity=ln.quantity)
                for ln in lines[1:]
            ]
            shipping.order_ship(actor=keeper, order=order, lines=ship, now=_ago(now, days=1))
            continue
        shipped_at = _ago(now, days=8)
        shipping.order_ship(
            actor=keeper,
            order=order,
            now=shipped_at,
            lines=[
                LineInput(contract_line=ln.contract_line_id, quantity=ln.quantity) for ln in lines
            ],
        )
        converter = next(ln for ln in lines if ln.product.code == "BP-ACS510")
        ret = shipping.return_create(
            actor=seller,
            contract=contract,
            reason=RETURN_REASON,
            now=_ago(now, days=1),
            lines=[LineInput(contract_line=converter.contract_line_id, quantity=Decimal("1"))],
        )
        shipping.return_submit(ret=ret, actor=seller, now=_ago(now, days=1))
        _decide(ret, [users["bmanager"]], _ago(now, hours=20), until="technician")
    if not made:
        return "shipping kept"
    return (
        f"{len(made)} contracts shipping: a request waiting for its outbound order, an order "
        "shipped in part, one awaiting the customer's confirmation with a return to inspect"
    )
