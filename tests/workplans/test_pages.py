"""The work plan pages (R-17.3): the salesperson makes this week's plan from the list, saves
its target and goals and submits it; the manager's list shows the branch's plans with their
status and late flag and the plan's page sends them to the inbox; a colleague's plan is a 404;
the inbox card shows the plan; the menu has the entry for the roles that use it."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from tests.visits.plan_fixtures import plan_with_line
from workplans.factories import NOW, draft_plan, pending_plan
from workplans.models import WorkPlan

pytestmark = pytest.mark.django_db

NEXT = datetime.date(2026, 3, 9)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


def test_the_salesperson_makes_saves_and_submits_this_weeks_plan(
    client, office, salesperson, account
):
    plan_with_line(office, salesperson, account, now=NOW, week_start=datetime.date(2026, 3, 2))
    client.force_login(salesperson)
    page = client.get("/work-plans/")
    assert page.status_code == 200
    assert "制订本周计划" in page.content.decode()
    made = client.post("/work-plans/new/", {"kind": "weekly", "which": "this"})
    plan = WorkPlan.objects.get(author=salesperson)
    assert made.status_code == 302 and made.url == f"/work-plans/{plan.pk}/"
    assert plan.period_start == datetime.date(2026, 3, 2) and plan.lines.count() == 1
    # making it again opens the same plan
    assert client.post("/work-plans/new/", {"kind": "weekly", "which": "this"}).url == made.url
    saved = client.post(
        f"/work-plans/{plan.pk}/edit/",
        {"target_amount": "30000", "goals": "回款十万", "actions": "周四拜访"},
    )
    assert saved.status_code == 302
    detail = client.get(f"/work-plans/{plan.pk}/").content.decode()
    assert "回款十万" in detail and "30,000.00" in detail and account.name in detail
    client.post(f"/work-plans/{plan.pk}/submit/")
    plan.refresh_from_db()
    assert plan.status == "pending" and plan.late is True  # due last Saturday noon
    # now it cannot be edited: 409 with the reason on the page
    refused = client.post(
        f"/work-plans/{plan.pk}/edit/", {"target_amount": "1", "goals": "", "actions": ""}
    )
    assert refused.status_code == 409
    plan.refresh_from_db()
    assert plan.target_amount == 30000


def test_the_manager_lists_the_branch_and_is_sent_to_the_inbox(
    client, office, salesperson, other_salesperson, manager
):
    late = pending_plan(office, salesperson, day=datetime.date(2026, 3, 2))
    draft = draft_plan(office, other_salesperson, day=NEXT)
    client.force_login(manager)
    page = client.get("/work-plans/").content.decode()
    assert f'id="plan-{late.pk}"' in page and f'id="plan-{draft.pk}"' in page
    assert "迟交" in page and str(salesperson) in page
    only_late = client.get("/work-plans/", {"late": "1"}).content.decode()
    assert f'id="plan-{draft.pk}"' not in only_late
    detail = client.get(f"/work-plans/{late.pk}/").content.decode()
    assert 'id="decide"' in detail and 'id="submit-plan"' not in detail
    inbox = client.get(reverse("approvals:inbox")).content.decode()
    assert f"/work-plans/{late.pk}/" in inbox
    # the manager does not write the salesperson's plan
    assert client.post(f"/work-plans/{draft.pk}/submit/").status_code == 403


def test_a_colleagues_plan_is_not_found(
    client, office, salesperson, other_salesperson, other_manager
):
    plan = draft_plan(office, salesperson, day=NEXT)
    for user in (other_salesperson, other_manager):
        client.force_login(user)
        assert client.get(f"/work-plans/{plan.pk}/").status_code == 404
        assert client.post(f"/work-plans/{plan.pk}/submit/").status_code == 404


def test_the_menu_entry(client, office, salesperson, manager, director, finance):
    for user, shown in ((salesperson, True), (manager, True), (director, True), (finance, False)):
        client.force_login(user)
        page = client.get("/work-plans/" if shown else "/")
        assert ('href="/work-plans/"' in page.content.decode()) is shown
    client.force_login(finance)
    assert client.get("/work-plans/").status_code == 403


def test_the_reports_pages_answer(client, office, salesperson, manager):
    client.force_login(manager)
    for key in ("weekly-plans", "monthly-plans"):
        page = client.get(f"/reports/department/{key}/")
        assert page.status_code == 200
        body = page.content.decode()
        assert ("周工作计划表" if key == "weekly-plans" else "月工作计划表") in body
