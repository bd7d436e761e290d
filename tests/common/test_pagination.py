"""Lists that count only when they must (issue 8, common.pagination): a page that is not full
gives the count without a COUNT, next/previous always follow the rows, and a big list's count
is kept for a minute — and the lists still work without Redis."""

import uuid

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from common.pagination import Paginator
from leads.factories import CustomerFactory
from leads.models import Customer

pytestmark = pytest.mark.django_db

URL = "/api/v1/customers/"
NO_REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
}


@pytest.fixture
def own_redis_keys(settings):
    """The real Redis, under a prefix of this test's own: no count of another run is found."""
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
    }
    settings.LIST_COUNT_CACHE_MIN = 100


def counts_in(queries) -> int:
    return sum("COUNT(" in q["sql"] for q in queries.captured_queries)


@pytest.fixture
def customers(office):
    return CustomerFactory.create_batch(120, office=office)


@pytest.fixture
def listing(api, manager):
    api.force_authenticate(manager)

    def get(**params):
        with CaptureQueriesContext(connection) as queries:
            response = api.get(URL, params)
        return response, counts_in(queries)

    return get


class TestApiPages:
    def test_pages_count_next_and_previous(self, customers, listing):
        first, counted = listing(page=1)
        body = first.json()
        assert (body["count"], len(body["results"])) == (120, 50)
        assert "page=2" in body["next"] and body["previous"] is None
        assert counted == 1  # a full page with more after it: counted
        last, counted = listing(page=3)
        body = last.json()
        assert (body["count"], len(body["results"])) == (120, 20)
        assert body["next"] is None and "page=2" in body["previous"]
        assert counted == 0  # the last page knows the count from its rows
        ids = {row["id"] for page in (1, 2, 3) for row in listing(page=page)[0].json()["results"]}
        assert ids == {c.pk for c in customers}  # every customer once, none twice

    def test_a_search_is_not_counted(self, customers, listing):
        wanted = customers[7]
        response, counted = listing(phone=wanted.phone)
        assert response.json()["count"] == 1
        assert [row["id"] for row in response.json()["results"]] == [wanted.pk]
        assert counted == 0

    def test_past_the_last_page_is_404(self, customers, listing):
        assert listing(page=4)[0].status_code == 404
        assert listing(page=0)[0].status_code == 404
        assert listing(page="x")[0].status_code == 404

    def test_an_empty_list_has_one_empty_page(self, office, listing):
        body = listing(page=1)[0].json()
        assert body == {"count": 0, "next": None, "previous": None, "results": []}

    @pytest.mark.usefixtures("own_redis_keys")
    def test_a_big_count_is_kept_a_minute_but_the_rows_are_not(self, office, customers, listing):
        assert listing(page=1)[1] == 1  # counted once
        response, counted = listing(page=1)
        assert counted == 0 and response.json()["count"] == 120  # from the cache
        CustomerFactory.create_batch(40, office=office)  # 160 now, 4 pages
        response, _counted = listing(page=1)
        assert response.json()["count"] == 120  # may lag, as documented
        page3, _counted = listing(page=3)
        assert len(page3.json()["results"]) == 50 and "page=4" in page3.json()["next"]
        last, _counted = listing(page=4)
        assert last.json()["count"] == 160 and len(last.json()["results"]) == 10

    @override_settings(LIST_COUNT_CACHE_MIN=100, CACHES=NO_REDIS)
    def test_without_redis_the_list_is_counted_exactly(self, customers, listing):
        response, counted = listing(page=1)
        assert response.status_code == 200
        assert response.json()["count"] == 120 and counted == 1


class TestPagesOfHtml:
    def test_get_page_beyond_the_end_shows_the_last_page(self, customers):
        pages = Paginator(Customer.objects.order_by("pk"), 50)
        page = pages.get_page(9)
        assert (page.number, len(page), pages.count, pages.num_pages) == (3, 20, 120, 3)
        assert not page.has_next() and page.has_previous()

    def test_a_known_count_is_not_asked_again(self, customers):
        pages = Paginator(Customer.objects.order_by("pk"), 50)
        pages.count = 120  # as "my customers" passes its tab's count
        with CaptureQueriesContext(connection) as queries:
            page = pages.page(1)
        assert counts_in(queries) == 0 and page.has_next() and pages.num_pages == 3
