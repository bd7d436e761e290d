"""The visit-plan pages (R-9.6, R-9.7) as their users use them: the salesperson's plan of next
week (one tap from the accounts falling due, submit), this week's plan with what became of each
visit, the manager's list and review. Bad input and the abuse a salesperson or a manager of
another branch would try: a clear 400 / 403 / 404 / 409 on the page, nothing saved."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from notifications.models import Notification
from staff.choices import Role
from staff.factories import UserFactory
from tests.visits.plan_fixtures import account_of, plan_with_line, submitted, visited
from visits import plans
from visits.models import PlannedVisit, VisitPlan

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 3, 4, 10, 0, tzinfo=SH)  # a Wednesday morning in the branch
NEXT = datetime.date(2026, 3, 9)
THIS = datetime.date(2026, 3, 2)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response) -> str:
    return response.content.decode()


def saved():
    return (
        list(VisitPlan.objects.order_by("pk").values()),
        list(PlannedVisit.objects.order_by("pk").values()),
    )


@pytest.fixture
def account(office, salesperson):
    return account_of(office, salesperson, name="宏达建材", grade="A")


@pytest.fixture
def sp(salesperson):
    return client_of(salesperson)


@pytest.fixture
def boss(manager):
    return client_of(manager)


# ---------------------------------------------------------------- the salesperson's plan


def test_one_tap_plans_a_due_account_and_the_plan_is_submitted(sp, office, salesperson, account):
    """R-9.6: the page lists the accounts falling due; one tap plans one on its due day
    (moved into the week); submitting records the time, on time before Saturday noon."""
    visited(account, datetime.date(2026, 3, 10) - datetime.timedelta(days=3))  # due Tue 10th
    page = sp.get("/visits/plan/")
    assert page.status_code == 200
    body = text(page)
    assert "宏达建材" in body and "3月10日 星期二 到期" in body
    assert "请在 3月7日 星期六 12:00 前提交。" in body
    assert not VisitPlan.objects.exists()  # reading makes nothing

    response = sp.post(
        "/visits/plan/lines/",
        {"office": office.pk, "account": account.pk, "day": "2026-03-10"},
    )
    assert response.status_code == 302
    plan = VisitPlan.objects.get()
    assert response["Location"] == f"/visits/plan/?office={office.pk}&week=2026-03-09"
    assert (plan.week_start, plan.salesperson, plan.status) == (NEXT, salesperson, "draft")
    assert [(line.account, line.day) for line in plan.lines.all()] == [
        (account, datetime.date(2026, 3, 10))
    ]
    page = text(sp.get(response["Location"]))
    assert "本周到期的客户都已列入计划。" in page
    assert "提交计划" in page

    response = sp.post(f"/visits/plans/{plan.pk}/submit/")
    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.status, plan.submitted_at, plan.late) == ("submitted", NOW, False)
    page = text(sp.get(response["Location"]))
    assert "计划已提交给经理。" in page and "等待经理确认" in page
    assert "加入计划" not in page  # nothing to add once submitted


def test_a_submission_after_the_deadline_is_marked_late(sp, office, salesperson, account, clock):
    plan = plan_with_line(office, salesperson, account, now=NOW)
    clock.move_to(datetime.datetime(2026, 3, 7, 12, 1, tzinfo=SH))
    page = text(sp.get("/visits/plan/"))
    assert "已过提交截止时间（3月7日 星期六 12:00），提交后将记为逾期。" in page
    response = sp.post(f"/visits/plans/{plan.pk}/submit/", follow=True)
    assert "已过截止时间提交，计划记为逾期。" in text(response)
    plan.refresh_from_db()
    assert plan.late


@pytest.mark.parametrize(
    ("moment", "week", "day"),
    [
        (datetime.datetime(2026, 3, 8, 23, 59, tzinfo=SH), NEXT, "2026-03-10"),  # Sunday night
        (datetime.datetime(2026, 3, 9, 0, 30, tzinfo=SH), datetime.date(2026, 3, 16), "2026-03-17"),
    ],
)
def test_next_week_turns_at_midnight_in_the_branch(sp, office, account, clock, moment, week, day):
    """R-9.6: at 23:59 on Sunday the plan is for tomorrow's week; half an hour later (still
    Sunday in UTC) it is for the week after, and tomorrow's days are refused."""
    clock.move_to(moment)
    body = {"office": office.pk, "account": account.pk, "day": day}
    assert sp.post("/visits/plan/lines/", body).status_code == 302
    assert VisitPlan.objects.get().week_start == week
    assert f"{week.month}月{week.day}日 星期一 至" in text(sp.get("/visits/plan/"))
    if week != NEXT:
        stale = {**body, "day": "2026-03-10"}
        assert sp.post("/visits/plan/lines/", stale).status_code == 400
        assert VisitPlan.objects.get().lines.count() == 1


@pytest.mark.parametrize(
    ("day", "message"),
    [
        ("2026-03-08", "请选择计划周内的日期（2026-03-09 至 2026-03-15）。"),  # the Sunday before
        ("2026-03-16", "请选择计划周内的日期（2026-03-09 至 2026-03-15）。"),
        ("2026-02-30", "请输入有效的日期。"),
        ("", "该字段是必填项。"),
    ],
)
def test_a_day_outside_the_week_is_a_400(sp, office, account, day, message):
    response = sp.post(
        "/visits/plan/lines/", {"office": office.pk, "account": account.pk, "day": day}
    )
    assert response.status_code == 400
    assert message in text(response)
    assert saved() == ([], [])


def test_a_colleagues_account_is_a_400(sp, office, other_salesperson):
    """Abuse: planning a colleague's account (its id typed into the form)."""
    theirs = account_of(office, other_salesperson, name="同事的客户")
    response = sp.post(
        "/visits/plan/lines/", {"office": office.pk, "account": theirs.pk, "day": "2026-03-10"}
    )
    assert response.status_code == 400
    assert "请选择该计划销售员名下的客户。" in text(response)
    assert saved() == ([], [])


def test_an_unapproved_account_is_a_400(sp, office, salesperson):
    pending = account_of(office, salesperson, status="pending")
    response = sp.post(
        "/visits/plan/lines/", {"office": office.pk, "account": pending.pk, "day": "2026-03-10"}
    )
    assert response.status_code == 400
    assert saved() == ([], [])


def test_another_branch_is_a_404(sp, other_office, account):
    response = sp.post(
        "/visits/plan/lines/",
        {"office": other_office.pk, "account": account.pk, "day": "2026-03-10"},
    )
    assert response.status_code == 404
    assert sp.get(f"/visits/plan/?office={other_office.pk}").status_code == 404
    assert saved() == ([], [])


@pytest.mark.parametrize("week", ["garbage", "2026-13-01", "0001-01-01", "9999-12-31"])
def test_a_week_that_is_not_one_is_a_400(sp, boss, week):
    assert sp.get(f"/visits/plan/?week={week}").status_code == 400
    assert boss.get(f"/visits/plans/?week={week}").status_code == 400


def test_editing_a_submitted_plan_is_a_409(sp, office, salesperson, account):
    plan = submitted(plan_with_line(office, salesperson, account, now=NOW), now=NOW)
    line = plan.lines.get()
    more = account_of(office, salesperson)
    before = saved()
    attempts = [
        ("/visits/plan/lines/", {"office": office.pk, "account": more.pk, "day": "2026-03-11"}),
        (f"/visits/plans/{plan.pk}/lines/", {"account": more.pk, "day": "2026-03-11"}),
        (f"/visits/plan-lines/{line.pk}/", {f"l{line.pk}-day": "2026-03-12"}),
        (f"/visits/plan-lines/{line.pk}/remove/", {}),
        (f"/visits/plans/{plan.pk}/submit/", {}),
    ]
    for url, body in attempts:
        response = sp.post(url, body)
        assert response.status_code == 409, url
        assert "计划已" in text(response), url
    assert saved() == before


def test_the_salesperson_changes_and_removes_a_line_of_a_draft(sp, office, salesperson, account):
    plan = plan_with_line(office, salesperson, account, now=NOW)
    line = plan.lines.get()
    response = sp.post(
        f"/visits/plan-lines/{line.pk}/",
        {f"l{line.pk}-day": "2026-03-13", f"l{line.pk}-purpose": "送样品"},
    )
    assert response.status_code == 302
    line.refresh_from_db()
    assert (line.day, line.purpose) == (datetime.date(2026, 3, 13), "送样品")
    assert sp.post(f"/visits/plan-lines/{line.pk}/remove/").status_code == 302
    assert not plan.lines.exists()
    response = sp.post(f"/visits/plans/{plan.pk}/submit/")
    assert response.status_code == 409  # an empty plan is not submitted
    assert "请至少添加一次拜访再提交计划。" in text(response)


def test_a_colleague_does_not_find_my_plan(office, salesperson, other_salesperson, account):
    """Abuse: a colleague reads, changes, submits or confirms another's plan: not there."""
    plan = plan_with_line(office, salesperson, account, now=NOW)
    line = plan.lines.get()
    colleague = client_of(other_salesperson)
    before = saved()
    assert colleague.get(f"/visits/plans/{plan.pk}/").status_code == 404
    for url in (
        f"/visits/plans/{plan.pk}/lines/",
        f"/visits/plans/{plan.pk}/submit/",
        f"/visits/plans/{plan.pk}/confirm/",
        f"/visits/plan-lines/{line.pk}/",
        f"/visits/plan-lines/{line.pk}/remove/",
        f"/visits/plan-lines/{line.pk}/outcome/",
    ):
        assert colleague.post(url, {"account": account.pk, "day": "2026-03-10"}).status_code == 404
    assert saved() == before
    # and their own page shows their (empty) plan, not mine
    assert "宏达建材" not in text(colleague.get("/visits/plan/"))


def test_the_salesperson_cannot_confirm_their_own_plan(sp, office, salesperson, account):
    plan = submitted(plan_with_line(office, salesperson, account, now=NOW), now=NOW)
    assert sp.post(f"/visits/plans/{plan.pk}/confirm/").status_code == 403
    assert sp.get(f"/visits/plans/{plan.pk}/").status_code == 403  # the manager's page
    plan.refresh_from_db()
    assert plan.status == "submitted" and plan.confirmed_by is None


# ---------------------------------------------------------------- this week: outcomes


@pytest.fixture
def begun(office, salesperson, account, manager):
    saturday = datetime.datetime(2026, 2, 28, 9, 0, tzinfo=SH)
    plan = submitted(plan_with_line(office, salesperson, account, now=saturday), now=saturday)
    return plans.plan_confirm(plan=plan, actor=manager, now=saturday)


def test_this_weeks_plan_says_what_became_of_each_visit(sp, begun, account):
    line = begun.lines.get()
    page = text(sp.get("/visits/plan/?week=this"))
    assert "宏达建材" in page
    assert f"/visits/new/?account={account.pk}&amp;next=" in page  # log the visit
    assert "未拜访或改做其他事？" in page

    response = sp.post(
        f"/visits/plan-lines/{line.pk}/outcome/",
        {f"o{line.pk}-outcome": "missed", f"o{line.pk}-reason": "客户出差"},
    )
    assert response.status_code == 302
    line.refresh_from_db()
    assert (line.outcome, line.outcome_reason) == ("missed", "客户出差")
    page = text(sp.get(response["Location"]))
    assert "未拜访" in page and "客户出差" in page


@pytest.mark.parametrize(
    ("outcome", "reason", "message"),
    [
        ("missed", "", "请说明未拜访的原因。"),
        ("replaced", "  ", "请说明改做了什么。"),
        ("done", "记录过了", "选择一个有效的选项"),
        ("", "客户出差", "该字段是必填项。"),
    ],
)
def test_a_missed_visit_without_its_reason_is_a_400(sp, begun, outcome, reason, message):
    line = begun.lines.get()
    before = saved()
    response = sp.post(
        f"/visits/plan-lines/{line.pk}/outcome/",
        {f"o{line.pk}-outcome": outcome, f"o{line.pk}-reason": reason},
    )
    assert response.status_code == 400
    assert message in text(response)
    assert saved() == before


def test_no_outcome_before_the_week_starts(sp, office, salesperson, account):
    plan = submitted(plan_with_line(office, salesperson, account, now=NOW), now=NOW)
    line = plan.lines.get()
    response = sp.post(
        f"/visits/plan-lines/{line.pk}/outcome/",
        {f"o{line.pk}-outcome": "missed", f"o{line.pk}-reason": "客户出差"},
    )
    assert response.status_code == 409
    assert "计划周尚未开始，开始后再填写拜访结果。" in text(response)
    line.refresh_from_db()
    assert line.outcome == "planned"


def test_the_manager_does_not_say_what_became_of_a_visit(boss, begun):
    line = begun.lines.get()
    response = boss.post(
        f"/visits/plan-lines/{line.pk}/outcome/",
        {f"o{line.pk}-outcome": "missed", f"o{line.pk}-reason": "我觉得没去"},
    )
    assert response.status_code == 403
    line.refresh_from_db()
    assert line.outcome == "planned"


# ---------------------------------------------------------------- the manager's pages


def test_the_manager_sees_who_has_not_submitted_by_the_deadline(
    boss, clock, office, salesperson, other_salesperson, account
):
    """R-9.6: the branch's list of next week's plans, before and after Saturday noon."""
    third = UserFactory(username="sales3", roles=[Role.SALESPERSON], offices=[office])
    submitted(plan_with_line(office, salesperson, account, now=NOW), now=NOW)
    plan_with_line(office, third, account_of(office, third), now=NOW)
    page = text(boss.get("/visits/plans/"))
    assert "计划须在 3月7日 星期六 12:00 前提交。" in page
    assert "已过提交截止时间" not in page
    clock.move_to(datetime.datetime(2026, 3, 7, 12, 30, tzinfo=SH))
    page = text(boss.get("/visits/plans/"))
    missing = page.split('id="not-submitted"')[1].split("</p>")[0]
    assert str(other_salesperson) in missing and str(third) in missing
    assert str(salesperson) not in missing
    assert 'id="count-submitted">1<' in page and 'id="count-missing">2<' in page


def test_the_manager_reviews_changes_and_confirms(boss, office, salesperson, manager, account):
    """R-9.6: the manager adds a due account, moves a visit, confirms; the salesperson is
    told."""
    plan = submitted(plan_with_line(office, salesperson, account, now=NOW), now=NOW)
    forgotten = account_of(office, salesperson, name="漏掉的客户", grade="B")
    page = text(boss.get(f"/visits/plans/{plan.pk}/"))
    assert "漏掉的客户" in page and "确认计划" in page

    response = boss.post(
        f"/visits/plans/{plan.pk}/lines/", {"account": forgotten.pk, "day": "2026-03-09"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/visits/plans/{plan.pk}/"
    line = plan.lines.get(account=account)
    assert (
        boss.post(f"/visits/plan-lines/{line.pk}/", {f"l{line.pk}-day": "2026-03-12"}).status_code
        == 302
    )
    assert boss.post(f"/visits/plans/{plan.pk}/confirm/").status_code == 302
    plan.refresh_from_db()
    assert (plan.status, plan.confirmed_by) == ("confirmed", manager)
    assert sorted(plan.lines.values_list("account__name", "day")) == [
        ("宏达建材", datetime.date(2026, 3, 12)),
        ("漏掉的客户", NEXT),
    ]
    kinds = set(Notification.objects.filter(recipient=salesperson).values_list("kind", flat=True))
    assert kinds == {"visit_plan_changed", "visit_plan_confirmed"}
    assert "确认计划" not in text(boss.get(f"/visits/plans/{plan.pk}/"))


def test_a_draft_cannot_be_confirmed_from_the_page(boss, office, salesperson, account):
    plan = plan_with_line(office, salesperson, account, now=NOW)
    page = text(boss.get(f"/visits/plans/{plan.pk}/"))
    assert "尚未提交" in page and "确认计划" not in page
    response = boss.post(f"/visits/plans/{plan.pk}/confirm/")
    assert response.status_code == 409
    assert "计划尚未提交，草稿不能确认。" in text(response)
    plan.refresh_from_db()
    assert plan.status == "draft"


def test_a_manager_of_another_branch_finds_nothing(office, salesperson, other_manager, account):
    """Abuse: the other branch's manager reads, changes or confirms: 404."""
    plan = submitted(plan_with_line(office, salesperson, account, now=NOW), now=NOW)
    line = plan.lines.get()
    other = client_of(other_manager)
    before = saved()
    assert other.get(f"/visits/plans/{plan.pk}/").status_code == 404
    assert other.get(f"/visits/plans/?office={office.pk}").status_code == 404
    for url in (
        f"/visits/plans/{plan.pk}/confirm/",
        f"/visits/plans/{plan.pk}/lines/",
        f"/visits/plan-lines/{line.pk}/",
        f"/visits/plan-lines/{line.pk}/remove/",
    ):
        assert other.post(url, {"account": account.pk, "day": "2026-03-10"}).status_code == 404
    assert saved() == before
    assert str(salesperson) not in text(other.get("/visits/plans/"))


def test_the_director_reads_but_does_not_confirm(director, office, salesperson, account):
    plan = submitted(plan_with_line(office, salesperson, account, now=NOW), now=NOW)
    client = client_of(director)
    page = text(client.get(f"/visits/plans/{plan.pk}/"))
    assert "宏达建材" in page and "确认计划" not in page
    assert client.post(f"/visits/plans/{plan.pk}/confirm/").status_code == 403
    plan.refresh_from_db()
    assert plan.status == "submitted"


def test_the_manager_list_takes_a_fixed_number_of_queries(
    boss, office, django_assert_max_num_queries
):
    for n in range(6):
        person = UserFactory(username=f"q-sales{n}", roles=[Role.SALESPERSON], offices=[office])
        submitted(plan_with_line(office, person, account_of(office, person), now=NOW), now=NOW)
        account_of(office, person, grade="A")
    with django_assert_max_num_queries(25):
        response = boss.get("/visits/plans/")
    assert response.status_code == 200


# ---------------------------------------------------------------- the home pages' block


def test_the_home_pages_show_the_plans(sp, boss, office, salesperson, account):
    plan_with_line(office, salesperson, account, now=NOW)
    assert 'id="visit-plan-block"' in text(sp.get("/w/my/"))
    assert 'id="visit-plan-block"' in text(boss.get("/w/manage/"))
    mine = text(sp.get(f"/visits/plan/status/?office={office.pk}"))
    assert "本周" in mine and "未建计划" in mine  # no plan this week
    assert "下周" in mine and "草稿" in mine and "请在 3月7日 星期六 12:00 前提交。" in mine
    branch = text(boss.get(f"/visits/plan/status/?office={office.pk}"))
    assert "1 人中 0 人已提交" in branch
