"""The branch's invoicing and receivables in the demo (R-14, R-15), after its shipping
(workspace.demo_shipping). Contracts signed and shipped months ago were invoiced, so that the
aging shows an amount in each bucket today:

- 南通金桥 (rep3): invoiced 235 days ago, part paid; over 180 days overdue, the rest of the
  bearings proposed for a write-off that the director approved and the executive has yet to
  decide;
- 无锡宏达 (rep2): invoiced 205 days ago (91–180 days overdue); a receipt entered against it by
  mistake and reversed; a collection request confirmed by the branch manager, waiting for
  finance's confirmation;
- 常州武进 (rep3): invoiced 105 days ago (61–90), a pump returned and credited by a red-letter
  invoice; a cheque received today, not yet signed for by finance; a question on the invoice
  for the clerk's daily check with finance;
- 江苏恒通 (rep1): one invoice 80 days ago (31–60) paid in part by an acceptance bill that
  finance signed for, another 45 days ago (overdue under 30 days) paid in part by transfer;
- 上海浦江 (rep1): an invoice 70 days ago paid in full; the contract shipped eight days ago
  invoiced last week (not due yet) and a transfer received today, not yet allocated.

Invoice requests stand in every state: on the contract shipped in part yesterday one approved
(finance issues it) and one waiting for the branch manager; on 江苏恒通's second contract one
withdrawn, one rejected and the corrected one still a draft. This morning's dunning run made the
collection notices; the statements of the last half year that has ended are made, some sent and
answered. Everything goes through the services as the people would do it, once: a second run
finds the branch's invoices and adds nothing."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from approvals.services import approval_decide
from contracts.models import SalesContract
from receivables import figures
from receivables.choices import InvoiceType, PaymentMethod, StatementStatus
from receivables.models import CollectionNotice, Invoice, InvoiceRequest, Statement
from receivables.services import collection, dunning, invoices, receipts, statements
from shipping import services as shipping
from shipping.models import ReturnRequest
from shipping.services import LineInput
from stock.models import Warehouse

from .demo_shipping import DemoContract, _approved_request, _decide, _signed

PEOPLE = ("bmanager", "director", "executive")


@dataclass(frozen=True)
class Sale:
    """A contract signed, shipped in full and invoiced in the past."""

    key: str
    account: str
    seller: str
    place: str  # the contract's delivery place: how the demo finds it again
    lines: tuple[tuple[str, str], ...]  # (product code, quantity) at the list price
    signed_days_ago: int
    invoiced_days_ago: int
    invoice_amount: str | None = None  # default: all that was shipped


SALES = [
    Sale("nantong", "南通金桥五金机电经销部", "rep3", "南通市崇川区 金桥仓库",
         (("FM-Z41H100", "20"), ("ZC-6309", "100")), 245, 235),
    Sale("wuxi", "无锡宏达建材有限公司", "rep2", "无锡市惠山区 新厂区配电房",
         (("DJ-Y160M4", "2"), ("FM-D71X50", "20")), 215, 205),
    Sale("changzhou", "常州市武进区公共资源交易中心", "rep3", "常州市武进区 城东水厂",
         (("SB-IS80", "3"), ("FM-Z41H100", "5")), 112, 105),
    Sale("hengtong_a", "江苏恒通机电设备有限公司", "rep1", "苏州工业园区 恒通一号库",
         (("DJ-Y160M4", "3"), ("KG-PXT800", "1")), 88, 80),
    Sale("pujiang_old", "上海浦江水务工程有限公司", "rep1", "上海市浦东新区 张江泵站",
         (("ZC-6309", "50"), ("FM-Z41H100", "5")), 78, 70),
    Sale("hengtong_b", "江苏恒通机电设备有限公司", "rep1", "苏州工业园区 恒通二号库",
         (("ZC-6309", "200"), ("DL-YJV395", "300")), 52, 45, "55000.00"),
]  # fmt: skip
# the demo_shipping contracts invoiced here: found by their delivery places
SHIPPED = "上海市浦东新区 川沙泵站"  # shipped in full eight days ago
PARTIAL = "苏州市姑苏区 排涝泵站工地"  # shipped in part yesterday
BUYER_ADDRESS = "苏州市工业园区星湖街 218 号 0512-62886688"
BUYER_BANK = "中国工商银行苏州工业园区支行 1102020109000123456"


def _ago(now, **delta) -> datetime.datetime:
    return now - datetime.timedelta(**delta)


def _day(branch, at) -> datetime.date:
    return timezone.localtime(at, branch.tzinfo).date()


class Demo:
    """The branch, its people and a counter for the tax authority's invoice numbers."""

    def __init__(self, branch, users, now):
        self.branch, self.users, self.now = branch, users, now
        self.finance = users["finance"]
        self.serial = 0

    def number(self) -> str:
        self.serial += 1
        return f"3201{self.serial:04d}"

    def contract(self, sale: Sale) -> SalesContract:
        """Signed, its demand request approved, shipped in full from the central warehouse."""
        spec = DemoContract(
            sale.key, sale.account, sale.seller, sale.place, sale.lines, sale.signed_days_ago
        )
        contract = _signed(spec, self.branch, self.users, self.now)
        days = sale.signed_days_ago
        seller = self.users[sale.seller]
        request = _approved_request(contract, seller, self.users, _ago(self.now, days=days - 1))
        store = Warehouse.objects.get(office=self.branch, code="WH-01")
        order = shipping.order_issue(
            actor=self.users["clerk"],
            demand_request=request,
            warehouse=store,
            now=_ago(self.now, days=days - 2),
        )
        everything = [
            LineInput(contract_line=ln.contract_line_id, quantity=ln.quantity)
            for ln in order.lines.order_by("pk")
        ]
        shipped = _ago(self.now, days=days - 3)
        shipping.order_ship(
            actor=self.users["warehouse"], order=order, now=shipped, lines=everything
        )
        # the customer's confirmation came back two days later
        contact = contract.account.contacts.order_by("-primary", "pk").first()
        shipping.confirmation_record(
            actor=self.users["clerk"], order=order, signed_by=contact.name, lines=everything,
            signed_on=_day(self.branch, shipped + datetime.timedelta(days=1)),
            now=shipped + datetime.timedelta(days=2),
        )  # fmt: skip
        contract.refresh_from_db()
        return contract

    def request(self, contract, amount, at, *, upto="approved", **details) -> InvoiceRequest:
        """The salesperson's request, left a draft, submitted (pending), or approved by the
        branch manager 20 hours later."""
        seller = contract.account.owner
        made = invoices.invoice_request_create(
            actor=seller,
            contract=contract,
            invoice_type=details.pop("invoice_type", InvoiceType.ORDINARY),
            amount=Decimal(amount),
            now=at,
            **details,
        )
        if upto == "draft":
            return made
        invoices.invoice_request_submit(request=made, actor=seller, now=at)
        if upto == "approved":
            _decide(made, [self.users[p] for p in PEOPLE], at + datetime.timedelta(hours=20))
        made.refresh_from_db()
        return made

    def invoice(self, contract, days_ago: int, amount=None) -> Invoice:
        """Asked for two days before, approved, issued by finance `days_ago` days ago."""
        at = _ago(self.now, days=days_ago)
        if amount is None:
            amount = figures.invoiceable(contract)
        request = self.request(contract, amount, _ago(at, days=2))
        return invoices.invoice_issue(
            actor=self.finance,
            request=request,
            number=self.number(),
            date=_day(self.branch, at),
            now=at,
        )

    def receive(self, account, amount, days_ago, *, method=PaymentMethod.TRANSFER, **more):
        at = _ago(self.now, days=days_ago)
        return receipts.receipt_record(
            actor=self.finance,
            account=account,
            amount=Decimal(amount),
            method=method,
            date=_day(self.branch, at),
            now=at,
            **more,
        )


def _credited_return(demo: Demo, contract, invoice) -> None:
    """R-13.5, R-14.3: a pump of the contract returned (manager, technician, director), the
    red outbound order received back, and its red-letter invoice."""
    seller, users = contract.account.owner, demo.users
    pump = contract.lines.get(product__code="SB-IS80")
    at = _ago(demo.now, days=100)
    ret = shipping.return_create(
        actor=seller, contract=contract, reason="一台水泵运行噪音超标，现场无法排除，客户要求退货",
        lines=[LineInput(contract_line=pump.pk, quantity=Decimal("1"))], now=at,
    )  # fmt: skip
    shipping.return_submit(ret=ret, actor=seller, now=at)
    _decide(ret, [users["bmanager"]], at + datetime.timedelta(hours=3), until="technician")
    shipping.return_inspect(
        ret=ret, actor=users["technician"], genuine=True, note="", now=_ago(demo.now, days=99)
    )
    _decide(ret, [users["director"]], _ago(demo.now, days=98))
    store = Warehouse.objects.get(office=demo.branch, code="WH-01")
    red_order = shipping.red_order_issue(
        actor=users["clerk"], return_request=ret, warehouse=store, now=_ago(demo.now, days=97)
    )
    shipping.order_ship(
        actor=users["warehouse"], order=red_order, now=_ago(demo.now, days=96),
        lines=[LineInput(contract_line=pump.pk, quantity=Decimal("1"))],
    )  # fmt: skip
    at = _ago(demo.now, days=95)
    invoices.invoice_red(
        actor=demo.finance, invoice=invoice, amount=figures.to_credit(contract),
        number=demo.number(), date=_day(demo.branch, at), now=at,
        reason="退货一台单级离心泵", return_request=ret,
    )  # fmt: skip


def _history(demo: Demo) -> dict[str, Invoice]:
    """The past contracts, their invoices, payments, return and write-off."""
    made = {}
    for sale in SALES:
        contract = demo.contract(sale)
        made[sale.key] = demo.invoice(contract, sale.invoiced_days_ago, sale.invoice_amount)
        if sale.key == "changzhou":  # a pump came back ten days later
            _credited_return(demo, contract, made[sale.key])
    users, now = demo.users, demo.now
    # 南通金桥: paid in part; the rest of the bearings proposed for a write-off
    nantong = made["nantong"]
    demo.receive(nantong.account, "12000.00", 190, reference="南通金桥 网银")
    write_off = receipts.write_off_create(
        actor=demo.finance, invoice=nantong, amount=Decimal("2100.00"), now=_ago(now, days=6),
        reason="经销部经营困难，多次催收后同意核销轴承尾款，其余欠款继续催收",
    )  # fmt: skip
    receipts.write_off_submit(write_off=write_off, actor=demo.finance, now=_ago(now, days=6))
    _decide(write_off, [users["director"]], _ago(now, days=5), until="executive")
    # 常州武进: a question on the invoice for the clerk's daily check with finance
    changzhou = made["changzhou"]
    invoices.invoice_query(
        actor=users["clerk"], invoice=changzhou, now=_ago(now, hours=5),
        question="客户来电称红字发票尚未收到，请财务确认寄出日期",
    )  # fmt: skip
    # 江苏恒通: an acceptance bill handed to finance and signed for the same day
    hengtong = made["hengtong_a"]
    at = _ago(now, days=40)
    bill = collection.handover_record(
        actor=users["rep1"], account=hengtong.account, kind=PaymentMethod.ACCEPTANCE_BILL,
        amount=Decimal("10000.00"), instrument_number="31300051-2026-00418", now=at,
    )  # fmt: skip
    collection.handover_sign(
        actor=demo.finance, handover=bill, now=at + datetime.timedelta(hours=3)
    )
    demo.receive(
        hengtong.account, "10000.00", 40, method=PaymentMethod.ACCEPTANCE_BILL, handover=bill
    )
    # 上海浦江: the older invoice paid in full; signed for on delivery
    old = made["pujiang_old"]
    demo.receive(old.account, str(old.amount), 35, reference="浦江水务 网银")
    invoices.invoice_sign(
        actor=users["rep1"], invoice=old, signed_by="陆敏", now=_ago(now, days=68),
        signed_on=_day(demo.branch, _ago(now, days=68)),
    )  # fmt: skip
    # 江苏恒通's second invoice: a transfer set against it, as the customer's remittance says
    later = made["hengtong_b"]
    demo.receive(
        later.account, "30000.00", 10, reference="恒通 网银 二号库货款",
        allocations=[receipts.AllocationInput(invoice=later, amount=Decimal("30000.00"))],
    )  # fmt: skip
    # 无锡宏达: a transfer of another customer entered against it, reversed the next day
    wuxi = made["wuxi"]
    wrong = demo.receive(wuxi.account, "8000.00", 3, reference="网银 误记")
    receipts.receipt_reverse(
        actor=demo.finance, receipt=wrong, now=_ago(now, days=2),
        reason="银行回单户名看错：这笔是无锡宏达电器的货款，不是无锡宏达建材的",
    )  # fmt: skip
    return made


def _this_week(demo: Demo, made: dict[str, Invoice]) -> None:
    """The requests of every state, today's money and what waits for someone."""
    users, now, branch = demo.users, demo.now, demo.branch
    shipped = SalesContract.objects.get(office=branch, delivery_place=SHIPPED)
    demo.invoice(shipped, 7)
    demo.receive(shipped.account, "20000.00", 0, reference="浦江水务 网银", allocations=[])
    partial = SalesContract.objects.get(office=branch, delivery_place=PARTIAL)
    pumps = partial.lines.get(product__code="SB-QW50").amount
    half = (pumps / 2).quantize(Decimal("0.01"))  # half the pumps shipped yesterday
    demo.request(partial, half, _ago(now, hours=20))  # approved: finance issues it
    rest = figures.invoiceable(partial)
    demo.request(partial, rest, _ago(now, hours=2), upto="pending")  # the manager's inbox
    # 江苏恒通's second contract: the rest asked for, withdrawn, rejected, then drafted again
    rest_of = made["hengtong_b"].contract
    rest = figures.invoiceable(rest_of)
    seller = users["rep1"]
    first = demo.request(rest_of, rest, _ago(now, days=6), upto="draft")
    invoices.invoice_request_cancel(request=first, actor=seller, now=_ago(now, days=5))
    special = {
        "invoice_type": InvoiceType.VAT_SPECIAL,
        "buyer_address_phone": BUYER_ADDRESS,
        "buyer_bank_account": "中国工商银行苏州分行 1102020109000999999",
        "note": "客户要求开增值税专用发票",
    }
    rejected = demo.request(rest_of, rest, _ago(now, days=4), upto="pending", **special)
    step = rejected.approvals().get(state="pending")
    approval_decide(
        approval=step, actor=users["bmanager"], decision="reject", now=_ago(now, days=3),
        comment="开户行账号与客户开票资料不符，请核对后重新提交",
    )  # fmt: skip
    demo.request(
        rest_of, rest, _ago(now, hours=26), upto="draft",
        **{**special, "buyer_bank_account": BUYER_BANK},
    )  # fmt: skip
    # 无锡宏达: the collection request the manager confirmed; finance confirms next
    wuxi = made["wuxi"].account
    request = collection.collection_request_create(
        actor=users["rep2"], account=wuxi, expected_amount=Decimal("14400.00"),
        method=PaymentMethod.TRANSFER, now=_ago(now, hours=28),
        expected_date=_day(branch, now) + datetime.timedelta(days=5),
        note="客户财务答应下周一付清泵和阀门的货款",
    )  # fmt: skip
    collection.collection_request_submit(
        request=request, actor=users["rep2"], now=_ago(now, hours=28)
    )
    _decide(request, [users["bmanager"]], _ago(now, hours=22), until="finance")
    # 常州武进: a cheque received this morning, to hand to finance today
    collection.handover_record(
        actor=users["rep3"], account=made["changzhou"].account, kind=PaymentMethod.CHEQUE,
        amount=Decimal("9000.00"), instrument_number="10203345", now=_ago(now, hours=2),
        note="交易中心财务科当面交付",
    )  # fmt: skip


def _notices_and_statements(demo: Demo) -> str:
    """This morning's dunning run (one notice signed for), and the last half year's
    statements: two of them sent, one signed back as agreed and one disputed."""
    users, now, branch = demo.users, demo.now, demo.branch
    made = dunning.dunning_run(now=now)
    notice = CollectionNotice.objects.filter(salesperson=users["rep1"]).order_by("pk").first()
    if notice is not None:
        dunning.notice_sign(notice=notice, actor=users["rep1"], now=now)
    period = statements.last_ended_period(_day(branch, now))
    run = statements.statement_run_start(actor=demo.finance, office=branch, period=period, now=now)
    statements.statements_generate(run_id=run.pk, now=now)
    sent = list(
        Statement.objects.filter(office=branch, period=period, status=StatementStatus.DRAFT)
        .select_related("account")
        .order_by("account__name")[:2]
    )
    for n, statement in enumerate(sent):
        owner = statement.account.owner
        statements.statement_send(statement=statement, actor=owner, now=now)
        differences = [
            statements.DifferenceInput(
                item="五月网银付款",
                amount=Decimal("-5000.00"),
                note="客户称五月已付 5,000 元，待财务查银行流水",
            )  # fmt: skip
        ]
        statements.statement_answer(
            statement=statement, actor=owner, now=now, agreed=n == 0,
            differences=None if n == 0 else differences,
        )  # fmt: skip
    total = Statement.objects.filter(office=branch, period=period).count()
    return f"{made} collection notices, {total} statements of {period}"


def receivables_demo(branch, users, now) -> str:
    """Once per branch (it has invoices already: kept)."""
    if Invoice.objects.filter(office=branch).exists():
        return "receivables kept"
    demo = Demo(branch, users, now)
    made = _history(demo)
    _this_week(demo, made)
    told = _notices_and_statements(demo)
    requests = InvoiceRequest.objects.filter(office=branch).count()
    invoices_made = Invoice.objects.filter(office=branch).count()
    returns = ReturnRequest.objects.filter(office=branch).count()
    return (
        f"{invoices_made} invoices from {requests} invoice requests ({returns} returns), "
        f"receipts, a reversal, a write-off and a collection request waiting; {told}"
    )
