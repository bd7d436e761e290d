"""Targets, work plans, dealers and the department's reports in the permission matrix's world
(R-17), per scope, through the apps' services as the people of each step would do it. The
scope's salesperson (own: the persona "SP", peer: sp2, other: spb in office B) owns:

- `dealer`: an approved account of kind dealer named R17_NAME[scope], with a contract signed
  this month of 7 at R17_PRICE[scope] (its amount R17_AMOUNT[scope]: in the sales and dealer
  reports of who may read that scope) and a visit record today whose market text names the
  scope (R17_TEXT, competitors and price feedback: the market reports);
- `sales_target`: their March target, set by the branch's manager under the director's split
  (department → region → branch year → branch March), of R17_TARGET[scope];
- `target_explanation`: the branch manager's explanation of their March variance;
- `work_plan`: this week's plan, submitted (pending for the branch manager), its goals naming
  the scope; `work_plan_draft`: next week's, a draft;
- `dealer_dispute`: an open dispute of their dealer; `dealer_dispute_escalated`: one escalated
  to the branch manager;
- `work_plan_line`: a free line of the draft plan.

Offices A and B get regions (Office.region) R17_REGION. Each scope's markers (name, amount,
target, texts) are never in a response to who may not read that scope's figures: a
salesperson never reads a colleague's.
"""

import datetime
from decimal import Decimal

SCOPES = ("own", "peer", "other")
R17_REGION = {"own": "矩阵华东区", "other": "矩阵华南区"}
R17_NAME = {"own": "矩阵经销商-本人", "peer": "矩阵经销商-同事", "other": "矩阵经销商-他店"}
R17_PRICE = {"own": "123.41", "peer": "234.53", "other": "345.67"}
R17_AMOUNT = {s: Decimal(p) * 7 for s, p in R17_PRICE.items()}  # 863.87, 1641.71, 2419.69
R17_TARGET = {"own": "31415.00", "peer": "27182.00", "other": "16180.00"}
R17_TEXT = {"own": "矩阵市场-本人", "peer": "矩阵市场-同事", "other": "矩阵市场-他店"}
R17_PLAN = {"own": "矩阵计划-本人", "peer": "矩阵计划-同事", "other": "矩阵计划-他店"}
R17_DISPUTE = {"own": "矩阵纠纷-本人", "peer": "矩阵纠纷-同事", "other": "矩阵纠纷-他店"}
R17_EXPLAIN = {"own": "矩阵说明-本人", "peer": "矩阵说明-同事", "other": "矩阵说明-他店"}


def money_forms(value) -> list[str]:
    """How an amount may be written on a page, in JSON or in an Excel cell."""
    value = Decimal(value)
    return [f"{value:,.2f}", f"{value:.2f}"]


def markers(scope: str) -> list[str]:
    """Everything of a scope's salesperson that only who reads that scope may see."""
    found = [R17_NAME[scope], R17_TEXT[scope], R17_PLAN[scope], R17_DISPUTE[scope]]
    found += [R17_EXPLAIN[scope]]
    return found + money_forms(R17_AMOUNT[scope]) + money_forms(R17_TARGET[scope])


def build_r17(world, now) -> None:
    from contracts.factories import approved_account, line, signed
    from staff.models import Office
    from visits.records import visit_record_create

    users, people = world.users, world.people
    sellers = {"own": users["SP"], "peer": people["sp2"], "other": people["spb"]}
    managers = {"own": users["MA"], "peer": users["MA"], "other": people["mab"]}
    director = users["DI"]
    product = world.objects["product"]["own"]
    Office.objects.filter(pk=world.a.pk).update(region=R17_REGION["own"])
    Office.objects.filter(pk=world.b.pk).update(region=R17_REGION["other"])
    world.a.refresh_from_db()
    world.b.refresh_from_db()
    for kind in ("dealer", "dealer_contract", "dealer_record"):
        world.objects[kind] = {}
    for scope in SCOPES:
        seller, office = sellers[scope], world.office(scope)
        dealer = approved_account(office, seller, name=R17_NAME[scope], kind="dealer")
        world.objects["dealer"][scope] = dealer
        world.objects["dealer_contract"][scope] = signed(
            dealer, seller, [line(product, "7", R17_PRICE[scope])],
            [managers[scope], director], now=now,
        )  # fmt: skip
        world.objects["dealer_record"][scope] = visit_record_create(
            actor=seller, account=dealer, kind="return", date=world.today(scope),
            competitors=f"{R17_TEXT[scope]}、竞品乙", price_feedback=f"电机 {R17_TEXT[scope]}",
            quality_feedback=R17_TEXT[scope], now=now,
        )  # fmt: skip
    _targets(world, sellers, managers, director, now)
    _work_plans(world, sellers, now)
    _disputes(world, sellers, managers, now)


def _targets(world, sellers, managers, director, now) -> None:
    from targets.services import explanation_write, target_set

    year, month = now.year, now.month
    a, b = world.a, world.b
    target_set(year=year, amount=Decimal("9000000.00"), actor=director, now=now)
    for office, budget in ((a, "3000000.00"), (b, "2000000.00")):
        target_set(year=year, region=office.region, amount=Decimal(budget), actor=director, now=now)
        target_set(year=year, office=office, amount=Decimal(budget), actor=director, now=now)
        target_set(
            year=year, office=office, month=month, amount=Decimal("200000.00"), actor=director,
            now=now,
        )  # fmt: skip
    world.objects["sales_target"] = {}
    world.objects["target_explanation"] = {}
    for scope in SCOPES:
        office, seller, manager = world.office(scope), sellers[scope], managers[scope]
        world.objects["sales_target"][scope] = target_set(
            year=year, office=office, salesperson=seller, month=month,
            amount=Decimal(R17_TARGET[scope]), actor=manager, now=now,
        )  # fmt: skip
        world.objects["target_explanation"][scope] = explanation_write(
            office=office, salesperson=seller, year=year, month=month, text=R17_EXPLAIN[scope],
            actor=manager, now=now,
        )  # fmt: skip


def _work_plans(world, sellers, now) -> None:
    from workplans import services as plans

    world.objects["work_plan"] = {}
    world.objects["work_plan_draft"] = {}
    world.objects["work_plan_line"] = {}
    for scope in SCOPES:
        seller, office = sellers[scope], world.office(scope)
        today = world.today(scope)
        plan = plans.work_plan_create(
            office=office, actor=seller, kind="weekly", day=today, now=now
        )
        plans.work_plan_update(plan=plan, actor=seller, goals=R17_PLAN[scope], now=now)
        world.objects["work_plan"][scope] = plans.work_plan_submit(plan=plan, actor=seller, now=now)
        draft = plans.work_plan_create(
            office=office, actor=seller, kind="weekly", day=today + datetime.timedelta(days=7),
            now=now,
        )  # fmt: skip
        world.objects["work_plan_draft"][scope] = draft
        world.objects["work_plan_line"][scope] = plans.work_plan_line_add(
            plan=draft, actor=seller, account=None, day=None, purpose="整理客户资料", now=now
        )


def _disputes(world, sellers, managers, now) -> None:
    from dealers import services as dealers

    world.objects["dealer_dispute"] = {}
    world.objects["dealer_dispute_escalated"] = {}
    for scope in SCOPES:
        seller, dealer = sellers[scope], world.objects["dealer"][scope]
        world.objects["dealer_dispute"][scope] = dealers.dispute_record(
            actor=seller, dealer=dealer, other_dealer=None, description=R17_DISPUTE[scope],
            now=now,
        )  # fmt: skip
        escalated = dealers.dispute_record(
            actor=seller, dealer=dealer, other_dealer=None,
            description=f"{R17_DISPUTE[scope]}-升级", now=now,
        )  # fmt: skip
        world.objects["dealer_dispute_escalated"][scope] = dealers.dispute_escalate(
            dispute=escalated, actor=seller, reason="双方各执一词", now=now
        )
