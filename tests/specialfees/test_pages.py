"""The special fee pages (R-16.4): the list, a new fee, and the fee's page where each person
does their step: the salesperson submits and records the promise, the company's leadership
chooses the form of payment and approves or rejects, finance pays (once)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from specialfees.factories import approved_fee, draft_fee, manager_approved_fee, pending_fee
from specialfees.models import SpecialFee

pytestmark = pytest.mark.django_db

LIST, NEW = "/special-fees/", "/special-fees/new/"


def page(client, user, url, lang="zh-hans"):
    client.cookies["django_language"] = lang
    client.force_login(user)
    return client.get(url)


def test_salesperson_asks_for_a_fee_and_submits_it(client, account, salesperson, manager):
    response = page(client, salesperson, NEW)
    assert response.status_code == 200
    assert "华东机械有限公司" in response.content.decode()
    body = {
        "account": account.pk,
        "kind": "temporary_staff",
        "amount": "1200.50",
        "purpose": "周末展会临时促销员 3 名",
        "submit": "1",
    }
    response = client.post(NEW, body)
    fee = SpecialFee.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{LIST}{fee.pk}/"
    assert (fee.status, str(fee.amount), fee.author) == ("pending", "1200.50", salesperson)


def test_bad_input_is_shown_again_with_nothing_lost(client, account, salesperson):
    page(client, salesperson, NEW)
    body = {"account": account.pk, "kind": "promotion", "amount": "10000000.01", "purpose": "展会"}
    response = client.post(NEW, body)
    assert response.status_code == 400
    text = response.content.decode()
    assert 'class="field-error"' in text and "展会" in text
    assert SpecialFee.objects.count() == 0


def test_the_promise_waits_for_the_manager(client, account, salesperson, manager):
    fee = pending_fee(account, salesperson)
    url = f"{LIST}{fee.pk}/"
    text = page(client, salesperson, url).content.decode()
    assert 'id="promise-fee"' not in text and 'id="fee-wait"' in text
    response = client.post(f"{url}promise/", follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    fee = manager_approved_fee(account, salesperson, manager)
    url = f"{LIST}{fee.pk}/"
    assert 'id="promise-fee"' in page(client, salesperson, url).content.decode()
    client.post(f"{url}promise/")
    fee.refresh_from_db()
    assert fee.promised_by == salesperson


def test_executive_decides_the_form_of_payment_on_the_page(
    client, account, salesperson, manager, executive
):
    fee = manager_approved_fee(account, salesperson, manager)
    url = f"{LIST}{fee.pk}/"
    text = page(client, executive, url).content.decode()
    assert 'id="fee-decide"' in text and "转账给客户" in text
    # approving without a form: 409, the form again with the message
    response = client.post(f"{url}decide/", {"payment_form": "", "note": "", "approve": "1"})
    assert response.status_code == 409
    assert 'id="fee-decide"' in response.content.decode()
    # rejecting without a reason: 400
    response = client.post(f"{url}decide/", {"payment_form": "", "note": " ", "reject": "1"})
    assert response.status_code == 400
    response = client.post(f"{url}decide/", {"payment_form": "cash", "note": "现场发放"})
    assert response.status_code == 302
    fee.refresh_from_db()
    assert (fee.status, fee.payment_form, fee.payment_form_by) == ("approved", "cash", executive)
    # the manager and the salesperson have no such form
    assert 'id="fee-decide"' not in page(client, manager, url).content.decode()
    assert client.post(f"{url}decide/", {"payment_form": "cash"}).status_code == 403


def test_finance_pays_once_and_the_offset_is_said(
    client, account, salesperson, manager, executive, finance
):
    fee = approved_fee(account, salesperson, manager, executive, form="offset")
    url = f"{LIST}{fee.pk}/"
    text = page(client, finance, url).content.decode()
    assert 'id="fee-pay"' in text and "data-confirm" in text and 'id="fee-offset-note"' in text
    assert client.post(f"{url}pay/", {"reference": "冲抵单 7"}).status_code == 302
    response = client.post(f"{url}pay/", {"reference": "again"})
    assert response.status_code == 409
    fee.refresh_from_db()
    assert (fee.status, fee.payment_reference) == ("paid", "冲抵单 7")
    # the salesperson cannot pay
    page(client, salesperson, url)
    assert client.post(f"{url}pay/", {}).status_code == 403


def test_a_peer_salesperson_and_other_roles_do_not_see_it(
    client, account, salesperson, other_salesperson, secretary, other_manager, finance
):
    fee = draft_fee(account, salesperson)
    url = f"{LIST}{fee.pk}/"
    assert page(client, other_salesperson, url).status_code == 404
    assert client.post(f"{url}submit/").status_code == 404
    assert f'id="fee-{fee.pk}"' not in page(client, other_salesperson, LIST).content.decode()
    assert page(client, other_manager, url).status_code == 404
    assert page(client, finance, url).status_code == 404  # not approved: nothing to pay
    assert page(client, secretary, LIST).status_code == 403
    assert page(client, secretary, NEW).status_code == 403
    fee.refresh_from_db()
    assert fee.status == "draft"


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_pages_render_for_each_role(
    client, lang, account, salesperson, manager, executive, director, finance
):
    fee = approved_fee(account, salesperson, manager, executive)
    pending = manager_approved_fee(account, salesperson, manager)
    for user in (salesperson, manager, executive, director, finance):
        for url in (LIST, f"{LIST}{fee.pk}/"):
            response = page(client, user, url, lang)
            assert response.status_code == 200, (user, url)
            text = response.content.decode()
            if lang == "zh-hans":
                assert "R-16" not in text and "Special" not in text
                assert "特殊费用" in text
    assert page(client, salesperson, NEW, lang).status_code == 200
    assert page(client, executive, f"{LIST}{pending.pk}/", lang).status_code == 200


def test_list_query_count_does_not_grow(client, account, salesperson, manager):
    pending_fee(account, salesperson)
    page(client, manager, LIST)
    with CaptureQueriesContext(connection) as few:
        client.get(LIST)
    for _i in range(6):
        draft_fee(account, salesperson)
    with CaptureQueriesContext(connection) as many:
        response = client.get(LIST)
    assert len(re.findall(r'id="fee-\d+"', response.content.decode())) == 7
    assert len(many) == len(few)


def test_the_inbox_card_sends_the_executive_to_choose_the_form(
    client, account, salesperson, manager, executive
):
    fee = manager_approved_fee(account, salesperson, manager)
    text = page(client, executive, "/approvals/inbox/").content.decode()
    assert fee.number in text and f"/special-fees/{fee.pk}/" in text
    assert "请先在费用页面选择支付方式" in text
    approval = fee.approvals().get(role="executive")
    response = client.post(f"/approvals/{approval.pk}/decide/", {"decision": "approve"})
    assert response.status_code == 409
    assert "批准前请先选择支付方式" in response.content.decode()
    fee.refresh_from_db()
    assert fee.status == "pending"
