"""R-9.4: the manager assigns accounts to salespeople and reassigns them with a reason; the
assignment page shows each salesperson's accounts by grade; the card keeps the history."""

import pytest
from django.db import ProgrammingError, transaction

from accounts.factories import AccountFactory
from accounts.models import Account, AccountAssignment
from notifications.models import Notification
from staff.choices import Role
from staff.factories import UserFactory

pytestmark = pytest.mark.django_db


def _state(account):
    account.refresh_from_db()
    return (
        account.owner_id,
        account.deputy_id,
        AccountAssignment.objects.count(),
        Notification.objects.count(),
    )


def _api_reassign(api, user, account, **body):
    api.force_authenticate(user)
    return api.post(f"/api/v1/accounts/{account.pk}/reassign/", body, format="json")


def _page_reassign(client, user, account, **fields):
    client.force_login(user)
    data = {f"a{account.pk}-{k}": v for k, v in fields.items()}
    data["office"] = account.office_id
    return client.post(f"/accounts/{account.pk}/reassign/", data)


def test_manager_reassigns_from_the_page_with_a_reason(
    client, account, salesperson, other_salesperson, third_salesperson, manager
):
    """R-9.4: the new owner and deputy, the history row, both owners told."""
    r = _page_reassign(
        client,
        manager,
        account,
        owner=other_salesperson.pk,
        deputy=third_salesperson.pk,
        reason="原负责人调岗",
    )
    assert r.status_code == 302 and "/accounts/assignment/" in r["Location"]
    account.refresh_from_db()
    assert (account.owner, account.deputy) == (other_salesperson, third_salesperson)
    row = AccountAssignment.objects.get()
    assert (row.previous_owner, row.new_owner, row.previous_deputy, row.new_deputy) == (
        salesperson,
        other_salesperson,
        None,
        third_salesperson,
    )
    assert (row.reason, row.by) == ("原负责人调岗", manager)
    told = dict(Notification.objects.values_list("recipient", "kind"))
    assert told == {
        other_salesperson.pk: "account_assigned",
        salesperson.pk: "account_reassigned",
        third_salesperson.pk: "account_deputy",
    }
    client.force_login(other_salesperson)
    notes = client.get("/notifications/").content.decode()
    assert "经理将客户 华东机械 分配给您：原负责人调岗" in notes
    card = client.get(f"/accounts/{account.pk}/").content.decode()
    assert f"负责人 {salesperson} → {other_salesperson}" in card
    assert "原负责人调岗" in card and f"经办人：{manager}" in card


def test_manager_reassigns_through_the_api(api, account, other_salesperson, manager):
    r = _api_reassign(api, manager, account, owner=other_salesperson.pk, reason="均衡负担")
    assert r.status_code == 200, r.json()
    assert r.json()["owner"] == other_salesperson.pk and r.json()["deputy"] is None
    assert AccountAssignment.objects.get().reason == "均衡负担"


def test_director_reassigns_in_any_branch(api, other_office, director):
    """A director oversees every branch (manages)."""
    seller = UserFactory(username="r1", roles=[Role.SALESPERSON], offices=[other_office])
    other = UserFactory(username="r2", roles=[Role.SALESPERSON], offices=[other_office])
    account = AccountFactory(office=other_office, author=seller, status="approved")
    r = _api_reassign(api, director, account, owner=other.pk, reason="总部调整")
    assert r.status_code == 200 and r.json()["owner"] == other.pk


@pytest.mark.parametrize(
    ("case", "field"),
    [
        ("no reason", "reason"),
        ("blank reason", "reason"),
        ("owner a manager", "owner"),
        ("owner of another branch", "owner"),
        ("owner left the company", "owner"),
        ("deputy = owner", "deputy"),
        ("deputy of another branch", "deputy"),
        ("same owner and deputy", "owner"),
    ],
)
def test_bad_reassignments_are_400_and_save_nothing(
    api, account, salesperson, other_salesperson, manager, river_salesperson, case, field
):
    """R-9.4: the owner and deputy are active salespeople of the account's branch, the deputy
    is not the owner, a reason is given."""
    gone = UserFactory(username="gone", roles=[Role.SALESPERSON], offices=[account.office])
    gone.is_active = False
    gone.save()
    body = {"owner": other_salesperson.pk, "reason": "调整"}
    body |= {
        "no reason": {"reason": ""},
        "blank reason": {"reason": "   "},
        "owner a manager": {"owner": manager.pk},
        "owner of another branch": {"owner": river_salesperson.pk},
        "owner left the company": {"owner": gone.pk},
        "deputy = owner": {"deputy": other_salesperson.pk},
        "deputy of another branch": {"deputy": river_salesperson.pk},
        "same owner and deputy": {"owner": salesperson.pk},
    }[case]
    before = _state(account)
    r = _api_reassign(api, manager, account, **body)
    assert r.status_code == 400, r.json()
    assert field in r.json()
    assert _state(account) == before


def test_bad_reassignment_on_the_page_shows_the_form_again(
    client, account, salesperson, manager, river_salesperson
):
    before = _state(account)
    r = _page_reassign(client, manager, account, owner=river_salesperson.pk, reason="")
    assert r.status_code == 422
    page = r.content.decode()
    assert "请说明改派的理由。" in page or "该字段是必填项。" in page
    assert _state(account) == before
    r = _page_reassign(
        client, manager, account, owner=salesperson.pk, deputy=salesperson.pk, reason="调整"
    )
    assert r.status_code == 422 and "副负责人不能是负责人本人。" in r.content.decode()
    assert _state(account) == before


def test_a_salesperson_cannot_reassign_their_own_account_to_themself_or_anyone(
    api, client, account, salesperson, other_salesperson, third_salesperson
):
    """The abuse: the owner (or deputy) makes the account theirs, or gives it away."""
    account.deputy = third_salesperson
    account.save()
    before = _state(account)
    for actor, owner in ((third_salesperson, third_salesperson), (salesperson, other_salesperson)):
        assert _api_reassign(api, actor, account, owner=owner.pk, reason="我要").status_code == 403
        r = _page_reassign(client, actor, account, owner=owner.pk, reason="我要")
        assert r.status_code == 403
    # a colleague's account is not even there
    r = _api_reassign(api, other_salesperson, account, owner=other_salesperson.pk, reason="我要")
    assert r.status_code == 404
    r = _page_reassign(client, other_salesperson, account, owner=other_salesperson.pk, reason="x")
    assert r.status_code == 404
    assert _state(account) == before


def test_another_branchs_manager_does_not_see_the_account(
    api, client, account, other_manager, other_salesperson
):
    before = _state(account)
    r = _api_reassign(api, other_manager, account, owner=other_salesperson.pk, reason="x")
    assert r.status_code == 404
    assert (
        _page_reassign(
            client, other_manager, account, owner=other_salesperson.pk, reason="x"
        ).status_code
        == 404
    )
    assert _state(account) == before


def test_the_history_is_append_only(account, salesperson, other_salesperson, manager):
    from accounts.services import account_reassign
    from tests.accounts.conftest import NOW

    account_reassign(
        account=account, actor=manager, owner=other_salesperson, reason="调整", now=NOW
    )
    row = AccountAssignment.objects.get()
    with pytest.raises(ProgrammingError), transaction.atomic():
        AccountAssignment.objects.filter(pk=row.pk).update(reason="改写")
    with pytest.raises(ProgrammingError), transaction.atomic():
        AccountAssignment.objects.filter(pk=row.pk).delete()


# ---------------------------------------------------------------- the assignment page


def _grades(office, owner, grades):
    for grade in grades:
        AccountFactory(office=office, author=owner, status="approved", grade=grade)


def test_the_page_counts_each_salespersons_accounts_by_grade(
    client, office, salesperson, other_salesperson, third_salesperson, manager
):
    _grades(office, salesperson, ["A", "A", "B", None])
    _grades(office, other_salesperson, ["C"])
    AccountFactory(
        office=office, author=other_salesperson, deputy=salesperson, status="approved", grade="B"
    )
    client.force_login(manager)
    r = client.get("/accounts/assignment/")
    assert r.status_code == 200
    rows = {row["person"]: row for row in r.context["load"]}
    assert {k: rows[salesperson][k] for k in ("a", "b", "c", "ungraded", "total")} == {
        "a": 2,
        "b": 1,
        "c": 0,
        "ungraded": 1,
        "total": 4,
    }
    assert (rows[other_salesperson]["b"], rows[other_salesperson]["c"]) == (1, 1)
    assert rows[salesperson]["deputy_of"] == 1
    assert rows[third_salesperson]["total"] == 0  # listed with nothing: room for more
    page = r.content.decode()
    assert "各销售员的客户" in page and "A 级" in page
    # filtered by a salesperson: only their accounts, each with a reassign form
    r = client.get(f"/accounts/assignment/?salesperson={other_salesperson.pk}")
    assert {a.owner for a in r.context["accounts"]} == {other_salesperson}
    assert len(r.context["accounts"]) == 2
    assert 'name="a{}-reason"'.format(r.context["accounts"][0].pk) in r.content.decode()


def test_a_former_salesperson_with_accounts_is_listed_to_give_them_away(
    client, office, salesperson, manager
):
    _grades(office, salesperson, ["A"])
    salesperson.is_active = False
    salesperson.save()
    client.force_login(manager)
    rows = {row["person"]: row for row in client.get("/accounts/assignment/").context["load"]}
    assert rows[salesperson]["former"] and rows[salesperson]["total"] == 1


def test_the_page_reads_a_fixed_number_of_queries(
    client, office, salesperson, other_salesperson, manager, django_assert_max_num_queries
):
    _grades(office, salesperson, ["A", "B", "C"] * 5)
    _grades(office, other_salesperson, ["A", None] * 5)
    client.force_login(manager)
    client.get("/accounts/assignment/")  # warm the session and the user's caches
    with django_assert_max_num_queries(20):
        r = client.get("/accounts/assignment/")
    assert len(r.context["accounts"]) == 25


def test_only_managers_open_the_page(client, office, other_office, salesperson, manager):
    client.force_login(salesperson)
    assert client.get("/accounts/assignment/").status_code == 403
    client.force_login(manager)
    assert client.get(f"/accounts/assignment/?office={other_office.pk}").status_code == 404


def test_the_card_links_the_manager_to_the_reassign_form(client, account, salesperson, manager):
    client.force_login(manager)
    assert f"#a{account.pk}" in client.get(f"/accounts/{account.pk}/").content.decode()
    client.force_login(salesperson)
    card = client.get(f"/accounts/{account.pk}/").content.decode()
    assert f"#a{account.pk}" not in card
    assert f"自登记以来一直由 {salesperson} 负责。" in card


def test_accounts_listed_for_the_branch(client, account, manager):
    client.force_login(manager)
    r = client.get("/accounts/")
    assert r.context["scope"] == "branch"
    assert account in list(r.context["accounts"])
    assert Account.objects.count() == 1
