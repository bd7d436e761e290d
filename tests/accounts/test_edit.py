"""Editing an account (R-9.1, R-9.5, R-8.2): the profile and contacts by the owner, the deputy
and the manager; the deputy by the owner and the manager; the credit limit and review by the
manager only — through the page and through PATCH /api/v1/accounts/{id}/."""

import datetime
from decimal import Decimal

import pytest
import time_machine

from accounts.factories import AccountFactory, credit_code
from accounts.models import Account, AccountAssignment, Contact
from approvals.models import Approval
from approvals.services import approval_decide, approval_submit

from .conftest import NOW

pytestmark = pytest.mark.django_db


def _snapshot(account):
    row = Account.objects.filter(pk=account.pk).values().get()
    contacts = list(Contact.objects.filter(account=account).order_by("pk").values())
    return row, contacts, AccountAssignment.objects.count()


def _patch(api, user, account, body):
    api.force_authenticate(user)
    return api.patch(f"/api/v1/accounts/{account.pk}/", body, format="json")


def _form(account, **changes):
    """The edit page's form as it comes, with `changes`."""
    data = {
        "name": account.name,
        "kind": account.kind,
        "region": account.region,
        "address": account.address,
        "contacts-TOTAL_FORMS": "1",
        "contacts-INITIAL_FORMS": "0",
        "contacts-MIN_NUM_FORMS": "0",
        "contacts-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return data


# ---------------------------------------------------------------- the page


def test_the_owner_edits_the_profile_and_contacts_on_the_page(client, account, salesperson):
    kept = Contact.objects.create(account=account, name="张三", phone="13800000000", primary=True)
    client.force_login(salesperson)
    page = client.get(f"/accounts/{account.pk}/edit/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="address"' in html and 'name="deputy"' in html
    assert 'name="credit_limit"' not in html and 'name="last_credit_review"' not in html
    data = _form(
        account,
        address="福州市鼓楼区五四路 1 号",
        payment_habits="月结 30 天",
        **{
            "contacts-TOTAL_FORMS": "2",
            "contacts-INITIAL_FORMS": "1",
            "contacts-0-id": kept.pk,
            "contacts-0-name": "张三",
            "contacts-0-title": "采购经理",
            "contacts-0-phone": "１３８００００００００",  # full-width digits of a phone keyboard
            "contacts-1-name": "李四",
            "contacts-1-phone": "0591-88888888",
            "contacts-1-email": "li@example.com",
            "contacts-1-primary": "on",
        },
    )
    r = client.post(f"/accounts/{account.pk}/edit/", data)
    assert r.status_code == 302, r.content.decode()[:2000]
    account.refresh_from_db()
    assert (account.address, account.payment_habits) == ("福州市鼓楼区五四路 1 号", "月结 30 天")
    contacts = {c.name: c for c in account.contacts.all()}
    assert contacts["张三"].pk == kept.pk  # changed in place: a visit record keeps it
    assert (contacts["张三"].title, contacts["张三"].phone) == ("采购经理", "13800000000")
    assert not contacts["张三"].primary and contacts["李四"].primary
    # removed with "Delete"
    data = _form(
        account,
        **{
            "contacts-TOTAL_FORMS": "2",
            "contacts-INITIAL_FORMS": "2",
            "contacts-0-id": contacts["李四"].pk,
            "contacts-0-name": "李四",
            "contacts-0-primary": "on",
            "contacts-1-id": kept.pk,
            "contacts-1-name": "张三",
            "contacts-1-DELETE": "on",
        },
    )
    assert client.post(f"/accounts/{account.pk}/edit/", data).status_code == 302
    assert list(account.contacts.values_list("name", flat=True)) == ["李四"]


def test_two_primary_contacts_are_refused_and_nothing_saved(client, account, salesperson):
    client.force_login(salesperson)
    before = _snapshot(account)
    data = _form(
        account,
        address="新地址",
        **{
            "contacts-TOTAL_FORMS": "2",
            "contacts-0-name": "张三",
            "contacts-0-primary": "on",
            "contacts-1-name": "李四",
            "contacts-1-primary": "on",
        },
    )
    r = client.post(f"/accounts/{account.pk}/edit/", data)
    assert r.status_code == 422 and "只能有一位主要联系人" in r.content.decode()
    assert _snapshot(account) == before


def test_a_salesperson_cannot_raise_their_credit_limit_through_the_page(
    client, account, salesperson
):
    """The form has no credit fields for them: what they post there is not taken."""
    client.force_login(salesperson)
    data = _form(
        account, address="新地址", credit_limit="99999999.00", last_credit_review="2026-12-01"
    )
    assert client.post(f"/accounts/{account.pk}/edit/", data).status_code == 302
    account.refresh_from_db()
    assert account.address == "新地址"
    assert account.credit_limit == Decimal("0.00") and account.last_credit_review is None


def test_the_manager_sets_the_credit_limit_on_the_page(client, account, manager):
    client.force_login(manager)
    html = client.get(f"/accounts/{account.pk}/edit/").content.decode()
    assert 'name="credit_limit"' in html and 'name="last_credit_review"' in html
    data = _form(account, credit_limit="200000.00", last_credit_review="2026-11-30")
    with time_machine.travel(NOW, tick=False):
        assert client.post(f"/accounts/{account.pk}/edit/", data).status_code == 302
    account.refresh_from_db()
    assert account.credit_limit == Decimal("200000.00")
    assert account.last_credit_review == datetime.date(2026, 11, 30)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"credit_limit": "-1"}, None),
        ({"credit_limit": "1.005"}, None),
        ({"last_credit_review": "2026-12-05"}, "信用调查日期不能晚于今天。"),
        ({"last_credit_review": "2026-02-30"}, None),
        ({"name": "   "}, None),
    ],
)
def test_bad_values_on_the_page_are_refused(client, account, manager, changes, message):
    client.force_login(manager)
    before = _snapshot(account)
    data = _form(account, **{"credit_limit": "0", **changes})
    with time_machine.travel(NOW, tick=False):
        r = client.post(f"/accounts/{account.pk}/edit/", data)
    assert r.status_code == 422
    if message:
        assert message in r.content.decode()
    assert _snapshot(account) == before


def test_the_deputy_edits_the_profile_but_not_the_deputy(client, account, third_salesperson):
    account.deputy = third_salesperson
    account.save()
    client.force_login(third_salesperson)
    html = client.get(f"/accounts/{account.pk}/edit/").content.decode()
    assert 'name="address"' in html and 'name="deputy"' not in html
    data = _form(account, address="代办改的地址", deputy="")
    assert client.post(f"/accounts/{account.pk}/edit/", data).status_code == 302
    account.refresh_from_db()
    assert account.address == "代办改的地址" and account.deputy == third_salesperson


def test_the_owner_names_a_deputy_from_the_branchs_salespeople(
    client, account, salesperson, other_salesperson, manager, river_salesperson
):
    client.force_login(salesperson)
    before = _snapshot(account)
    for wrong in (manager, river_salesperson, salesperson):  # not a salesperson of it; owner
        r = client.post(f"/accounts/{account.pk}/edit/", _form(account, deputy=wrong.pk))
        assert r.status_code == 422
    assert _snapshot(account) == before
    r = client.post(f"/accounts/{account.pk}/edit/", _form(account, deputy=other_salesperson.pk))
    assert r.status_code == 302
    account.refresh_from_db()
    assert account.deputy == other_salesperson
    row = AccountAssignment.objects.get()  # the history keeps the deputy too
    assert (row.previous_deputy, row.new_deputy, row.by) == (None, other_salesperson, salesperson)


def test_a_pending_account_cannot_be_edited(client, office, salesperson):
    """R-8.2: while a step is pending the document is not edited: the page says so."""
    account = AccountFactory(office=office, author=salesperson)
    approval_submit(document=account, actor=salesperson, now=NOW)
    before = _snapshot(account)
    client.force_login(salesperson)
    r = client.get(f"/accounts/{account.pk}/edit/")
    assert r.status_code == 200
    assert "此客户正在等待分部经理审批，审批完成前不能修改。" in r.content.decode()
    assert 'name="address"' not in r.content.decode()
    r = client.post(f"/accounts/{account.pk}/edit/", _form(account, address="改"))
    assert r.status_code == 409
    assert _snapshot(account) == before
    card = client.get(f"/accounts/{account.pk}/").content.decode()
    assert "此单需要：分部经理" in card and 'id="edit-account"' not in card


def test_a_rejected_account_is_corrected_and_sent_again(client, office, salesperson, manager):
    """R-8.2: a rejection sends it back with the comment; the owner corrects it and resubmits."""
    account = AccountFactory(office=office, author=salesperson)
    approval_submit(document=account, actor=salesperson, now=NOW)
    approval_decide(
        approval=account.approvals().get(),
        actor=manager,
        decision="reject",
        comment="地址不全",
        now=NOW,
    )
    client.force_login(salesperson)
    card = client.get(f"/accounts/{account.pk}/").content.decode()
    assert f"{manager} 驳回了此客户：" in card and "地址不全" in card
    assert 'id="resubmit-account"' in card and 'id="edit-account"' in card
    r = client.post(
        f"/accounts/{account.pk}/edit/", _form(account, address="福州市鼓楼区", resubmit="1")
    )
    assert r.status_code == 302
    account.refresh_from_db()
    assert (account.address, account.status) == ("福州市鼓楼区", "pending")
    step = account.approvals().get()
    assert step.state == "pending"  # a new round; the rejected one is kept, void
    assert Approval.objects.filter(document_id=account.pk, void=True, state="rejected").exists()


def test_resubmit_button_on_the_card(client, office, salesperson, other_salesperson, manager):
    account = AccountFactory(office=office, author=salesperson, status="rejected")
    client.force_login(other_salesperson)  # not theirs: not even there
    assert client.post(f"/accounts/{account.pk}/submit/").status_code == 404
    client.force_login(manager)  # the approver does not send it
    assert client.post(f"/accounts/{account.pk}/submit/").status_code == 403
    client.force_login(salesperson)
    assert client.post(f"/accounts/{account.pk}/submit/").status_code == 302
    account.refresh_from_db()
    assert account.status == "pending"
    r = client.post(f"/accounts/{account.pk}/submit/")  # twice: told, nothing changes
    assert r.status_code == 409 and "只有草稿或被驳回的单据可以提交。" in r.content.decode()
    assert account.approvals().count() == 1


def test_another_branchs_manager_and_a_colleague_do_not_see_the_edit_page(
    client, account, other_manager, other_salesperson
):
    for user in (other_manager, other_salesperson):
        client.force_login(user)
        assert client.get(f"/accounts/{account.pk}/edit/").status_code == 404
        assert client.post(f"/accounts/{account.pk}/edit/", _form(account)).status_code == 404


# ---------------------------------------------------------------- PATCH /api/v1/accounts/{id}/


@pytest.mark.parametrize(
    "body",
    [
        {"credit_limit": "99999999.00"},
        {"last_credit_review": "2026-12-01"},
        {"address": "新地址", "credit_limit": "1000.00"},  # nothing of it saved
    ],
)
def test_a_salesperson_cannot_patch_the_credit_of_their_account(api, account, salesperson, body):
    before = _snapshot(account)
    r = _patch(api, salesperson, account, body)
    assert r.status_code == 403
    assert "分部经理" in r.json()["detail"]
    assert _snapshot(account) == before


def test_the_deputy_cannot_patch_the_deputy(api, account, other_salesperson, third_salesperson):
    account.deputy = third_salesperson
    account.save()
    before = _snapshot(account)
    r = _patch(api, third_salesperson, account, {"deputy": other_salesperson.pk})
    assert r.status_code == 403
    assert _snapshot(account) == before
    r = _patch(api, third_salesperson, account, {"region": "闽东"})
    assert r.status_code == 200 and r.json()["region"] == "闽东"


def test_sending_back_what_was_read_is_no_attempt(api, account, salesperson):
    """A client that sends the whole account back with one change: the unchanged credit limit
    and deputy are not refused."""
    api.force_authenticate(salesperson)
    body = api.get(f"/api/v1/accounts/{account.pk}/").json()
    body["address"] = "厦门市思明区"
    body.pop("contacts")
    r = api.patch(f"/api/v1/accounts/{account.pk}/", body, format="json")
    assert r.status_code == 200, r.json()
    assert r.json()["address"] == "厦门市思明区"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"credit_limit": "-5.00"}, "credit_limit"),
        ({"credit_limit": "10.001"}, "credit_limit"),
        ({"last_credit_review": "2026-12-05"}, "last_credit_review"),
        ({"name": ""}, "name"),
        ({"kind": "partner"}, "kind"),
        ({"contacts": [{"name": "甲", "primary": True}, {"name": "乙", "primary": True}]}, None),
        ({"contacts": [{"name": "甲", "phone": "call me"}]}, "contacts"),
        ({"contacts": [{"name": "甲", "email": "not-an-email"}]}, "contacts"),
        ({"contacts": [{"id": 987654, "name": "甲"}]}, "contacts"),
    ],
)
def test_bad_patches_are_400(api, account, manager, body, field):
    before = _snapshot(account)
    with time_machine.travel(NOW, tick=False):
        r = _patch(api, manager, account, body)
    assert r.status_code == 400, r.json()
    if field:
        assert field in r.json()
    assert _snapshot(account) == before


def test_the_manager_patches_credit_and_deputy(api, account, manager, other_salesperson):
    with time_machine.travel(NOW, tick=False):
        r = _patch(
            api,
            manager,
            account,
            {
                "credit_limit": "300000.00",
                "last_credit_review": "2026-12-04",
                "deputy": other_salesperson.pk,
            },
        )
    assert r.status_code == 200, r.json()
    assert (r.json()["credit_limit"], r.json()["deputy"]) == ("300000.00", other_salesperson.pk)


def test_patched_contacts_keep_their_ids(api, account, salesperson):
    kept = Contact.objects.create(account=account, name="张三", primary=True)
    body = {
        "contacts": [
            {"id": kept.pk, "name": "张三", "title": "总经理", "primary": False},
            {"name": "王五", "phone": "+86 591 8888 8888", "primary": True},
        ]
    }
    r = _patch(api, salesperson, account, body)
    assert r.status_code == 200, r.json()
    assert Contact.objects.get(pk=kept.pk).title == "总经理"
    assert {c["name"]: c["primary"] for c in r.json()["contacts"]} == {"张三": False, "王五": True}


def test_a_salesperson_creates_no_credit_limit(api, office, salesperson, manager):
    body = {"office": office.pk, "name": "宏达建材", "credit_code": credit_code(41)}
    api.force_authenticate(salesperson)
    r = api.post("/api/v1/accounts/", {**body, "credit_limit": "500000.00"}, format="json")
    assert r.status_code == 403
    assert not Account.objects.exists()
    assert api.post("/api/v1/accounts/", body, format="json").status_code == 201
    api.force_authenticate(manager)
    body = {"office": office.pk, "name": "宏远", "credit_code": credit_code(42)}
    r = api.post("/api/v1/accounts/", {**body, "credit_limit": "5000.00"}, format="json")
    assert r.status_code == 201 and r.json()["credit_limit"] == "5000.00"


def test_the_new_account_page_has_no_credit_limit_for_a_salesperson(client, salesperson, manager):
    client.force_login(salesperson)
    assert 'name="credit_limit"' not in client.get("/accounts/new/").content.decode()
    client.force_login(manager)
    assert 'name="credit_limit"' in client.get("/accounts/new/").content.decode()


# ---------------------------------------------------------------- the credit review list


def test_the_manager_marks_a_credit_reviewed_today(client, account, salesperson, manager):
    client.force_login(manager)
    page = client.get("/accounts/").content.decode()
    assert f'action="/accounts/{account.pk}/credit-reviewed/"' in page
    with time_machine.travel(datetime.datetime(2026, 12, 4, 17, 0, tzinfo=datetime.UTC)):
        r = client.post(f"/accounts/{account.pk}/credit-reviewed/")
    assert r.status_code == 302
    account.refresh_from_db()
    assert account.last_credit_review == datetime.date(2026, 12, 5)  # 01:00 in Shanghai
    assert account not in client.get("/accounts/").context["reviews"]


def test_a_salesperson_cannot_mark_their_credit_reviewed(client, account, salesperson):
    client.force_login(salesperson)
    page = client.get("/accounts/").content.decode()
    assert "credit-reviewed" not in page and account.name in page
    assert client.post(f"/accounts/{account.pk}/credit-reviewed/").status_code == 403
    account.refresh_from_db()
    assert account.last_credit_review is None
