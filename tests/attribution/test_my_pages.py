"""'My customers' on the phone is paged (issue 8): a salesperson tracking many customers gets
30 cards a page, the next to lose protection first, with a pager to the rest."""

import datetime
import re

import pytest
from django.utils import timezone

from attribution.services import claim_start
from attribution.views.my import PAGE_SIZE
from leads.factories import CustomerFactory

pytestmark = pytest.mark.django_db
TRACKED = PAGE_SIZE + 5


def cards(response) -> list[int]:
    return [int(pk) for pk in re.findall(r'<article id="claim-(\d+)"', response.content.decode())]


def test_my_customers_pages_the_active_claims_soonest_end_first(client, office, salesperson):
    now = timezone.now()
    claims = []
    for n in range(TRACKED):
        at = now - datetime.timedelta(hours=n)  # the later ones end first
        customer = CustomerFactory(office=office, registered_by=salesperson, registered_at=at)
        claims.append(
            claim_start(
                household=customer.household,
                owner=salesperson,
                now=at,
                actor=salesperson,
                detail={},
            )
        )
    soonest_first = [c.pk for c in sorted(claims, key=lambda c: (c.protected_until, c.pk))]
    client.force_login(salesperson)
    first = client.get("/attribution/my/")
    assert cards(first) == soonest_first[:PAGE_SIZE]
    assert 'class="pager"' in first.content.decode()
    second = client.get("/attribution/my/?page=2")
    assert cards(second) == soonest_first[PAGE_SIZE:]
    assert cards(client.get("/attribution/my/?page=99")) == soonest_first[PAGE_SIZE:]  # last
