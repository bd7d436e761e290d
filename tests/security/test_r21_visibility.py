"""Issue 21, visibility.

A product's cost (R-10.1) is read by managers, directors, executives and finance only: the
catalog's page, card, Excel file and API are read as every role, and a recognisable cost is
looked for (the permission matrix looks for it in every response of every URL; this is its
control, fast).

A technician sees only the after-sales requests routed to them (R-16.1,
aftersales.selectors.requests_visible_to): those filed to the technical department of their
office and not yet taken, and those named to them — never a request still waiting for the
manager or the clerk, never one named to another technician, never another office's. Each
request's problem carries a mark; the technician's list page, the API's list, the details, the
photos and the actions are tried, and a mark that must not be seen is a leak. (The permission
matrix walks every URL as every persona with one technician per office; here two technicians
share an office.)

A one-button step of an after-sales request refused for its state is a 409 page, not a server
error (found by test_csrf.py's sweep of the R-16 pages).
"""

import datetime
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from openpyxl import load_workbook
from rest_framework.test import APIClient

from aftersales.factories import new_request, png
from aftersales.services import extras, requests
from catalog.services import product_create
from contracts.factories import approved_account
from staff.choices import Role
from staff.factories import UserFactory

NOW = datetime.datetime(2026, 3, 18, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
SEEN = {"queue": "售后标记-待领取", "mine": "售后标记-派给我"}
UNSEEN = {
    "new": "售后标记-待确认",
    "confirmed": "售后标记-待派工",
    "colleague": "售后标记-派给同事",
    "colleague_taken": "售后标记-同事已联系",
    "other_office": "售后标记-他店",
}

pytestmark = pytest.mark.django_db


@pytest.fixture
def routed(office, other_office, salesperson, manager, clerk, other_manager):
    """The requests of every step, one per mark; `te` is the technician looking."""
    te = UserFactory(username="te-1", roles=[Role.TECHNICIAN], offices=[office])
    colleague = UserFactory(username="te-2", roles=[Role.TECHNICIAN], offices=[office])
    seller_b = UserFactory(username="sp-b", roles=[Role.SALESPERSON], offices=[other_office])
    clerk_b = UserFactory(username="cl-b", roles=[Role.CLERK], offices=[other_office])
    account = approved_account(office, salesperson)
    account_b = approved_account(other_office, seller_b)
    made = {}
    with time_machine.travel(NOW, tick=False):

        def step(mark, *, upto, technician=None, seller=salesperson, on=account, people=None):
            boss, filer = people or (manager, clerk)
            made_one = new_request(on, seller, problem=mark, now=NOW)
            extras.photo_add(request=made_one, actor=seller, upload=png(), now=NOW)
            if upto in ("confirmed", "filed", "contacted"):
                made_one = requests.request_confirm(
                    request=made_one, actor=boss, approve=True, now=NOW
                )
            if upto in ("filed", "contacted"):
                made_one = requests.request_file(
                    request=made_one, actor=filer, technician=technician, now=NOW
                )
            if upto == "contacted":
                made_one = requests.request_contact(
                    request=made_one, actor=technician, contacted_at=NOW, method="phone", now=NOW
                )
            return made_one

        made["queue"] = step(SEEN["queue"], upto="filed")
        made["mine"] = step(SEEN["mine"], upto="filed", technician=te)
        made["new"] = step(UNSEEN["new"], upto="new")
        made["confirmed"] = step(UNSEEN["confirmed"], upto="confirmed")
        made["colleague"] = step(UNSEEN["colleague"], upto="filed", technician=colleague)
        made["colleague_taken"] = step(
            UNSEEN["colleague_taken"], upto="contacted", technician=colleague
        )
        made["other_office"] = step(
            UNSEEN["other_office"],
            upto="filed",
            seller=seller_b,
            on=account_b,
            people=(other_manager, clerk_b),
        )
    return te, made


def _clients(user) -> tuple[Client, APIClient]:
    page = Client(raise_request_exception=False)
    page.force_login(user)
    api = APIClient()
    api.force_authenticate(user)
    return page, api


def test_r16_1_a_technician_lists_only_the_requests_routed_to_them(routed):
    te, _made = routed
    page, api = _clients(te)
    with time_machine.travel(NOW, tick=False):
        listed = page.get("/aftersales/").content.decode()
        filed = page.get("/aftersales/", {"state": "filed"}).content.decode()
        served = api.get("/api/v1/after-sales/")
    assert served.status_code == 200
    texts = {"page": listed, "page ?state=filed": filed, "API": served.content.decode()}
    for where, text in texts.items():
        assert all(mark in text for mark in SEEN.values()), where
        leaked = [key for key, mark in UNSEEN.items() if mark in text]
        assert leaked == [], f"{where} shows {leaked}"


@pytest.mark.parametrize("key", list(UNSEEN))
def test_r16_1_a_request_not_routed_to_the_technician_is_not_there(routed, key):
    """Its page, its API record, its photo and the technician's actions on it: 404."""
    te, made = routed
    target = made[key]
    photo = target.photos.get()
    page, api = _clients(te)
    with time_machine.travel(NOW, tick=False):
        answers = {
            "page": page.get(f"/aftersales/{target.pk}/"),
            "photo": page.get(f"/aftersales/{target.pk}/photos/{photo.pk}/"),
            "take": page.post(f"/aftersales/{target.pk}/take/"),
            "contact": page.post(f"/aftersales/{target.pk}/contact/", {"method": "phone"}),
            "API": api.get(f"/api/v1/after-sales/{target.pk}/"),
            "API take": api.post(f"/api/v1/after-sales/{target.pk}/take/", format="json"),
        }
    statuses = {where: response.status_code for where, response in answers.items()}
    assert statuses == dict.fromkeys(answers, 404)
    target.refresh_from_db()
    assert target.technician_id != te.pk


def test_r16_1_the_requests_routed_to_the_technician_are_theirs_to_open(routed):
    """The control: the same URLs answer for the queue's request and the one named to them."""
    te, made = routed
    page, api = _clients(te)
    with time_machine.travel(NOW, tick=False):
        for key in SEEN:
            target = made[key]
            photo = target.photos.get()
            assert page.get(f"/aftersales/{target.pk}/").status_code == 200
            assert page.get(f"/aftersales/{target.pk}/photos/{photo.pk}/").status_code == 200
            assert api.get(f"/api/v1/after-sales/{target.pk}/").status_code == 200


# ---------------------------------------------------------------- the cost

COST = Decimal("73.19")  # a figure no other field of the catalog has
COST_READERS = (Role.MANAGER, Role.DIRECTOR, Role.EXECUTIVE, Role.FINANCE)
NOT_COST_READERS = (Role.SALESPERSON, Role.SECRETARY, Role.CLERK, Role.WAREHOUSE)
NOT_COST_READERS += (Role.TECHNICIAN, Role.PURCHASING, Role.ASSISTANT)


def _catalog_texts(user, product) -> dict[str, str]:
    page, api = _clients(user)
    got = {
        "list": page.get("/products/"),
        "card": page.get(f"/products/{product.pk}/"),
        "xlsx": page.get("/products/", {"format": "xlsx"}),
        "API": api.get("/api/v1/products/"),
    }
    assert {k: r.status_code for k, r in got.items()} == dict.fromkeys(got, 200)
    book = load_workbook(io.BytesIO(got.pop("xlsx").content), read_only=True)
    cells = [str(v) for s in book.worksheets for row in s.iter_rows(values_only=True) for v in row]
    return {**{k: r.content.decode() for k, r in got.items()}, "xlsx": "\n".join(cells)}


@pytest.fixture
def product(office, manager):
    with time_machine.travel(NOW, tick=False):
        return product_create(
            actor=manager, now=NOW, code="R21-COST", name="减速机", unit="台",
            list_price=Decimal("120.00"), floor_price=Decimal("90.00"), cost=COST,
        )  # fmt: skip


@pytest.mark.parametrize("role", COST_READERS)
def test_r10_1_the_cost_is_shown_to_its_readers(office, product, role):
    """The control: the planted figure is found where it may be read."""
    reader = UserFactory(username=f"cost-{role}", roles=[role], offices=[office])
    texts = _catalog_texts(reader, product)
    assert {k: str(COST) in t for k, t in texts.items()} == dict.fromkeys(texts, True)


@pytest.mark.parametrize("role", NOT_COST_READERS)
def test_r10_1_the_cost_is_never_shown_to_anyone_else(office, product, role):
    reader = UserFactory(username=f"cost-{role}", roles=[role], offices=[office])
    texts = _catalog_texts(reader, product)
    assert [k for k, t in texts.items() if str(COST) in t] == []


def test_r16_1_a_one_button_step_refused_for_its_state_is_a_409_page_not_a_500(routed, manager):
    """Found by the CSRF sweep (issue 21): "take" posted on a request still waiting for the
    manager raised inside the page (an unbound form given the refusal): a server error."""
    _te, made = routed
    page, _api = _clients(manager)
    with time_machine.travel(NOW, tick=False):
        response = page.post(f"/aftersales/{made['new'].pk}/take/")
    assert response.status_code == 409
    assert "不能进行此操作" in response.content.decode()
    made["new"].refresh_from_db()
    assert made["new"].technician_id is None
