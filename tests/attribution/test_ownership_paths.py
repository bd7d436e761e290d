"""Every path that changes who owns a customer leaves exactly one claim event and the history
of exactly the claim rows it changed (issue 7): the manager's reassign page, a ruling on the
dispute page and through the API, the expiry job's set-based UPDATE — and the admin, which
cannot change ownership at all. The event table refuses UPDATE and DELETE (a trigger)."""

import datetime

import pytest
from django.db import DatabaseError, transaction
from django.utils import timezone
from rest_framework.test import APIClient

from attribution.models import Claim, ClaimEvent, ClaimHistory, Collision
from attribution.services import claim_start, claims_expire_stale, dispute_open
from leads.factories import CustomerFactory
from staff.choices import Role
from staff.factories import UserFactory

pytestmark = pytest.mark.django_db


def claimed(office, owner, *, days_ago: float) -> Claim:
    at = timezone.now() - datetime.timedelta(days=days_ago)
    customer = CustomerFactory(office=office, registered_by=owner, registered_at=at)
    return claim_start(household=customer.household, owner=owner, now=at, actor=owner, detail={})


def traces(claim: Claim) -> tuple[list[str], int]:
    """The claim's events (kinds, in order) and its history rows."""
    kinds = list(
        ClaimEvent.objects.filter(claim=claim).order_by("pk").values_list("kind", flat=True)
    )
    return kinds, ClaimHistory.objects.filter(pgh_obj_id=claim.pk).count()


def assert_one_more(claim: Claim, before: tuple[list[str], int], kind: str) -> None:
    kinds, history = traces(claim)
    assert kinds == [*before[0], kind]
    assert history == before[1] + 1


@pytest.fixture
def superuser(office):
    """The strongest admin user there is."""
    return UserFactory(
        username="root",
        roles=[Role.DIRECTOR],
        offices=[office],
        is_staff=True,
        is_superuser=True,
    )


def test_reassign_page_one_event(client, office, manager, salesperson, other_salesperson):
    claim = claimed(office, salesperson, days_ago=20)
    claims_expire_stale(now=timezone.now())
    claim.refresh_from_db()
    before = traces(claim)
    client.force_login(manager)
    response = client.post(
        f"/attribution/claims/{claim.pk}/reassign/",
        {f"r{claim.pk}-salesperson": other_salesperson.pk, f"r{claim.pk}-reason": "原业务员离职"},
    )
    assert response.status_code in (200, 302)
    new = Claim.objects.exclude(pk=claim.pk).get(household=claim.household)
    assert new.owner == other_salesperson
    assert traces(claim) == before  # the released claim itself is not rewritten
    assert traces(new) == (["started"], 1)  # a new claim for the new owner, by the manager
    assert ClaimEvent.objects.get(claim=new).actor == manager


def ruling_case(office, salesperson, other_salesperson):
    claim = claimed(office, other_salesperson, days_ago=1)
    customer = claim.household.members.get()
    Collision.objects.create(
        office=office, customer=customer, salesperson=salesperson, claim=claim, at=timezone.now()
    )
    dispute = dispute_open(
        customer=customer, opener=salesperson, reason="我先接待的", now=timezone.now()
    )
    return claim, dispute


def test_ruling_on_the_page_one_event(client, office, manager, salesperson, other_salesperson):
    claim, dispute = ruling_case(office, salesperson, other_salesperson)
    before = traces(claim)
    client.force_login(manager)
    response = client.post(
        f"/attribution/disputes/{dispute.pk}/rule/",
        {"decision": "move", "new_owner": salesperson.pk, "reason": "展会登记在先"},
    )
    assert response.status_code in (200, 302)
    claim.refresh_from_db()
    assert claim.owner == salesperson
    assert_one_more(claim, before, "ruled")


def test_ruling_through_the_api_one_event(office, manager, salesperson, other_salesperson):
    claim, dispute = ruling_case(office, salesperson, other_salesperson)
    before = traces(claim)
    api = APIClient()
    api.force_authenticate(manager)
    response = api.post(
        f"/api/v1/disputes/{dispute.pk}/rule/",
        {"decision": "move", "new_owner": salesperson.pk, "reason": "展会登记在先"},
        format="json",
    )
    assert response.status_code == 200, response.content
    claim.refresh_from_db()
    assert claim.owner == salesperson
    assert_one_more(claim, before, "ruled")


def test_expiry_job_set_based_update_one_event_each(office, salesperson):
    stale = [claimed(office, salesperson, days_ago=20) for _ in range(3)]
    fresh = claimed(office, salesperson, days_ago=1)
    befores = {c.pk: traces(c) for c in [*stale, fresh]}
    assert claims_expire_stale(now=timezone.now()) == 3
    for claim in stale:
        assert_one_more(claim, befores[claim.pk], "released")
    assert traces(fresh) == befores[fresh.pk]
    assert claims_expire_stale(now=timezone.now()) == 0  # a second run adds nothing
    for claim in stale:
        assert len(traces(claim)[0]) == len(befores[claim.pk][0]) + 1


def test_the_admin_cannot_change_an_owner(
    client, office, superuser, salesperson, other_salesperson
):
    claim = claimed(office, salesperson, days_ago=1)
    before = traces(claim)
    client.force_login(superuser)
    url = f"/admin/attribution/claim/{claim.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="owner"' not in page.content.decode()  # read-only: no owner field
    refused = client.post(url, {"owner": other_salesperson.pk, "status": "active"})
    assert refused.status_code == 403
    claim.refresh_from_db()
    assert claim.owner == salesperson
    assert traces(claim) == before


@pytest.mark.parametrize("statement", ["UPDATE {t} SET kind = 'ruled'", "DELETE FROM {t}"])
def test_claim_events_cannot_be_rewritten_or_deleted(office, salesperson, statement):
    claimed(office, salesperson, days_ago=1)
    from django.db import connection

    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement.format(t=ClaimEvent._meta.db_table))
    assert ClaimEvent.objects.count() == 1
