"""The sales department's part of the demo (RULES.md second part): a branch with its manager,
salespeople, clerk, warehouse keeper, technician, purchasing and company leadership; accounts
of each kind and grade (most approved, one new account and one grade proposal waiting in the
branch manager's inbox); products with prices and cost, one with a price announced for next
month, one no longer sold; two warehouses with opening stock, a receipt and an adjustment.

Everything goes through the services, as the people would do it, and once: a second run finds
what it made and adds nothing (the users get new passwords, as all demo users do)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from accounts.models import Account
from accounts.rules import org_check_char, uscc_check_char
from accounts.services import account_create, account_update, grade_propose
from approvals.choices import ApprovalState
from approvals.services import approval_decide
from catalog.models import Product
from catalog.services import price_set, product_create, product_set_active
from stock.choices import MoveKind
from stock.models import StockMove, Warehouse
from stock.services import Line, stock_adjust, stock_moves, stock_receive

DEMO_BRANCH = {"code": "demo-branch", "name": "华东销售分部"}


def demo_credit_code(prefix: str, region: str, n: int) -> str:
    """A valid unified social credit code (GB 32100 with its GB 11714 organisation code):
    `prefix` 91 for a company, 11 for a government body; `region` the 6-digit area code."""
    org = f"{n:08d}"
    body = prefix + region + org + org_check_char(org)
    return body + uscc_check_char(body)


@dataclass(frozen=True)
class DemoAccount:
    name: str
    kind: str
    owner: str  # username
    region: str
    area_code: str
    address: str
    contact: tuple[str, str, str]  # name, title, phone
    grade: str = ""  # set by the branch manager once approved
    grade_reason: str = ""
    credit_limit: str = "0.00"
    approved: bool = True
    proposal: tuple[str, str] | None = None  # a grade the salesperson proposes: (grade, reason)


ACCOUNTS = [
    DemoAccount(
        "江苏恒通机电设备有限公司", "dealer", "rep1", "苏南", "320500",
        "苏州市工业园区星湖街 218 号",
        ("周建华", "采购经理", "13913572468"), "A", "年采购电机 400 台以上，本季度两个项目急需供货",
        "800000.00",
    ),
    DemoAccount(
        "上海浦江水务工程有限公司", "customer", "rep1", "上海", "310115",
        "上海市浦东新区川沙路 1688 号",
        ("陆敏", "设备部主任", "13801726354"), "B", "泵站改造有意向，预计下半年招标", "300000.00",
    ),
    DemoAccount(
        "苏州市政设施管理处", "government", "rep2", "苏南", "320500", "苏州市姑苏区人民路 1200 号",
        ("沈国强", "科长", "0512-65223301"), "A", "排涝泵站应急采购，需求大且急", "500000.00",
    ),
    DemoAccount(
        "无锡宏达建材有限公司", "customer", "rep2", "苏南", "320200", "无锡市惠山区堰新路 66 号",
        ("钱丽", "总经理助理", "13585012345"), "C", "新厂区规划中，潜在配电需求", "50000.00",
    ),
    DemoAccount(
        "南通金桥五金机电经销部", "dealer", "rep3", "苏北", "320600", "南通市崇川区工农路 88 号",
        ("顾金桥", "负责人", "13962888123"), "B", "稳定月度订货，阀门为主", "200000.00",
        proposal=("A", "新签两个县级水厂项目，月订货量翻倍，需要每三天跟进一次"),
    ),
    DemoAccount(
        "常州市武进区公共资源交易中心", "government", "rep3", "苏南", "320412",
        "常州市武进区延政中路 5 号", ("王宏", "采购科工作人员", "0519-86311234"), "C",
        "年度框架采购，暂无具体项目",
    ),
    DemoAccount(  # new this week: waiting for the branch manager's approval
        "杭州振华泵阀有限公司", "customer", "rep1", "浙江", "330110", "杭州市余杭区良渚街道 9 号",
        ("许振华", "技术总监", "13757112233"), approved=False,
    ),
]  # fmt: skip


# code, name, specification, unit, list price, floor price, cost, opening stock (tax rate 13%
# unless TAX_RATES says otherwise)
PRODUCTS = [
    ("DJ-Y132M4", "三相异步电动机", "Y2-132M-4 7.5kW", "台", "3200", "2900", "2150", "24"),
    ("DJ-Y160M4", "三相异步电动机", "Y2-160M-4 11kW", "台", "4600", "4150", "3100", "12"),
    ("SB-IS80", "单级离心泵", "IS80-65-160 50m³/h", "台", "2800", "2500", "1850", "15"),
    ("SB-QW50", "潜水排污泵", "50QW15-22-2.2", "台", "1950", "1700", "1250", "20"),
    ("FM-Z41H100", "法兰闸阀", "Z41H-16C DN100", "个", "680", "600", "420", "60"),
    ("FM-D71X50", "对夹蝶阀", "D71X-16 DN50", "个", "260", "225", "160", "150"),
    ("DL-YJV395", "电力电缆", "YJV 3×95+1×50", "米", "168.50", "152", "118", "1250.5"),
    ("BP-ACS510", "变频器", "ACS510 15kW", "台", "6800", "6100", "4700", "6"),
    ("KG-PXT800", "低压配电柜", "PXT(R) 800×1800×400", "台", "9800", "8800", "6900", "3"),
    ("ZC-6309", "深沟球轴承", "6309-2RS", "套", "85", "72", "48", "400"),
    ("FW-AZTS", "安装调试服务", "现场安装、调试、培训", "次", "1500", "1200", "600", ""),
]
TAX_RATES = {"FW-AZTS": Decimal("0.06")}  # a service, not goods
DISCONTINUED = (
    "DJ-Y112M4",
    "三相异步电动机（老型号）",
    "Y-112M-4 4kW",
    "台",
    "2600.00",
    "2300.00",
    "1800.00",
)
NEXT_MONTH_PRICE = ("DJ-Y132M4", "3350.00", "3000.00", "2200.00")  # copper went up
WAREHOUSES = [("WH-01", "华东中心仓库"), ("WH-02", "苏州前置仓")]


def _at(now: datetime.datetime, **delta) -> datetime.datetime:
    return now - datetime.timedelta(**delta)


def accounts(branch, users, now) -> str:
    """Once per branch: the accounts, approved and graded by the branch manager, one new
    account and one grade proposal left in the manager's inbox (R-9.2, R-9.3)."""
    if Account.objects.filter(office=branch).exists():
        return "the branch already has accounts, none added"
    manager = users["bmanager"]
    for n, spec in enumerate(ACCOUNTS, start=1):
        owner = users[spec.owner]
        company = spec.kind != "government"
        code = demo_credit_code("91" if company else "11", spec.area_code, 31_500_000 + n * 7)
        created = _at(now, days=40 - n) if spec.approved else _at(now, days=2, hours=3)
        name, title, phone = spec.contact
        account = account_create(
            actor=owner,
            office=branch,
            now=created,
            name=spec.name,
            credit_code=code,
            kind=spec.kind,
            region=spec.region,
            address=spec.address,
            contacts=[{"name": name, "title": title, "phone": phone, "primary": True}],
        )
        if not spec.approved:
            continue
        decided = created + datetime.timedelta(hours=20)
        step = account.approvals().get(state=ApprovalState.PENDING)
        approval_decide(approval=step, actor=manager, decision="approve", comment="", now=decided)
        if spec.grade:
            grade_propose(
                account=account,
                actor=manager,
                grade=spec.grade,
                reason=spec.grade_reason,
                now=decided,
            )
        if Decimal(spec.credit_limit):
            account_update(
                account=account,
                actor=manager,
                now=decided,
                credit_limit=Decimal(spec.credit_limit),
                last_credit_review=timezone.localtime(decided, branch.tzinfo).date(),
            )
        if spec.proposal:
            grade, reason = spec.proposal
            grade_propose(
                account=account, actor=owner, grade=grade, reason=reason, now=_at(now, hours=3)
            )
    approved = sum(1 for a in ACCOUNTS if a.approved)
    return (
        f"{len(ACCOUNTS)} accounts ({approved} approved, 1 waiting for approval), "
        "1 grade proposal waiting"
    )


def products(users, now) -> str:
    """The products missing from the catalogue, their first prices in force from today;
    a price announced for the first of next month; an old model no longer sold."""
    manager = users["bmanager"]
    made = 0
    for code, name, spec, unit, list_price, floor, cost, _stock in PRODUCTS:
        if Product.objects.filter(code__iexact=code).exists():
            continue
        product_create(
            actor=manager, now=now, code=code, name=name, specification=spec, unit=unit,
            tax_rate=TAX_RATES.get(code, Decimal("0.13")), list_price=Decimal(list_price),
            floor_price=Decimal(floor),
            cost=Decimal(cost),
        )  # fmt: skip
        made += 1
    code, name, spec, unit, list_price, floor, cost = DISCONTINUED
    if not Product.objects.filter(code__iexact=code).exists():
        old = product_create(
            actor=manager, now=now, code=code, name=name, specification=spec, unit=unit,
            list_price=Decimal(list_price), floor_price=Decimal(floor), cost=Decimal(cost),
        )  # fmt: skip
        product_set_active(product=old, active=False, actor=manager, now=now)
        made += 1
    code, list_price, floor, cost = NEXT_MONTH_PRICE
    product = Product.objects.get(code=code)
    if product.prices.count() == 1:
        today = timezone.localdate(now)
        first_of_next_month = (today.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
        price_set(
            product=product, effective_from=first_of_next_month, list_price=Decimal(list_price),
            floor_price=Decimal(floor), cost=Decimal(cost), actor=manager, now=now,
        )  # fmt: skip
    if not made:
        return f"products kept ({Product.objects.count()})"
    return f"{made} products added"


def stock(branch, users, now) -> str:
    """The branch's warehouses kept by the demo keeper; once, the opening stock a month ago,
    a receipt from a supplier two days ago and an adjustment after this morning's count."""
    keeper = users["warehouse"]
    stores = []
    for code, name in WAREHOUSES:
        store, _created = Warehouse.objects.get_or_create(
            office=branch, code=code, defaults={"name": name, "keeper": keeper}
        )
        stores.append(store)
    main, front = stores
    if StockMove.objects.filter(warehouse__office=branch).exists():
        return f"stock kept ({StockMove.objects.filter(warehouse__office=branch).count()} moves)"
    by_code = {p.code: p for p in Product.objects.filter(active=True)}
    lines = [
        Line(main, by_code[code], Decimal(quantity))
        for code, *_rest, quantity in PRODUCTS
        if quantity
    ]
    lines += [
        Line(front, by_code["SB-QW50"], Decimal("6")),
        Line(front, by_code["FM-D71X50"], Decimal("40")),
    ]
    stock_moves(
        lines=lines,
        kind=MoveKind.OPENING,
        reason="期初库存",
        actor=keeper,
        now=_at(now, days=30),
    )
    stock_receive(
        warehouse=main, product=by_code["DJ-Y132M4"], quantity=Decimal("10"),
        supplier="江苏大中电机股份有限公司", reference="DZ-2026-0417", actor=keeper,
        now=_at(now, days=2),
    )  # fmt: skip
    stock_adjust(
        warehouse=main, product=by_code["FM-Z41H100"], quantity=Decimal("-1"),
        reason="月度盘点：包装破损 1 个，报损", actor=keeper, now=_at(now, hours=3),
    )  # fmt: skip
    return f"{len(stores)} warehouses, {len(lines) + 2} stock moves"
