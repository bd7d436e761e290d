"""The forms of targets, work plans and dealer disputes (R-17) for
tests/security/test_form_fuzz.py, in the demo's branch (workspace.demo_r17): each form posted by
the person whose step it is, on an object in the state the step needs.

`R17_SPECS` are the arguments of test_form_fuzz.Form (name, role, url, fields, models, watch);
the strategies (text, number, …) are test_form_fuzz's, looked up when the fields are drawn.
`r17_targets` makes what the demo lacks: rep1's draft work plan of next week (with a free line)
and an open dispute of rep1's dealer."""

import datetime
import importlib
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from hypothesis import strategies as st

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def h():
    """test_form_fuzz, whose strategies the fields use (imported when they are drawn)."""
    return importlib.import_module("tests.security.test_form_fuzz")


def _sheet(rows: list[list]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _upload() -> st.SearchStrategy:
    """A grid back: real sheets with hostile cells (formulas, text, negative, huge), any bytes,
    a file that is not a workbook."""
    cell = st.one_of(
        st.just("=1+2"),
        st.just('=HYPERLINK("http://x","y")'),
        st.just(-5),
        st.just(1e20),
        st.text(max_size=20),
        st.integers(min_value=-(10**15), max_value=10**15),
    )
    sheet = st.lists(st.lists(cell, max_size=14), max_size=6).map(_sheet)
    content = st.one_of(sheet, st.binary(max_size=64), st.just(b"%PDF-1.4\n%%EOF\n"))
    name = st.sampled_from(["targets.xlsx", "x.xls", "../../t.xlsx", "", "目标.html"])
    return st.builds(lambda c, n: SimpleUploadedFile(n or "x", c, XLSX), content, name)


def _models():
    from dealers.models import DealerDispute, DisputeEvent
    from targets.models import SalesTarget, TargetExplanation
    from workplans.models import WorkPlan, WorkPlanVisit

    return {
        "target": (SalesTarget,),
        "explanation": (TargetExplanation,),
        "plan": (WorkPlan, WorkPlanVisit),
        "dispute": (DealerDispute, DisputeEvent),
    }


def _watch(model_path: str, key: str):
    def watch(t):
        module, name = model_path.rsplit(".", 1)
        return getattr(importlib.import_module(module), name), t[key]

    return watch


PLAN = "workplans.models.WorkPlan"
DISPUTE = "dealers.models.DealerDispute"


def _f(name, role, url, fields, group, watch=None):
    return (name, role, url, fields, group, watch)


def _branch(t) -> st.SearchStrategy:
    return st.just(str(t["branch"]))


def _grid(t) -> dict:
    """The branch's salespeople × months grid (R-17.1): some cells of each salesperson."""
    fields = {"office": _branch(t), "year": h().number()}
    for rep in t["r17_reps"]:
        for month in (1, 6, 12):
            fields[f"s{rep}-{month}"] = h().number()
    return fields


def _year_grid(t) -> dict:
    """The director's year: department, regions, branch years and months (R-17.1)."""
    fields = {"year": h().number(), "dept": h().number(), "r0": h().number(), "r1": h().number()}
    fields[f"y{t['branch']}"] = h().number()
    for month in (1, 11, 12):
        fields[f"m{t['branch']}-{month}"] = h().number()
    return fields


R17_SPECS = [
    # targets
    _f("targets: branch grid", "bmanager", lambda t: "/targets/branch/", _grid, "target"),
    _f("targets: year", "director", lambda t: "/targets/year/", _year_grid, "target"),
    _f("targets: upload people", "bmanager", lambda t: "/targets/excel/upload/",
       lambda t: {"office": _branch(t), "file": _upload()}, "target"),
    _f("targets: upload branches", "director", lambda t: "/targets/excel/upload/",
       lambda t: {"file": _upload()}, "target"),
    _f("targets: explain", "bmanager", lambda t: "/targets/explain/",
       lambda t: {"office": _branch(t), "year": h().number(), "month": h().number(),
                  "salesperson": h().ids(t["r17_reps"]), "text": h().text()}, "explanation"),
    # work plans
    _f("workplans: new", "rep", lambda t: "/work-plans/new/",
       lambda t: {"office": _branch(t), "kind": h().choice(["weekly", "monthly"]),
                  "which": h().choice(["this", "next"])}, "plan"),
    _f("workplans: edit", "rep", lambda t: f"/work-plans/{t['r17_plan']}/edit/",
       lambda t: {"target_amount": h().number(), "goals": h().text(), "actions": h().text()},
       "plan", _watch(PLAN, "r17_plan")),
    _f("workplans: line", "rep", lambda t: f"/work-plans/{t['r17_plan']}/lines/",
       lambda t: {"account": h().ids(t["r17_accounts"]), "day": h().date(),
                  "purpose": h().text()}, "plan", _watch(PLAN, "r17_plan")),
    _f("workplans: line remove", "rep",
       lambda t: f"/work-plans/{t['r17_plan']}/lines/{t['r17_line']}/remove/",
       lambda t: {"next": h().text()}, "plan", _watch(PLAN, "r17_plan")),
    *[
        _f(f"workplans: {action}", "rep",
           (lambda a: lambda t: f"/work-plans/{t['r17_plan']}/{a}/")(action),
           lambda t: {"next": h().text()}, "plan", _watch(PLAN, "r17_plan"))
        for action in ("refresh", "submit", "cancel")
    ],
    # dealer disputes
    _f("dealers: dispute", "rep", lambda t: f"/dealers/{t['r17_dealer']}/disputes/",
       lambda t: {"other_dealer": h().ids(t["r17_dealers"]), "description": h().text()},
       "dispute"),
    _f("dealers: help", "rep", lambda t: f"/dealers/disputes/{t['r17_open']}/help/",
       lambda t: {f"h{t['r17_open']}-note": h().text()}, "dispute", _watch(DISPUTE, "r17_open")),
    _f("dealers: escalate", "rep", lambda t: f"/dealers/disputes/{t['r17_open']}/escalate/",
       lambda t: {f"e{t['r17_open']}-reason": h().text()}, "dispute",
       _watch(DISPUTE, "r17_open")),
    _f("dealers: settle", "bmanager",
       lambda t: f"/dealers/disputes/{t['r17_escalated']}/settle/",
       lambda t: {f"s{t['r17_escalated']}-resolution": h().text()}, "dispute",
       _watch(DISPUTE, "r17_escalated")),
]  # fmt: skip


def r17_forms(form_class) -> list:
    """test_form_fuzz's Form of each spec, its tables looked up now."""
    groups = _models()
    return [
        form_class(name, role, url, fields, groups[group], watch)
        for name, role, url, fields, group, watch in R17_SPECS
    ]


def r17_targets(world: dict) -> dict:
    """The demo branch's R-17 objects (workspace.demo_r17) and rep1's draft and dispute made
    here."""
    from accounts.models import Account
    from dealers import services as dealers
    from dealers.models import DealerDispute
    from staff.models import Office, User
    from workplans import services as plans

    now = timezone.now()
    branch = Office.objects.get(code="demo-branch")
    people = {u.username: u for u in User.objects.filter(offices=branch)}
    rep = people["rep1"]
    world["users"].setdefault("rep", rep)
    world["users"].setdefault("bmanager", people["bmanager"])
    world["users"].setdefault("director", people["director"])
    today = timezone.localtime(now, branch.tzinfo).date()
    draft = plans.work_plan_create(
        office=branch, actor=rep, kind="weekly", day=today + datetime.timedelta(days=7), now=now
    )
    line = plans.work_plan_line_add(
        plan=draft, actor=rep, account=None, day=None, purpose="整理客户资料", now=now
    )
    dealer = Account.objects.get(office=branch, name="江苏恒通机电设备有限公司")
    dispute = dealers.dispute_record(actor=rep, dealer=dealer, description="窜货", now=now)
    dealer_ids = Account.objects.filter(kind="dealer").order_by("pk").values_list("pk", flat=True)
    return {
        "branch": branch.pk,
        "r17_reps": [people[r].pk for r in ("rep1", "rep2", "rep3")],
        "r17_accounts": list(Account.objects.order_by("pk").values_list("pk", flat=True)[:40]),
        "r17_dealers": list(dealer_ids),
        "r17_dealer": dealer.pk,
        "r17_plan": draft.pk,
        "r17_line": line.pk,
        "r17_open": dispute.pk,
        "r17_escalated": DealerDispute.objects.get(office=branch, status="escalated").pk,
    }
