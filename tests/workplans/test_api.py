"""Work plans through the API (R-17.3, R-8): the salesperson makes and submits a plan, the
branch manager approves it; nobody decides their own plan, a manager of another branch
decides nothing; a pending plan is not edited (409); status, author and late are never the
client's; a colleague's plan is a 404."""

import datetime

import pytest
import time_machine

from approvals.models import Approval
from tests.visits.plan_fixtures import plan_with_line
from workplans.factories import NOW, approved_plan, draft_plan, pending_plan
from workplans.models import WorkPlan

pytestmark = pytest.mark.django_db

URL = "/api/v1/work-plans/"
NEXT = datetime.date(2026, 3, 9)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


def as_(api, user):
    api.force_authenticate(user)
    return api


def decide(api, user, approval, decision="approve", comment=""):
    return as_(api, user).post(
        f"/api/v1/approvals/{approval.pk}/decide/",
        {"decision": decision, "comment": comment},
        format="json",
    )


def test_the_salesperson_makes_and_submits_and_the_manager_approves(
    api, office, salesperson, manager, account
):
    plan_with_line(office, salesperson, account, now=NOW, purpose="报价跟进")
    made = as_(api, salesperson).post(URL, {"kind": "weekly", "date": "2026-03-10"}, format="json")
    assert made.status_code == 201, made.data
    body = made.data
    assert body["status"] == "draft" and body["author"] == salesperson.pk
    assert (body["period_start"], body["period_end"]) == ("2026-03-09", "2026-03-15")
    assert [line["account_name"] for line in body["lines"]] == [account.name]
    pk = body["id"]
    changed = api.patch(
        f"{URL}{pk}/",
        {"goals": "签下两个合同", "actions": "周三送样", "target_amount": "50000.00"},
        format="json",
    )
    assert changed.status_code == 200, changed.data
    assert changed.data["target_amount"] == "50000.00"
    sent = api.post(f"{URL}{pk}/submit/")
    assert sent.status_code == 200
    assert sent.data["status"] == "pending" and sent.data["late"] is False
    step = Approval.objects.get(document_type="work_plan", document_id=pk, void=False)
    assert step.role == "manager"
    # the author does not decide their own plan
    assert decide(api, salesperson, step).status_code == 403
    approved = decide(api, manager, step)
    assert approved.status_code == 200, approved.data
    assert approved.data["status"] == "approved"
    assert WorkPlan.objects.get(pk=pk).status == "approved"


def test_a_manager_of_another_branch_does_not_decide(api, office, salesperson, other_manager):
    plan = pending_plan(office, salesperson, day=NEXT)
    step = plan.approvals().get()
    assert decide(api, other_manager, step).status_code == 403
    assert as_(api, other_manager).get(f"{URL}{plan.pk}/").status_code == 404
    plan.refresh_from_db()
    assert plan.status == "pending"


def test_the_manager_rejects_with_a_comment_and_the_salesperson_submits_again(
    api, office, salesperson, manager
):
    plan = pending_plan(office, salesperson, day=NEXT)
    step = plan.approvals().get()
    assert decide(api, manager, step, "reject").status_code == 400  # a reason is required
    assert decide(api, manager, step, "reject", "拜访太少").status_code == 200
    again = as_(api, salesperson).patch(f"{URL}{plan.pk}/", {"goals": "加三家拜访"}, format="json")
    assert again.status_code == 200 and again.data["status"] == "rejected"
    assert api.post(f"{URL}{plan.pk}/submit/").data["status"] == "pending"


def test_a_pending_plan_is_not_edited(api, office, salesperson):
    plan = pending_plan(office, salesperson, day=NEXT)
    answer = as_(api, salesperson).patch(f"{URL}{plan.pk}/", {"goals": "偷偷改"}, format="json")
    assert answer.status_code == 409
    assert answer.data["code"] == "not_editable"
    lines = api.post(f"{URL}{plan.pk}/lines/", {"purpose": "加一条"}, format="json")
    assert lines.status_code == 409
    plan.refresh_from_db()
    assert plan.goals == "" and plan.lines.count() == 0


def test_status_author_and_late_are_not_the_clients(api, office, salesperson, other_salesperson):
    plan = draft_plan(office, salesperson, day=NEXT)
    answer = as_(api, salesperson).patch(
        f"{URL}{plan.pk}/",
        {
            "status": "approved",
            "author": other_salesperson.pk,
            "late": True,
            "submitted_at": "2026-01-01T00:00:00Z",
            "goals": "只改这个",
        },
        format="json",
    )
    assert answer.status_code == 200
    plan.refresh_from_db()
    assert (plan.status, plan.author_id, plan.late, plan.submitted_at) == (
        "draft",
        salesperson.pk,
        False,
        None,
    )
    assert plan.goals == "只改这个"


def test_an_approved_plan_edited_goes_back_to_draft(api, office, salesperson, manager):
    plan = approved_plan(office, salesperson, manager, day=NEXT)
    answer = as_(api, salesperson).patch(f"{URL}{plan.pk}/", {"actions": "改了"}, format="json")
    assert answer.status_code == 200
    assert answer.data["status"] == "draft" and answer.data["approvals"] == []


def test_who_sees_which_plan(
    api,
    office,
    salesperson,
    other_salesperson,
    manager,
    director,
    executive,
    other_manager,
    other_branch_salesperson,
    other_office,
):
    mine = draft_plan(office, salesperson, day=NEXT)
    theirs = draft_plan(office, other_salesperson, day=NEXT)
    far = draft_plan(other_office, other_branch_salesperson, day=NEXT)

    def ids(user):
        answer = as_(api, user).get(URL)
        assert answer.status_code == 200
        rows = answer.data["results"] if isinstance(answer.data, dict) else answer.data
        return {row["id"] for row in rows}

    assert ids(salesperson) == {mine.pk}
    assert ids(manager) == {mine.pk, theirs.pk}
    assert ids(other_manager) == {far.pk}
    assert ids(director) == ids(executive) == {mine.pk, theirs.pk, far.pk}
    # a colleague's plan does not exist for a salesperson
    assert as_(api, other_salesperson).get(f"{URL}{mine.pk}/").status_code == 404
    assert api.patch(f"{URL}{mine.pk}/", {"goals": "x"}, format="json").status_code == 404
    assert api.post(f"{URL}{mine.pk}/submit/").status_code == 404
    # the manager reads the branch's plan but does not write it
    assert as_(api, manager).get(f"{URL}{mine.pk}/").status_code == 200
    assert api.patch(f"{URL}{mine.pk}/", {"goals": "x"}, format="json").status_code == 403
    assert api.post(URL, {"kind": "weekly"}, format="json").status_code == 403


def test_anonymous_and_other_roles_are_refused(api, office, salesperson, finance):
    assert api.get(URL).status_code in (401, 403)
    assert as_(api, finance).get(URL).status_code == 403


def test_a_second_plan_of_the_same_week_is_a_conflict(api, office, salesperson):
    first = as_(api, salesperson).post(URL, {"kind": "weekly", "date": "2026-03-10"}, format="json")
    second = api.post(URL, {"kind": "weekly", "date": "2026-03-15"}, format="json")
    assert second.status_code == 409
    assert second.data["code"] == "plan_exists" and second.data["id"] == first.data["id"]
    assert api.post(URL, {"kind": "yearly"}, format="json").status_code == 400
