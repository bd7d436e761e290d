"""A page number no list can reach (issue 13): `?page=99999999999999999999` made an OFFSET past
PostgreSQL's bigint, a 500 on every API list and HTML pager. A page beyond the rows is the
API's 404 "Invalid page" and the pager's last page; page 0, negative or non-numeric as before.
"""

import pytest
from django.utils import timezone

from attribution.services import claim_start
from common.pagination import Paginator
from leads.factories import CustomerFactory
from leads.models import Customer

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"
API_LISTS = [
    "/api/v1/customers/",
    "/api/v1/claims/",
    "/api/v1/disputes/",
    "/api/v1/visits/",
    "/api/v1/visits/unassigned/",
    "/api/v1/units/",
    "/api/v1/refunds/",
    "/api/v1/fines/",
    "/api/v1/notifications/",
    "/api/v1/offices/",
    "/api/v1/staff/",
]


@pytest.fixture
def client_api(api, manager):
    api.raise_request_exception = False
    api.force_authenticate(manager)
    return api


@pytest.mark.parametrize("url", API_LISTS)
@pytest.mark.parametrize("page", [HUGE, str(2**63), str(2**63 // 50), "9" * 5000])
def test_a_page_past_any_list_is_404_not_500(client_api, office, url, page):
    response = client_api.get(url, {"page": page})
    assert response.status_code == 404, response.content[:300]
    assert "detail" in response.json()


@pytest.mark.parametrize("page", ["0", "-1", "x", "1e5", "1.5", ""])
def test_other_bad_pages_are_a_clean_error(client_api, office, page):
    CustomerFactory(office=office)
    response = client_api.get("/api/v1/customers/", {"page": page})
    expected = 200 if page == "" else 404  # an empty page is the first
    assert response.status_code == expected
    assert response.json()


@pytest.mark.parametrize("name", ["office", "owner", "salesperson", "customer", "status"])
def test_a_huge_id_in_a_filter_is_not_a_500(client_api, office, name):
    for url in API_LISTS:
        response = client_api.get(url, {name: HUGE})
        assert response.status_code in (200, 400, 404), (url, response.content[:300])


def test_the_html_pager_shows_the_last_page(office):
    CustomerFactory.create_batch(3, office=office)
    page = Paginator(Customer.objects.order_by("pk"), 2).get_page(HUGE)
    assert (page.number, len(page)) == (2, 1)


@pytest.mark.parametrize("who", ["manager", "salesperson"])
def test_the_claim_pages_take_a_huge_page(client, office, salesperson, manager, who):
    customer = CustomerFactory(office=office)
    now = timezone.now()
    claim_start(
        household=customer.household, owner=salesperson, now=now, actor=salesperson, detail={}
    )
    user = {"manager": manager, "salesperson": salesperson}[who]
    client.force_login(user)
    url = "/attribution/claims/" if who == "manager" else "/attribution/my/"
    client.raise_request_exception = False
    response = client.get(url, {"page": HUGE, "office": office.pk})
    assert response.status_code == 200
