"""Accounts (API.md, R-9.1–R-9.3): codes, duplicates, visibility, grades, approval."""

import pytest

from accounts.factories import AccountFactory, credit_code
from accounts.models import Account, GradeChange

pytestmark = pytest.mark.django_db


def _new(api, user, office, code=None, **extra):
    api.force_authenticate(user)
    body = {
        "office": office.pk,
        "name": "华东机械有限公司",
        "credit_code": code or credit_code(7),
        "kind": "dealer",
        "contacts": [{"name": "张三", "phone": "13800000000", "primary": True}],
        **extra,
    }
    return api.post("/api/v1/accounts/", body, format="json")


def test_new_account_is_pending_and_approved_by_the_manager(
    api, client, office, salesperson, manager
):
    r = _new(api, salesperson, office)
    assert r.status_code == 201, r.json()
    assert r.json()["status"] == "pending" and r.json()["owner"] == salesperson.pk
    api.force_authenticate(manager)
    inbox = api.get("/api/v1/approvals/inbox/").json()
    assert [i["document_type"] for i in inbox] == ["account"]
    r = api.post(
        f"/api/v1/approvals/{inbox[0]['id']}/decide/", {"decision": "approve"}, format="json"
    )
    assert r.json()["status"] == "approved"
    client.force_login(salesperson)  # the card names the step by the role people know
    card = client.get(f"/accounts/{r.json()['id']}/").content.decode()
    assert "分部经理 · 已批准" in card


def test_bad_credit_code_is_400(api, office, salesperson):
    r = _new(api, salesperson, office, code="91350100M000100Y44")
    assert r.status_code == 400 and "credit_code" in r.json()
    assert not Account.objects.exists()


def test_duplicate_code_is_409_naming_the_owner(api, office, salesperson, other_salesperson):
    assert _new(api, salesperson, office).status_code == 201
    r = _new(api, other_salesperson, office, code=credit_code(7).lower())
    assert r.status_code == 409
    assert r.json()["code"] == "account_exists" and r.json()["owner"] == str(salesperson)
    assert Account.objects.count() == 1


def test_a_salesperson_cannot_see_anothers_account(
    api, office, salesperson, other_salesperson, manager
):
    account = AccountFactory(office=office, author=other_salesperson)
    api.force_authenticate(salesperson)
    assert api.get(f"/api/v1/accounts/{account.pk}/").status_code == 404
    ids = [a["id"] for a in _results(api.get("/api/v1/accounts/").json())]
    assert account.pk not in ids
    api.force_authenticate(manager)
    assert api.get(f"/api/v1/accounts/{account.pk}/").status_code == 200


def _results(body):
    return body["results"] if isinstance(body, dict) else body


def test_grade_other_than_abc_is_400(api, office, salesperson):
    account = AccountFactory(office=office, author=salesperson, status="approved")
    api.force_authenticate(salesperson)
    r = api.post(
        f"/api/v1/accounts/{account.pk}/grade/", {"grade": "D", "reason": "x"}, format="json"
    )
    assert r.status_code == 400
    assert not GradeChange.objects.exists()


def test_grade_proposed_then_set_from_the_inbox_page(client, api, office, salesperson, manager):
    account = AccountFactory(office=office, author=salesperson, status="approved")
    api.force_authenticate(salesperson)
    r = api.post(
        f"/api/v1/accounts/{account.pk}/grade/",
        {"grade": "A", "reason": "急需大批量"},
        format="json",
    )
    assert r.status_code == 201 and r.json()["status"] == "pending"
    client.force_login(manager)
    page = client.get("/approvals/inbox/")
    assert page.status_code == 200 and account.name in page.content.decode()
    change = GradeChange.objects.get()
    step = change.approvals().get()
    client.post(f"/approvals/{step.pk}/decide/", {"decision": "approve", "comment": ""})
    account.refresh_from_db()
    assert account.grade == "A"
    assert client.get(f"/accounts/{account.pk}/").status_code == 200


def test_edit_refused_while_pending(api, office, salesperson):
    r = _new(api, salesperson, office)
    r = api.patch(f"/api/v1/accounts/{r.json()['id']}/", {"name": "改名"}, format="json")
    assert r.status_code == 409 and r.json()["code"] == "not_editable"
