"""R-15.6 on a real worker: finance asks the API for a branch's statements of a half year; the
run is queued when the request commits, a `celery worker` child process (the integration
tests' Worker, on a queue of this test's own, against the test database and the real Redis)
makes one statement per account with a balance, and the run's progress reaches its total."""

import time

import pytest
from django.utils import timezone

from contracts.factories import NOW
from receivables import figures, tasks
from receivables.choices import RunStatus
from receivables.factories import issued_invoice
from receivables.models import Statement, StatementRun
from receivables.services import base, statements
from salesoffice.celery import app
from tests.integration.conftest import redis_available, worker  # noqa: F401  (fixtures)

from .statement_fixtures import shipped_contract

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

WAIT_S = 60


@pytest.fixture
def accounts(shipped, office, other_salesperson, product, approvers, finance):
    """Three accounts of the branch, each with an invoice nobody has paid."""
    issued_invoice(shipped, now=NOW, ship=False)
    made = [shipped.account]
    for name in ("长江电器", "黄河建材"):
        contract = shipped_contract(office, other_salesperson, product, approvers, name=name)
        issued_invoice(contract, now=NOW, ship=False)
        made.append(contract.account)
    return made


def test_the_worker_makes_the_branch_s_statements(
    worker,  # noqa: F811  (the integration tests' fixture, imported above)
    accounts,
    api,
    finance,
    office,
    monkeypatch,
):
    # the generation goes to this test's worker, not to the default queue
    monkeypatch.setattr(
        tasks,
        "queue_generation",
        lambda run_id: app.send_task(tasks.GENERATE, args=[run_id], queue=worker.queue),
    )
    period = statements.last_ended_period(base.today(office, timezone.now()))
    api.force_authenticate(finance)
    answer = api.post("/api/v1/statements/", {"office": office.pk, "period": period}, format="json")
    assert answer.status_code == 202, answer.content
    body = answer.json()
    assert (body["office"], body["period"], body["status"], body["done"]) == (
        office.pk,
        period,
        "queued",
        0,
    )

    deadline = time.monotonic() + WAIT_S
    run = StatementRun.objects.get(pk=body["id"])
    while run.status in (RunStatus.QUEUED, RunStatus.RUNNING) and time.monotonic() < deadline:
        assert worker.running(), worker.log()
        time.sleep(0.2)
        run.refresh_from_db()
    assert run.status == RunStatus.DONE, f"{run.status} {run.error}\n{worker.log()}"
    assert (run.total, run.done, run.created) == (3, 3, 3)
    assert run.finished_at is not None
    made = Statement.objects.filter(period=period, run=run)
    assert sorted(made.values_list("account_id", flat=True)) == sorted(a.pk for a in accounts)
    _start, end = statements.parse_period(period)[1:]
    for statement in made:
        assert statement.closing == figures.balance(statement.account_id, end)
    assert f"Task {tasks.GENERATE}[" in worker.log()

    # the progress answers through the page too, and says it is done
    from django.test import Client

    page = Client()
    page.force_login(finance)
    bar = page.get(f"/receivables/statements/runs/{run.pk}/", HTTP_HX_REQUEST="true")
    assert bar.status_code == 200
    assert 'data-status="done"' in bar.content.decode()
    assert "hx-trigger" not in bar.content.decode()  # it stops asking
