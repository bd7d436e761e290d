"""Customer search (R-2.1, issue 8): by any part of the phone, by any part of a name of three
characters or more, and by the beginning of a name for one or two characters (the surname
comes first; trigram indexes cannot narrow shorter fragments); newest first."""

import datetime

import pytest
from django.utils import timezone

from leads.factories import CustomerFactory
from leads.models import Customer
from leads.selectors import SEARCH_ORDER, customers_search

pytestmark = pytest.mark.django_db


@pytest.fixture
def customers(office):
    now = timezone.now()
    rows = [("13800138000", "张三丰"), ("13900139123", "李张明"), ("13700137000", "王小张")]
    return {
        name: CustomerFactory(
            office=office, phone=phone, name=name, registered_at=now - datetime.timedelta(days=i)
        )
        for i, (phone, name) in enumerate(rows)
    }


def found(query: str) -> list[str]:
    qs = customers_search(Customer.objects.all(), query).order_by(*SEARCH_ORDER)
    return list(qs.values_list("name", flat=True))


def test_a_short_name_matches_the_beginning_only(customers):
    assert found("张") == ["张三丰"]
    assert found("李张") == ["李张明"]


def test_three_characters_match_anywhere_in_the_name(customers):
    assert found("张三丰") == ["张三丰"]
    assert found("王小张") == ["王小张"]


def test_phone_prefix_and_fragment_newest_first(customers):
    assert found("138") == ["张三丰"]
    assert found("0013") == ["张三丰", "李张明", "王小张"]
    assert found("9123") == ["李张明"]


def test_nothing_for_an_empty_or_nul_query(customers):
    assert found("") == [] and found("\x00") == []
