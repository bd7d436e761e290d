"""The phone pages of visit records (R-9.7): the form pre-filled for "log a visit in two
taps", saving back to where the user came from, the list of records, the account card's
block; who gets which page (the owner 200, a colleague 404, the branch's manager 200)."""

import datetime
import re

import pytest
import time_machine

from visits.models import DealerStock, VisitRecord

from .test_records import NOW, TODAY, make_account, make_contact, make_product, make_record

pytestmark = pytest.mark.django_db

D = datetime.timedelta


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def page(client, user, url, **kw):
    client.force_login(user)
    return client.get(url, **kw)


def text(response) -> str:
    return response.content.decode()


def checked_kind(html: str) -> str:
    return re.search(r'<input type="radio" name="kind" value="(\w+)"[^>]* checked', html)[1]


# ---------------------------------------------------------------- the form


def test_the_form_is_pre_filled_today_first_visit_primary_contact(client, office, salesperson):
    account = make_account(office, salesperson)
    make_contact(account, "李助理", primary=False)
    primary = make_contact(account, "王总", primary=True)

    r = page(client, salesperson, f"/visits/new/?account={account.pk}")

    assert r.status_code == 200
    html = text(r)
    assert f'value="{TODAY.isoformat()}"' in html
    assert checked_kind(html) == "first"
    assert f'<option value="{primary.pk}" selected>王总</option>' in html
    assert "<details" in html and "市场信息（选填）" in html  # folded on a phone
    assert "经销商库存" not in html  # a customer, not a dealer
    assert "保存" in html

    make_record(account, salesperson, TODAY - D(3), kind="first")
    assert checked_kind(text(page(client, salesperson, f"/visits/new/?account={account.pk}"))) == (
        "return"
    )


def test_two_taps_save_and_go_back_where_the_user_came_from(client, office, salesperson):
    account = make_account(office, salesperson, grade="B")
    contact = make_contact(account)
    client.force_login(salesperson)

    r = client.post(
        "/visits/new/",
        {
            "account": account.pk,
            "next": "/accounts/overdue/",
            "date": TODAY.isoformat(),
            "kind": "first",
            "contact": contact.pk,
        },
        follow=True,
    )

    assert r.redirect_chain == [("/accounts/overdue/", 302)]
    saved = VisitRecord.objects.get()
    assert (saved.account, saved.salesperson, saved.kind, saved.contact) == (
        account,
        salesperson,
        "first",
        contact,
    )
    assert f"已记录对{account.name}的拜访，下次应在 2026-03-27 前拜访。" in text(r)


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)", "/\r\nx", ""]
)
def test_an_unsafe_next_goes_to_the_account_card(client, office, salesperson, target):
    account = make_account(office, salesperson)
    client.force_login(salesperson)
    r = client.post(
        "/visits/new/",
        {"account": account.pk, "next": target, "date": TODAY.isoformat(), "kind": "call"},
    )
    assert r.status_code == 302 and r["Location"] == f"/accounts/{account.pk}/"


def test_a_future_date_is_shown_on_the_form_and_nothing_is_saved(client, office, salesperson):
    account = make_account(office, salesperson)
    client.force_login(salesperson)
    r = client.post(
        "/visits/new/",
        {"account": account.pk, "date": (TODAY + D(1)).isoformat(), "kind": "return"},
    )
    assert r.status_code == 422
    assert "不能为尚未到来的日期记录拜访。" in text(r)
    assert not VisitRecord.objects.exists()


def test_a_dealers_stock_on_the_form(client, office, salesperson):
    dealer = make_account(office, salesperson, kind="dealer")
    motor, pump = make_product(), make_product("SB-1", "水泵")
    client.force_login(salesperson)
    assert "经销商库存" in text(client.get(f"/visits/new/?account={dealer.pk}"))
    form = {
        "account": dealer.pk,
        "date": TODAY.isoformat(),
        "kind": "return",
        "stock-TOTAL_FORMS": "3",
        "stock-INITIAL_FORMS": "0",
        "stock-0-product": motor.pk,
        "stock-0-quantity": "4",
        "stock-1-product": pump.pk,
        "stock-1-quantity": "0",
        "stock-1-note": "缺货，已安排补货",
    }

    assert client.post("/visits/new/", form).status_code == 302

    lines = DealerStock.objects.order_by("pk").values_list("product", "quantity", "note")
    assert [(p, int(q), n) for p, q, n in lines] == [
        (motor.pk, 4, ""),
        (pump.pk, 0, "缺货，已安排补货"),
    ]
    # the next visit's form lists the same products to count again; one not counted is left
    # out, a note without a quantity is asked for it
    html = text(client.get(f"/visits/new/?account={dealer.pk}"))
    assert f'<option value="{pump.pk}" selected>' in html
    again = {
        "account": dealer.pk,
        "date": TODAY.isoformat(),
        "kind": "return",
        "stock-TOTAL_FORMS": "2",
        "stock-INITIAL_FORMS": "2",
        "stock-0-product": motor.pk,
        "stock-0-quantity": "2",
        "stock-1-product": pump.pk,
        "stock-1-quantity": "",
    }
    assert client.post("/visits/new/", again).status_code == 302
    latest = VisitRecord.objects.latest("pk")
    assert list(latest.dealer_stock.values_list("product", flat=True)) == [motor.pk]
    r = client.post("/visits/new/", {**again, "stock-1-note": "缺货"})
    assert r.status_code == 422 and "请填写库存数量（无货填 0）。" in text(r)
    assert VisitRecord.objects.count() == 2


@pytest.mark.parametrize(
    ("quantity", "message"),
    [("-1", "确保该值大于或等于0"), ("1.2345", "小数不超过 3 位"), ("abc", "输入一个数字")],
)
def test_bad_stock_on_the_form_saves_nothing(client, office, salesperson, quantity, message):
    dealer = make_account(office, salesperson, kind="dealer")
    client.force_login(salesperson)
    r = client.post(
        "/visits/new/",
        {
            "account": dealer.pk,
            "date": TODAY.isoformat(),
            "kind": "return",
            "stock-TOTAL_FORMS": "1",
            "stock-INITIAL_FORMS": "0",
            "stock-0-product": make_product().pk,
            "stock-0-quantity": quantity,
        },
    )
    assert r.status_code == 422
    assert message in text(r)
    assert not VisitRecord.objects.exists() and not DealerStock.objects.exists()


def test_one_product_twice_on_the_form_saves_nothing(client, office, salesperson):
    dealer = make_account(office, salesperson, kind="dealer")
    motor = make_product()
    client.force_login(salesperson)
    r = client.post(
        "/visits/new/",
        {
            "account": dealer.pk,
            "date": TODAY.isoformat(),
            "kind": "return",
            "stock-TOTAL_FORMS": "2",
            "stock-INITIAL_FORMS": "0",
            "stock-0-product": motor.pk,
            "stock-0-quantity": "1",
            "stock-1-product": motor.pk,
            "stock-1-quantity": "2",
        },
    )
    assert r.status_code == 422
    assert "每种产品只填一行" in text(r)
    assert not VisitRecord.objects.exists()


# ---------------------------------------------------------------- who gets the form


def test_r_9_1_the_owner_and_the_manager_get_the_form_a_colleague_gets_404(
    client, office, salesperson, other_salesperson, manager, other_manager, secretary
):
    account = make_account(office, salesperson)
    url = f"/visits/new/?account={account.pk}"

    assert page(client, salesperson, url).status_code == 200
    assert page(client, manager, url).status_code == 200
    assert page(client, other_salesperson, url).status_code == 404
    assert page(client, other_manager, url).status_code == 404
    assert page(client, secretary, url).status_code == 403


def test_a_colleague_cannot_post_a_visit_on_the_account(
    client, office, salesperson, other_salesperson
):
    """Abuse: a visit logged on a colleague's account, to take it or reset its clock."""
    account = make_account(office, salesperson, grade="A", opened=TODAY - D(30))
    client.force_login(other_salesperson)
    r = client.post(
        "/visits/new/", {"account": account.pk, "date": TODAY.isoformat(), "kind": "first"}
    )
    assert r.status_code == 404
    assert not VisitRecord.objects.exists()


def test_without_an_account_the_form_offers_the_users_accounts(
    client, office, salesperson, other_salesperson
):
    mine = make_account(office, salesperson, name="我的客户")
    make_account(office, other_salesperson, name="同事的客户")
    html = text(page(client, salesperson, "/visits/new/"))
    assert "我的客户" in html and "同事的客户" not in html
    assert f'value="{mine.pk}"' in html


def test_a_post_without_an_account_is_a_400(client, office, salesperson):
    client.force_login(salesperson)
    r = client.post("/visits/new/", {"date": TODAY.isoformat(), "kind": "first"})
    assert r.status_code == 400
    assert not VisitRecord.objects.exists()


@pytest.mark.parametrize("raw", ["abc", "99999999999999999999", "-1", "1e3", "²", "１２"])
def test_a_bad_account_id_is_a_404(client, office, salesperson, raw):
    assert page(client, salesperson, f"/visits/new/?account={raw}").status_code == 404


# ---------------------------------------------------------------- the list


def test_r_9_1_the_list_of_records(client, office, salesperson, other_salesperson, manager):
    mine = make_account(office, salesperson, name="甲公司")
    theirs = make_account(office, other_salesperson, name="乙公司")
    one = make_record(mine, salesperson, TODAY - D(1))
    VisitRecord.objects.filter(pk=one.pk).update(demand="明年扩产")
    two = make_record(theirs, other_salesperson, TODAY)

    def rows(user, query=""):
        html = text(page(client, user, f"/visits/{query}"))
        return {pk for pk in (one.pk, two.pk) if f'id="record-{pk}"' in html}, html

    shown, html = rows(salesperson)
    assert shown == {one.pk} and "明年扩产" in html and "乙公司" not in html
    assert rows(manager)[0] == {one.pk, two.pk}
    assert rows(manager, f"?salesperson={other_salesperson.pk}")[0] == {two.pk}
    assert rows(other_salesperson)[0] == {two.pk}


@pytest.mark.parametrize("query", ["from=2026-02-30", "from=2026-03-10&to=2026-03-01", "account=x"])
def test_bad_filters_on_the_list_are_a_400(client, office, salesperson, query):
    make_record(make_account(office, salesperson), salesperson, TODAY)
    r = page(client, salesperson, f"/visits/?{query}")
    assert r.status_code == 400
    assert 'class="field-error"' in text(r) or 'class="error"' in text(r)


def test_the_account_card_shows_its_visits_and_the_button(
    client, office, salesperson, other_salesperson, manager
):
    account = make_account(office, salesperson)
    make_record(account, salesperson, TODAY - D(2), kind="call")

    html = text(page(client, salesperson, f"/accounts/{account.pk}/"))
    assert 'id="log-visit"' in html and "记录拜访" in html
    assert f"{(TODAY - D(2)).isoformat()} · 电话沟通" in html
    assert f"/visits/new/?account={account.pk}&amp;next=/accounts/{account.pk}/" in html
    assert 'id="log-visit"' in text(page(client, manager, f"/accounts/{account.pk}/"))
