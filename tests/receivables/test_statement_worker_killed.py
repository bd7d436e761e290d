"""R-15.6, issue 21: a worker killed in the middle of a branch's statements leaves no half-made
set in front of users, and the generation then completes it: one statement per account.

Real processes: a prefork worker (its pool's child runs the task) on a queue of this test's
own, the real Redis and the test database. The branch has a few batches of accounts (small
batches: the task's argument). The test holds a lock on an account of the second batch, so
that the worker is caught mid-set: the first batch committed, the second waiting. It SIGKILLs
the child there, checks what finance sees through the API and the page, then lets go: the
task, acknowledged late and rejected when its worker was lost, is delivered again and goes on
from its cursor.
"""

import re
import subprocess

import psycopg
import pytest
from django.db import connection
from django.test import Client

from common.backup import dsn_of
from contracts.factories import NOW, approved_account
from receivables import tasks
from receivables.choices import RunStatus
from receivables.factories import received
from receivables.models import Statement, StatementRun
from receivables.selectors import statements_visible_to
from salesoffice.celery import app
from tests.integration.conftest import redis_available, start_worker  # noqa: F401  (fixtures)
from tests.integration.test_worker_faults import blocked_backends, children_of, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

BATCH = 4  # accounts per transaction (the task's argument; 200 by default)
ACCOUNTS = 3 * BATCH + 1  # a first batch, a second one the worker is caught in, and more
PERIOD = "2026H1"  # the receipts below are of 10 March 2026


def credited_accounts(office, owner, finance, count: int) -> list[int]:
    """`count` accounts of the branch, each with 100.00 received in advance on 10 March 2026
    (a credit): each is due a statement of the first half. Their ids, in the order the
    generation takes them."""
    made = []
    for _ in range(count):
        account = approved_account(office, owner)
        received(account, "100.00", now=NOW, finance=finance)
        made.append(account.pk)
    return sorted(made)


@pytest.fixture
def branch(office, salesperson, finance) -> list[int]:
    return credited_accounts(office, salesperson, finance, ACCOUNTS)


def _seen_by(api, finance, office) -> tuple[list, str]:
    """What finance sees of the half: the API's first page and the page's generated count."""
    rows = api.get("/api/v1/statements/", {"period": PERIOD, "office": office.pk}).json()
    client = Client()
    client.force_login(finance)
    page = client.get("/receivables/statements/", {"period": PERIOD}).content.decode()
    generated = re.search(r'id="count-generated"><dt>[^<]*</dt><dd>(\d+)</dd>', page)
    assert generated, page
    return rows["results"], generated.group(1)


def test_a_killed_worker_leaves_no_half_set_and_the_rerun_completes_it(
    start_worker,  # noqa: F811  (the fixture, imported above)
    branch,
    office,
    finance,
    api,
    monkeypatch,
):
    worker = start_worker("prefork")
    monkeypatch.setattr(
        tasks,
        "queue_generation",
        lambda run_id: app.send_task(
            tasks.GENERATE, args=[run_id], kwargs={"batch": BATCH}, queue=worker.queue
        ),
    )
    wait_for(lambda: "ready" in worker.log(), "the worker to be ready", worker)
    dsn = dsn_of(connection.settings_dict)
    with psycopg.connect(dsn) as locker:
        # an account of the second batch, locked: its statement's insert waits for it
        locker.execute(
            "SELECT id FROM accounts_account WHERE id = %s FOR UPDATE", [branch[BATCH + 1]]
        )
        api.force_authenticate(finance)
        answer = api.post(
            "/api/v1/statements/", {"office": office.pk, "period": PERIOD}, format="json"
        )
        assert answer.status_code == 202, answer.content
        run = StatementRun.objects.get(pk=answer.json()["id"])
        wait_for(
            lambda: blocked_backends(dsn, locker.info.backend_pid), "the batch to wait", worker
        )

        # mid-set: the first batch is committed, the run is going
        run.refresh_from_db()
        assert (run.status, run.total, run.done) == (RunStatus.RUNNING, ACCOUNTS, BATCH)
        assert Statement.objects.filter(period=PERIOD).count() == BATCH
        child = wait_for(lambda: children_of(worker.process.pid), "the pool's child", worker)[0]
        subprocess.run(["kill", "-KILL", str(child)], check=True)
        wait_for(
            lambda: "WorkerLostError" in worker.log() or "signal 9" in worker.log(),
            "the worker to notice its child died",
            worker,
        )
        # the worker is gone mid-set: finance sees none of it, not a part
        assert _seen_by(api, finance, office) == ([], "0")
        assert not statements_visible_to(finance).filter(period=PERIOD).exists()
        locker.rollback()  # let go: the task delivered again can finish

    def done() -> bool:
        run.refresh_from_db()
        return run.status == RunStatus.DONE

    wait_for(done, "the generation delivered again to finish", worker)
    assert (run.total, run.done, run.created) == (ACCOUNTS, ACCOUNTS, ACCOUNTS)
    made = Statement.objects.filter(period=PERIOD, run=run)
    assert sorted(made.values_list("account_id", flat=True)) == branch  # exactly one each
    assert {s.closing for s in made} == {-100}  # each account's credit
    rows, generated = _seen_by(api, finance, office)
    assert sorted(row["account"] for row in rows) == branch
    assert generated == str(ACCOUNTS)
    received_times = worker.log().count(f"Task {tasks.GENERATE}[")
    assert received_times >= 2, worker.log()  # it really ran again
