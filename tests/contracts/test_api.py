"""The sales-contract API as API.md writes it (R-12): shapes, who sees what, bad input,
contracts from quotes, filing with a scan, cancellation."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from contracts.factories import NOW, approve_all, approved_account, draft, line, signed, won_quote
from contracts.models import SalesContract

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _line_errors(body, index=0) -> dict:
    """DRF keys a nested list's errors by the line's index."""
    errors = body["lines"]
    return errors[str(index)] if isinstance(errors, dict) else errors[index]


def _results(body):
    return body["results"] if isinstance(body, dict) and "results" in body else body


def _post(api, user, body):
    api.force_authenticate(user)
    return api.post("/api/v1/sales-contracts/", body, format="json")


def _body(account, product, **extra):
    return {
        "account": account.pk,
        "kind": "contract",
        "lines": [{"product": product.pk, "quantity": "10", "unit_price": "100.00"}],
        "payment_terms_days": 45,
        "invoice_before_delivery": True,
        **extra,
    }


def test_create_submit_approve_shape(api, account, salesperson, product, manager):
    """API.md: `{id, number, office, account, quote?, kind, lines, total, payment_terms_days,
    invoice_before_delivery, status, approvals}`; status after approval `signed`."""
    r = _post(api, salesperson, _body(account, product))
    assert r.status_code == 201, r.json()
    body = r.json()
    expected = {
        "id", "number", "office", "account", "quote", "kind", "lines", "total",
        "payment_terms_days", "invoice_before_delivery", "status", "approvals",
    }  # fmt: skip
    assert expected <= set(body)
    assert (body["status"], body["number"], body["total"], body["office"]) == (
        "draft",
        "",
        "1000.00",
        account.office_id,
    )
    assert body["lines"][0]["amount"] == "1000.00" and body["lines"][0]["tax"] == "115.04"
    assert body["lines"][0]["tax_rate"] == "0.1300"
    assert (body["payment_terms_days"], body["invoice_before_delivery"]) == (45, True)
    r = api.post(f"/api/v1/sales-contracts/{body['id']}/submit/")
    assert r.status_code == 200 and r.json()["status"] == "pending"
    assert [(a["role"], a["state"]) for a in r.json()["approvals"]][0] == ("manager", "pending")
    api.force_authenticate(manager)
    inbox = api.get("/api/v1/approvals/inbox/").json()
    assert [i["document_type"] for i in inbox] == ["sales_contract"]
    r = api.post(
        f"/api/v1/approvals/{inbox[0]['id']}/decide/", {"decision": "approve"}, format="json"
    )
    assert r.status_code == 200
    assert (r.json()["status"], r.json()["number"]) == ("signed", "HT-2026-0001")


def test_read_only_fields_cannot_be_written(api, account, salesperson, product, other_office):
    """Mass assignment: number, totals, line amounts, status, approvals, office, owner are the
    system's."""
    body = _body(
        account,
        product,
        number="HT-2026-9999",
        total="1.00",
        tax_total="0.00",
        status="signed",
        office=other_office.pk,
        owner=999,
        approvals=[{"step": 0, "state": "approved"}],
        signed_at="2026-03-01T00:00:00+08:00",
        filed_at="2026-03-01T00:00:00+08:00",
    )
    body["lines"][0].update(amount="1.00", tax="0.00", tax_rate="0.0000")
    r = _post(api, salesperson, body)
    assert r.status_code == 201, r.json()
    contract = SalesContract.objects.get()
    assert (contract.number, contract.status, contract.total) == ("", "draft", Decimal("1000.00"))
    assert (contract.office_id, contract.owner_id) == (account.office_id, salesperson.pk)
    assert contract.signed_at is None and contract.filed_at is None
    assert contract.lines.get().tax_rate == Decimal("0.1300")


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ({"quantity": "0"}, "quantity"),
        ({"quantity": "-2"}, "quantity"),
        ({"unit_price": "99.999"}, "unit_price"),
        ({"unit_price": "abc"}, "unit_price"),
        ({"quantity": "NaN"}, "quantity"),
    ],
)
def test_bad_lines_are_400(api, account, salesperson, product, line, field):
    body = _body(account, product)
    body["lines"][0].update(line)
    r = _post(api, salesperson, body)
    assert r.status_code == 400, r.json()
    assert field in _line_errors(r.json())
    assert not SalesContract.objects.exists()


def test_an_inactive_product_no_lines_and_bad_terms_are_400(api, account, salesperson, product):
    product.active = False
    product.save()
    r = _post(api, salesperson, _body(account, product))
    assert r.status_code == 400 and _line_errors(r.json())["product"] == ["该产品已停售。"]
    product.active = True
    product.save()
    for extra in (
        {"lines": []},
        {"advance_percent": "100.01"},
        {"payment_terms_days": 400},
        {"kind": "barter"},
        {"delivery_date": "2026-03-09"},
        {"delivery_date": "9999-12-31"},
    ):
        r = _post(api, salesperson, _body(account, product, **extra))
        assert r.status_code == 400, (extra, r.json())
    assert not SalesContract.objects.exists()


def test_a_pending_account_is_409(api, office, salesperson, product):
    account = approved_account(office, salesperson)
    account.status = "pending"
    account.save()
    r = _post(api, salesperson, _body(account, product))
    assert r.status_code == 409 and r.json()["code"] == "account_not_approved"
    assert not SalesContract.objects.exists()


def test_roles_and_other_peoples_accounts(
    api, account, salesperson, other_salesperson, manager, clerk, product
):
    """Only a salesperson drafts, and only for their own (or deputised) accounts."""
    for user in (manager, clerk):
        assert _post(api, user, _body(account, product)).status_code == 403
    r = _post(api, other_salesperson, _body(account, product))
    assert r.status_code == 400 and "account" in r.json()
    assert not SalesContract.objects.exists()


def test_who_sees_a_contract(
    api, office, account, salesperson, other_salesperson, manager, clerk, finance,
    director, secretary, other_manager, product,
):  # fmt: skip
    """The owner (and the account's deputy), the branch's manager, clerk and finance, the
    director; a colleague, the front desk and another branch's manager get 404."""
    contract = draft(account, salesperson, [line(product)])
    path = f"/api/v1/sales-contracts/{contract.pk}/"
    for user in (salesperson, manager, clerk, finance, director):
        api.force_authenticate(user)
        assert api.get(path).status_code == 200, user
        assert contract.pk in [
            c["id"] for c in _results(api.get("/api/v1/sales-contracts/").json())
        ]
    for user in (other_salesperson, other_manager):
        api.force_authenticate(user)
        assert api.get(path).status_code == 404, user
        assert _results(api.get("/api/v1/sales-contracts/").json()) == []
    api.force_authenticate(secretary)
    assert api.get("/api/v1/sales-contracts/").status_code == 403
    account.deputy = other_salesperson
    account.save()
    api.force_authenticate(other_salesperson)
    assert api.get(path).status_code == 200


def test_patch_a_signed_contract_returns_it_to_draft(api, account, salesperson, product, manager):
    """API.md, R-8.3: a PATCH of lines or terms of an approved contract returns it to draft."""
    contract = signed(account, salesperson, [line(product)], [manager])
    api.force_authenticate(salesperson)
    r = api.patch(
        f"/api/v1/sales-contracts/{contract.pk}/",
        {"lines": [{"product": product.pk, "quantity": "10", "unit_price": "150.00"}]},
        format="json",
    )
    assert r.status_code == 200, r.json()
    assert (r.json()["status"], r.json()["number"], r.json()["total"]) == (
        "draft",
        "HT-2026-0001",
        "1500.00",
    )
    assert r.json()["approvals"] == []
    r = api.patch(f"/api/v1/sales-contracts/{contract.pk}/", {"status": "signed"}, format="json")
    assert r.json()["status"] == "draft"


def test_patch_a_pending_contract_is_409(api, account, salesperson, product):
    contract = draft(account, salesperson, [line(product)])
    api.force_authenticate(salesperson)
    api.post(f"/api/v1/sales-contracts/{contract.pk}/submit/")
    r = api.patch(
        f"/api/v1/sales-contracts/{contract.pk}/", {"payment_terms_days": 60}, format="json"
    )
    assert r.status_code == 409 and r.json()["code"] == "not_editable"
    contract.refresh_from_db()
    assert contract.payment_terms_days == 30


def test_a_colleague_cannot_patch_or_submit(api, account, salesperson, other_salesperson, product):
    contract = draft(account, salesperson, [line(product)])
    api.force_authenticate(other_salesperson)
    path = f"/api/v1/sales-contracts/{contract.pk}/"
    assert api.patch(path, {"payment_terms_days": 1}, format="json").status_code == 404
    assert api.post(f"{path}submit/").status_code == 404
    contract.refresh_from_db()
    assert (contract.payment_terms_days, contract.status) == (30, "draft")


# ---------------------------------------------------------------- from a quote


def test_from_a_won_quote_lines_are_copied(api, account, salesperson, product, cable):
    quote = won_quote(account, salesperson, [(product, "5", "90.00"), (cable, "100", "12.00")])
    r = _post(api, salesperson, {"account": account.pk, "quote": quote.pk})
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body["quote"] == quote.pk and body["total"] == str(quote.total)
    qlines = list(quote.lines.order_by("pk"))
    assert [(line["product"], line["quantity"], line["unit_price"], line["quote_line"])
            for line in body["lines"]] == [
        (ql.product_id, f"{ql.quantity:.3f}", f"{ql.unit_price:.2f}", ql.pk) for ql in qlines
    ]  # fmt: skip
    # one contract per won quote
    r = _post(api, salesperson, {"account": account.pk, "quote": quote.pk})
    assert r.status_code == 409 and r.json()["code"] == "quote_has_contract"


@pytest.mark.parametrize(
    ("outcome", "code"),
    [("lost", "quote_lost"), ("expired", "quote_expired"), ("open", "quote_not_won")],
)
def test_a_contract_from_a_quote_not_won_is_409(api, account, salesperson, product, outcome, code):
    quote = won_quote(account, salesperson, [(product, "5", "90.00")], outcome=outcome)
    r = _post(api, salesperson, {"account": account.pk, "quote": quote.pk})
    assert r.status_code == 409 and r.json()["code"] == code, r.json()
    assert not SalesContract.objects.exists()


def test_a_quote_of_another_account_is_400(api, office, account, salesperson, product):
    other = approved_account(office, salesperson, name="另一家客户")
    quote = won_quote(other, salesperson, [(product, "5", "90.00")])
    r = _post(api, salesperson, {"account": account.pk, "quote": quote.pk})
    assert r.status_code == 400 and "quote" in r.json()


# ---------------------------------------------------------------- filing and the scan


def _file(api, user, contract, content, name="scan.pdf"):
    api.force_authenticate(user)
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    return api.post(
        f"/api/v1/sales-contracts/{contract.pk}/file/", {"scan": upload}, format="multipart"
    )


def test_the_clerk_files_with_a_scan_seen_only_by_who_may(
    api, client, account, salesperson, other_salesperson, product, manager, clerk
):
    contract = signed(account, salesperson, [line(product)], [manager])
    r = _file(api, clerk, contract, PDF)
    assert r.status_code == 200, r.json()
    assert (
        r.json()["filed_by"] == clerk.pk and r.json()["scan"] == f"/contracts/{contract.pk}/scan/"
    )
    contract.refresh_from_db()
    assert contract.scan_type == "application/pdf" and contract.scan.name.endswith(".pdf")
    assert "/media/" not in r.content.decode()
    client.force_login(salesperson)
    download = client.get(f"/contracts/{contract.pk}/scan/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    client.force_login(other_salesperson)  # by URL, without seeing the contract
    assert client.get(f"/contracts/{contract.pk}/scan/").status_code == 404
    assert client.get(f"/media/{contract.scan.name}").status_code == 404
    # filed once
    r = _file(api, clerk, contract, PNG, "again.png")
    assert r.status_code == 409 and r.json()["code"] == "already_filed"


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"MZ\x90\x00 an executable named like a pdf", "scan.pdf"),
        (b"<html><script>alert(1)</script></html>", "scan.pdf"),
        (b"", "empty.pdf"),
        (b"%PDF-" + b"0" * (20 * 1024 * 1024), "big.pdf"),
    ],
)
def test_an_upload_that_is_not_a_pdf_or_image_or_too_big_is_400(
    api, account, salesperson, product, manager, clerk, content, name
):
    contract = signed(account, salesperson, [line(product)], [manager])
    r = _file(api, clerk, contract, content, name)
    assert r.status_code == 400 and "scan" in r.json(), r.json()
    contract.refresh_from_db()
    assert contract.filed_at is None and not contract.scan


def test_a_file_of_exactly_20_mb_is_taken(api, account, salesperson, product, manager, clerk):
    contract = signed(account, salesperson, [line(product)], [manager])
    content = b"\xff\xd8\xff" + b"0" * (20 * 1024 * 1024 - 3)
    r = _file(api, clerk, contract, content, "photo.jpg")
    assert r.status_code == 200, r.json()
    contract.refresh_from_db()
    assert contract.scan_type == "image/jpeg" and contract.scan.size == 20 * 1024 * 1024


def test_filing_refused_to_others_and_for_unsigned(
    api, account, salesperson, product, manager, other_clerk, clerk
):
    """A clerk of another branch does not see the contract (404); a salesperson or the
    manager is not the clerk (403); a draft is not filed (409)."""
    contract = signed(account, salesperson, [line(product)], [manager])
    assert _file(api, other_clerk, contract, PDF).status_code == 404
    assert _file(api, salesperson, contract, PDF).status_code == 403
    assert _file(api, manager, contract, PDF).status_code == 403
    unsigned = draft(account, salesperson, [line(product)])
    r = _file(api, clerk, unsigned, PDF)
    assert r.status_code == 409 and r.json()["code"] == "not_signed"
    contract.refresh_from_db()
    assert contract.filed_at is None


# ---------------------------------------------------------------- cancellation


def test_cancel_by_the_manager_with_a_reason(api, account, salesperson, product, manager):
    contract = signed(account, salesperson, [line(product)], [manager])
    path = f"/api/v1/sales-contracts/{contract.pk}/cancel/"
    api.force_authenticate(salesperson)
    assert api.post(path, {"reason": "不要了"}, format="json").status_code == 403
    api.force_authenticate(manager)
    r = api.post(path, {"reason": ""}, format="json")
    assert r.status_code == 400 and "reason" in r.json()
    assert api.post(path, {}, format="json").status_code == 400
    contract.refresh_from_db()
    assert contract.status == "signed"
    r = api.post(path, {"reason": "客户资金困难，取消未发货部分"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    assert r.json()["cancel_reason"] == "客户资金困难，取消未发货部分"


def test_a_salesperson_withdraws_an_unsigned_draft(api, account, salesperson, product, manager):
    contract = draft(account, salesperson, [line(product)])
    api.force_authenticate(salesperson)
    r = api.post(
        f"/api/v1/sales-contracts/{contract.pk}/cancel/", {"reason": "客户改主意"}, format="json"
    )
    assert r.status_code == 200 and r.json()["status"] == "cancelled"


def test_approved_by_the_director_when_over_credit(
    api, office, salesperson, product, manager, director
):
    account = approved_account(office, salesperson, credit_limit="500.00")
    contract = draft(account, salesperson, [line(product)])
    api.force_authenticate(salesperson)
    api.post(f"/api/v1/sales-contracts/{contract.pk}/submit/")
    contract = approve_all(contract, [manager])
    assert contract.status == "pending"  # the director's step is next
    api.force_authenticate(director)
    inbox = api.get("/api/v1/approvals/inbox/").json()
    assert [(i["document_type"], i["role"]) for i in inbox] == [("sales_contract", "director")]
    later = NOW + datetime.timedelta(hours=1)
    with time_machine.travel(later, tick=False):
        r = api.post(
            f"/api/v1/approvals/{inbox[0]['id']}/decide/", {"decision": "approve"}, format="json"
        )
    assert r.json()["status"] == "signed"
