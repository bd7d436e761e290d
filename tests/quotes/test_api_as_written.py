"""Quotes and enquiries: products no longer sold (R-10.1) refused on new lines through the API
and the pages while the documents that have one keep showing it; the quote endpoints' shapes
exactly as API.md writes them; the won quote's page leads to its contract (R-12.1)."""

import datetime

import pytest
import time_machine

from approvals.services import approval_decide
from catalog.models import Product
from quotes import services
from quotes.models import Enquiry, Quote

from .conftest import NOW, TODAY, line

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]
VALID = (TODAY + datetime.timedelta(days=30)).isoformat()
NO_LONGER_SOLD = "该产品已停售。"
APPROVAL_ROW = {"step", "role", "state", "decided_by", "decided_at", "comment"}
QUOTE = {
    "id", "number", "office", "account", "kind", "lines", "total", "valid_until", "status",
    "approvals",
}  # fmt: skip
QUOTE_LINE = {"product", "quantity", "unit_price", "tax_rate", "amount", "tax"}


def _quote_body(account, product):
    return {
        "account": account.pk,
        "kind": "quote",
        "lines": [{"product": product.pk, "quantity": "10", "unit_price": "100.00"}],
        "valid_until": VALID,
    }


def _retire(product: Product) -> None:
    product.active = False
    product.save(update_fields=["active"])


def _approve(quote, manager):
    return approval_decide(
        approval=quote.approvals().get(state="pending"),
        actor=manager,
        decision="approve",
        comment="",
        now=NOW,
    )


# ---- products no longer sold (R-10.1) -------------------------------------------------------


def test_the_api_refuses_a_product_no_longer_sold_on_a_new_quote(
    api, account, salesperson, inactive_product
):
    api.force_authenticate(salesperson)
    r = api.post("/api/v1/quotes/", _quote_body(account, inactive_product), format="json")
    assert r.status_code == 400
    errors = r.json()["lines"]
    errors = errors["0"] if isinstance(errors, dict) else errors[0]
    assert errors["product"] == [NO_LONGER_SOLD]
    assert not Quote.objects.exists()


def test_the_api_refuses_a_product_no_longer_sold_on_a_new_enquiry(
    api, account, salesperson, inactive_product
):
    api.force_authenticate(salesperson)
    body = {
        "account": account.pk,
        "kind": "enquiry",
        "source": "客户来电",
        "received_on": TODAY.isoformat(),
        "deadline": (TODAY + datetime.timedelta(days=7)).isoformat(),
        "estimated_amount": "1000.00",
        "lines": [{"product": inactive_product.pk, "quantity": "3"}],
    }
    r = api.post("/api/v1/enquiries/", body, format="json")
    assert r.status_code == 400 and NO_LONGER_SOLD in str(r.json())
    assert not Enquiry.objects.exists()


def test_the_api_refuses_a_retired_product_added_to_an_existing_quote(
    api, account, salesperson, product, product2, make_quote
):
    """A salesperson changing a draft cannot slip in a product no longer sold."""
    quote = make_quote(line(product))
    _retire(product2)
    api.force_authenticate(salesperson)
    body = {"lines": _quote_body(account, product)["lines"] + [{
        "product": product2.pk, "quantity": "1", "unit_price": "100.00",
    }]}  # fmt: skip
    r = api.patch(f"/api/v1/quotes/{quote.pk}/", body, format="json")
    assert r.status_code == 400 and NO_LONGER_SOLD in str(r.json())
    assert list(quote.lines.values_list("product_id", flat=True)) == [product.pk]


def test_a_quote_keeps_showing_a_product_retired_after_it(
    api, client, salesperson, product, make_quote
):
    quote = make_quote(line(product, quantity="4"))
    _retire(product)
    api.force_authenticate(salesperson)
    body = api.get(f"/api/v1/quotes/{quote.pk}/").json()
    assert [(x["product"], x["quantity"], x["amount"]) for x in body["lines"]] == [
        (product.pk, "4.000", "400.00")
    ]
    client.force_login(salesperson)
    page = client.get(f"/quotes/{quote.pk}/").content.decode()
    assert product.name in page and "400.00" in page


def test_the_quote_editor_refuses_a_product_no_longer_sold(
    client, salesperson, account, inactive_product
):
    client.force_login(salesperson)
    data = {
        "account": account.pk,
        "kind": "quote",
        "valid_until": VALID,
        "rows": 1,
        "line-0-product": inactive_product.pk,
        "line-0-quantity": "10",
        "line-0-unit_price": "100.00",
        "submit": "1",
    }
    r = client.post("/quotes/new/", data)
    assert r.status_code == 422
    assert not Quote.objects.exists()
    # nor is it offered
    assert f'value="{inactive_product.pk}"' not in client.get("/quotes/new/").content.decode()


def test_the_enquiry_page_refuses_a_product_no_longer_sold(
    client, salesperson, account, inactive_product
):
    client.force_login(salesperson)
    data = {
        "account": account.pk,
        "kind": "enquiry",
        "source": "客户来电",
        "received_on": TODAY.isoformat(),
        "deadline": (TODAY + datetime.timedelta(days=7)).isoformat(),
        "estimated_amount": "1000.00",
        "rows": 1,
        "line-0-product": inactive_product.pk,
        "line-0-quantity": "3",
        "save": "1",
    }
    r = client.post("/quotes/enquiries/new/", data)
    assert r.status_code == 422
    assert not Enquiry.objects.exists()


# ---- the shapes of API.md ----------------------------------------------------------------------


def test_get_a_quote_answers_as_api_md_writes(api, salesperson, manager, product, make_quote):
    """`{id, number, office, account, kind, lines: [{product, quantity, unit_price, tax_rate,
    amount, tax}], total, valid_until, status, approvals}`; approvals `{step, role, state,
    decided_by, decided_at, comment}`."""
    quote = make_quote(line(product, unit_price="90.00"), discount_reason="老客户")
    services.quote_submit(quote=quote, actor=salesperson, now=NOW)
    _approve(quote, manager)
    api.force_authenticate(salesperson)
    body = api.get(f"/api/v1/quotes/{quote.pk}/").json()
    assert set(body) >= QUOTE
    assert set(body["lines"][0]) >= QUOTE_LINE
    assert (body["id"], body["office"], body["account"]) == (
        quote.pk,
        quote.office_id,
        quote.account_id,
    )
    assert (body["kind"], body["status"], body["total"], body["valid_until"]) == (
        "quote",
        "approved",
        "900.00",
        VALID,
    )
    assert body["number"] == "BJ-2026-0001"
    assert all(set(a) >= APPROVAL_ROW for a in body["approvals"])
    first = body["approvals"][0]
    assert (first["step"], first["role"], first["state"], first["decided_by"]) == (
        0,
        "manager",
        "approved",
        manager.pk,
    )
    listed = api.get("/api/v1/quotes/").json()["results"]
    assert [q["id"] for q in listed] == [quote.pk] and set(listed[0]) >= QUOTE


def test_a_bid_is_of_kind_bid(api, account, salesperson, product):
    api.force_authenticate(salesperson)
    r = api.post("/api/v1/quotes/", _quote_body(account, product) | {"kind": "bid"}, format="json")
    assert r.status_code == 201 and r.json()["kind"] == "bid"
    r = api.post("/api/v1/quotes/", _quote_body(account, product) | {"kind": "deal"}, format="json")
    assert r.status_code == 400 and Quote.objects.count() == 1


@pytest.mark.parametrize(
    ("sent", "outcome"),
    [
        ({"result": "won"}, "won"),
        ({"result": "lost"}, "lost"),
        ({"result": "lost", "competitor": "某厂", "competitor_price": "950.00"}, "lost"),
        ({"result": "expired"}, "expired"),
    ],
)
def test_the_outcome_takes_result_and_the_optional_competitor(
    api, salesperson, manager, product, make_quote, sent, outcome
):
    """API.md: `{result: won|lost|expired, competitor?, competitor_price?}`; expired only
    once the validity date has passed (before it, 409 `still_valid`)."""
    quote = make_quote(line(product), valid_until=TODAY)
    services.quote_submit(quote=quote, actor=salesperson, now=NOW)
    _approve(quote, manager)
    api.force_authenticate(salesperson)
    when = NOW + datetime.timedelta(days=1) if outcome == "expired" else NOW
    if outcome == "expired":
        r = api.post(f"/api/v1/quotes/{quote.pk}/outcome/", sent, format="json")
        assert r.status_code == 409 and r.json()["code"] == "still_valid"
    with time_machine.travel(when, tick=False):
        r = api.post(f"/api/v1/quotes/{quote.pk}/outcome/", sent, format="json")
    assert r.status_code == 200, r.json()
    assert r.json()["outcome"] == outcome and set(r.json()) >= QUOTE
    quote.refresh_from_db()
    assert quote.outcome == outcome


def test_a_won_quote_leads_to_its_contract(client, salesperson, manager, product, make_quote):
    """R-12.1: the page of a won quote offers the contract; of an open one it does not."""
    quote = make_quote(line(product))
    services.quote_submit(quote=quote, actor=salesperson, now=NOW)
    _approve(quote, manager)
    client.force_login(salesperson)
    assert 'id="make-contract"' not in client.get(f"/quotes/{quote.pk}/").content.decode()
    services.quote_outcome(
        quote=quote, actor=salesperson, now=NOW, result="won", competitor="", competitor_price=None
    )
    page = client.get(f"/quotes/{quote.pk}/").content.decode()
    assert f'href="/contracts/new/?quote={quote.pk}" id="make-contract"' in page
    assert "据此起草合同" in page
