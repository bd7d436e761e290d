"""Work plans, dealers' disputes, targets and their explanations (R-17, issue 20) for
tests/security/test_field_exposure.py and test_csrf.py: two dealers of user a's, two disputes
of the first (one being helped to a settlement), a's monthly work plan (a draft, with a free
task) and an account of a's graded A after it (the plan's refresh adds its visit), made once
per test through the services (found again by their names and marks); and the API requests
and page forms that write them, one per writing endpoint (mass assignment, CSRF)."""

from django.utils import timezone

from accounts.models import Account
from contracts.factories import approved_account
from dealers.models import DealerDispute
from workplans.models import WorkPlan

DEALERS = ("暴露经销商甲", "暴露经销商乙")
MARK = "R17暴露"


def r17_world(*, office, users: dict, now) -> dict:
    """The objects (made when not found)."""
    from dealers import services as dealers
    from workplans import services as plans

    a = users["a"]
    found = list(Account.objects.filter(name__in=DEALERS).order_by("name"))
    if not found:
        found = [approved_account(office, a, name=name, kind="dealer") for name in DEALERS]
        for what in ("窜货", "协调中"):
            made = dealers.dispute_record(
                actor=a, dealer=found[0], other_dealer=found[1], description=f"{MARK}-{what}",
                now=now,
            )  # fmt: skip
        dealers.dispute_help(dispute=made, actor=a, note="正在协调", now=now)  # settled next
        day = timezone.localtime(now, office.tzinfo).date()
        plan = plans.work_plan_create(office=office, actor=a, kind="monthly", day=day, now=now)
        plans.work_plan_line_add(  # a free task of a's: the line the pages remove
            plan=plan, actor=a, account=None, day=None, purpose=f"{MARK}-任务", now=now
        )
        # graded after the plan was made: falling due this month, the plan's refresh adds it
        approved_account(office, a, name="暴露到期客户", grade="A")
    return {
        "dealers": found,
        "dispute": DealerDispute.objects.get(description=f"{MARK}-窜货"),
        "helping": DealerDispute.objects.get(description=f"{MARK}-协调中"),
        "plan": WorkPlan.objects.get(author=a, kind="monthly"),
    }


def api_specs(r: dict, today, users: dict, office) -> list[dict]:
    plan, dispute = r["plan"].pk, r["dispute"].pk
    first, second = (d.pk for d in r["dealers"])

    def on(name: str, user: str, path: str, body: dict | None = None, **kw) -> dict:
        return {"name": name, "user": user, "path": f"/api/v1/{path}", "body": body or {}, **kw}

    explained = {"office": office.pk, "salesperson": users["a"].pk, "year": today.year}
    return [
        on("work-plan-list", "a", "work-plans/", {"kind": "weekly"}),
        on("work-plan-detail", "a", f"work-plans/{plan}/", {"goals": "回款三十万"},
           method="PATCH"),
        on("work-plan-lines", "a", f"work-plans/{plan}/lines/", {"purpose": "整理客户资料"}),
        on("work-plan-submit", "a", f"work-plans/{plan}/submit/"),
        on("work-plan-cancel", "a", f"work-plans/{plan}/cancel/"),
        on("work-plan-refresh", "a", f"work-plans/{plan}/refresh/"),
        on("dealer-dispute-list", "a", "dealer-disputes/",
           {"dealer": second, "other_dealer": first, "description": "价格冲突"}),
        on("dealer-dispute-help", "a", f"dealer-disputes/{dispute}/help/", {"note": "已协调"}),
        on("dealer-dispute-escalate", "a", f"dealer-disputes/{dispute}/escalate/",
           {"reason": "协调不成"}),
        on("dealer-dispute-settle", "a", f"dealer-disputes/{r['helping'].pk}/settle/",
           {"resolution": "划分区域"}),
        on("sales-target-list", "director", "targets/",
           {"year": today.year + 1, "amount": "1000000.00"}),
        on("target-explanation-list", "manager", "target-explanations/",
           {**explained, "month": today.month, "text": "大客户推迟下单"}),
    ]  # fmt: skip


def page_specs(r: dict, today) -> list[dict]:
    """The page forms of work plans and dealers' disputes."""
    plan, dispute, helping = r["plan"], r["dispute"].pk, r["helping"].pk
    line = plan.lines.get(purpose=f"{MARK}-任务").pk
    first, second = (d.pk for d in r["dealers"])
    pages = [
        ("workplans:new", "work-plans/new/", {"kind": "weekly", "which": "this"}),
        ("workplans:edit", f"work-plans/{plan.pk}/edit/",
         {"target_amount": "1000.00", "goals": "回款三十万", "actions": "拜访重点客户"}),
        ("workplans:line_add", f"work-plans/{plan.pk}/lines/", {"purpose": "整理客户资料"}),
        ("workplans:line_remove", f"work-plans/{plan.pk}/lines/{line}/remove/", {}),
        ("workplans:refresh", f"work-plans/{plan.pk}/refresh/", {}),
        ("workplans:submit", f"work-plans/{plan.pk}/submit/", {}),
        ("workplans:cancel", f"work-plans/{plan.pk}/cancel/", {}),
        ("dealers:dispute_new", f"dealers/{second}/disputes/",
         {"other_dealer": first, "description": "价格冲突"}),
        ("dealers:dispute_help", f"dealers/disputes/{dispute}/help/",
         {f"h{dispute}-note": "已协调"}),
        ("dealers:dispute_escalate", f"dealers/disputes/{dispute}/escalate/",
         {f"e{dispute}-reason": "协调不成"}),
        ("dealers:dispute_settle", f"dealers/disputes/{helping}/settle/",
         {f"s{helping}-resolution": "划分区域"}),
    ]  # fmt: skip
    return [
        {"name": name, "user": "a", "path": f"/{path}", "body": body} for name, path, body in pages
    ]
