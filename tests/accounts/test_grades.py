"""Grades (R-9.3, R-8.1): the owner or deputy proposes, the manager sets with a reason, the
history is kept; one proposal waits at a time; nobody decides their own."""

import pytest

from accounts.models import Account, GradeChange
from approvals.models import Approval

pytestmark = pytest.mark.django_db


def _state(account):
    account.refresh_from_db()
    return account.grade, GradeChange.objects.count(), Approval.objects.count()


def _propose(client, user, account, **data):
    client.force_login(user)
    return client.post(f"/accounts/{account.pk}/grade/", data)


def _api_grade(api, user, account, **body):
    api.force_authenticate(user)
    return api.post(f"/api/v1/accounts/{account.pk}/grade/", body, format="json")


def test_the_owner_proposes_and_the_manager_sets_it_from_the_inbox(
    client, account, salesperson, manager
):
    client.force_login(salesperson)
    card = client.get(f"/accounts/{account.pk}/").content.decode()
    assert "建议等级" in card and "等级由分部经理认定。" in card
    r = _propose(client, salesperson, account, grade="A", reason="年需求 500 台，下月要货")
    assert r.status_code == 302
    account.refresh_from_db()
    assert account.grade is None  # not until the manager decides
    change = GradeChange.objects.get()
    assert (change.status, change.grade, change.previous_grade) == ("pending", "A", "")
    card = client.get(f"/accounts/{account.pk}/").content.decode()
    assert f"{salesperson} 建议定为 A 级：" in card and "此单需要：分部经理" in card
    assert 'id="grade-form"' not in card  # one proposal at a time
    client.force_login(manager)
    step = change.approvals().get()
    r = client.post(f"/approvals/{step.pk}/decide/", {"decision": "approve", "comment": "同意"})
    assert r.status_code == 302
    account.refresh_from_db()
    change.refresh_from_db()
    assert account.grade == "A" and change.decided_by == manager
    card = client.get(f"/accounts/{account.pk}/").content.decode()
    assert "年需求 500 台，下月要货" in card
    assert f"{salesperson} 建议，{manager} 认定" in card


def test_the_manager_sets_a_branch_accounts_grade_at_once(client, account, manager):
    client.force_login(manager)
    assert "认定等级" in client.get(f"/accounts/{account.pk}/").content.decode()
    r = _propose(client, manager, account, grade="B", reason="有购买意向")
    assert r.status_code == 302
    account.refresh_from_db()
    change = GradeChange.objects.get()
    assert account.grade == "B" and change.status == "approved"
    assert not change.approvals().exists()
    assert (change.author, change.decided_by) == (manager, manager)
    r = _propose(client, manager, account, grade="C", reason="需求推迟到明年")
    account.refresh_from_db()
    assert account.grade == "C"
    assert GradeChange.objects.filter(status="approved").count() == 2
    latest = GradeChange.objects.order_by("-pk").first()
    assert latest.previous_grade == "B"


def test_a_manager_who_owns_the_account_does_not_decide_its_grade(
    api, client, office, manager, second_manager
):
    """R-8.1: the manager's own account goes through approval; another manager decides."""
    from accounts.factories import AccountFactory

    own = AccountFactory(office=office, author=manager, status="approved")
    r = _api_grade(api, manager, own, grade="A", reason="大客户")
    assert r.status_code == 201 and r.json()["status"] == "pending"
    step = GradeChange.objects.get().approvals().get()
    before = _state(own)
    api.force_authenticate(manager)
    r = api.post(f"/api/v1/approvals/{step.pk}/decide/", {"decision": "approve"}, format="json")
    assert r.status_code == 403
    client.force_login(manager)
    r = client.post(f"/approvals/{step.pk}/decide/", {"decision": "approve"})
    assert r.status_code == 403 and "此审批步骤不由您审批。" in r.content.decode()
    assert _state(own) == before
    api.force_authenticate(second_manager)
    r = api.post(f"/api/v1/approvals/{step.pk}/decide/", {"decision": "approve"}, format="json")
    assert r.status_code == 200
    own.refresh_from_db()
    assert own.grade == "A"


def test_a_manager_who_deputises_the_account_proposes_too(api, account, manager, second_manager):
    account.deputy = manager  # a manager who also sells
    account.save()
    r = _api_grade(api, manager, account, grade="B", reason="意向明确")
    assert r.json()["status"] == "pending"
    step = GradeChange.objects.get().approvals().get()
    api.force_authenticate(manager)
    r = api.post(f"/api/v1/approvals/{step.pk}/decide/", {"decision": "approve"}, format="json")
    assert r.status_code == 403


def test_a_salesperson_cannot_approve_their_own_proposal(api, client, account, salesperson):
    _api_grade(api, salesperson, account, grade="A", reason="急需")
    step = GradeChange.objects.get().approvals().get()
    before = _state(account)
    api.force_authenticate(salesperson)
    r = api.post(f"/api/v1/approvals/{step.pk}/decide/", {"decision": "approve"}, format="json")
    assert r.status_code == 403
    client.force_login(salesperson)
    assert client.post(f"/approvals/{step.pk}/decide/", {"decision": "approve"}).status_code == 403
    assert _state(account) == before


def test_a_second_proposal_waits_for_the_first(api, client, account, salesperson, manager):
    assert _api_grade(api, salesperson, account, grade="A", reason="急需").status_code == 201
    before = _state(account)
    r = _api_grade(api, salesperson, account, grade="B", reason="改主意")
    assert r.status_code == 409 and r.json()["code"] == "grade_pending"
    r = _propose(client, salesperson, account, grade="B", reason="改主意")
    assert r.status_code == 409
    assert "此客户已有一项等级建议在等待分部经理审批。" in r.content.decode()
    # the manager too: decide the waiting one first
    r = _api_grade(api, manager, account, grade="C", reason="直接定")
    assert r.status_code == 409 and r.json()["code"] == "grade_pending"
    assert _state(account) == before


@pytest.mark.parametrize(
    "body",
    [
        {"grade": "D", "reason": "x"},
        {"grade": "a", "reason": "x"},
        {"grade": "", "reason": "x"},
        {"grade": "A", "reason": ""},
        {"grade": "A", "reason": "   "},
        {"grade": "A"},
        {"reason": "x"},
    ],
)
def test_bad_grades_are_400_and_save_nothing(api, client, account, salesperson, body):
    before = _state(account)
    r = _api_grade(api, salesperson, account, **body)
    assert r.status_code == 400
    r = _propose(client, salesperson, account, **body)
    assert r.status_code == 422
    assert _state(account) == before


def test_who_may_not_grade(api, client, account, other_salesperson, other_manager):
    """A colleague's account, another branch's: not there (404)."""
    before = _state(account)
    for user in (other_salesperson, other_manager):
        assert _api_grade(api, user, account, grade="A", reason="x").status_code == 404
        assert _propose(client, user, account, grade="A", reason="x").status_code == 404
    assert _state(account) == before


def test_a_rejected_proposal_is_in_the_history_with_its_state(
    api, client, account, salesperson, manager
):
    _api_grade(api, salesperson, account, grade="A", reason="急需")
    step = GradeChange.objects.get().approvals().get()
    api.force_authenticate(manager)
    r = api.post(
        f"/api/v1/approvals/{step.pk}/decide/",
        {"decision": "reject", "comment": "需求量未核实"},
        format="json",
    )
    assert r.status_code == 200
    client.force_login(salesperson)
    card = client.get(f"/accounts/{account.pk}/").content.decode()
    assert "建议定为 A 级" in card and "已驳回" in card and "需求量未核实" in card
    assert 'id="grade-form"' in card  # they may propose again
    assert Account.objects.get(pk=account.pk).grade is None


def test_the_database_keeps_one_pending_proposal_per_account(account, salesperson):
    """The guarantee under a race (the service answers 409 first): a second pending row of
    the same account is refused by a partial unique constraint."""
    import datetime

    from django.db import IntegrityError, transaction

    at = datetime.datetime(2026, 12, 4, tzinfo=datetime.UTC)
    fields = {"account": account, "office": account.office, "author": salesperson}
    GradeChange.objects.create(grade="A", reason="x", status="pending", created_at=at, **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        GradeChange.objects.create(grade="B", reason="y", status="pending", created_at=at, **fields)
    GradeChange.objects.create(grade="B", reason="y", status="rejected", created_at=at, **fields)
