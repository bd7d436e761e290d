"""The pages of enquiries and quotes, in Chinese (R-10.2, R-11): the editor's live totals and
chain, saving and submitting, the quote page's discount request, enquiries and questions."""

import datetime

import pytest

from approvals.services import approval_decide
from quotes import services
from quotes.models import Enquiry, Quote

from .conftest import NOW, TODAY, line

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]
VALID = (TODAY + datetime.timedelta(days=30)).isoformat()


def _form(account, *rows, **extra):
    data = {"account": account.pk, "kind": "quote", "valid_until": VALID, "rows": len(rows)}
    for i, (product, quantity, price) in enumerate(rows):
        data |= {
            f"line-{i}-product": product.pk,
            f"line-{i}-quantity": quantity,
            f"line-{i}-unit_price": price,
        }
    return data | extra


def test_the_editor_shows_prices_and_an_empty_line(client, salesperson, account, product):
    client.force_login(salesperson)
    r = client.get(f"/quotes/new/?account={account.pk}")
    assert r.status_code == 200
    page = r.content.decode()
    assert (
        "新建报价单" in page and "DJ-100 电机" in page and f'value="{account.pk}" selected' in page
    )


def test_live_totals_discount_reason_and_chain(client, salesperson, account, product, product2):
    """The server computes the money (quotes.money) and the chain as the salesperson types;
    a line below list brings the discount reason, below the floor the director."""
    client.force_login(salesperson)
    data = _form(account, (product, "3", "79.99"), (product2, "1.5", "2499.99"))
    r = client.post("/quotes/preview/", data, HTTP_HX_REQUEST="true")
    assert r.status_code == 200
    page = r.content.decode()
    assert "239.97" in page  # 3 × 79.99
    assert "3,749.99" in page  # 1.5 × 2,499.99 half-up
    assert "3,989.96" in page  # the total
    assert "优惠销售申请" in page and 'name="discount_reason"' in page
    assert "低于底价" in page
    assert "此单需要：分部经理 → 销售部经理（低于底价）" in page
    r = client.post(
        "/quotes/preview/", _form(account, (product, "3", "100.00")), HTTP_HX_REQUEST="true"
    )
    page = r.content.decode()
    assert "此单需要：分部经理" in page and "低于底价" not in page and "优惠销售申请" not in page


def test_a_chosen_product_fills_the_list_price(client, salesperson, account, product):
    client.force_login(salesperson)
    r = client.post("/quotes/preview/", _form(account, (product, "2", "")), HTTP_HX_REQUEST="true")
    assert 'value="100.00"' in r.content.decode() and "200.00" in r.content.decode()


def test_add_and_remove_lines(client, salesperson, account, product):
    client.force_login(salesperson)
    r = client.post("/quotes/preview/", _form(account, (product, "2", "100.00")) | {"add": "1"})
    assert 'name="line-1-product"' in r.content.decode()
    r = client.post(
        "/quotes/preview/",
        _form(account, (product, "2", "100.00"), (product, "5", "100.00")) | {"remove": "0"},
    )
    page = r.content.decode()
    assert 'name="line-1-product"' not in page and 'value="5"' in page


def test_save_and_submit_a_quote_with_a_discount(client, salesperson, account, product):
    client.force_login(salesperson)
    data = _form(account, (product, "10", "75.00"), discount_reason="年度框架客户", submit="1")
    r = client.post("/quotes/new/", data)
    quote = Quote.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/quotes/{quote.pk}/"
    assert (quote.status, quote.total, quote.discount_reason) == ("pending", 750, "年度框架客户")
    assert [a.role for a in quote.approvals().exclude(state="skipped")] == ["manager", "director"]
    page = client.get(r["Location"]).content.decode()
    assert "优惠销售申请" in page and "年度框架客户" in page and "比表价低25.0%" in page
    assert "此单需要：分部经理 → 销售部经理（低于底价）" in page


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"line-0-quantity": "0"}, "数量必须大于零"),
        ({"line-0-unit_price": "1.234"}, "2"),
        ({"line-0-unit_price": "90.00"}, "低于表价的价格需要填写优惠理由"),
        ({"valid_until": "2020-01-01"}, "有效期不能早于今天"),
    ],
)
def test_bad_input_shows_the_form_again_with_nothing_saved(
    client, salesperson, account, product, change, message
):
    client.force_login(salesperson)
    r = client.post("/quotes/new/", _form(account, (product, "10", "100.00")) | change)
    assert r.status_code == 422 and message in r.content.decode()
    assert not Quote.objects.exists()


def test_a_pending_quote_opens_its_page_not_the_editor(client, salesperson, make_quote, product):
    quote = make_quote(line(product))
    services.quote_submit(quote=quote, actor=salesperson, now=NOW)
    client.force_login(salesperson)
    r = client.get(f"/quotes/{quote.pk}/edit/")
    assert r.status_code == 302 and r["Location"] == f"/quotes/{quote.pk}/"
    r = client.post(f"/quotes/{quote.pk}/edit/", _form(quote.account, (product, "1", "1.00")))
    assert r.status_code == 302
    quote.refresh_from_db()
    assert quote.total == 1000


def test_editing_an_approved_quote_warns_and_resubmits(
    client, salesperson, manager, make_quote, product
):
    quote = make_quote(line(product))
    services.quote_submit(quote=quote, actor=salesperson, now=NOW)
    approval_decide(
        approval=quote.approvals().get(state="pending"),
        actor=manager,
        decision="approve",
        comment="",
        now=NOW,
    )
    client.force_login(salesperson)
    assert (
        "保存修改后将退回草稿并重新审批" in client.get(f"/quotes/{quote.pk}/edit/").content.decode()
    )
    r = client.post(
        f"/quotes/{quote.pk}/edit/",
        {
            "valid_until": VALID,
            "rows": 1,
            "line-0-product": product.pk,
            "line-0-quantity": "10",
            "line-0-unit_price": "110.00",
        },
    )
    assert r.status_code == 302
    quote.refresh_from_db()
    assert (quote.status, quote.number, quote.total) == ("draft", "BJ-2026-0001", 1100)


def test_the_inbox_shows_the_quote_and_the_manager_approves(
    client, salesperson, manager, make_quote, product
):
    quote = make_quote(line(product, unit_price="90.00"), discount_reason="批量")
    services.quote_submit(quote=quote, actor=salesperson, now=NOW)
    client.force_login(manager)
    page = client.get("/approvals/inbox/").content.decode()
    assert "华东机械" in page and "1,000.00" not in page and "900.00" in page
    assert "优惠销售申请：批量" in page and "未编号" in page
    step = quote.approvals().get(state="pending")
    client.post(f"/approvals/{step.pk}/decide/", {"decision": "approve"})
    quote.refresh_from_db()
    assert quote.number == "BJ-2026-0001"


def test_a_colleagues_quote_is_not_there(client, other_salesperson, make_quote, product):
    quote = make_quote(line(product))
    client.force_login(other_salesperson)
    for url in (f"/quotes/{quote.pk}/", f"/quotes/{quote.pk}/edit/"):
        assert client.get(url).status_code == 404


def test_the_manager_sees_cost_the_salesperson_does_not(
    client, salesperson, manager, make_quote, product
):
    quote = make_quote(line(product))
    client.force_login(salesperson)
    assert "成本" not in client.get(f"/quotes/{quote.pk}/").content.decode()
    client.force_login(manager)
    assert "成本 60.00" in client.get(f"/quotes/{quote.pk}/").content.decode()


def test_outcome_on_the_page(client, salesperson, manager, make_quote, product):
    quote = make_quote(line(product))
    services.quote_submit(quote=quote, actor=salesperson, now=NOW)
    approval_decide(
        approval=quote.approvals().get(state="pending"),
        actor=manager,
        decision="approve",
        comment="",
        now=NOW,
    )
    client.force_login(salesperson)
    r = client.post(
        f"/quotes/{quote.pk}/outcome/",
        {"result": "lost", "competitor": "某电机厂", "competitor_price": "950.00"},
    )
    assert r.status_code == 302
    page = client.get(f"/quotes/{quote.pk}/").content.decode()
    assert "未成交" in page and "某电机厂" in page and "950.00" in page


# ---- enquiries ---------------------------------------------------------------------------------


def _enquiry_form(account, product, **extra):
    return {
        "account": account.pk,
        "kind": "tender",
        "source": "政府采购网",
        "received_on": TODAY.isoformat(),
        "deadline": (TODAY + datetime.timedelta(days=7)).isoformat(),
        "estimated_amount": "60000.00",
        "description": "",
        "rows": 1,
        "line-0-product": product.pk,
        "line-0-quantity": "30",
        **extra,
    }


def test_log_an_enquiry_then_ask_and_answer(client, salesperson, technician, account, product):
    client.force_login(salesperson)
    r = client.post("/quotes/enquiries/new/", _enquiry_form(account, product, submit="1"))
    enquiry = Enquiry.objects.get()
    assert r.status_code == 302 and enquiry.status == "pending"
    page = client.get("/quotes/enquiries/").content.decode()
    assert "华东机械" in page and "等待投标决定" in page
    client.post(
        f"/quotes/enquiries/{enquiry.pk}/ask/", {"to": "technician", "question": "是否需要防爆？"}
    )
    client.force_login(technician)
    page = client.get("/quotes/questions/").content.decode()
    assert "是否需要防爆？" in page
    question = enquiry.questions.get()
    r = client.post(f"/quotes/questions/{question.pk}/answer/", {"answer": "需要"})
    assert r.status_code == 302
    client.force_login(salesperson)
    page = client.get(f"/quotes/enquiries/{enquiry.pk}/").content.decode()
    assert "需要" in page and "此单需要：分部经理" in page


def test_a_future_enquiry_is_refused_on_the_page(client, salesperson, account, product):
    client.force_login(salesperson)
    tomorrow = (TODAY + datetime.timedelta(days=1)).isoformat()
    r = client.post("/quotes/enquiries/new/", _enquiry_form(account, product, received_on=tomorrow))
    assert r.status_code == 422 and "收到日期不能是将来的日期" in r.content.decode()
    assert not Enquiry.objects.exists()


def test_make_a_quote_from_an_enquiry_with_the_bid_decision(
    client, salesperson, manager, account, product
):
    enquiry = services.enquiry_log(
        actor=salesperson,
        account=account,
        lines=[line(product, "30")],
        source="来电",
        received_on=TODAY,
        deadline=TODAY,
        now=NOW,
    )
    services.enquiry_submit(enquiry=enquiry, actor=salesperson, now=NOW)
    approval_decide(
        approval=enquiry.approvals().get(state="pending"),
        actor=manager,
        decision="approve",
        comment="",
        now=NOW,
    )
    client.force_login(salesperson)
    assert "制作报价单" in client.get(f"/quotes/enquiries/{enquiry.pk}/").content.decode()
    page = client.get(f"/quotes/new/?enquiry={enquiry.pk}").content.decode()
    assert 'value="30"' in page and 'value="100.00"' in page and "来自询价" in page
