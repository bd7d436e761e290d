"""A salesperson (or a manager) trying to game R-17 for commission, over the API and the pages:
their own target raised or lowered (the API, the branch page, the Excel upload); a colleague's
work plan written or their own approved; a colleague's dealer, dispute or figures read through
`?office=`, `?region=`, `?salesperson=` or the JSON and Excel formats of a report; a manager of
branch B setting branch A's salespeople's targets or explaining A's variances; status, author,
set_by and approval fields sent in a body (mass assignment); absurd numbers (month 13, year
99999, 1e20, negative, 3 decimals). Each is refused (400/403/404/409/422) and nothing changes:
the rows are compared before and after; a refused read never carries the other's markers."""

import datetime
import io
import json
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook, load_workbook
from rest_framework.test import APIClient

from approvals.models import Approval
from contracts.factories import approved_account, line, make_product, signed
from dealers import services as dealers
from dealers.models import DealerDispute, DisputeEvent
from deptreports.registry import REPORTS
from staff.choices import Role
from staff.factories import UserFactory
from staff.models import Office
from targets.models import SalesTarget, TargetExplanation
from targets.services import explanation_write, target_set
from visits.records import visit_record_create
from workplans import services as plans
from workplans.models import WorkPlan, WorkPlanVisit

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 3, 18, 10, 0, tzinfo=SH)  # a Wednesday
TODAY = NOW.date()
MODELS = (SalesTarget, TargetExplanation, WorkPlan, WorkPlanVisit, DealerDispute, DisputeEvent)
REGION_A, REGION_B = "苏南区", "苏北区"
# each salesperson's markers: their dealer's name, their contract's amount (7 × price), their
# target and the market note of their visit record
NAME = {"own": "甲经销商-本人", "peer": "乙经销商-同事", "other": "丙经销商-他店"}
PRICE = {"own": "111.11", "peer": "222.37", "other": "333.59"}
TARGET = {"own": "31415.00", "peer": "27182.00", "other": "16180.00"}
NOTE = {"own": "竞品本人甲", "peer": "竞品同事乙", "other": "竞品他店丙"}

pytestmark = pytest.mark.django_db


def markers(scope: str) -> list[str]:
    amount = Decimal(PRICE[scope]) * 7
    target = Decimal(TARGET[scope])
    return [NAME[scope], NOTE[scope], f"{amount:.2f}", f"{amount:,.2f}", f"{target:,.2f}"]


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


def rows() -> dict[str, list]:
    """Every R-17 row, field by field: compared before and after an attempt."""
    return {m.__name__: list(m.objects.order_by("pk").values()) for m in MODELS}


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def page(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


@pytest.fixture
def w(office, other_office, salesperson, other_salesperson, manager, other_manager, director):
    """Branch A (office: sales1 = own, sales2 = peer, its manager) in 苏南区, branch B
    (other_office: spb = other, its manager) in 苏北区; each salesperson a dealer with a
    contract signed this month and a visit record; the year's targets split down to their
    March; sales2's plan of this week pending, sales1's of next week a draft; a dispute of
    each dealer."""
    Office.objects.filter(pk=office.pk).update(region=REGION_A)
    Office.objects.filter(pk=other_office.pk).update(region=REGION_B)
    office.refresh_from_db()
    other_office.refresh_from_db()
    spb = UserFactory(username="spb", roles=[Role.SALESPERSON], offices=[other_office])
    executive = UserFactory(username="exec", roles=[Role.EXECUTIVE], offices=[office])
    sellers = {"own": salesperson, "peer": other_salesperson, "other": spb}
    managers = {"own": manager, "peer": manager, "other": other_manager}
    offices = {"own": office, "peer": office, "other": other_office}
    product = make_product(director, now=NOW)
    dealer = {}
    for scope, seller in sellers.items():
        dealer[scope] = approved_account(offices[scope], seller, name=NAME[scope], kind="dealer")
        signed(
            dealer[scope], seller, [line(product, "7", PRICE[scope])],
            [managers[scope], director], now=NOW,
        )  # fmt: skip
        visit_record_create(
            actor=seller, account=dealer[scope], kind="return", date=TODAY,
            competitors=NOTE[scope], price_feedback=f"电机 {NOTE[scope]}", now=NOW,
        )  # fmt: skip
    target_set(year=2026, amount=Decimal("1000000.00"), actor=director, now=NOW)
    for o in (office, other_office):
        target_set(year=2026, region=o.region, amount=Decimal("400000.00"), actor=director, now=NOW)
        target_set(year=2026, office=o, amount=Decimal("400000.00"), actor=director, now=NOW)
        target_set(
            year=2026, office=o, month=3, amount=Decimal("100000.00"), actor=director, now=NOW
        )
    target = {}
    for scope, seller in sellers.items():
        target[scope] = target_set(
            year=2026, office=offices[scope], salesperson=seller, month=3,
            amount=Decimal(TARGET[scope]), actor=managers[scope], now=NOW,
        )  # fmt: skip
    pending = plans.work_plan_create(
        office=office, actor=other_salesperson, kind="weekly", day=TODAY, now=NOW
    )
    pending = plans.work_plan_submit(plan=pending, actor=other_salesperson, now=NOW)
    draft = plans.work_plan_create(
        office=office, actor=salesperson, kind="weekly", day=TODAY + datetime.timedelta(7), now=NOW
    )
    dispute = {
        scope: dealers.dispute_record(
            actor=seller, dealer=dealer[scope], description=f"{NOTE[scope]}纠纷", now=NOW
        )
        for scope, seller in sellers.items()
    }
    return {
        "a": office, "b": other_office, "sp": salesperson, "sp2": other_salesperson, "spb": spb,
        "ma": manager, "mab": other_manager, "di": director, "ex": executive, "dealer": dealer,
        "target": target, "pending": pending, "draft": draft, "dispute": dispute,
    }  # fmt: skip


# ---------------------------------------------------------------- targets


def _own_target_body(w, amount="99999.00") -> dict:
    return {
        "year": 2026,
        "office": w["a"].pk,
        "salesperson": w["sp"].pk,
        "month": 3,
        "amount": amount,
    }


@pytest.mark.parametrize("amount", ["99999.00", "0.00"])
def test_r17_1_a_salesperson_cannot_raise_or_lower_their_own_target(w, amount):
    before = rows()
    sp = w["sp"]
    assert api(sp).post("/api/v1/targets/", _own_target_body(w, amount)).status_code == 403
    cell = f"s{sp.pk}-3"
    posted = page(sp).post("/targets/branch/", {"office": w["a"].pk, "year": 2026, cell: amount})
    assert posted.status_code == 403
    # the manager's grid, uploaded by the salesperson: refused before the file is read
    upload = page(sp).post(
        "/targets/excel/upload/", {"office": w["a"].pk, "file": _sheet([[sp.username, amount]])}
    )
    assert upload.status_code == 403
    assert page(sp).post("/targets/excel/upload/", {"file": _sheet([])}).status_code == 403
    assert rows() == before
    assert w["target"]["own"].amount == Decimal(TARGET["own"])


def _sheet(data: list[list]) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    for row in data:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return SimpleUploadedFile("targets.xlsx", out.getvalue(), content_type=kind)


def test_r17_1_a_salesperson_reads_only_their_own_target(w):
    listed = api(w["sp"]).get("/api/v1/targets/", {"year": 2026}).json()
    items = listed["results"] if isinstance(listed, dict) else listed
    assert {t["salesperson"] for t in items} == {w["sp"].pk}
    assert {t["month"] for t in items} == {3}
    for query in ({"office": w["a"].pk}, {"salesperson": w["sp2"].pk}, {"office": w["b"].pk}):
        body = api(w["sp"]).get("/api/v1/targets/", query).content.decode()
        assert TARGET["peer"] not in body and TARGET["other"] not in body
    branch = page(w["sp"]).get("/targets/branch/", {"office": w["a"].pk, "year": 2026})
    assert branch.status_code == 200
    text = branch.content.decode()
    assert "31,415.00" in text or "31415.00" in text
    assert "27,182.00" not in text and "27182.00" not in text
    assert w["sp2"].display_name not in text
    # another branch's grid is refused, its existence known (403)
    other = page(w["sp"]).get("/targets/branch/", {"office": w["b"].pk, "year": 2026})
    assert other.status_code == 403


def test_r17_1_a_manager_of_branch_b_sets_nothing_of_branch_a(w):
    before = rows()
    mab = w["mab"]
    body = {**_own_target_body(w), "amount": "1.00"}
    assert api(mab).post("/api/v1/targets/", body).status_code == 403
    cell = f"s{w['sp'].pk}-3"
    posted = page(mab).post("/targets/branch/", {"office": w["a"].pk, "year": 2026, cell: "1.00"})
    assert posted.status_code in (403, 404)
    explained = {"office": w["a"].pk, "salesperson": w["sp"].pk, "year": 2026, "month": 3}
    explained["text"] = "B 店经理代写"
    assert api(mab).post("/api/v1/target-explanations/", explained).status_code == 403
    assert page(mab).post("/targets/explain/", explained).status_code in (403, 404)
    with pytest.raises(Exception):  # noqa: B017 (the service refuses: PermissionDenied)
        explanation_write(
            office=w["a"], salesperson=w["sp"], year=2026, month=3, text="越权", actor=mab, now=NOW
        )
    assert rows() == before


def test_r17_1_a_salesperson_cannot_explain_their_own_variance(w):
    before = rows()
    body = {"office": w["a"].pk, "salesperson": w["sp"].pk, "year": 2026, "month": 3}
    body["text"] = "客户推迟"
    assert api(w["sp"]).post("/api/v1/target-explanations/", body).status_code == 403
    assert page(w["sp"]).post("/targets/explain/", body).status_code == 403
    assert rows() == before


ABSURD = [
    {"month": 13},
    {"month": 0},
    {"month": -1},
    {"year": 99999},
    {"year": 1999},
    {"amount": "1e20"},
    {"amount": "100000000000000000000"},
    {"amount": "-1.00"},
    {"amount": "1.005"},
    {"amount": "NaN"},
    {"amount": "Infinity"},
    {"amount": "一百"},
    {"amount": ""},
]


@pytest.mark.parametrize("bad", ABSURD, ids=lambda b: json.dumps(b))
def test_r17_1_absurd_numbers_are_400_and_nothing_is_saved(w, bad):
    before = rows()
    # the director's branch month and the manager's salesperson month alike
    month = {"year": 2026, "office": w["a"].pk, "month": 4, "amount": "1000.00"}
    response = api(w["di"]).post("/api/v1/targets/", {**month, **bad}, format="json")
    assert response.status_code == 400, response.content
    person = {**_own_target_body(w, "1000.00"), **bad}
    assert api(w["ma"]).post("/api/v1/targets/", person, format="json").status_code == 400
    assert rows() == before


def test_r17_1_set_by_and_set_at_sent_in_a_body_are_ignored(w):
    body = {**_own_target_body(w, "30000.00"), "set_by": w["sp"].pk, "set_at": "2020-01-01T00:00"}
    body |= {"id": 987654, "level": "department"}
    response = api(w["ma"]).post("/api/v1/targets/", body, format="json")
    assert response.status_code == 201, response.content
    row = SalesTarget.objects.get(salesperson=w["sp"], year=2026, month=3)
    assert row.set_by == w["ma"] and row.set_at == NOW and row.amount == Decimal("30000.00")
    assert not SalesTarget.objects.filter(pk=987654).exists()


def test_r17_2_written_by_sent_in_a_body_is_ignored(w):
    body = {"office": w["a"].pk, "salesperson": w["sp"].pk, "year": 2026, "month": 3}
    body |= {"text": "客户推迟签约", "written_by": w["sp"].pk, "written_at": "2020-01-01T00:00"}
    response = api(w["ma"]).post("/api/v1/target-explanations/", body, format="json")
    assert response.status_code == 201, response.content
    row = TargetExplanation.objects.get(office=w["a"], salesperson=w["sp"], year=2026, month=3)
    assert row.written_by == w["ma"] and row.written_at == NOW


# ---------------------------------------------------------------- work plans


def test_r17_3_a_colleagues_plan_is_not_there_for_a_salesperson(w):
    before = rows()
    sp, theirs = w["sp"], w["pending"]
    client = api(sp)
    assert client.get(f"/api/v1/work-plans/{theirs.pk}/").status_code == 404
    assert client.patch(f"/api/v1/work-plans/{theirs.pk}/", {"goals": "改"}).status_code == 404
    for action in ("submit", "cancel", "refresh", "lines"):
        path = f"/api/v1/work-plans/{theirs.pk}/{action}/"
        assert client.post(path, {"purpose": "代写"}).status_code == 404, action
    listed = client.get("/api/v1/work-plans/").content.decode()
    assert str(w["sp2"].pk) not in json.dumps([p["author"] for p in _items(listed)])
    pages = page(sp)
    assert pages.get(f"/work-plans/{theirs.pk}/").status_code == 404
    assert pages.post(f"/work-plans/{theirs.pk}/edit/", {"goals": "改"}).status_code == 404
    assert pages.post(f"/work-plans/{theirs.pk}/submit/").status_code == 404
    assert rows() == before


def _items(text: str) -> list[dict]:
    data = json.loads(text)
    return data["results"] if isinstance(data, dict) else data


def test_r17_3_nobody_approves_their_own_plan_nor_another_branchs(w):
    sp = w["sp"]
    plan = plans.work_plan_submit(plan=w["draft"], actor=sp, now=NOW)
    step = plan.approvals().get(state="pending")
    before = rows()
    decision = {"decision": "approve", "comment": "我自己批"}
    assert api(sp).post(f"/api/v1/approvals/{step.pk}/decide/", decision).status_code in (403, 404)
    assert page(sp).post(f"/approvals/{step.pk}/decide/", decision).status_code in (403, 404)
    assert api(w["sp2"]).post(f"/api/v1/approvals/{step.pk}/decide/", decision).status_code in (
        403,
        404,
    )
    assert api(w["mab"]).post(f"/api/v1/approvals/{step.pk}/decide/", decision).status_code in (
        403,
        404,
    )
    assert rows() == before
    assert Approval.objects.get(pk=step.pk).state == "pending"
    # the branch's manager does
    done = api(w["ma"]).post(f"/api/v1/approvals/{step.pk}/decide/", decision)
    assert done.status_code == 200
    assert WorkPlan.objects.get(pk=plan.pk).status == "approved"


def test_r17_3_status_author_late_and_dates_sent_in_a_body_are_ignored(w):
    sp = w["sp"]
    hostile = {
        "status": "approved", "author": w["sp2"].pk, "late": False, "office": w["a"].pk,
        "submitted_at": "2026-03-01T09:00:00+08:00", "approved_at": "2026-03-01T10:00:00+08:00",
        "period_start": "2026-01-05", "period_end": "2026-12-31", "created_at": "2020-01-01T00:00",
    }  # fmt: skip
    made = api(sp).post("/api/v1/work-plans/", {"kind": "monthly", **hostile}, format="json")
    assert made.status_code == 201, made.content
    plan = WorkPlan.objects.get(pk=made.json()["id"])
    assert (plan.status, plan.author, plan.submitted_at, plan.approved_at) == (
        "draft", sp, None, None,
    )  # fmt: skip
    assert (plan.period_start, plan.period_end) == (
        datetime.date(2026, 3, 1),
        datetime.date(2026, 3, 31),
    )
    assert plan.created_at == NOW
    patched = api(sp).patch(
        f"/api/v1/work-plans/{plan.pk}/", {"goals": "目标", **hostile}, format="json"
    )
    assert patched.status_code == 200, patched.content
    plan.refresh_from_db()
    assert (plan.status, plan.author, plan.goals, plan.approved_at) == ("draft", sp, "目标", None)
    assert plan.period_start == datetime.date(2026, 3, 1)
    # the page's form alike
    pages = page(sp)
    pages.post(f"/work-plans/{plan.pk}/edit/", {"target_amount": "10.00", **hostile})
    plan.refresh_from_db()
    assert (plan.status, plan.author, plan.approved_at) == ("draft", sp, None)


def test_r17_3_a_pending_plan_is_not_edited_409(w):
    sp2, plan = w["sp2"], w["pending"]
    before = rows()
    assert api(sp2).patch(f"/api/v1/work-plans/{plan.pk}/", {"goals": "改"}).status_code == 409
    assert (
        page(sp2).post(f"/work-plans/{plan.pk}/edit/", {"target_amount": "1.00"}).status_code == 409
    )
    assert rows() == before


@pytest.mark.parametrize("amount", ["1e20", "-5", "1.001", "NaN", "99999999999999"])
def test_r17_3_absurd_plan_targets_are_400(w, amount):
    plan = w["draft"]
    before = rows()
    response = api(w["sp"]).patch(f"/api/v1/work-plans/{plan.pk}/", {"target_amount": amount})
    assert response.status_code == 400, response.content
    posted = page(w["sp"]).post(f"/work-plans/{plan.pk}/edit/", {"target_amount": amount})
    assert posted.status_code == 400
    assert rows() == before


# ---------------------------------------------------------------- dealers


def test_r17_5_a_colleagues_dealer_and_its_disputes_are_not_there(w):
    sp = w["sp"]
    before = rows()
    theirs, dispute = w["dealer"]["peer"], w["dispute"]["peer"]
    pages = page(sp)
    assert pages.get(f"/dealers/{theirs.pk}/").status_code == 404
    assert pages.post(f"/dealers/{theirs.pk}/disputes/", {"description": "x"}).status_code == 404
    for move, field in (("help", "h"), ("escalate", "e"), ("settle", "s")):
        body = {f"{field}{dispute.pk}-note": "x", f"{field}{dispute.pk}-reason": "x"}
        body[f"{field}{dispute.pk}-resolution"] = "x"
        assert pages.post(f"/dealers/disputes/{dispute.pk}/{move}/", body).status_code == 404
    client = api(sp)
    assert client.get(f"/api/v1/dealer-disputes/{dispute.pk}/").status_code == 404
    for move in ("help", "escalate", "settle"):
        body = {"note": "x", "reason": "x", "resolution": "x"}
        assert client.post(f"/api/v1/dealer-disputes/{dispute.pk}/{move}/", body).status_code == 404
    made = client.post("/api/v1/dealer-disputes/", {"dealer": theirs.pk, "description": "x"})
    assert made.status_code == 400
    for query in ({}, {"dealer": theirs.pk}, {"status": "open"}):
        body = client.get("/api/v1/dealer-disputes/", query).content.decode()
        assert NOTE["peer"] not in body and NAME["peer"] not in body
    listed = pages.get("/dealers/").content.decode()
    assert NAME["own"] in listed and NAME["peer"] not in listed and NAME["other"] not in listed
    assert rows() == before


def test_r17_5_status_and_people_sent_in_a_body_are_ignored(w):
    sp = w["sp"]
    hostile = {
        "status": "settled", "recorded_by": w["ma"].pk, "settled_by": w["ma"].pk,
        "resolution": "已解决", "escalated_by": w["ma"].pk, "office": w["b"].pk,
        "recorded_at": "2020-01-01T00:00", "settled_at": "2020-01-02T00:00",
    }  # fmt: skip
    body = {"dealer": w["dealer"]["own"].pk, "description": "窜货", **hostile}
    made = api(sp).post("/api/v1/dealer-disputes/", body, format="json")
    assert made.status_code == 201, made.content
    dispute = DealerDispute.objects.get(pk=made.json()["id"])
    assert (dispute.status, dispute.recorded_by, dispute.settled_by) == ("open", sp, None)
    assert (dispute.office, dispute.resolution, dispute.recorded_at) == (w["a"], "", NOW)
    # a move with a status in its body moves only as far as the move goes
    helped = api(sp).post(
        f"/api/v1/dealer-disputes/{dispute.pk}/help/", {"note": "协调", **hostile}, format="json"
    )
    assert helped.status_code == 200
    dispute.refresh_from_db()
    assert (dispute.status, dispute.settled_by, dispute.resolution) == ("helping", None, "")


def test_r17_5_the_salesperson_never_settles_an_escalated_dispute(w):
    sp = w["sp"]
    dispute = dealers.dispute_escalate(
        dispute=w["dispute"]["own"], actor=sp, reason="需经理裁定", now=NOW
    )
    before = rows()
    body = {"resolution": "我自己了结"}
    assert api(sp).post(f"/api/v1/dealer-disputes/{dispute.pk}/settle/", body).status_code == 403
    form = {f"s{dispute.pk}-resolution": "我自己了结"}
    assert page(sp).post(f"/dealers/disputes/{dispute.pk}/settle/", form).status_code == 403
    assert rows() == before


# ---------------------------------------------------------------- the reports' figures (R-17.4)


def _text(response) -> str:
    """What the reader gets: the page, the JSON, or every cell of the Excel file."""
    if "spreadsheetml" in response.get("Content-Type", ""):
        book = load_workbook(io.BytesIO(response.content), read_only=True)
        return "\n".join(
            str(v)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for v in row
            if v is not None
        )
    return response.content.decode(errors="replace")


def _queries(w, *, peer_scope: bool) -> list[dict]:
    """The parameters a reader may try: another branch, another region, a colleague, and a
    chooser value that is not a number, each in the page, JSON and Excel formats."""
    found = []
    for query in (
        {},
        {"office": w["a"].pk},
        {"office": w["b"].pk},
        {"region": REGION_B},
        {"salesperson": w["sp2"].pk},
        {"salesperson": w["spb"].pk, "office": w["b"].pk},
        {"person": w["sp2"].pk, "owner": w["sp2"].pk, "user": w["sp2"].pk},
        {"office": f"{w['a'].pk},{w['b'].pk}"},
        {"office": [w["a"].pk, w["b"].pk]},
        {"period": "year", "date": "2026-03-18"},
    ):
        for fmt in ("", "json", "xlsx"):
            found.append({**query, **({"format": fmt} if fmt else {})})
    del peer_scope
    return found


@pytest.mark.parametrize("key", sorted(REPORTS))
def test_r17_4_a_salesperson_never_reads_a_colleagues_figures_in_any_format(w, key):
    client = page(w["sp"])
    hidden = markers("peer") + markers("other")
    leaks = []
    for query in _queries(w, peer_scope=True):
        response = client.get(f"/reports/department/{key}/", query)
        assert response.status_code in (200, 422), (query, response.status_code)
        text = _text(response)
        leaks += [(query, m) for m in hidden if m in text]
    assert leaks == []


@pytest.mark.parametrize("key", sorted(REPORTS))
def test_r17_4_a_manager_never_reads_another_branchs_figures(w, key):
    client = page(w["ma"])
    hidden = markers("other")
    leaks = []
    for query in _queries(w, peer_scope=False):
        response = client.get(f"/reports/department/{key}/", query)
        assert response.status_code in (200, 422), (query, response.status_code)
        leaks += [(query, m) for m in hidden if m in _text(response)]
    assert leaks == []
    # choosing branch B is refused by the form (422) and shows branch A's scope
    refused = client.get(f"/reports/department/{key}/", {"office": w["b"].pk})
    assert refused.status_code == 422
    refused = client.get(f"/reports/department/{key}/", {"region": REGION_B})
    assert refused.status_code == 422


def test_r17_4_roles_without_reports_are_refused_every_report(w, finance, clerk):
    for user in (finance, clerk):
        client = page(user)
        for key in sorted(REPORTS):
            for fmt in ("", "json", "xlsx"):
                query = {"format": fmt} if fmt else {}
                assert client.get(f"/reports/department/{key}/", query).status_code == 403


def test_r17_2_actuals_and_targets_pages_show_a_salesperson_only_their_own(w):
    client = page(w["sp"])
    hidden = markers("peer") + markers("other")
    leaks = []
    for query in _queries(w, peer_scope=True):
        query = {**query, "year": 2026}
        for path in ("/targets/actuals/", "/api/v1/targets/", "/api/v1/target-explanations/"):
            response = client.get(path, query)
            if response.status_code >= 400:
                continue
            leaks += [(path, query, m) for m in hidden if m in _text(response)]
    assert leaks == []


def test_r17_4_the_dashboard_is_not_a_salespersons_and_not_another_branchs(w):
    assert page(w["sp"]).get("/reports/department/dashboard/").status_code == 403
    for fmt in ("", "json"):
        query = {"office": w["b"].pk, **({"format": fmt} if fmt else {})}
        response = page(w["ma"]).get("/reports/department/dashboard/", query)
        assert response.status_code in (200, 422)
        # the manager's scope is their branch: branch B is not named, not even in the chooser
        assert w["b"].name not in _text(response)


def test_r17_3_a_plan_is_made_from_the_page_by_a_salesperson_of_the_branch_only(w):
    body = {"office": w["a"].pk, "kind": "monthly", "which": "this"}
    made = page(w["sp"]).post("/work-plans/new/", body)
    assert made.status_code == 302, made.status_code
    plan = WorkPlan.objects.get(author=w["sp"], kind="monthly")
    assert made["Location"] == f"/work-plans/{plan.pk}/"
    before = rows()
    for user in (w["ma"], w["di"], w["ex"]):
        assert page(user).post("/work-plans/new/", body).status_code == 403
    # another branch is not one of the salesperson's
    assert page(w["sp"]).post("/work-plans/new/", {**body, "office": w["b"].pk}).status_code == 404
    assert rows() == before


@pytest.mark.parametrize("digits", ["²", "١٢", "１２"])  # superscript, Arabic-Indic, full-width
def test_r17_unicode_digits_in_an_id_or_a_number_are_refused_never_a_500(w, digits):
    """str.isdigit() is True for these; int() reads only the decimal ones, and "²" none: never
    a 500."""
    before = rows()
    pages, client = page(w["ma"]), api(w["ma"])
    for path in ("/targets/branch/", "/targets/actuals/", "/targets/excel/", "/targets/explain/"):
        got = pages.get(path, {"office": digits, "year": "2026", "month": "3"})
        assert 400 <= got.status_code < 500, (path, got.status_code)
    got = pages.get("/targets/explain/", {"office": w["a"].pk, "year": 2026, "month": 3,
                                          "salesperson": digits})  # fmt: skip
    assert 400 <= got.status_code < 500
    posted = pages.post("/targets/branch/", {"office": digits, "year": "2026"})
    assert 400 <= posted.status_code < 500
    for path, param in (
        ("/api/v1/targets/", "year"),
        ("/api/v1/targets/", "office"),
        ("/api/v1/target-explanations/", "month"),
        ("/api/v1/dealer-disputes/", "dealer"),
        ("/api/v1/work-plans/", "status"),
    ):
        got = client.get(path, {param: digits})
        # int() reads Arabic-Indic and full-width digits (12: nothing found, 200); "²" is no number
        assert got.status_code == 400 if digits == "²" else got.status_code < 500, (path, param)
    for key in sorted(REPORTS):
        got = pages.get(f"/reports/department/{key}/", {"office": digits})
        assert got.status_code == 422, (key, got.status_code)
    assert rows() == before
