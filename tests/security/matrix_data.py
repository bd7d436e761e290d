"""The data set of the permission matrix (issue 7, "Who may see and do what"), built once per
module inside a transaction that is rolled back at the end.

Two offices. In office A ("own office") one user per persona — the eight roles and a member
with no role at all — plus two more salespeople; in office B ("other office") a manager, a
secretary, finance and two salespeople who own B's objects. Every kind of object a URL can
name exists three times:

- `own`:   in office A and, where objects have an owner, the salesperson persona's own
           (their customer and claim, the visit they received, their diary, fine, report,
           the dispute they opened, the hold of their customer ...);
- `peer`:  in office A but someone else's (another salesperson's customer, claim, diary ...);
- `other`: in office B, someone else's.

A user's own object in an office they do not belong to cannot exist (the director belongs to
every office), so "other office × own object" has no cell. The sales department's documents
are made the same way per scope: shipping below, invoicing and receivables in
tests/security/matrix_receivables_world.py.
"""

import contextlib
import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from attribution.models import Collision
from attribution.services import claim_start, dispute_open, followup_log
from common.models import JobRun
from deals import contracts
from deals import services as deals
from deals.factories import ProjectFactory, UnitFactory
from deals.models import Refund
from leads.factories import CustomerFactory, channel, channels_restored
from notifications.services import notify
from reception.factories import roster_for
from reception.services import visit_register
from reports import meetings
from reports.choices import ReportKind
from reports.models import Fine
from reports.periodic import report_submit
from reports.periods import week_of
from reports.services import diary_submit
from staff.choices import Role
from staff.factories import OfficeFactory, UserFactory

# persona code → the role it holds (None: a member of office A without any role)
PERSONAS: dict[str, str | None] = {
    "SE": Role.SECRETARY,
    "SP": Role.SALESPERSON,
    "MA": Role.MANAGER,
    "DI": Role.DIRECTOR,
    "AS": Role.ASSISTANT,
    "FI": Role.FINANCE,
    "CL": Role.CLERK,
    "WH": Role.WAREHOUSE,
    "NR": None,
    # the sales department's own roles (second part): tested on the rows that concern them
    # (Row.second_part), the first part's rows being none of their business
    "TE": Role.TECHNICIAN,
    "EX": Role.EXECUTIVE,
    "PU": Role.PURCHASING,
}
SECOND_PART_PERSONAS = ("TE", "EX", "PU")
SCOPES = ("own", "peer", "other")
# the customers' phones, by what they are to the salesperson persona "SP"
PHONES = {
    "own": "13900000001",  # SP's customer: claim, visit, follow-up, hold
    "peer": "13900000002",  # sp2's, the same in office A
    "other": "13900000003",  # spb's, in office B
    "deal_own": "13900000004",  # SP's deal: subscription and contract
    "deal_peer": "13900000005",
    "deal_other": "13900000006",
    "disputed_a": "13900000007",  # held by sp2, disputed by SP
    "disputed_a2": "13900000008",  # held by sp3, disputed by sp2
    "disputed_b": "13900000009",  # held by spb2, disputed by spb
}
SP_OWN_PHONES = (PHONES["own"], PHONES["deal_own"])
# the market information of each scope's visit record (R-9.7)
# Chinese markers: the rendered-pages sweep reads these pages for English words
RECORD_TEXT = {
    "own": "矩阵拜访记录-本人",
    "peer": "矩阵拜访记录-同事",
    "other": "矩阵拜访记录-他店",
}


@contextlib.contextmanager
def rolled_back(django_db_blocker):
    """Everything written inside is undone at the end: the test database stays as it was
    (the claim-event table refuses DELETE, so a rollback is the only clean-up there is)."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@dataclass
class World:
    a: Any
    b: Any
    users: dict[str, Any]  # persona code → user (all in office A)
    people: dict[str, Any]  # the other actors: sp2, sp3 (A), spb, spb2, seb, mab, fib (B)
    objects: dict[str, dict[str, Any]] = field(default_factory=dict)  # kind → scope → obj
    notifications: dict[str, Any] = field(default_factory=dict)  # persona → own notification
    today_a: datetime.date | None = None
    today_b: datetime.date | None = None
    clients: dict[str, Any] = field(default_factory=dict)  # persona → logged-in test client

    def obj(self, kind: str, scope: str, persona: str | None = None):
        """The object of `kind` for a scope; `own` of a persona's notification or staff record
        is the persona's own."""
        if scope == "own" and kind == "notification" and persona:
            return self.notifications[persona]
        if scope == "own" and kind == "staff" and persona:
            return self.users[persona]
        return self.objects[kind][scope]

    def pk(self, kind: str, scope: str, persona: str | None = None) -> int:
        return self.obj(kind, scope, persona).pk

    def office(self, scope: str):
        return self.b if scope == "other" else self.a

    def today(self, scope: str) -> datetime.date:
        return self.today_b if scope == "other" else self.today_a


def _claimed(office, owner, now, phone):
    at = now - datetime.timedelta(hours=2)
    customer = CustomerFactory(office=office, registered_by=owner, registered_at=at, phone=phone)
    claim_start(household=customer.household, owner=owner, now=at, actor=owner, detail={})
    return customer


def _local_today(office, now) -> datetime.date:
    return timezone.localtime(now, office.tzinfo).date()


def _schedule(subscription, now) -> tuple[Decimal, list[dict]]:
    due = timezone.localdate(now) + datetime.timedelta(days=3)
    rest = [{"kind": "down_payment", "due_date": due, "amount": Decimal("300000.00")}]
    return subscription.deposit + Decimal("300000.00"), rest


def _deals(office, seller, customers, now, clerk_of_money, manager) -> dict[str, Any]:
    """Units, a hold per customer in `customers` (its owner's), a released hold (a refund), a
    subscription and a contract, of one office."""
    ProjectFactory(office=office, name="一期")
    out: dict[str, Any] = {"free_unit": UnitFactory(office=office)}
    holds = []
    for customer, owner in customers["hold"]:
        unit = UnitFactory(office=office)
        holds.append(deals.hold_create(unit=unit, customer=customer, actor=owner, now=now))
    out["holds"] = holds
    released = deals.hold_create(
        unit=UnitFactory(office=office), customer=customers["hold"][0][0], actor=seller, now=now
    )
    deals.hold_release(hold=released, actor=manager, now=now)  # its fee: a refund to pay
    subs = []
    for customer, owner in customers["subscribe"]:
        subs.append(
            deals.subscription_create(
                unit=UnitFactory(office=office),
                customer=customer,
                deposit=Decimal("20000.00"),
                actor=owner,
                now=now,
            )
        )
    out["subscriptions"] = subs
    total, schedule = _schedule(subs[0], now)
    out["contract"] = contracts.contract_create(
        subscription=subs[0], total_price=total, schedule=schedule, actor=clerk_of_money, now=now
    )
    return out


# seca (issue 21): each scope's accounts carry its mark in their names; a salesperson never reads
# another salesperson's account (R-9.1), anywhere
ACCOUNT_MARK = {"own": "（本人户）", "peer": "（同事户）", "other": "（他店户）"}
PRODUCT_COST = Decimal("61.37")  # shown to managers, directors, executives and finance only


def build_world() -> World:
    now = timezone.now()
    channels_restored()  # a transactional test before this one may have flushed them
    a = OfficeFactory(name="矩阵甲售楼处", code="matrix-a")
    b = OfficeFactory(name="矩阵乙售楼处", code="matrix-b")
    users = {
        code: UserFactory(username=f"m-{code.lower()}", roles=[role] if role else [], offices=[a])
        for code, role in PERSONAS.items()
    }

    def person(name, role, office):
        return UserFactory(username=f"m-{name}", roles=[role], offices=[office])

    people = {
        "sp2": person("sp2", Role.SALESPERSON, a),
        "sp3": person("sp3", Role.SALESPERSON, a),
        "spb": person("spb", Role.SALESPERSON, b),
        "spb2": person("spb2", Role.SALESPERSON, b),
        "seb": person("seb", Role.SECRETARY, b),
        "mab": person("mab", Role.MANAGER, b),
        "fib": person("fib", Role.FINANCE, b),
    }
    sp, sp2, sp3 = users["SP"], people["sp2"], people["sp3"]
    spb, spb2 = people["spb"], people["spb2"]
    world = World(a=a, b=b, users=users, people=people)
    world.today_a, world.today_b = _local_today(a, now), _local_today(b, now)

    # today's rosters: the board, the duty statuses and the roster API have something to show
    roster_for(a, world.today_a, [sp, sp2, sp3], manager=users["MA"])
    roster_for(b, world.today_b, [spb, spb2], manager=people["mab"])

    # customers, each claimed by its salesperson
    owner_of = {"own": sp, "peer": sp2, "other": spb, "deal_own": sp, "deal_peer": sp2}
    owner_of.update(deal_other=spb, disputed_a=sp2, disputed_a2=sp3, disputed_b=spb2)
    c = {
        key: _claimed(owner.offices.get(), owner, now, PHONES[key])
        for key, owner in owner_of.items()
    }
    world.objects["customer"] = {"own": c["own"], "peer": c["peer"], "other": c["other"]}
    world.objects["claim"] = {
        scope: c[scope].household.claims.get() for scope in ("own", "peer", "other")
    }

    # the visit each owner received (R-2.1 rule "owner"), registered at the desk
    desk = {"own": users["SE"], "peer": users["SE"], "other": people["seb"]}
    world.objects["visit"] = {
        scope: visit_register(
            office=c[scope].office,
            actor=desk[scope],
            phone=c[scope].phone,
            source_channel=channel(),
            now=now - datetime.timedelta(minutes=30),
        )[0]
        for scope in ("own", "peer", "other")
    }
    owners = {"own": sp, "peer": sp2, "other": spb}
    world.objects["followup"] = {
        scope: followup_log(
            customer=c[scope], author=owners[scope], kind="call", note="回访", now=now
        )
        for scope in ("own", "peer", "other")
    }

    # disputes: sp's own (they collided on sp2's customer), sp2's, and one in office B
    def disputed(customer, claimant):
        Collision.objects.create(
            office=customer.office,
            customer=customer,
            salesperson=claimant,
            claim=customer.household.claims.get(),
            at=now,
        )
        return dispute_open(customer=customer, opener=claimant, reason="我先接待的", now=now)

    world.objects["dispute"] = {
        "own": disputed(c["disputed_a"], sp),
        "peer": disputed(c["disputed_a2"], sp2),
        "other": disputed(c["disputed_b"], spb),
    }

    # units, holds, subscriptions, contracts, refunds
    deals_a = _deals(
        a,
        sp,
        {
            "hold": [(c["own"], sp), (c["peer"], sp2)],
            "subscribe": [(c["deal_own"], sp), (c["deal_peer"], sp2)],
        },
        now,
        users["FI"],
        users["MA"],
    )
    deals_b = _deals(
        b,
        spb,
        {"hold": [(c["other"], spb)], "subscribe": [(c["deal_other"], spb)]},
        now,
        people["fib"],
        people["mab"],
    )
    world.objects["unit"] = {"own": deals_a["free_unit"], "other": deals_b["free_unit"]}
    holds = {"own": deals_a["holds"][0], "peer": deals_a["holds"][1], "other": deals_b["holds"][0]}
    world.objects["hold"] = holds
    world.objects["held_unit"] = {scope: h.unit for scope, h in holds.items()}
    subs = {
        "own": deals_a["subscriptions"][0],  # contracted
        "peer": deals_a["subscriptions"][1],
        "other": deals_b["subscriptions"][0],  # contracted
    }
    world.objects["subscription"] = subs
    world.objects["subscribed_unit"] = {scope: s.unit for scope, s in subs.items()}
    world.objects["contract"] = {"own": deals_a["contract"], "other": deals_b["contract"]}
    world.objects["refund"] = {
        "own": Refund.objects.get(office=a),
        "other": Refund.objects.get(office=b),
    }

    # the work diary (R-7.1), fines (R-7.2), weekly reports (R-7.4)
    yesterday = {scope: world.today(scope) - datetime.timedelta(days=1) for scope in SCOPES}
    world.objects["diary"] = {
        scope: diary_submit(
            salesperson=owners[scope],
            office=world.office(scope),
            date=yesterday[scope],
            feedback="客户关心学区",
            problems="",
            now=now,
        )
        for scope in SCOPES
    }
    world.objects["fine"] = {
        scope: Fine.objects.create(
            office=world.office(scope),
            salesperson=owners[scope],
            date=yesterday[scope] - datetime.timedelta(days=1),
            kind="missing",
            offence_number=1,
            amount=Decimal("10.00"),
        )
        for scope in SCOPES
    }
    world.objects["report"] = {
        scope: report_submit(
            author=owners[scope],
            office=world.office(scope),
            kind=ReportKind.WEEKLY,
            period=week_of(yesterday[scope], world.office(scope)),
            summary="本周总结",
            problems="",
            plan="",
            now=now,
        )
        for scope in SCOPES
    }

    # the daily meeting's problems (R-7.3), escalated to leadership
    world.objects["problem"] = {
        "own": meetings.problem_raise(
            office=a,
            date=world.today_a,
            text="车位不够",
            raised_by=sp,
            escalate=True,
            by=users["SE"],
            now=now,
        ),
        "other": meetings.problem_raise(
            office=b,
            date=world.today_b,
            text="样板间漏水",
            raised_by=spb,
            escalate=True,
            by=people["seb"],
            now=now,
        ),
    }

    # notifications: every persona's own, and someone else's in each office
    for code, user in users.items():
        world.notifications[code] = notify(
            kind="claim_assigned", params={"customer": "周女士"}, now=now, recipient=user
        )
    world.objects["notification"] = {
        "peer": notify(kind="claim_assigned", params={}, now=now, recipient=sp2),
        "other": notify(kind="claim_assigned", params={}, now=now, recipient=spb),
    }
    # accounts of the sales department (R-9.1), each pending its manager's approval (R-9.2)
    from accounts.factories import AccountFactory
    from approvals.services import approval_submit

    world.objects["account"] = {
        scope: AccountFactory(
            office=world.office(scope), author=owners[scope], name=f"客户公司{ACCOUNT_MARK[scope]}"
        )
        for scope in SCOPES
    }
    for account in world.objects["account"].values():
        approval_submit(document=account, actor=account.author, now=now)
    world.objects["approval"] = {
        scope: account.approvals().get() for scope, account in world.objects["account"].items()
    }
    # products and stock (R-10): one product (its cost only for who may see it), a warehouse
    # per office holding some of it
    from catalog.services import product_create
    from stock.models import Warehouse
    from stock.services import stock_move

    product = product_create(
        actor=users["MA"], now=now, code="DJ-100", name="电机", unit="台",
        list_price=Decimal("100.00"), floor_price=Decimal("80.00"), cost=PRODUCT_COST,
    )  # fmt: skip
    world.objects["product"] = {"own": product}
    for office in (a, b):
        store = Warehouse.objects.create(office=office, code=f"WH-{office.pk}", name="仓库")
        stock_move(
            warehouse=store, product=product, quantity=Decimal("5"), kind="opening",
            reason="期初", actor=users["MA"], now=now,
        )  # fmt: skip
    # weekly visit plans (R-9.6): next week's plan of each salesperson, one visit, submitted
    from tests.visits.plan_fixtures import account_of, plan_with_line, submitted

    world.objects["visit_plan"] = {
        scope: submitted(
            plan_with_line(
                world.office(scope),
                owners[scope],
                account_of(
                    world.office(scope), owners[scope], name=f"计划拜访客户{ACCOUNT_MARK[scope]}"
                ),
                now=now,
            ),
            now=now,
        )
        for scope in SCOPES
    }
    world.objects["plan_line"] = {
        scope: plan.lines.get() for scope, plan in world.objects["visit_plan"].items()
    }
    # visit records (R-9.7): each scope's salesperson's visit to their account today, its
    # market information naming the scope (RECORD_TEXT: read only by who may read the record)
    from visits.records import visit_record_create

    world.objects["visit_record"] = {
        scope: visit_record_create(
            actor=owners[scope],
            account=world.objects["account"][scope],
            kind="first",
            date=world.today(scope),
            demand=RECORD_TEXT[scope],
            now=now,
        )  # fmt: skip
        for scope in SCOPES
    }
    # enquiries and quotes (R-11): an approved account of each scope's salesperson with a
    # draft enquiry asking the technical department, and a draft quote
    from quotes import services as quotes
    from quotes.services.lines import LineInput

    for scope in SCOPES:
        sold_to = AccountFactory(
            office=world.office(scope),
            author=owners[scope],
            status="approved",
            name=f"报价客户{ACCOUNT_MARK[scope]}",
        )
        enquiry = quotes.enquiry_log(
            actor=owners[scope], account=sold_to, source="来电", now=now,
            lines=[LineInput(product=product, quantity=Decimal("5"))],
            received_on=world.today(scope), deadline=world.today(scope),
        )  # fmt: skip
        world.objects.setdefault("enquiry", {})[scope] = enquiry
        world.objects.setdefault("question", {})[scope] = quotes.question_ask(
            enquiry=enquiry, actor=owners[scope], to="technician", question="参数？", now=now
        )
        world.objects.setdefault("quote", {})[scope] = quotes.quote_create(
            actor=owners[scope], account=sold_to, now=now,
            lines=[LineInput(product=product, quantity=Decimal("5"), unit_price=Decimal("100"))],
            valid_until=world.today(scope) + datetime.timedelta(days=30),
        )  # fmt: skip
    # sales contracts (R-12): each scope's salesperson's contract, signed by the branch's
    # manager and filed by a clerk of the branch with its scan
    from django.core.files.uploadedfile import SimpleUploadedFile

    from contracts.factories import line as contract_line
    from contracts.factories import signed as contract_signed
    from contracts.services import contract_file

    clerks = {"own": users["CL"], "peer": users["CL"]}
    clerks["other"] = UserFactory(username="m-clb", roles=[Role.CLERK], offices=[b])
    managers = {"own": users["MA"], "peer": users["MA"], "other": people["mab"]}
    world.objects["sales_contract"] = {}
    for scope in SCOPES:
        buyer = AccountFactory(
            office=world.office(scope), author=owners[scope], status="approved",
            name=f"合同客户{ACCOUNT_MARK[scope]}",
            credit_limit=Decimal("100000.00"),
        )  # fmt: skip
        contract = contract_signed(
            buyer, owners[scope], [contract_line(product)], [managers[scope]], now=now
        )
        scan = SimpleUploadedFile("scan.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")
        contract_file(contract=contract, actor=clerks[scope], upload=scan, now=now)
        world.objects["sales_contract"][scope] = contract
    world.objects["office"] = {"own": a, "other": b}
    world.objects["staff"] = {"peer": sp2, "other": spb}
    world.objects["jobrun"] = {"own": JobRun.objects.create(name="matrix", ran_at=now)}
    _shipping(world, product, clerks, managers, now)
    # invoicing and receivables (R-14, R-15) on each scope's contract
    from tests.security.matrix_receivables_world import build_receivables

    build_receivables(world, now)
    # after-sales, complaints, expenses, special fees, penalties, escalations (R-16, R-7.3)
    from tests.security.matrix_r16_world import build_r16

    build_r16(world, now)
    # BEGIN r17: targets, work plans, dealers, the department's reports (R-17)
    from tests.security.matrix_r17_world import build_r17

    build_r17(world, now)
    # END r17
    return world


# shipping and returns (R-13): each scope's free text, read only by who may read the document
# (the Chinese markers of RECORD_TEXT's kind); the contract's money a keeper never reads
REQUEST_NOTE = {"own": "矩阵需货-本人", "peer": "矩阵需货-同事", "other": "矩阵需货-他店"}
RETURN_REASON = {"own": "矩阵退货-本人", "peer": "矩阵退货-同事", "other": "矩阵退货-他店"}
INSPECTED_REASON = "矩阵退货-已检验"
CONTRACT_MONEY = ("100.00", "1,000.00", "1000.00")  # contract_line(product): 10 at 100.00
# a photo's first bytes are all an upload is judged by (common.uploads)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _decide_all(document, people, now):
    """Every pending step decided by the first of `people` holding its role."""
    from approvals.services import approval_decide

    document.refresh_from_db()
    while document.status == "pending":
        step = document.approvals().get(state="pending")
        decider = next((u for u in people if u.has_role(step.role)), None)
        if decider is None:
            break
        approval_decide(approval=step, actor=decider, decision="approve", comment="", now=now)
        document.refresh_from_db()
    return document


def _decide_step(document, role, person, now) -> None:
    from approvals.services import approval_decide

    step = document.approvals().get(state="pending", role=role)
    approval_decide(approval=step, actor=person, decision="approve", comment="", now=now)


def _shipping(world: World, product, clerks, managers, now) -> None:
    """Per scope, through shipping.services, on the scope's signed contract (10 motors):

    - `outbound_order`: a demand request of 4 approved, its order issued and 3 shipped (1 left,
      in the keeper's queue), with `confirmation`: 1 received, its photo filed;
    - `approved_request`: 1 more approved, waiting for its outbound order;
    - `demand_request`: 1 more, a draft;
    - `return`: 1 returned, with its return certificate, waiting for the technician's
      inspection (own, other) or for the manager's confirmation (peer: not routed to the
      technician);
    - `inspected_return` (office A): 1 more, found genuine by the technician persona, waiting
      for the director.
    """
    from django.core.files.uploadedfile import SimpleUploadedFile

    from shipping import services as shipping
    from shipping.services import LineInput as Ship
    from stock.models import Warehouse
    from stock.services import stock_move

    a, b, users, people = world.a, world.b, world.users, world.people
    people["teb"] = UserFactory(username="m-teb", roles=[Role.TECHNICIAN], offices=[b])
    people["whb"] = UserFactory(username="m-whb", roles=[Role.WAREHOUSE], offices=[b])
    keepers = {"own": users["WH"], "peer": users["WH"], "other": people["whb"]}
    sellers = {"own": users["SP"], "peer": people["sp2"], "other": people["spb"]}
    director = users["DI"]
    stores = {o.pk: Warehouse.objects.get(office=o, code=f"WH-{o.pk}") for o in (a, b)}
    for store in stores.values():  # the 5 motors of build_world, and 5 more
        stock_move(
            warehouse=store, product=product, quantity=Decimal("5"), kind="opening",
            reason="期初", actor=users["MA"], now=now,
        )  # fmt: skip
    world.objects["warehouse"] = {"own": stores[a.pk], "other": stores[b.pk]}

    def one(quantity):
        return [Ship(product=product, quantity=Decimal(quantity))]

    def approved_request(scope, quantity, note=""):
        seller = sellers[scope]
        contract = world.objects["sales_contract"][scope]
        made = shipping.request_create(
            actor=seller, contract=contract, lines=one(quantity), note=note, now=now
        )
        shipping.request_submit(request=made, actor=seller, now=now)
        return _decide_all(made, [managers[scope], director], now)

    def submitted_return(scope, reason):
        seller = sellers[scope]
        contract = world.objects["sales_contract"][scope]
        made = shipping.return_create(
            actor=seller, contract=contract, lines=one("1"), reason=reason, now=now
        )
        return shipping.return_submit(ret=made, actor=seller, now=now)

    for key in ("outbound_order", "confirmation", "approved_request", "demand_request"):
        world.objects[key] = {}
    world.objects["return"] = {}
    for scope in SCOPES:
        office = world.office(scope)
        contract = world.objects["sales_contract"][scope]
        first = approved_request(scope, "4")
        order = shipping.order_issue(
            actor=clerks[scope], demand_request=first, warehouse=stores[office.pk], now=now
        )
        shipping.order_ship(actor=keepers[scope], order=order, lines=one("3"), now=now)
        photo = SimpleUploadedFile("photo.png", PNG, content_type="image/png")
        world.objects["confirmation"][scope] = shipping.confirmation_record(
            actor=clerks[scope], order=order, signed_by="王经理", signed_on=world.today(scope),
            lines=one("1"), now=now, upload=photo,
        )  # fmt: skip
        world.objects["outbound_order"][scope] = order
        world.objects["approved_request"][scope] = approved_request(scope, "1")
        world.objects["demand_request"][scope] = shipping.request_create(
            actor=sellers[scope], contract=contract, lines=one("1"), note=REQUEST_NOTE[scope],
            now=now,
        )  # fmt: skip
        ret = submitted_return(scope, RETURN_REASON[scope])
        shipping.return_certificate(  # the customer lost the invoice: the certificate's PDF
            ret=ret, actor=sellers[scope], reason="客户发票遗失", now=now
        )
        if scope != "peer":  # the manager confirms: on to the technician of the branch
            _decide_step(ret, Role.MANAGER, managers[scope], now)
        world.objects["return"][scope] = ret
    # office A: a return the technician persona inspected (genuine: on to the director)
    inspected = submitted_return("own", INSPECTED_REASON)
    _decide_step(inspected, Role.MANAGER, users["MA"], now)
    shipping.return_inspect(ret=inspected, actor=users["TE"], genuine=True, note="", now=now)
    world.objects["inspected_return"] = {"own": inspected}
