"""The inbox and decisions (API.md, R-8.1, R-8.2, R-8.4), through an Account document."""

import datetime

import pytest
import time_machine

from accounts.factories import AccountFactory
from accounts.models import Account
from approvals.models import Approval, ApprovalEvent
from approvals.services import approval_submit
from notifications.models import Notification

pytestmark = pytest.mark.django_db

T0 = datetime.datetime(2026, 12, 4, 9, 0, tzinfo=datetime.UTC)  # a Friday, 17:00 in Shanghai


def _pending(office, author, when):
    account = AccountFactory(office=office, author=author)
    approval_submit(document=account, actor=author, now=when)
    return account


def _counts():
    return (
        Approval.objects.count(),
        ApprovalEvent.objects.count(),
        list(Account.objects.values_list("status", flat=True)),
    )


def test_inbox_lists_only_this_users_steps_oldest_first(
    api, office, other_office, salesperson, manager, other_manager
):
    newer = _pending(office, salesperson, T0)
    older = _pending(office, salesperson, T0 - datetime.timedelta(hours=1))
    _pending(other_office, other_manager, T0)  # another office's
    api.force_authenticate(manager)
    body = api.get("/api/v1/approvals/inbox/").json()
    assert [i["document_id"] for i in body] == [older.pk, newer.pk]
    assert body[0]["document_type"] == "account" and body[0]["role"] == "manager"
    api.force_authenticate(salesperson)
    assert api.get("/api/v1/approvals/inbox/").json() == []


def test_decide_approves_and_answers_the_document(api, office, salesperson, manager):
    account = _pending(office, salesperson, T0)
    step = account.approvals().get()
    api.force_authenticate(manager)
    r = api.post(f"/api/v1/approvals/{step.pk}/decide/", {"decision": "approve"}, format="json")
    assert r.status_code == 200, r.json()
    assert r.json()["status"] == "approved"
    assert r.json()["approvals"][0]["state"] == "approved"


def test_decide_refusals_save_nothing(
    api, office, other_office, salesperson, manager, other_manager
):
    account = _pending(office, salesperson, T0)
    step = account.approvals().get()
    url = f"/api/v1/approvals/{step.pk}/decide/"
    before = _counts()
    api.force_authenticate(other_manager)  # another office's manager
    assert api.post(url, {"decision": "approve"}, format="json").status_code == 403
    api.force_authenticate(salesperson)  # the author
    assert api.post(url, {"decision": "approve"}, format="json").status_code == 403
    api.force_authenticate(manager)
    r = api.post(url, {"decision": "reject", "comment": " "}, format="json")
    assert r.status_code == 400
    assert _counts() == before
    own = _pending(office, manager, T0)  # nobody decides their own
    api.force_authenticate(manager)
    r = api.post(
        f"/api/v1/approvals/{own.approvals().get().pk}/decide/",
        {"decision": "approve"},
        format="json",
    )
    assert r.status_code == 403


def test_decide_not_pending_is_409(api, office, salesperson, manager):
    account = _pending(office, salesperson, T0)
    step = account.approvals().get()
    api.force_authenticate(manager)
    url = f"/api/v1/approvals/{step.pk}/decide/"
    assert (
        api.post(url, {"decision": "reject", "comment": "资料不全"}, format="json").status_code
        == 200
    )
    account.refresh_from_db()
    assert account.status == "rejected"
    r = api.post(url, {"decision": "approve"}, format="json")
    assert r.status_code == 409 and r.json()["code"] == "not_pending"


def test_flag_late_friday_step_is_late_tuesday(office, salesperson, manager, director):
    from approvals.tasks import flag_late

    _pending(office, salesperson, T0)  # Friday 17:00 local
    monday_evening = datetime.datetime(2026, 12, 7, 15, 0, tzinfo=datetime.UTC)
    assert flag_late(monday_evening.isoformat()) == 0
    tuesday = datetime.datetime(2026, 12, 8, 2, 0, tzinfo=datetime.UTC)
    assert flag_late(tuesday.isoformat()) == 1
    assert flag_late(tuesday.isoformat()) == 0  # once per step
    told = set(
        Notification.objects.filter(kind="approval_late").values_list("recipient", flat=True)
    )
    assert told == {manager.pk, director.pk}  # the approver and the approver's manager


def test_flag_late_follows_the_office_calendar(api, office, salesperson, manager):
    from approvals.models import CalendarDay
    from approvals.tasks import flag_late

    CalendarDay.objects.create(office=office, date=datetime.date(2026, 12, 7), working=False)
    _pending(office, salesperson, T0)
    tuesday = datetime.datetime(2026, 12, 8, 2, 0, tzinfo=datetime.UTC)
    assert flag_late(tuesday.isoformat()) == 0  # Monday a holiday: the working day is Tuesday
    with time_machine.travel(tuesday):
        api.force_authenticate(manager)
        assert api.get("/api/v1/approvals/inbox/").json()[0]["late"] is False
    wednesday = datetime.datetime(2026, 12, 9, 2, 0, tzinfo=datetime.UTC)
    assert flag_late(wednesday.isoformat()) == 1
    with time_machine.travel(wednesday):
        assert api.get("/api/v1/approvals/inbox/").json()[0]["late"] is True
