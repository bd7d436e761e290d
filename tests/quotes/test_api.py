"""Quotes and enquiries on the API (API.md second part; R-8, R-9.1, R-10, R-11)."""

import datetime
from decimal import Decimal

import pytest

from quotes.models import Enquiry, Quote

from .conftest import TODAY

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]
D = Decimal


def _body(account, product, **extra):
    return {
        "account": account.pk,
        "kind": "quote",
        "lines": [{"product": product.pk, "quantity": "10", "unit_price": "100.00"}],
        "valid_until": (TODAY + datetime.timedelta(days=30)).isoformat(),
        "delivery_terms": "到货后三日内安装",
        "payment_terms": "预付30%，到货后30天付清",
        **extra,
    }


def _post(api, user, body):
    api.force_authenticate(user)
    return api.post("/api/v1/quotes/", body, format="json")


def test_create_submit_approve_and_read_as_api_md_says(api, account, product, salesperson, manager):
    r = _post(api, salesperson, _body(account, product))
    assert r.status_code == 201, r.json()
    quote = r.json()
    assert {
        "id",
        "number",
        "office",
        "account",
        "kind",
        "lines",
        "total",
        "valid_until",
        "status",
        "approvals",
    } <= set(quote)
    line = quote["lines"][0]
    assert {
        k: line[k] for k in ("product", "quantity", "unit_price", "tax_rate", "amount", "tax")
    } == {
        "product": product.pk,
        "quantity": "10.000",
        "unit_price": "100.00",
        "tax_rate": "0.1300",
        "amount": "1000.00",
        "tax": "115.04",
    }
    assert (quote["total"], quote["status"], quote["number"], quote["approvals"]) == (
        "1000.00",
        "draft",
        "",
        [],
    )
    r = api.post(f"/api/v1/quotes/{quote['id']}/submit/")
    assert r.status_code == 200 and r.json()["status"] == "pending"
    assert [a["state"] for a in r.json()["approvals"]] == ["pending", "skipped", "skipped"]
    assert api.post(f"/api/v1/quotes/{quote['id']}/submit/").json()["code"] == "not_draft"
    api.force_authenticate(manager)
    inbox = api.get("/api/v1/approvals/inbox/").json()
    assert [(i["document_type"], i["document_id"]) for i in inbox] == [("quote", quote["id"])]
    r = api.post(
        f"/api/v1/approvals/{inbox[0]['id']}/decide/", {"decision": "approve"}, format="json"
    )
    assert (r.json()["status"], r.json()["number"]) == ("approved", "BJ-2026-0001")
    api.force_authenticate(salesperson)
    listed = api.get("/api/v1/quotes/").json()
    assert listed["count"] == 1 and listed["results"][0]["number"] == "BJ-2026-0001"


def test_mass_assignment_of_server_fields_is_ignored(api, account, product, salesperson):
    """Money, number, status and approvals are the server's (API.md)."""
    body = _body(
        account,
        product,
        total="1.00",
        tax_total="0.00",
        number="BJ-2026-9999",
        status="approved",
        outcome="won",
        approvals=[{"state": "approved"}],
        owner=999,
        revision=5,
    )
    body["lines"][0].update(amount="1.00", tax="0.00", list_price="1.00", floor_price="0.01")
    r = _post(api, salesperson, body)
    assert r.status_code == 201
    q = r.json()
    assert (q["total"], q["number"], q["status"], q["outcome"], q["owner"], q["revision"]) == (
        "1000.00",
        "",
        "draft",
        "open",
        salesperson.pk,
        0,
    )
    assert (q["lines"][0]["amount"], q["lines"][0]["list_price"]) == ("1000.00", "100.00")
    r = api.patch(
        f"/api/v1/quotes/{q['id']}/",
        {"status": "approved", "number": "X", "total": "5.00"},
        format="json",
    )
    assert r.status_code == 200 and (r.json()["status"], r.json()["number"], r.json()["total"]) == (
        "draft",
        "",
        "1000.00",
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"quantity": "0"}, "lines"),
        ({"quantity": "-2"}, "lines"),
        ({"quantity": "1.0001"}, "lines"),
        ({"unit_price": "1.001"}, "lines"),
        ({"unit_price": "-5.00"}, "lines"),
        ({"unit_price": "abc"}, "lines"),
        ({"product": 999999}, "lines"),
    ],
)
def test_bad_lines_are_400_nothing_saved(api, account, product, salesperson, change, field):
    body = _body(account, product)
    body["lines"][0].update(change)
    r = _post(api, salesperson, body)
    assert r.status_code == 400 and field in r.json(), r.json()
    assert not Quote.objects.exists()


def test_bad_headers_are_400(api, account, product, salesperson, inactive_product):
    for body in (
        _body(account, product, valid_until=(TODAY - datetime.timedelta(days=1)).isoformat()),
        _body(account, product, valid_until="2026-02-30"),
        _body(account, product, kind="offer"),
        _body(account, product, lines=[]),
        _body(account, inactive_product),
        _body(
            account,
            product,
            lines=[{"product": product.pk, "quantity": "1", "unit_price": "90.00"}],
        ),
    ):
        r = _post(api, salesperson, body)
        assert r.status_code == 400, (body, r.json())
    assert not Quote.objects.exists()


def test_pending_account_is_409_with_a_code(api, pending_account, product, salesperson):
    r = _post(api, salesperson, _body(pending_account, product))
    assert r.status_code == 409 and r.json()["code"] == "account_not_approved"
    assert not Quote.objects.exists()


def test_a_colleagues_account_is_not_there(api, peer_account, product, salesperson):
    r = _post(api, salesperson, _body(peer_account, product))
    assert r.status_code == 400 and "account" in r.json()
    assert not Quote.objects.exists()


def test_editing_an_approved_price_goes_back_through_approval(
    api, account, product, salesperson, manager, director
):
    """The abuse: lower the price of an approved quote and print it without approval."""
    q = _post(api, salesperson, _body(account, product)).json()
    api.post(f"/api/v1/quotes/{q['id']}/submit/")
    api.force_authenticate(manager)
    step = api.get("/api/v1/approvals/inbox/").json()[0]
    api.post(f"/api/v1/approvals/{step['id']}/decide/", {"decision": "approve"}, format="json")
    api.force_authenticate(salesperson)
    lines = [{"product": product.pk, "quantity": "10", "unit_price": "50.00"}]
    r = api.patch(
        f"/api/v1/quotes/{q['id']}/", {"lines": lines, "discount_reason": "老客户"}, format="json"
    )
    assert r.status_code == 200
    assert (r.json()["status"], r.json()["number"], r.json()["total"]) == (
        "draft",
        "BJ-2026-0001",
        "500.00",
    )
    assert r.json()["approvals"] == []
    api.post(f"/api/v1/quotes/{q['id']}/submit/")
    roles = [
        a["role"]
        for a in api.get(f"/api/v1/quotes/{q['id']}/").json()["approvals"]
        if a["state"] != "skipped"
    ]
    assert roles == ["manager", "director"]


def test_editing_a_pending_quote_is_409(api, account, product, salesperson):
    q = _post(api, salesperson, _body(account, product)).json()
    api.post(f"/api/v1/quotes/{q['id']}/submit/")
    r = api.patch(f"/api/v1/quotes/{q['id']}/", {"payment_terms": "货到付款"}, format="json")
    assert r.status_code == 409 and r.json()["code"] == "not_editable"
    assert Quote.objects.get().payment_terms == "预付30%，到货后30天付清"


def test_a_salesperson_cannot_approve_their_own_quote(api, account, product, salesperson):
    from staff.choices import Role
    from staff.services import staff_set_roles

    staff_set_roles(user=salesperson, roles=[Role.SALESPERSON, Role.MANAGER])
    q = _post(api, salesperson, _body(account, product)).json()
    api.post(f"/api/v1/quotes/{q['id']}/submit/")
    assert api.get("/api/v1/approvals/inbox/").json() == []
    from approvals.models import Approval

    step = Approval.objects.get(document_id=q["id"], state="pending")
    r = api.post(f"/api/v1/approvals/{step.pk}/decide/", {"decision": "approve"}, format="json")
    assert r.status_code == 403
    assert Quote.objects.get().status == "pending"


def test_outcome(api, account, product, salesperson, manager):
    q = _post(api, salesperson, _body(account, product)).json()
    r = api.post(f"/api/v1/quotes/{q['id']}/outcome/", {"result": "won"}, format="json")
    assert r.status_code == 409 and r.json()["code"] == "not_approved"
    api.post(f"/api/v1/quotes/{q['id']}/submit/")
    api.force_authenticate(manager)
    step = api.get("/api/v1/approvals/inbox/").json()[0]
    api.post(f"/api/v1/approvals/{step['id']}/decide/", {"decision": "approve"}, format="json")
    api.force_authenticate(salesperson)
    assert (
        api.post(
            f"/api/v1/quotes/{q['id']}/outcome/", {"result": "maybe"}, format="json"
        ).status_code
        == 400
    )
    assert (
        api.post(
            f"/api/v1/quotes/{q['id']}/outcome/",
            {"result": "lost", "competitor_price": "-1"},
            format="json",
        ).status_code
        == 400
    )
    r = api.post(
        f"/api/v1/quotes/{q['id']}/outcome/",
        {"result": "lost", "competitor": "某厂", "competitor_price": "950.00"},
        format="json",
    )
    assert r.status_code == 200
    assert (r.json()["outcome"], r.json()["competitor"], r.json()["competitor_price"]) == (
        "lost",
        "某厂",
        "950.00",
    )


def test_visibility(
    api,
    account,
    peer_account,
    product,
    salesperson,
    other_salesperson,
    manager,
    other_manager,
    director,
    executive,
    technician,
):
    """R-9.1: own and deputised accounts' quotes; the branch's manager all of the branch; the
    director and the executive all; another branch's manager none; the technician none."""
    mine = _post(api, salesperson, _body(account, product)).json()["id"]
    theirs = _post(api, other_salesperson, _body(peer_account, product)).json()["id"]

    def ids(user):
        api.force_authenticate(user)
        r = api.get("/api/v1/quotes/")
        return r.status_code, sorted(x["id"] for x in r.json().get("results", []))

    assert ids(salesperson) == (200, [mine])
    assert ids(manager) == (200, sorted([mine, theirs]))
    assert ids(director) == (200, sorted([mine, theirs]))
    assert ids(executive) == (200, sorted([mine, theirs]))
    assert ids(other_manager) == (200, [])
    assert ids(technician)[0] == 403
    api.force_authenticate(salesperson)
    assert api.get(f"/api/v1/quotes/{theirs}/").status_code == 404
    assert (
        api.patch(f"/api/v1/quotes/{theirs}/", {"payment_terms": "x"}, format="json").status_code
        == 404
    )
    assert api.post(f"/api/v1/quotes/{theirs}/submit/").status_code == 404


def test_cost_is_never_in_a_quote(api, account, product, salesperson, manager):
    q = _post(api, salesperson, _body(account, product)).json()
    for user in (salesperson, manager):
        api.force_authenticate(user)
        text = api.get(f"/api/v1/quotes/{q['id']}/").content.decode()
        assert "cost" not in text and "60.00" not in text


def test_anonymous_is_401(api):
    assert api.get("/api/v1/quotes/").status_code == 401
    assert api.post("/api/v1/quotes/", {}, format="json").status_code == 401


def test_list_filters_are_checked(api, salesperson):
    api.force_authenticate(salesperson)
    assert api.get("/api/v1/quotes/?status=bogus").status_code == 400
    assert api.get("/api/v1/quotes/?account=abc").status_code == 400
    assert api.get("/api/v1/quotes/?status=draft").status_code == 200


# ---- enquiries ---------------------------------------------------------------------------------


def _enquiry(account, product, **extra):
    return {
        "account": account.pk,
        "kind": "tender",
        "source": "政府采购网",
        "received_on": TODAY.isoformat(),
        "deadline": (TODAY + datetime.timedelta(days=10)).isoformat(),
        "estimated_amount": "80000.00",
        "lines": [{"product": product.pk, "quantity": "50"}],
        **extra,
    }


def test_enquiry_flow_on_the_api(api, account, product, salesperson, manager, technician):
    api.force_authenticate(salesperson)
    r = api.post("/api/v1/enquiries/", _enquiry(account, product), format="json")
    assert r.status_code == 201, r.json()
    e = r.json()
    assert (e["status"], e["bid_decision"], e["logged_late"]) == ("draft", "", False)
    r = api.post(
        f"/api/v1/enquiries/{e['id']}/questions/",
        {"to": "technician", "question": "需要防爆吗？"},
        format="json",
    )
    assert r.status_code == 201
    qid = r.json()["id"]
    assert api.post(f"/api/v1/enquiries/{e['id']}/submit/").json()["status"] == "pending"
    api.force_authenticate(technician)
    assert [q["id"] for q in api.get("/api/v1/enquiry-questions/").json()["results"]] == [qid]
    assert api.get(f"/api/v1/enquiries/{e['id']}/").status_code == 200  # asked: may read it
    r = api.post(
        f"/api/v1/enquiry-questions/{qid}/answer/", {"answer": "需要，Ex d IIB T4"}, format="json"
    )
    assert r.status_code == 200 and r.json()["answered_by"] == technician.pk
    api.force_authenticate(manager)
    step = api.get("/api/v1/approvals/inbox/").json()[0]
    assert step["document_type"] == "enquiry"
    r = api.post(
        f"/api/v1/approvals/{step['id']}/decide/",
        {"decision": "reject", "comment": "利润太低"},
        format="json",
    )
    assert r.json()["bid_decision"] == "no_bid"


def test_bad_enquiries_are_400(api, account, product, salesperson):
    api.force_authenticate(salesperson)
    tomorrow = (TODAY + datetime.timedelta(days=1)).isoformat()
    for body in (
        _enquiry(account, product, received_on=tomorrow),
        _enquiry(account, product, deadline="2020-01-01"),
        _enquiry(account, product, estimated_amount="-5"),
        _enquiry(account, product, lines=[{"product": product.pk, "quantity": "0"}]),
        _enquiry(account, product, source=""),
        _enquiry(account, product, received_on="0001-01-01"),
    ):
        assert api.post("/api/v1/enquiries/", body, format="json").status_code == 400, body
    assert not Enquiry.objects.exists()


def test_the_technician_sees_only_enquiries_that_ask_them(
    api, account, product, salesperson, technician
):
    api.force_authenticate(salesperson)
    e = api.post("/api/v1/enquiries/", _enquiry(account, product), format="json").json()
    api.force_authenticate(technician)
    assert api.get(f"/api/v1/enquiries/{e['id']}/").status_code == 404
    assert api.get("/api/v1/enquiries/").json()["count"] == 0
    assert (
        api.post("/api/v1/enquiries/", _enquiry(account, product), format="json").status_code == 403
    )
