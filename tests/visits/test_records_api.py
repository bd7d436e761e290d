"""The API of visit records and overdue accounts (API.md, second part; R-9.7, R-9.8):
`POST /visit-records/`, `GET /visit-records/?account=&salesperson=&from=&to=`,
`GET /accounts/overdue/`."""

import datetime

import pytest
import time_machine

from staff.choices import Role
from staff.factories import UserFactory
from visits.models import DealerStock, VisitRecord

from .test_records import NOW, TODAY, make_account, make_contact, make_product, make_record

pytestmark = pytest.mark.django_db

D = datetime.timedelta
RECORD_FIELDS = {
    "id",
    "account",
    "account_name",
    "office",
    "salesperson",
    "salesperson_name",
    "date",
    "kind",
    "contact",
    "quality_feedback",
    "price_feedback",
    "demand",
    "competitors",
    "new_products",
    "dealer_stock",
    "planned_visit",
    "created_at",
}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def post(api, user, body):
    api.force_authenticate(user)
    return api.post("/api/v1/visit-records/", body, format="json")


def get(api, user, path):
    api.force_authenticate(user)
    return api.get(path)


# ---------------------------------------------------------------- POST /visit-records/


def test_r_9_7_a_dealer_visit_is_recorded_with_its_stock(api, office, salesperson):
    dealer = make_account(office, salesperson, kind="dealer")
    contact = make_contact(dealer)
    motor = make_product()

    r = post(
        api,
        salesperson,
        {
            "account": dealer.pk,
            "date": TODAY.isoformat(),
            "kind": "return",
            "contact": contact.pk,
            "quality_feedback": "质量稳定",
            "price_feedback": "",
            "demand": "旺季备货",
            "competitors": "",
            "new_products": "",
            "dealer_stock": [{"product": motor.pk, "quantity": "3.500", "note": "偏少，已催补货"}],
        },
    )

    assert r.status_code == 201, r.json()
    body = r.json()
    assert set(body) == RECORD_FIELDS
    assert body["account"] == dealer.pk and body["salesperson"] == salesperson.pk
    assert (body["date"], body["kind"], body["contact"]) == (
        TODAY.isoformat(),
        "return",
        contact.pk,
    )
    assert body["dealer_stock"] == [
        {"product": motor.pk, "quantity": "3.500", "note": "偏少，已催补货"}
    ]
    assert body["planned_visit"] is None
    assert VisitRecord.objects.get().demand == "旺季备货"


def test_the_body_cannot_name_another_salesperson_or_branch(
    api, office, other_office, salesperson, other_salesperson
):
    """Abuse: the record is the caller's, in the account's branch, whatever the body says."""
    account = make_account(office, salesperson)
    r = post(
        api,
        salesperson,
        {
            "account": account.pk,
            "date": TODAY.isoformat(),
            "kind": "first",
            "salesperson": other_salesperson.pk,
            "office": other_office.pk,
            "created_at": "2001-01-01T00:00:00+08:00",
        },
    )
    assert r.status_code == 201
    saved = VisitRecord.objects.get()
    assert (saved.salesperson, saved.office) == (salesperson, office)
    assert saved.created_at == NOW


def test_a_colleagues_account_is_not_there(api, office, salesperson, other_salesperson):
    """Abuse: logging a visit on a colleague's account to take it or to reset its clock."""
    account = make_account(office, other_salesperson, grade="A", opened=TODAY - D(30))
    r = post(api, salesperson, {"account": account.pk, "date": TODAY.isoformat(), "kind": "first"})

    assert r.status_code == 404
    assert not VisitRecord.objects.exists()
    api.force_authenticate(other_salesperson)
    overdue = api.get("/api/v1/accounts/overdue/").json()
    assert [row["account"] for row in overdue] == [account.pk]  # still overdue, still theirs


def test_another_branchs_account_is_not_there_for_its_manager(
    api, office, salesperson, other_manager
):
    account = make_account(office, salesperson)
    r = post(api, other_manager, {"account": account.pk, "date": TODAY.isoformat(), "kind": "call"})
    assert r.status_code == 404
    assert not VisitRecord.objects.exists()


def test_the_branchs_manager_records_a_visit(api, office, salesperson, manager):
    account = make_account(office, salesperson)
    r = post(api, manager, {"account": account.pk, "date": TODAY.isoformat(), "kind": "return"})
    assert r.status_code == 201
    assert r.json()["salesperson"] == manager.pk


@pytest.mark.parametrize("role", ["secretary", "finance", "clerk", "warehouse", "assistant"])
def test_other_roles_are_refused(api, request, office, salesperson, role):
    account = make_account(office, salesperson)
    user = request.getfixturevalue(role)
    r = post(api, user, {"account": account.pk, "date": TODAY.isoformat(), "kind": "return"})
    assert r.status_code == 403
    assert get(api, user, "/api/v1/visit-records/").status_code == 403
    assert get(api, user, "/api/v1/accounts/overdue/").status_code == 403
    assert not VisitRecord.objects.exists()


def test_anonymous_is_401(api):
    assert api.get("/api/v1/visit-records/").status_code == 401
    assert api.post("/api/v1/visit-records/", {}, format="json").status_code == 401
    assert api.get("/api/v1/accounts/overdue/").status_code == 401


def _bad_bodies(account, other_contact, product):
    base = {"account": account.pk, "date": TODAY.isoformat(), "kind": "return"}
    line = {"product": product.pk, "quantity": "1"}
    return {
        "future date": ({**base, "date": (TODAY + D(1)).isoformat()}, "date"),
        "before the account existed": ({**base, "date": "2025-12-31"}, "date"),
        "not a date": ({**base, "date": "2026-02-30"}, "date"),
        "year 9999": ({**base, "date": "9999-12-31"}, "date"),
        "unknown kind": ({**base, "kind": "visit"}, "kind"),
        "contact of another account": ({**base, "contact": other_contact.pk}, "contact"),
        "negative quantity": (
            {**base, "dealer_stock": [{**line, "quantity": "-1"}]},
            "dealer_stock",
        ),
        "4 decimals": ({**base, "dealer_stock": [{**line, "quantity": "1.0001"}]}, "dealer_stock"),
        "one product twice": ({**base, "dealer_stock": [line, line]}, "dealer_stock"),
        "unknown product": (
            {**base, "dealer_stock": [{**line, "product": 987654}]},
            "dealer_stock",
        ),
        "no account": ({k: v for k, v in base.items() if k != "account"}, "account"),
        "text too long": ({**base, "demand": "长" * 4001}, "demand"),
    }


BAD = [
    "future date",
    "before the account existed",
    "not a date",
    "year 9999",
    "unknown kind",
    "contact of another account",
    "negative quantity",
    "4 decimals",
    "one product twice",
    "unknown product",
    "no account",
    "text too long",
]


@pytest.mark.parametrize("case", BAD)
def test_bad_input_is_a_400_naming_the_field_and_nothing_is_saved(api, office, salesperson, case):
    dealer = make_account(office, salesperson, kind="dealer")
    other = make_contact(make_account(office, salesperson), name="别家")
    body, field = _bad_bodies(dealer, other, make_product())[case]

    r = post(api, salesperson, body)

    assert r.status_code == 400, r.json()
    assert field in r.json(), r.json()
    assert not VisitRecord.objects.exists() and not DealerStock.objects.exists()


def test_stock_on_an_account_that_is_not_a_dealer_is_a_400(api, office, salesperson):
    customer = make_account(office, salesperson, kind="government")
    body = {
        "account": customer.pk,
        "date": TODAY.isoformat(),
        "kind": "return",
        "dealer_stock": [{"product": make_product().pk, "quantity": "1"}],
    }
    r = post(api, salesperson, body)
    assert r.status_code == 400 and "dealer_stock" in r.json()
    assert not VisitRecord.objects.exists()


def test_the_400_is_in_the_readers_language(api, office, salesperson):
    account = make_account(office, salesperson)
    api.force_authenticate(salesperson)
    r = api.post(
        "/api/v1/visit-records/",
        {"account": account.pk, "date": (TODAY + D(1)).isoformat(), "kind": "return"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert r.status_code == 400
    assert "尚未到来" in r.json()["date"][0] or "未来" in r.json()["date"][0], r.json()


# ---------------------------------------------------------------- GET /visit-records/


def test_r_9_1_the_list_is_paginated_and_shows_what_the_user_may_read(
    api, office, other_office, salesperson, other_salesperson, manager, other_manager
):
    mine = make_account(office, salesperson)
    theirs = make_account(office, other_salesperson)
    river = make_account(
        other_office, UserFactory(roles=[Role.SALESPERSON], offices=[other_office])
    )
    a = make_record(mine, salesperson, TODAY - D(2))
    b = make_record(theirs, other_salesperson, TODAY - D(1))
    c = make_record(river, river.owner, TODAY)

    body = get(api, salesperson, "/api/v1/visit-records/").json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert [r["id"] for r in body["results"]] == [a.pk]
    ids = [r["id"] for r in get(api, manager, "/api/v1/visit-records/").json()["results"]]
    assert ids == [b.pk, a.pk]  # newest first
    ids = [r["id"] for r in get(api, other_manager, "/api/v1/visit-records/").json()["results"]]
    assert ids == [c.pk]


def test_the_filters(api, office, salesperson, other_salesperson, manager):
    one = make_account(office, salesperson)
    two = make_account(office, other_salesperson)
    early = make_record(one, salesperson, TODAY - D(10))
    late = make_record(one, salesperson, TODAY - D(1))
    other = make_record(two, other_salesperson, TODAY - D(5))

    def ids(query):
        r = get(api, manager, f"/api/v1/visit-records/?{query}")
        assert r.status_code == 200, r.json()
        return [row["id"] for row in r.json()["results"]]

    assert ids(f"account={one.pk}") == [late.pk, early.pk]
    assert ids(f"salesperson={other_salesperson.pk}") == [other.pk]
    assert ids(f"from={(TODAY - D(5)).isoformat()}") == [late.pk, other.pk]
    assert ids(f"to={(TODAY - D(5)).isoformat()}") == [other.pk, early.pk]
    assert ids(f"from={(TODAY - D(6)).isoformat()}&to={(TODAY - D(2)).isoformat()}") == [other.pk]


@pytest.mark.parametrize(
    "query",
    [
        "from=2026-13-01",
        "to=yesterday",
        "from=0001-01-01",
        "from=2026-03-10&to=2026-03-01",
        "account=abc",
    ],
)
def test_bad_filters_are_a_400(api, office, salesperson, query):
    make_record(make_account(office, salesperson), salesperson, TODAY)
    r = get(api, salesperson, f"/api/v1/visit-records/?{query}")
    assert r.status_code == 400, (query, r.status_code)


def test_an_account_the_user_does_not_see_is_a_400_filter_not_a_peek(
    api, office, salesperson, other_salesperson
):
    theirs = make_account(office, other_salesperson)
    make_record(theirs, other_salesperson, TODAY)
    r = get(api, salesperson, f"/api/v1/visit-records/?account={theirs.pk}")
    assert r.status_code == 400
    assert "results" not in r.json()


# ---------------------------------------------------------------- GET /accounts/overdue/


def test_r_9_8_overdue_accounts_as_api_md_says(
    api, office, salesperson, other_salesperson, manager
):
    old = TODAY - D(90)
    a = make_account(office, salesperson, grade="A", opened=old)
    make_record(a, salesperson, TODAY - D(5))
    c = make_account(office, salesperson, grade="C", opened=old)  # never visited
    make_account(office, salesperson, grade="B", opened=TODAY - D(3))  # not yet due
    theirs = make_account(office, other_salesperson, grade="B", opened=old)

    body = get(api, salesperson, "/api/v1/accounts/overdue/").json()

    assert [row["account"] for row in body] == [c.pk, a.pk]  # oldest first
    assert body[1] == {
        "account": a.pk,
        "name": a.name,
        "office": office.pk,
        "grade": "A",
        "owner": salesperson.pk,
        "owner_name": str(salesperson),
        "last_visit": (TODAY - D(5)).isoformat(),
        "due": (TODAY - D(2)).isoformat(),
        "days_overdue": 2,
    }
    assert body[0]["last_visit"] is None and body[0]["days_overdue"] == 60
    ids = [row["account"] for row in get(api, manager, "/api/v1/accounts/overdue/").json()]
    assert ids == [theirs.pk, c.pk, a.pk]  # B opened 90 days ago: 83 days overdue
