"""The overdue list and the home pages' blocks (R-9.8): aged, longest overdue first, each
row with "记录拜访" coming back to the list; the salesperson's home shows their own, the
manager's the branch's count and the oldest five."""

import datetime
import re

import pytest
import time_machine

from staff.choices import Role
from staff.factories import UserFactory

from .test_records import NOW, TODAY, make_account, make_record

pytestmark = pytest.mark.django_db

D = datetime.timedelta


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def html_of(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def rows(html: str) -> list[int]:
    """The account ids of the overdue list's rows, in order."""
    return [int(pk) for pk in re.findall(r'id="overdue-account-(\d+)"', html)]


@pytest.fixture
def accounts(office, salesperson, other_salesperson):
    old = TODAY - D(200)
    a = make_account(office, salesperson, grade="A", opened=old, name="甲机械")
    make_record(a, salesperson, TODAY - D(5))  # 2 days overdue
    c = make_account(office, salesperson, grade="C", opened=old, name="丙建材")
    make_record(c, salesperson, TODAY - D(80))  # 50 days overdue
    b = make_account(office, other_salesperson, grade="B", opened=old, name="乙贸易")
    make_record(b, other_salesperson, TODAY - D(17))  # 10 days overdue
    fresh = make_account(office, salesperson, grade="B", opened=old, name="丁公司")
    make_record(fresh, salesperson, TODAY - D(1))
    return {"a": a, "b": b, "c": c, "fresh": fresh}


def test_r_9_8_the_salesperson_sees_their_overdue_accounts_aged(client, accounts, salesperson):
    html = html_of(client, salesperson, "/accounts/overdue/")

    assert rows(html) == [accounts["c"].pk, accounts["a"].pk]
    assert html.index('id="overdue-month"') < html.index('id="overdue-week"')
    assert "逾期 30 天以上" in html and "逾期 7 天以内" in html
    assert 'id="overdue-weeks"' not in html  # an empty band is left out
    link = f"/visits/new/?account={accounts['a'].pk}&amp;next=%2Faccounts%2Foverdue%2F"
    assert link in html and "记录拜访" in html
    assert "负责人" not in html  # their own: no owner column


def test_r_9_8_the_manager_sees_the_branch_with_each_owner(
    client, accounts, manager, salesperson, other_salesperson
):
    html = html_of(client, manager, "/accounts/overdue/")

    assert rows(html) == [accounts["c"].pk, accounts["b"].pk, accounts["a"].pk]
    assert "负责人" in html and str(other_salesperson) in html


def test_r_9_1_a_colleague_and_another_branch_see_nothing_of_it(
    client, accounts, other_salesperson, other_manager
):
    assert rows(html_of(client, other_salesperson, "/accounts/overdue/")) == [accounts["b"].pk]
    html = html_of(client, other_manager, "/accounts/overdue/")
    assert rows(html) == [] and "没有逾期未拜访的客户。" in html


def test_the_overdue_page_of_one_branch(client, accounts, office, other_office, manager, director):
    assert len(rows(html_of(client, director, f"/accounts/overdue/?office={office.pk}"))) == 3
    assert rows(html_of(client, director, f"/accounts/overdue/?office={other_office.pk}")) == []
    client.force_login(manager)
    assert client.get(f"/accounts/overdue/?office={other_office.pk}").status_code == 404


@pytest.mark.parametrize("role", ["secretary", "finance", "clerk", "warehouse"])
def test_other_roles_get_403(client, request, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get("/accounts/overdue/").status_code == 403
    assert client.get("/visits/").status_code == 403
    assert client.get("/visits/new/").status_code == 403


def test_anonymous_is_sent_to_log_in(client):
    for url in ("/accounts/overdue/", "/visits/", "/visits/new/"):
        r = client.get(url)
        assert r.status_code == 302 and r["Location"].startswith("/accounts/login/")


# ---------------------------------------------------------------- the home pages


def test_the_salespersons_home_shows_their_overdue_accounts(client, accounts, salesperson):
    html = html_of(client, salesperson, "/w/my/")

    block = html[html.index('id="overdue-block"') :]
    assert "我的逾期未拜访客户" in block
    assert block.index("丙建材") < block.index("甲机械")
    assert "乙贸易" not in block and "丁公司" not in block
    assert "逾期 50 天" in block and "记录拜访" in block
    assert "next=%2Fw%2Fmy%2F" in block  # back to the home page after saving


def test_the_home_block_lists_five_and_counts_all(client, office, salesperson):
    for n in range(7):
        make_account(office, salesperson, grade="A", opened=TODAY - D(10 + n), name=f"客户{n}")

    html = html_of(client, salesperson, "/w/my/")

    block = html[html.index('id="overdue-block"') :]
    assert len(re.findall(r'id="home-overdue-\d+"', block)) == 5
    assert "查看全部 7 个逾期客户" in block
    assert "客户6" in block and "客户1" not in block  # the five longest overdue


def test_the_managers_home_shows_the_branchs_count_and_oldest(client, accounts, manager):
    html = html_of(client, manager, "/w/manage/")

    block = html[html.index('id="overdue-block"') :]
    assert "本分部逾期未拜访客户" in block
    assert re.search(r'<span class="count">3</span>', block)
    assert block.index("丙建材") < block.index("乙贸易") < block.index("甲机械")


def test_no_block_for_a_salesperson_without_graded_accounts(client, office):
    newcomer = UserFactory(username="newcomer", roles=[Role.SALESPERSON], offices=[office])
    assert 'id="overdue-block"' not in html_of(client, newcomer, "/w/my/")


def test_the_block_says_so_when_nothing_is_overdue(client, office, salesperson):
    account = make_account(office, salesperson, grade="C", opened=TODAY - D(5))
    html = html_of(client, salesperson, "/w/my/")
    assert 'id="overdue-block"' in html and "没有逾期未拜访的客户。" in html
    assert account.name not in html
