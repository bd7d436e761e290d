"""The contract pages (R-12): the editor (direct, or from a won quote with its deviations),
the contract page with its approval chain, submit, cancel with a confirmation, the clerk's
filing queue, the pipelines."""

import re
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from approvals.chains import role_name
from contracts.factories import NOW, approve_all, draft, line, signed, won_quote
from contracts.models import SalesContract
from staff.choices import Role

pytestmark = pytest.mark.django_db


def _manager() -> str:
    """The branch manager's role as the pages name it (staff.choices, in Chinese)."""
    with translation.override("zh-hans"):
        return role_name(Role.MANAGER)


PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _form(account=None, rows=(), **terms) -> dict:
    data = {
        "kind": "contract",
        "delivery_date": "2026-03-20",
        "delivery_place": "客户仓库",
        "advance_percent": "30",
        "payment_basis": "after_invoice",
        "payment_terms_days": "30",
        "lines-TOTAL_FORMS": str(len(rows)),
        "lines-INITIAL_FORMS": "0",
        **terms,
    }
    if account is not None:
        data["account"] = account.pk
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"lines-{i}-{key}"] = value
    return data


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_a_salesperson_drafts_and_submits_from_the_pages(
    client, account, salesperson, product, cable, manager
):
    client.force_login(salesperson)
    page = client.get("/contracts/new/")
    assert page.status_code == 200 and account.name in page.content.decode()
    rows = [
        {"product": product.pk, "quantity": "2", "unit_price": "100.00"},
        {"product": cable.pk, "quantity": "10.5", "unit_price": "12.50"},
        {"product": "", "quantity": "", "unit_price": ""},
    ]
    r = client.post("/contracts/new/", _form(account, rows))
    assert r.status_code == 302, _text(r)
    contract = SalesContract.objects.get()
    assert r["Location"] == f"/contracts/{contract.pk}/"
    assert (contract.total, contract.lines.count()) == (Decimal("331.25"), 2)
    page = _text(client.get(r["Location"]))
    assert f"此单需要：{_manager()}" in page and "331.25" in page and "草稿" in page
    r = client.post(f"/contracts/{contract.pk}/submit/")
    assert r.status_code == 302
    page = _text(client.get(f"/contracts/{contract.pk}/"))
    assert "待审批" in page and f"{_manager()} · 待审" in page
    client.force_login(manager)
    inbox = _text(client.get("/approvals/inbox/"))
    assert account.name in inbox and "销售合同" in inbox
    step = contract.approvals().get(state="pending")
    client.post(f"/approvals/{step.pk}/decide/", {"decision": "approve", "comment": ""})
    page = _text(client.get(f"/contracts/{contract.pk}/"))
    assert "HT-2026-0001" in page and "已签订" in page and "尚未归档" in page


def test_bad_rows_come_back_with_errors_and_nothing_saved(client, account, salesperson, product):
    client.force_login(salesperson)
    for row, error in (
        ({"product": product.pk, "quantity": "0", "unit_price": "100.00"}, "数量必须大于零"),
        ({"product": product.pk, "quantity": "1", "unit_price": "1.005"}, "小数不超过 2 位"),
        ({"product": product.pk, "quantity": "", "unit_price": "1.00"}, "请填写数量"),
        ({"product": "999999", "quantity": "1", "unit_price": "1.00"}, "选择一个有效的选项"),
    ):
        r = client.post("/contracts/new/", _form(account, [row]))
        assert r.status_code == 422, row
        assert error in r.content.decode(), (row, error)
    r = client.post("/contracts/new/", _form(account, [{"product": ""}]))
    assert r.status_code == 422 and "合同至少要有一行产品" in r.content.decode()
    r = client.post(
        "/contracts/new/",
        _form(account, [{"product": product.pk, "quantity": "1", "unit_price": "1"}],
              advance_percent="120"),
    )  # fmt: skip
    assert r.status_code == 422
    assert not SalesContract.objects.exists()


def test_more_rows_saves_nothing(client, account, salesperson, product):
    client.force_login(salesperson)
    data = _form(account, [{"product": product.pk, "quantity": "1", "unit_price": "1.00"}])
    data["more"] = "1"
    r = client.post("/contracts/new/", data)
    assert r.status_code == 200 and r.content.decode().count('name="lines-') >= 4 * 4
    assert not SalesContract.objects.exists()


def test_from_a_won_quote_the_deviations_are_shown(client, account, salesperson, product, cable):
    """R-12.1, R-8.3: the lines are copied from the quote; each change against it is shown on
    the contract, line by line, and a line left out is shown too."""
    quote = won_quote(account, salesperson, [(product, "5", "90.00"), (cable, "100", "12.00")])
    first, second = quote.lines.order_by("pk")
    client.force_login(salesperson)
    page = client.get(f"/contracts/new/?quote={quote.pk}").content.decode()
    assert 'value="90.00"' in page and f'value="{first.pk}"' in page
    rows = [
        {"product": product.pk, "quantity": "5", "unit_price": "95.00", "quote_line": first.pk},
    ]
    r = client.post(f"/contracts/new/?quote={quote.pk}", _form(account, rows, quote=quote.pk))
    assert r.status_code == 302, _text(r)
    contract = SalesContract.objects.get()
    assert contract.quote == quote and contract.lines.get().quote_line == first
    page = _text(client.get(r["Location"]))
    assert "有变动" in page and "单价 90.00 → 95.00" in page
    assert "合同中已删除" in page and cable.name in page


@pytest.mark.parametrize("outcome", ["lost", "expired"])
def test_a_lost_or_expired_quote_cannot_become_a_contract(
    client, account, salesperson, product, outcome
):
    quote = won_quote(account, salesperson, [(product, "5", "90.00")], outcome=outcome)
    client.force_login(salesperson)
    page = client.get(f"/contracts/new/?quote={quote.pk}").content.decode()
    assert "不能据此签合同" in page
    rows = [{"product": product.pk, "quantity": "5", "unit_price": "90.00"}]
    r = client.post(f"/contracts/new/?quote={quote.pk}", _form(account, rows, quote=quote.pk))
    assert r.status_code == 409
    assert not SalesContract.objects.exists()


def test_editing_a_signed_contract_warns_and_goes_back_to_draft(
    client, account, salesperson, product, manager
):
    contract = signed(account, salesperson, [line(product, "10", "100.00")], [manager])
    client.force_login(salesperson)
    page = client.get(f"/contracts/{contract.pk}/edit/").content.decode()
    assert "该合同已签订" in page
    rows = [{"product": product.pk, "quantity": "10", "unit_price": "110.00"}]
    data = _form(None, rows, delivery_date="", advance_percent="0")
    r = client.post(f"/contracts/{contract.pk}/edit/", data)
    assert r.status_code == 302, _text(r)
    contract.refresh_from_db()
    assert (contract.status, contract.number, contract.total) == ("draft", "HT-2026-0001", 1100)


def test_a_pending_contract_has_no_edit_page(client, account, salesperson, product):
    contract = draft(account, salesperson, [line(product)])
    client.force_login(salesperson)
    client.post(f"/contracts/{contract.pk}/submit/")
    r = client.get(f"/contracts/{contract.pk}/edit/")
    assert r.status_code == 302
    rows = [{"product": product.pk, "quantity": "1", "unit_price": "1.00"}]
    client.post(f"/contracts/{contract.pk}/edit/", _form(None, rows))
    contract.refresh_from_db()
    assert (contract.status, contract.total) == ("pending", 1000)


def test_cancel_asks_for_a_confirmation_and_a_reason(
    client, account, salesperson, product, manager
):
    contract = signed(account, salesperson, [line(product)], [manager])
    client.force_login(salesperson)
    assert 'id="cancel-contract"' not in client.get(f"/contracts/{contract.pk}/").content.decode()
    assert client.post(f"/contracts/{contract.pk}/cancel/", {"reason": "x"}).status_code == 403
    client.force_login(manager)
    page = client.get(f"/contracts/{contract.pk}/cancel/").content.decode()
    assert "取消后不能恢复" in page and "确认取消合同" in page
    r = client.post(f"/contracts/{contract.pk}/cancel/", {"reason": ""})
    assert r.status_code == 422
    contract.refresh_from_db()
    assert contract.status == "signed"
    r = client.post(f"/contracts/{contract.pk}/cancel/", {"reason": "客户资金紧张"})
    assert r.status_code == 302
    contract.refresh_from_db()
    assert (contract.status, contract.cancel_reason) == ("cancelled", "客户资金紧张")


def test_the_filing_queue_and_filing_from_it(client, account, salesperson, product, manager, clerk):
    contract = signed(account, salesperson, [line(product)], [manager])
    client.force_login(clerk)
    page = client.get("/contracts/filing/").content.decode()
    assert contract.number in page and 'type="file"' in page
    bad = SimpleUploadedFile("scan.pdf", b"not a pdf", content_type="application/pdf")
    r = client.post(f"/contracts/{contract.pk}/file/", {"scan": bad, "office": contract.office_id})
    assert r.status_code == 400 and "这个文件都不是" in r.content.decode()
    good = SimpleUploadedFile("scan.pdf", PDF, content_type="application/pdf")
    r = client.post(f"/contracts/{contract.pk}/file/", {"scan": good, "office": contract.office_id})
    assert r.status_code == 302
    contract.refresh_from_db()
    assert contract.filed_by == clerk
    assert f'id="queue-{contract.pk}"' not in client.get("/contracts/filing/").content.decode()
    client.force_login(manager)  # the manager sees the queue, without the upload
    assert client.get("/contracts/filing/").status_code == 200
    client.force_login(salesperson)
    assert client.get("/contracts/filing/").status_code == 403


def test_the_salespersons_pipeline_says_what_waits_on_whom(
    client, account, salesperson, product, cable, manager
):
    won = won_quote(account, salesperson, [(product, "5", "90.00")])
    waiting = draft(account, salesperson, [line(cable, "10", "12.50")])
    client.force_login(salesperson)
    client.post(f"/contracts/{waiting.pk}/submit/")
    page = _text(client.get("/contracts/pipeline/"))
    assert f"/contracts/new/?quote={won.pk}" in page and "你：签合同" in page
    assert f"等待{_manager()}审批" in page and "125.00" in page
    client.force_login(manager)
    assert client.get("/contracts/pipeline/").status_code == 403
    page = _text(client.get("/contracts/pipeline/branch/"))
    assert str(salesperson) in page and f"等待{_manager()}审批" in page


def test_a_phone_order_page_shows_the_managers_confirmation(
    client, account, salesperson, product, manager
):
    order = draft(account, salesperson, [line(product)], kind="phone_order")
    client.force_login(salesperson)
    client.post(f"/contracts/{order.pk}/submit/")
    approve_all(order, [manager])
    page = _text(client.get(f"/contracts/{order.pk}/"))
    assert '<h1>电话/传真订货 <span class="nowrap">HT-2026-0001</span></h1>' in page
    assert f"<dt>确认人</dt><dd>{manager} · 2026-03-10 10:00</dd>" in page
