"""The inbox page (R-8.4) and deciding from it (R-8.1, R-8.2): each waiting step says what the
document is, its age and whether it is late, the chain in words; approve or reject in place
(htmx), a comment required to reject; refusals as a clear message, nothing changed."""

import datetime

import pytest
import time_machine

from accounts.factories import AccountFactory
from accounts.models import Account, GradeChange
from accounts.services import grade_propose
from approvals.models import Approval, ApprovalEvent
from approvals.services import approval_submit

pytestmark = pytest.mark.django_db

T0 = datetime.datetime(2026, 12, 4, 1, 0, tzinfo=datetime.UTC)  # Friday 09:00 in Shanghai
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def pending_account(office, salesperson):
    account = AccountFactory(
        office=office, author=salesperson, name="闽江建材有限公司", kind="dealer", region="闽东"
    )
    approval_submit(document=account, actor=salesperson, now=T0)
    return account


@pytest.fixture
def proposal(office, salesperson):
    account = AccountFactory(office=office, author=salesperson, status="approved", grade="B")
    return grade_propose(
        account=account, actor=salesperson, grade="A", reason="年底集中采购 300 台", now=T0
    )


def _counts():
    return (
        list(Approval.objects.order_by("pk").values_list("state", "void")),
        ApprovalEvent.objects.count(),
        sorted(Account.objects.values_list("status", "grade")),
    )


def test_the_inbox_says_what_each_document_is(
    client, pending_account, proposal, salesperson, manager
):
    client.force_login(manager)
    with time_machine.travel(T0 + datetime.timedelta(hours=3), tick=False):
        page = client.get("/approvals/inbox/").content.decode()
    # the new account: name, kind, owner, credit code, a link to its card
    assert "闽江建材有限公司" in page and "经销商" in page
    assert pending_account.credit_code in page and str(salesperson) in page
    assert f'href="/accounts/{pending_account.pk}/"' in page
    # the grade proposal: the proposed grade with the current one and the reason
    assert "B → <strong>A：需求量大且急</strong>" in page and "年底集中采购 300 台" in page
    # its age, the chain in words, not late yet
    assert "已等待 3" in page and "小时" in page
    assert page.count("此单需要：分部经理") == 2
    assert "已超时" not in page


def test_a_step_waiting_past_a_working_day_is_late(client, pending_account, manager):
    client.force_login(manager)
    tuesday = datetime.datetime(2026, 12, 8, 2, 0, tzinfo=datetime.UTC)  # Friday → Tuesday
    with time_machine.travel(tuesday, tick=False):
        page = client.get("/approvals/inbox/").content.decode()
    assert "已超时" in page and "已等待 4" in page


def test_approve_in_place_with_htmx(client, pending_account, manager):
    step = pending_account.approvals().get()
    client.force_login(manager)
    r = client.post(f"/approvals/{step.pk}/decide/", {"decision": "approve"}, **HTMX)
    assert r.status_code == 200
    fragment = r.content.decode()
    assert f'id="approval-{step.pk}"' in fragment and "已批准。" in fragment
    assert "<html" not in fragment and 'name="decision"' not in fragment
    pending_account.refresh_from_db()
    assert pending_account.status == "approved"


def test_reject_needs_a_comment(client, pending_account, manager):
    step = pending_account.approvals().get()
    client.force_login(manager)
    before = _counts()
    r = client.post(
        f"/approvals/{step.pk}/decide/", {"decision": "reject", "comment": "  "}, **HTMX
    )
    assert r.status_code == 422 and "请填写驳回理由。" in r.content.decode()
    assert 'name="decision"' in r.content.decode()  # the form is still there
    r = client.post(f"/approvals/{step.pk}/decide/", {"decision": "reject"})
    assert r.status_code == 422 and "请填写驳回理由。" in r.content.decode()
    assert _counts() == before
    r = client.post(
        f"/approvals/{step.pk}/decide/", {"decision": "reject", "comment": "资料不全"}, **HTMX
    )
    assert r.status_code == 200 and "已驳回" in r.content.decode()
    pending_account.refresh_from_db()
    assert pending_account.status == "rejected"


def test_a_decision_on_a_step_no_longer_waiting_is_409(client, pending_account, manager):
    step = pending_account.approvals().get()
    client.force_login(manager)
    client.post(f"/approvals/{step.pk}/decide/", {"decision": "approve"})
    before = _counts()
    r = client.post(f"/approvals/{step.pk}/decide/", {"decision": "approve"}, **HTMX)
    assert r.status_code == 409 and "此步骤不在待审状态" in r.content.decode()
    assert 'name="decision"' not in r.content.decode()
    r = client.post(f"/approvals/{step.pk}/decide/", {"decision": "reject", "comment": "x"})
    assert r.status_code == 409 and "此步骤不在待审状态" in r.content.decode()
    assert _counts() == before


def test_a_bad_decision_is_refused(client, pending_account, manager):
    step = pending_account.approvals().get()
    client.force_login(manager)
    before = _counts()
    r = client.post(f"/approvals/{step.pk}/decide/", {"decision": "maybe"}, **HTMX)
    assert r.status_code == 422 and "请选择批准或驳回。" in r.content.decode()
    assert _counts() == before


def test_not_yours_is_a_403_that_says_so(client, pending_account, salesperson, other_manager):
    step = pending_account.approvals().get()
    before = _counts()
    for user in (other_manager, salesperson):  # another branch's manager; the author
        client.force_login(user)
        r = client.post(f"/approvals/{step.pk}/decide/", {"decision": "approve"})
        assert r.status_code == 403 and "此审批步骤不由您审批。" in r.content.decode()
        r = client.post(f"/approvals/{step.pk}/decide/", {"decision": "approve"}, **HTMX)
        assert r.status_code == 403 and r["HX-Redirect"] == "/approvals/inbox/"
    assert client.post("/approvals/987654/decide/", {"decision": "approve"}).status_code == 404
    assert _counts() == before


def test_the_inbox_reads_a_bounded_number_of_queries(
    client, office, salesperson, manager, django_assert_max_num_queries
):
    for n in range(6):
        account = AccountFactory(office=office, author=salesperson, status="approved")
        grade_propose(account=account, actor=salesperson, grade="A", reason=f"理由{n}", now=T0)
        approval_submit(
            document=AccountFactory(office=office, author=salesperson), actor=salesperson, now=T0
        )
    client.force_login(manager)
    client.get("/approvals/inbox/")
    with django_assert_max_num_queries(30):
        r = client.get("/approvals/inbox/")
    assert len(r.context["items"]) == 12
    assert GradeChange.objects.filter(status="pending").count() == 6


def test_a_long_inbox_is_paged_oldest_first(client, office, salesperson, manager):
    """R-8.4 at a branch's month end: 30 waiting steps are shown 25 to a page, oldest first,
    the count saying all 30; the second page holds the last 5."""
    accounts = []
    for n in range(30):
        account = AccountFactory(office=office, author=salesperson, name=f"待审客户{n:02d}")
        approval_submit(document=account, actor=salesperson, now=T0 + datetime.timedelta(minutes=n))
        accounts.append(account)
    client.force_login(manager)
    first = client.get("/approvals/inbox/")
    assert [i["document"].pk for i in first.context["items"]] == [a.pk for a in accounts[:25]]
    text = first.content.decode()
    assert '<span class="count">30</span>' in text and "1 / 2" in text and "page=2" in text
    second = client.get("/approvals/inbox/", {"page": "2"})
    assert [i["document"].pk for i in second.context["items"]] == [a.pk for a in accounts[25:]]
    # a page number out of range or not a number gives the nearest page, never an error
    assert client.get("/approvals/inbox/", {"page": "99"}).context["page_obj"].number == 2
    assert client.get("/approvals/inbox/", {"page": "x"}).context["page_obj"].number == 1
