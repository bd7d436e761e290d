"""Races of an after-sales request (R-16.1), real threads against PostgreSQL: two
technicians taking the same unassigned request at once get one winner (the other
`already_taken`); two clerks closing at once close it once, its escalation closed once."""

import pytest

from aftersales.factories import NOW, at, request_at
from aftersales.models import ServiceRequestEvent
from aftersales.services import requests
from common.errors import DomainError
from escalations.models import Escalation
from tests.concurrency.harness import run_together

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def flow(salesperson, manager, clerk, technician):
    return {"reporter": salesperson, "manager": manager, "clerk": clerk, "technician": technician}


def test_two_technicians_take_one_request_one_wins(account, flow, technician, technician2):
    made = request_at("filed", account, **{**flow, "technician": None})
    outcomes = run_together(
        [
            lambda: requests.request_take(request=made, actor=technician, now=at(200)),
            lambda: requests.request_take(request=made, actor=technician2, now=at(200)),
        ]
    )
    winners = [o.value for o in outcomes if o.error is None]
    losers = [o.error for o in outcomes if o.error is not None]
    assert len(winners) == 1 and len(losers) == 1
    assert isinstance(losers[0], DomainError) and losers[0].code == "already_taken"
    made.refresh_from_db()
    assert made.technician_id == winners[0].technician_id
    assert ServiceRequestEvent.objects.filter(request=made, kind="taken").count() == 1


def test_two_closes_at_once_close_once(account, flow, manager, clerk, technician):
    made = request_at("contacted", account, **flow)
    requests.request_escalate(request=made, actor=manager, reason="无法解决", now=NOW)
    requests.request_result(request=made, actor=technician, result="已修复", now=at(300))
    outcomes = run_together(
        [lambda: requests.request_close(request=made, actor=clerk, now=at(400)) for _ in range(2)]
    )
    errors = [o.error for o in outcomes if o.error is not None]
    assert len(errors) == 1 and isinstance(errors[0], DomainError)
    assert errors[0].code == "wrong_state"
    assert ServiceRequestEvent.objects.filter(request=made, kind="closed").count() == 1
    escalation = Escalation.objects.get(subject_id=made.pk, source="after_sales")
    assert escalation.closed_at is not None and escalation.resolution == "已修复"
