"""Sales contracts: the endpoints' shapes exactly as API.md writes them (status values, `quote?`,
`payment_terms_days`, `invoice_before_delivery`); products no longer sold refused on new lines
(R-10.1) while a contract keeps showing its own; the notices of signing (to the salesperson,
with the number, and to the branch's clerk who files it, R-12.2) and of a rejection (R-8.2)."""

import pytest
import time_machine
from django.utils import translation

from approvals.services import approval_decide
from contracts import services
from contracts.factories import NOW, approve_all, draft, line, signed, won_quote
from contracts.models import SalesContract
from notifications.messages import render
from notifications.models import Notification
from shipping.factories import ship_everything

pytestmark = pytest.mark.django_db

CONTRACT = {
    "id", "number", "office", "account", "quote", "kind", "lines", "total",
    "payment_terms_days", "invoice_before_delivery", "status", "approvals",
}  # fmt: skip
LINE = {"product", "quantity", "unit_price", "tax_rate", "amount", "tax"}
APPROVAL_ROW = {"step", "role", "state", "decided_by", "decided_at", "comment"}
NO_LONGER_SOLD = "该产品已停售。"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _get(api, user, contract):
    api.force_authenticate(user)
    r = api.get(f"/api/v1/sales-contracts/{contract.pk}/")
    assert r.status_code == 200, r.json()
    return r.json()


def _retire(product) -> None:
    product.active = False
    product.save(update_fields=["active"])


# ---- the shapes of API.md ----------------------------------------------------------------------


def test_a_direct_contract_has_no_quote_and_the_fields_api_md_names(
    api, account, salesperson, product
):
    contract = draft(
        account, salesperson, [line(product)], payment_terms_days=45, invoice_before_delivery=True
    )
    body = _get(api, salesperson, contract)
    assert set(body) >= CONTRACT and set(body["lines"][0]) >= LINE
    assert (body["quote"], body["kind"], body["status"], body["approvals"]) == (
        None,
        "contract",
        "draft",
        [],
    )
    assert (body["payment_terms_days"], body["invoice_before_delivery"]) == (45, True)
    listed = api.get("/api/v1/sales-contracts/").json()
    listed = listed["results"] if isinstance(listed, dict) else listed
    assert [c["id"] for c in listed] == [contract.pk] and set(listed[0]) >= CONTRACT


def test_a_contract_from_a_won_quote_names_it(api, account, salesperson, product):
    quote = won_quote(account, salesperson, [(product, "10", "100.00")])
    api.force_authenticate(salesperson)
    body = {
        "account": account.pk,
        "quote": quote.pk,
        "kind": "contract",
        "lines": [{"product": product.pk, "quantity": "10", "unit_price": "100.00"}],
    }
    r = api.post("/api/v1/sales-contracts/", body, format="json")
    assert r.status_code == 201, r.json()
    assert r.json()["quote"] == quote.pk
    assert _get(api, salesperson, SalesContract.objects.get())["quote"] == quote.pk


def test_a_phone_order_is_of_kind_phone_order(api, account, salesperson, product):
    contract = draft(account, salesperson, [line(product)], kind="phone_order")
    assert _get(api, salesperson, contract)["kind"] == "phone_order"


def test_the_approvals_rows_and_the_status_signed(
    api, account, salesperson, product, manager, approvers
):
    contract = signed(account, salesperson, [line(product)], approvers)
    body = _get(api, salesperson, contract)
    assert (body["status"], body["number"]) == ("signed", "HT-2026-0001")
    assert body["approvals"] and all(set(a) >= APPROVAL_ROW for a in body["approvals"])
    first = body["approvals"][0]
    assert (first["step"], first["role"], first["state"], first["decided_by"]) == (
        0,
        "manager",
        "approved",
        manager.pk,
    )


def test_the_statuses_after_signing_are_fulfilled_closed_and_cancelled(
    api, account, salesperson, product, manager, approvers, clerk, warehouse
):
    one = signed(account, salesperson, [line(product)], approvers)
    ship_everything(one, now=NOW, people=[*approvers, clerk, warehouse])  # fulfils it
    assert _get(api, salesperson, one)["status"] == "fulfilled"
    services.contract_close(contract=one, actor=manager, now=NOW)
    assert _get(api, salesperson, one)["status"] == "closed"
    two = signed(account, salesperson, [line(product)], approvers)
    api.force_authenticate(manager)
    r = api.post(
        f"/api/v1/sales-contracts/{two.pk}/cancel/", {"reason": "客户取消订单"}, format="json"
    )
    assert r.status_code == 200, r.json()
    assert _get(api, salesperson, two)["status"] == "cancelled"


def test_a_patch_of_terms_returns_a_signed_contract_to_draft(
    api, account, salesperson, product, approvers
):
    contract = signed(account, salesperson, [line(product)], approvers)
    api.force_authenticate(salesperson)
    r = api.patch(
        f"/api/v1/sales-contracts/{contract.pk}/",
        {"payment_terms_days": 60, "invoice_before_delivery": False},
        format="json",
    )
    assert r.status_code == 200, r.json()
    body = r.json()
    assert (body["status"], body["number"]) == ("draft", "HT-2026-0001")
    assert (body["payment_terms_days"], body["invoice_before_delivery"]) == (60, False)


# ---- products no longer sold (R-10.1) -------------------------------------------------------


def test_a_signed_contract_keeps_showing_a_product_retired_after_it(
    api, client, account, salesperson, product, approvers
):
    contract = signed(account, salesperson, [line(product, "3")], approvers)
    _retire(product)
    body = _get(api, salesperson, contract)
    assert [(x["product"], x["amount"]) for x in body["lines"]] == [(product.pk, "300.00")]
    client.force_login(salesperson)
    page = client.get(f"/contracts/{contract.pk}/").content.decode()
    assert product.name in page and "300.00" in page


def test_a_patch_adding_a_retired_product_is_400(api, account, salesperson, product, cable):
    contract = draft(account, salesperson, [line(product)])
    _retire(cable)
    api.force_authenticate(salesperson)
    lines = [
        {"product": product.pk, "quantity": "10", "unit_price": "100.00"},
        {"product": cable.pk, "quantity": "5", "unit_price": "12.50"},
    ]
    r = api.patch(f"/api/v1/sales-contracts/{contract.pk}/", {"lines": lines}, format="json")
    assert r.status_code == 400 and NO_LONGER_SOLD in str(r.json())
    assert list(contract.lines.values_list("product_id", flat=True)) == [product.pk]


def test_the_contract_editor_refuses_a_product_no_longer_sold(
    client, account, salesperson, product
):
    _retire(product)
    client.force_login(salesperson)
    page = client.get("/contracts/new/").content.decode()
    assert f'<option value="{product.pk}"' not in page  # a pk may be any button's value too
    data = {
        "account": account.pk,
        "kind": "contract",
        "payment_basis": "after_invoice",
        "payment_terms_days": "30",
        "advance_percent": "0",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-0-product": product.pk,
        "lines-0-quantity": "10",
        "lines-0-unit_price": "100.00",
    }
    r = client.post("/contracts/new/", data)
    assert r.status_code == 422
    assert not SalesContract.objects.exists()


# ---- notifications -------------------------------------------------------------------------


def _texts(user) -> list[tuple[str, str]]:
    with translation.override("zh-hans"):
        return [(n.kind, render(n)) for n in Notification.objects.filter(recipient=user)]


def test_signed_tells_the_salesperson_the_number_and_the_branch_clerk_to_file(
    account, salesperson, product, approvers, clerk, other_clerk, manager
):
    signed(account, salesperson, [line(product)], approvers)
    assert _texts(salesperson) == [
        ("contract_signed", "您与华东机械有限公司的合同 HT-2026-0001 已签订。")
    ]
    assert _texts(clerk) == [
        (
            "contract_to_file",
            "与华东机械有限公司的合同 HT-2026-0001 已签订，请于今日连同扫描件归档。",
        )
    ]
    notice = Notification.objects.get(recipient=clerk)
    assert notice.url == f"/contracts/filing/?office={account.office_id}"
    # another branch's clerk, and the approvers, are not told
    assert not Notification.objects.filter(recipient__in=[other_clerk, manager]).exists()


def test_rejected_tells_the_salesperson_with_the_comment(account, salesperson, product, manager):
    contract = draft(account, salesperson, [line(product)])
    services.contract_submit(contract=contract, actor=salesperson, now=NOW)
    approval_decide(
        approval=contract.approvals().get(state="pending"),
        actor=manager,
        decision="reject",
        comment="付款期限太长",
        now=NOW,
    )
    contract.refresh_from_db()
    assert contract.status == "rejected"
    assert _texts(salesperson) == [
        ("contract_rejected", f"{manager} 驳回了您与华东机械有限公司的合同：付款期限太长")
    ]
    assert Notification.objects.get(recipient=salesperson).url == f"/contracts/{contract.pk}/"


def test_no_notice_before_the_last_step(account, salesperson, product, manager, director, clerk):
    """Over the credit limit: the manager's approval alone signs nothing, tells nobody."""
    account.credit_limit = 100
    account.save(update_fields=["credit_limit"])
    contract = draft(account, salesperson, [line(product)])
    services.contract_submit(contract=contract, actor=salesperson, now=NOW)
    contract = approve_all(contract, [manager])
    assert contract.status == "pending"
    assert not Notification.objects.filter(kind__startswith="contract_").exists()
    approve_all(contract, [director])
    assert Notification.objects.filter(kind="contract_signed", recipient=salesperson).exists()
