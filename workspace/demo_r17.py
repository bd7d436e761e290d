"""The department's targets, work plans, market information and dealer disputes in the demo
(R-17), after its after-sales and expenses (workspace.demo_r16), through the apps' services as
the people of each step would do it, so that every department report shows real numbers:

- regions (Office.region): the branch 华东销售分部 in 华东区, the 售楼处 in 华南区;
- targets (R-17.1) of this year: the department's 12,000,000.00 split over the two regions
  (华东区 8,000,000.00, 华南区 2,000,000.00: 2,000,000.00 unassigned); the branch's year of
  6,000,000.00 (2,000,000.00 of 华东区 unassigned) split over its twelve months at 500,000.00,
  each month split by the branch manager over rep1 (200,000.00), rep2 (150,000.00) and rep3
  (100,000.00), 50,000.00 a month unassigned; the 售楼处's year of 1,500,000.00; the branch
  manager's explanation of last month's variance (R-17.2);
- work plans (R-17.3) of this week: rep1's, built from the visit plan, handed in last Friday and
  approved by the branch manager; rep2's handed in today, late, waiting for the manager; rep3's
  plan of the month, handed in on time, waiting too;
- visit records (R-9.7) of the last days with market information: quality, price (naming the
  products), competitors (ABB、西门子、南方泵业 …), demand and new products, and the dealers'
  stock checks, one short with its reason and remedy (the market and dealer reports);
- dealer disputes (R-17.5): 江苏恒通 against 南通金桥 over a price cut, escalated to the branch
  manager; 南通金桥's complaint about delivery times, being settled by rep3; one settled.

A second run finds this year's department target and adds nothing."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import Account
from approvals.services import approval_decide
from catalog.models import Product
from staff.models import Office
from targets.models import SalesTarget
from targets.services import explanation_write, target_set
from visits import plans as visit_plans
from visits.records import visit_record_create
from workplans import services as work_plans

HENGTONG = "江苏恒通机电设备有限公司"  # a dealer of rep1
NANTONG = "南通金桥五金机电经销部"  # a dealer of rep3
PUJIANG = "上海浦江水务工程有限公司"
SUZHOU = "苏州市政设施管理处"
WUXI = "无锡宏达建材有限公司"
CHANGZHOU = "常州市武进区公共资源交易中心"
REGIONS = {"branch": "华东区", "office": "华南区"}
SPLIT = {"rep1": Decimal("200000.00"), "rep2": Decimal("150000.00"), "rep3": Decimal("100000.00")}
# (days ago, salesperson, account, kind, quality, price, competitors, demand, new products)
RECORDS = [
    (6, "rep1", HENGTONG, "return", "Y2 电机温升偏高，客户要求出厂检测报告", "",
     "ABB、西门子", "两个项目本月需电机 60 台", ""),
    (5, "rep1", PUJIANG, "first", "", "单级离心泵报价比南方泵业高 8%，客户希望让利",
     "南方泵业；凯泉", "泵站改造预计下半年招标", "询问变频一体泵"),
    (4, "rep2", SUZHOU, "return", "上批潜水排污泵运行正常", "潜水排污泵价格可接受",
     "", "排涝泵站应急采购 20 台", ""),
    (3, "rep2", WUXI, "call", "", "法兰闸阀比本地厂家贵，需说明质量差异", "本地阀门厂、西门子",
     "新厂区配电需求明年启动", "询问智能配电柜"),
    (2, "rep3", NANTONG, "return", "蝶阀密封圈有两起渗漏反馈", "对夹蝶阀希望季度返利",
     "凯泉、ABB", "县级水厂项目月订货翻倍", ""),
    (1, "rep3", CHANGZHOU, "call", "", "", "南方泵业", "年度框架采购暂无具体项目",
     "询问安装调试服务"),
]  # fmt: skip


def _ago(now, **delta) -> datetime.datetime:
    return now - datetime.timedelta(**delta)


class Demo:
    def __init__(self, branch, office, users, now):
        self.branch, self.office, self.users, self.now = branch, office, users, now
        self.today = timezone.localtime(now, branch.tzinfo).date()
        self.accounts = {a.name: a for a in Account.objects.filter(office=branch)}

    def u(self, name: str):
        return self.users[name]

    # ------------------------------------------------------------ targets

    def targets(self) -> str:
        year, director, manager = self.today.year, self.u("director"), self.u("bmanager")

        def put(**level):
            target_set(year=year, actor=level.pop("actor", director), now=self.now, **level)

        put(amount=Decimal("12000000.00"))
        put(region=REGIONS["branch"], amount=Decimal("8000000.00"))
        put(region=REGIONS["office"], amount=Decimal("2000000.00"))
        put(office=self.branch, amount=Decimal("6000000.00"))
        put(office=self.office, amount=Decimal("1500000.00"))
        for month in range(1, 13):
            put(office=self.branch, month=month, amount=Decimal("500000.00"))
            for rep, amount in SPLIT.items():
                put(
                    office=self.branch, salesperson=self.u(rep), month=month, amount=amount,
                    actor=manager,
                )  # fmt: skip
        last = self.today.replace(day=1) - datetime.timedelta(days=1)
        explanation_write(
            office=self.branch, salesperson=self.u("rep2"), year=last.year, month=last.month,
            text="苏州市政应急采购推迟到本月签约，上月签约低于目标，本月可补回。",
            actor=manager, now=self.now,
        )  # fmt: skip
        return f"targets of {year} split over 2 regions, 12 months and 3 salespeople"

    # ------------------------------------------------------------ work plans

    def work_plans(self) -> str:
        branch, manager = self.branch, self.u("bmanager")
        monday = self.today - datetime.timedelta(days=self.today.weekday())
        last_friday = datetime.datetime.combine(
            monday - datetime.timedelta(days=3), datetime.time(16), tzinfo=branch.tzinfo
        )
        # rep1's visit plan of this week (R-9.6), handed in last Friday: the plan's lines
        rep1 = self.u("rep1")
        visits = visit_plans.plan_get_or_create(
            office=branch, salesperson=rep1, week_start=monday, now=last_friday
        )
        if not visits.lines.exists():
            for offset, name, purpose in (
                (1, HENGTONG, "催收货款并检查库存"),
                (3, PUJIANG, "送样品"),
            ):
                visit_plans.plan_line_add(
                    plan=visits, actor=rep1, account=self.accounts[name],
                    day=monday + datetime.timedelta(days=offset), purpose=purpose,
                    now=last_friday,
                )  # fmt: skip
            visit_plans.plan_submit(plan=visits, actor=rep1, now=last_friday)
        made = work_plans.work_plan_create(
            office=branch, actor=rep1, kind="weekly", day=self.today, now=last_friday
        )
        work_plans.work_plan_update(
            plan=made, actor=rep1, now=last_friday, goals="恒通本周回款 30 万；浦江送样",
            actions="周二拜访恒通核对库存，周四浦江技术交流",
        )  # fmt: skip
        made = work_plans.work_plan_submit(plan=made, actor=rep1, now=last_friday)
        step = made.approvals().get(state="pending")
        approval_decide(
            approval=step, actor=manager, decision="approve", comment="同意", now=last_friday
        )
        # rep2: this week's, handed in today (late); rep3: this month's, on time
        rep2 = self.u("rep2")
        late = work_plans.work_plan_create(
            office=branch, actor=rep2, kind="weekly", day=self.today, now=self.now
        )
        work_plans.work_plan_update(
            plan=late, actor=rep2, now=self.now, goals="苏州市政应急采购签约",
            actions="周五前完成合同评审",
        )  # fmt: skip
        work_plans.work_plan_submit(plan=late, actor=rep2, now=self.now)
        rep3, first = self.u("rep3"), self.today.replace(day=1)
        month_eve = datetime.datetime.combine(
            first - datetime.timedelta(days=1), datetime.time(9), tzinfo=branch.tzinfo
        )
        monthly = work_plans.work_plan_create(
            office=branch, actor=rep3, kind="monthly", day=self.today, now=month_eve
        )
        work_plans.work_plan_update(
            plan=monthly, actor=rep3, now=month_eve, goals="金桥月订货 10 万；武进框架入围",
            actions="每周拜访金桥，跟进县级水厂项目",
        )  # fmt: skip
        work_plans.work_plan_submit(plan=monthly, actor=rep3, now=month_eve)
        return "3 work plans (1 approved, 1 late)"

    # ------------------------------------------------------------ visit records

    def records(self) -> str:
        products = {p.code: p for p in Product.objects.filter(active=True)}
        made = 0
        for days, rep, name, kind, quality, price, rivals, demand, new in RECORDS:
            account = self.accounts[name]
            at = _ago(self.now, days=days)
            stock = []
            if account.kind == "dealer" and "DJ-Y132M4" in products:
                stock = [
                    {"product": products["DJ-Y132M4"], "quantity": "2", "note": ""},
                    {"product": products["FM-D71X50"], "quantity": "0",
                     "note": "县级水厂项目集中提货，已安排苏州前置仓调拨 50 个"},
                ]  # fmt: skip
            visit_record_create(
                actor=self.u(rep), account=account, kind=kind,
                date=timezone.localtime(at, self.branch.tzinfo).date(),
                quality_feedback=quality, price_feedback=price, competitors=rivals,
                demand=demand, new_products=new, dealer_stock=stock, now=self.now,
            )  # fmt: skip
            made += 1
        return f"{made} visit records with market information"

    # ------------------------------------------------------------ dealer disputes

    def disputes(self) -> str:
        from dealers import services as dealers

        rep1, rep3, manager = self.u("rep1"), self.u("rep3"), self.u("bmanager")
        hengtong, nantong = self.accounts[HENGTONG], self.accounts[NANTONG]
        at = _ago(self.now, days=3)
        price_cut = dealers.dispute_record(
            actor=rep1, dealer=hengtong, other_dealer=nantong, now=at,
            description="南通金桥在苏州低价窜货，恒通要求我司出面处理",
        )  # fmt: skip
        dealers.dispute_escalate(
            dispute=price_cut, actor=rep1, reason="涉及两家经销商的区域划分，需经理裁定",
            now=_ago(self.now, days=2),
        )  # fmt: skip
        delivery = dealers.dispute_record(
            actor=rep3, dealer=nantong, other_dealer=None, now=_ago(self.now, days=2),
            description="金桥抱怨上月两批货晚到三天",
        )  # fmt: skip
        dealers.dispute_help(
            dispute=delivery, actor=rep3, note="已与仓库确认发货计划，周五前答复",
            now=_ago(self.now, days=1),
        )  # fmt: skip
        settled = dealers.dispute_record(
            actor=rep1, dealer=hengtong, other_dealer=None, now=_ago(self.now, days=10),
            description="恒通对返利结算口径有异议",
        )  # fmt: skip
        dealers.dispute_help(
            dispute=settled, actor=rep1, note="核对返利明细", now=_ago(self.now, days=9)
        )
        dealers.dispute_settle(
            dispute=settled, actor=rep1, resolution="按合同口径重算，双方确认",
            now=_ago(self.now, days=8),
        )  # fmt: skip
        del manager
        return "3 dealer disputes (1 escalated, 1 being settled, 1 settled)"


@transaction.atomic
def r17_demo(branch, users, now) -> str:
    """Once: regions, this year's targets and their split, work plans, visit records with
    market information and dealer disputes (R-17)."""
    office = Office.objects.filter(code="demo").first() or branch
    for place, region in ((branch, REGIONS["branch"]), (office, REGIONS["office"])):
        if not place.region:
            Office.objects.filter(pk=place.pk).update(region=region)
            place.region = region
    year = timezone.localtime(now, branch.tzinfo).year
    department = SalesTarget.objects.filter(
        year=year, region="", office=None, salesperson=None, month=None
    )
    if department.exists():
        return "targets, work plans and dealer disputes kept"
    demo = Demo(branch, office, users, now)
    notes = [demo.targets(), demo.work_plans(), demo.records(), demo.disputes()]
    return "; ".join(notes)
