"""Phone numbers typed with other digits (issue 13): a full-width keyboard gives `１３８…`, an
Arabic one `١٣٨…`. Python's `\\d` takes them, the database's CHECK (digits 0-9) refused them, and
the refusal was read as a duplicate race: a 500. Every decimal digit is read as its ASCII digit
(R-1.1), so the number is the customer it names, wherever it is typed."""

import datetime

import pytest
from django.utils import timezone

from leads.factories import CustomerFactory, channel
from leads.models import Customer
from leads.rules import normalize_phone, phone_fragment
from reception.factories import roster_for

pytestmark = pytest.mark.django_db

ASCII = "13800138000"
FULL_WIDTH = "１３８００１３８０００"
ARABIC_INDIC = "١٣٨٠٠١٣٨٠٠٠"
DEVANAGARI_SPACED = "१३८ ००१३ ८०००"
FORMS = [FULL_WIDTH, ARABIC_INDIC, DEVANAGARI_SPACED, "+８６ １３８-００１３-８０００"]


@pytest.mark.parametrize("typed", FORMS)
def test_r_1_1_every_decimal_digit_is_its_ascii_digit(typed):
    assert normalize_phone(typed) == ASCII
    assert phone_fragment(typed).endswith(ASCII)  # the search's fragment: ASCII digits


def test_digits_that_are_not_decimal_are_not_a_phone():
    assert phone_fragment("²³⁴⁵") is None  # superscripts: digits, not decimal digits
    with pytest.raises(Exception, match="."):
        normalize_phone("①③⑧⓪⓪①③⑧⓪⓪⓪")


@pytest.mark.parametrize("typed", [FULL_WIDTH, ARABIC_INDIC])
def test_a_visit_at_the_desk_api(api, office, secretary, salesperson, manager, typed):
    roster_for(office, timezone.localdate(), [salesperson], manager=manager)
    CustomerFactory(office=office, phone=ASCII, name="李娜")
    api.force_authenticate(secretary)
    api.raise_request_exception = False
    data = {"office": office.pk, "phone": typed, "name": "李娜", "source_channel": "passing"}
    response = api.post("/api/v1/visits/", data, format="json")
    assert response.status_code == 201, response.content[:400]
    assert Customer.objects.filter(office=office).count() == 1  # the same customer
    assert response.json()["customer"] == Customer.objects.get(phone=ASCII).pk


@pytest.mark.parametrize("typed", [FULL_WIDTH, ARABIC_INDIC])
def test_own_registration_api(api, office, salesperson, typed):
    api.force_authenticate(salesperson)
    api.raise_request_exception = False
    data = {"office": office.pk, "phone": typed, "name": "张伟", "source_channel": "online"}
    response = api.post("/api/v1/customers/", data, format="json")
    assert response.status_code == 201, response.content[:400]
    assert response.json()["phone"] == ASCII
    again = api.post("/api/v1/customers/", {**data, "phone": ASCII}, format="json")
    assert again.status_code == 409  # already theirs: the same number
    assert Customer.objects.filter(office=office).count() == 1


@pytest.mark.parametrize("typed", [FULL_WIDTH, ARABIC_INDIC])
def test_the_search_finds_the_number(api, office, secretary, typed):
    wanted = CustomerFactory(office=office, phone=ASCII)
    api.force_authenticate(secretary)
    by_phone = api.get("/api/v1/customers/", {"phone": typed}).json()
    assert [row["id"] for row in by_phone["results"]] == [wanted.pk]
    by_fragment = api.get("/api/v1/customers/", {"q": typed[:7]}).json()
    assert [row["id"] for row in by_fragment["results"]] == [wanted.pk]


@pytest.mark.parametrize("typed", [FULL_WIDTH, ARABIC_INDIC])
def test_own_registration_page(client, office, salesperson, typed):
    client.force_login(salesperson)
    client.raise_request_exception = False
    data = {
        "office": office.pk,
        "phone": typed,
        "name": "陈女士",
        "source_channel": channel("referral").pk,
    }
    response = client.post("/attribution/my/register/", data)
    assert response.status_code == 302, response.content[:400]
    assert list(Customer.objects.values_list("phone", flat=True)) == [ASCII]


def test_a_visit_page_form(client, office, secretary, salesperson, manager):
    roster_for(office, timezone.localdate() + datetime.timedelta(0), [salesperson], manager=manager)
    client.force_login(secretary)
    client.raise_request_exception = False
    data = {
        "office": office.pk,
        "phone": ARABIC_INDIC,
        "name": "王先生",
        "party_size": 2,
        "source_channel": channel("passing").pk,
        "one_household": "on",
        "idempotency_key": "key-arabic",
    }
    response = client.post("/reception/visits/", data)
    assert response.status_code in (200, 302), response.content[:400]
    assert list(Customer.objects.values_list("phone", flat=True)) == [ASCII]
