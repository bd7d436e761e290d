"""The branch's after-sales, complaints, expenses, special fees and penalties in the demo
(R-16), after its receivables (workspace.demo_receivables), all through the apps' services as
the people of each step would do it, in the last few days:

- after-sales requests (R-16.1) at every state: 上海浦江 (rep1) new this morning, waiting for
  the branch manager; 苏州市政 (rep2) confirmed, for the clerk to file; 无锡宏达 (rep2)
  rejected (a question of use, not a fault); 南通金桥 (rep3) filed to the technical department,
  nobody took it yet; 江苏恒通 (rep1) contacted by the technician and escalated by the branch
  manager to leadership (on the executive's list until closed); 常州武进 (rep3) resolved, for
  the clerk to tell the salesperson; 上海浦江's pump closed last week, rated 5 by the customer;
- complaints (R-16.2): 江苏恒通's major complaint on delivery (escalated at once, handled by the
  branch manager) and 苏州市政's suggestion, replied to by rep2;
- expenses (R-16.3): rep1's travel budget of this month, approved; a claim on it paid by
  finance, another (with a fuel trip log) waiting for the branch manager;
- special fees (R-16.4): rep2's promotion fee for 苏州市政, approved by the branch manager,
  waiting for the executive's form of payment;
- penalties (R-16.5): two recorded by the branch manager this week (rep3's outbound order,
  the clerk's invoice).

A second run finds the branch's after-sales requests and adds nothing."""

import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import Account
from aftersales.models import ServiceRequest
from aftersales.services import complaints, extras, requests
from approvals.services import approval_decide
from expenses.services import budgets, claims
from reports import penalties
from specialfees import services as fees

# the smallest PNG (1×1): a receipt's or a broken part's photo
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)
PUJIANG = "上海浦江水务工程有限公司"
SUZHOU = "苏州市政设施管理处"
WUXI = "无锡宏达建材有限公司"
NANTONG = "南通金桥五金机电经销部"
HENGTONG = "江苏恒通机电设备有限公司"
CHANGZHOU = "常州市武进区公共资源交易中心"


def _photo(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def _ago(now, **delta) -> datetime.datetime:
    return now - datetime.timedelta(**delta)


class Demo:
    def __init__(self, branch, users, now):
        self.branch, self.users, self.now = branch, users, now
        self.accounts = {a.name: a for a in Account.objects.filter(office=branch)}

    def u(self, name: str):
        return self.users[name]

    # ------------------------------------------------------------ after-sales

    def request(self, account: str, seller: str, problem: str, state: str, *, hours: float):
        """A request received `hours` ago and taken through the services up to `state`."""
        received = _ago(self.now, hours=hours)
        made = requests.request_create(
            actor=self.u(seller),
            account=self.accounts[account],
            problem=problem,
            received_at=received,
            now=received,
        )
        extras.photo_add(
            request=made, actor=self.u(seller), upload=_photo("现场.png"), now=received
        )
        step = received
        manager, clerk, technician = self.u("bmanager"), self.u("clerk"), self.u("technician")

        def later(minutes: int) -> datetime.datetime:
            nonlocal step
            step = min(step + datetime.timedelta(minutes=minutes), self.now)
            return step

        if state == "rejected":
            return requests.request_confirm(
                request=made, actor=manager, approve=False, now=later(40),
                reason="客户操作不当，已电话指导，非产品故障",
            )  # fmt: skip
        if state == "new":
            return made
        made = requests.request_confirm(request=made, actor=manager, approve=True, now=later(40))
        if state == "confirmed":
            return made
        made = requests.request_file(request=made, actor=clerk, now=later(30))
        if state == "filed":
            return made
        made = requests.request_contact(
            request=made, actor=technician, contacted_at=later(90), method="phone",
            note="已与客户设备科电话沟通，约定上门时间", now=step,
        )  # fmt: skip
        if state == "contacted":
            return made
        made = requests.request_result(
            request=made, actor=technician, status="已上门检查", now=later(24 * 60),
            result="更换损坏轴承并重新校准，试运行两小时正常",
        )  # fmt: skip
        if state == "resolved":
            return made
        return requests.request_close(request=made, actor=clerk, now=later(60))

    def aftersales(self) -> str:
        made = [
            self.request(PUJIANG, "rep1", "变频器报过流故障，泵站无法启动", "new", hours=2),
            self.request(SUZHOU, "rep2", "潜水排污泵运行噪声大，振动明显", "confirmed", hours=20),
            self.request(WUXI, "rep2", "新购电机温升偏高", "rejected", hours=50),
            self.request(NANTONG, "rep3", "闸阀关闭不严，有渗漏", "filed", hours=28),
            self.request(HENGTONG, "rep1", "配电柜断路器频繁跳闸", "contacted", hours=72),
            self.request(CHANGZHOU, "rep3", "离心泵出口压力不足", "resolved", hours=120),
            self.request(PUJIANG, "rep1", "电缆接头发热", "closed", hours=24 * 8),
        ]
        contacted = made[4]
        requests.request_escalate(
            request=contacted, actor=self.u("bmanager"), now=_ago(self.now, hours=30),
            reason="断路器为厂家批次问题，分部无法更换，需总部协调厂家",
        )  # fmt: skip
        closed = made[6]
        extras.rating_record(
            request=closed, actor=self.u("clerk"), score=5, now=_ago(self.now, days=6),
            comment="响应及时，处理专业",
        )  # fmt: skip
        return f"{len(made)} after-sales requests (1 escalated, 1 rated)"

    # ------------------------------------------------------------ complaints

    def complaints(self) -> str:
        manager = self.u("bmanager")
        major = complaints.complaint_create(
            actor=self.u("rep1"), account=self.accounts[HENGTONG], kind="complaint",
            text="第二批电缆延误五天到货，影响客户工期，客户要求书面说明", major=True,
            staff=[self.u("rep1"), self.u("warehouse")], now=_ago(self.now, hours=26),
        )  # fmt: skip
        complaints.complaint_assign(
            complaint=major, actor=manager, handler=manager, now=_ago(self.now, hours=25)
        )
        suggestion = complaints.complaint_create(
            actor=self.u("rep2"), account=self.accounts[SUZHOU], kind="suggestion",
            text="希望每季度安排一次设备巡检", now=_ago(self.now, days=4),
        )  # fmt: skip
        complaints.complaint_assign(
            complaint=suggestion, actor=manager, handler=self.u("rep2"),
            now=_ago(self.now, days=4, hours=-1),
        )  # fmt: skip
        complaints.complaint_reply(
            complaint=suggestion, actor=self.u("rep2"), method="visit",
            reply="已与技术部商定，下季度起每季度上门巡检一次", now=_ago(self.now, days=3),
        )  # fmt: skip
        return "2 complaints (1 major, escalated)"

    # ------------------------------------------------------------ expenses

    def _decide(self, document, person, at) -> None:
        step = document.approvals().get(state="pending")
        approval_decide(approval=step, actor=person, decision="approve", comment="", now=at)
        document.refresh_from_db()

    def expenses(self) -> str:
        rep, manager = self.u("rep1"), self.u("bmanager")
        today = timezone.localtime(self.now, self.branch.tzinfo).date()
        start = _ago(self.now, days=min(today.day - 1, 3), hours=2)
        budget = budgets.budget_create(
            actor=rep, office=self.branch, month=today, category="travel",
            purpose="走访苏南客户：恒通、浦江，含差旅与油费", amount=Decimal("800.00"), now=start,
        )  # fmt: skip
        budgets.budget_submit(budget=budget, actor=rep, now=start)
        self._decide(budget, manager, start + datetime.timedelta(hours=1))
        spent = start + datetime.timedelta(hours=2)
        paid = claims.claim_create(
            actor=rep, budget=budget, date=timezone.localtime(spent, self.branch.tzinfo).date(),
            note="苏州出差", now=spent,
            lines=[
                claims.LineInput(kind="receipt", description="高铁 上海—苏州", amount="138.00"),
                claims.LineInput(kind="meal", description="误餐", meals=2),
            ],
        )  # fmt: skip
        ticket = paid.lines.get(kind="receipt").pk
        claims.claim_add_photo(
            claim=paid, actor=rep, upload=_photo("车票.png"), line_id=ticket, now=spent
        )
        claims.claim_submit(claim=paid, actor=rep, now=spent)
        self._decide(paid, manager, spent + datetime.timedelta(hours=1))
        claims.claim_pay(
            claim=paid, actor=self.u("finance"), reference="网银 20261127-018",
            now=spent + datetime.timedelta(hours=2),
        )  # fmt: skip
        trip = claims.TripInput(
            date=today, origin="上海", destination="苏州工业园区", purpose="恒通断路器现场协调",
            km="96",
        )  # fmt: skip
        waiting = claims.claim_create(
            actor=rep, budget=budget, date=today, note="", now=self.now,
            lines=[claims.LineInput(kind="fuel", description="加油", amount="186.00",
                                    trips=[trip])],
        )  # fmt: skip
        claims.claim_add_photo(
            claim=waiting, actor=rep, upload=_photo("加油.png"), now=self.now,
            line_id=waiting.lines.get().pk,
        )  # fmt: skip
        claims.claim_submit(claim=waiting, actor=rep, now=self.now)
        return "1 budget, 2 claims (1 paid, 1 waiting for the manager)"

    # ------------------------------------------------------------ special fees

    def special_fees(self) -> str:
        rep = self.u("rep2")
        at = _ago(self.now, hours=6)
        fee = fees.special_fee_create(
            actor=rep, account=self.accounts[SUZHOU], kind="promotion",
            amount=Decimal("6000.00"), purpose="排涝泵站项目推介会场地与资料费用", now=at,
        )  # fmt: skip
        fees.special_fee_submit(fee=fee, actor=rep, now=at)
        self._decide(fee, self.u("bmanager"), at + datetime.timedelta(hours=2))
        return "1 special fee waiting for the executive's form of payment"

    # ------------------------------------------------------------ penalties

    def penalties(self) -> str:
        manager = self.u("bmanager")
        today = timezone.localtime(self.now, self.branch.tzinfo).date()
        day = max(today - datetime.timedelta(days=1), self.branch.opened_on or today)
        penalties.penalty_record(
            office=self.branch, person=self.u("rep3"), date=day, amount=Decimal("50.00"),
            rule="出库单开具错误", reason="南通金桥出库单数量与合同不符，已作废重开",
            actor=manager, now=self.now,
        )  # fmt: skip
        penalties.penalty_record(
            office=self.branch, person=self.u("clerk"), date=today, amount=Decimal("30.00"),
            rule="发票开具错误", reason="常州武进发票抬头错误，已红冲重开", actor=manager,
            now=self.now,
        )  # fmt: skip
        return "2 penalties"


def r16_demo(branch, users, now) -> str:
    """The R-16 part of the demo (see the module's docstring); once."""
    if ServiceRequest.objects.filter(office=branch).exists():
        return "after-sales, complaints, expenses, special fees and penalties kept"
    demo = Demo(branch, users, now)
    parts = [demo.aftersales(), demo.complaints(), demo.expenses(), demo.special_fees()]
    parts.append(demo.penalties())
    return "; ".join(parts)
