"""Issue 21: the second part's jobs are safe to run twice, and twice at once.

Beat may send a job twice (two beat processes, a task delivered again beside a slow one), so
each job, run twice the same morning or two at once in two threads against PostgreSQL, leaves
what users see exactly as one run leaves it: one collection notice per overdue account and
day (R-15.2), one overdue-visit notice per person and day (R-9.8), one late flag and one
notice per late approval step (R-8.4), each stale quote expired once (R-11.3), one statement
per account and half year (R-15.6); no duplicate, no deadlock, no error.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import pytest

from accounts.factories import AccountFactory
from approvals.choices import EventKind
from approvals.models import Approval, ApprovalEvent
from approvals.services import approval_submit
from approvals.tasks import flag_late
from common.errors import DomainError
from contracts.factories import NOW, approved_account, won_quote
from notifications.models import Notification
from quotes import tasks as quote_tasks
from quotes.models import Quote
from receivables.choices import RunStatus
from receivables.factories import issued_invoice
from receivables.models import CollectionNotice, NoticeLine, Statement, StatementRun
from receivables.selectors import statements_visible_to
from receivables.services import statements
from receivables.tasks import dunning_task
from tests.concurrency.harness import run_together
from tests.receivables.conftest import (  # noqa: F401  (fixtures)
    account,
    approvers,
    cable,
    contract,
    depot,
    executive,
    product,
    shipped,
    technician,
)
from tests.receivables.statement_fixtures import at
from tests.receivables.test_statement_worker_killed import credited_accounts
from tests.visits.test_records import make_account, make_record
from visits import tasks as visit_tasks

NO_DELAY = datetime.timedelta(0)
TWO_HOURS = datetime.timedelta(hours=2)

twice = pytest.mark.django_db
at_once = pytest.mark.django_db(transaction=True)


@dataclass(frozen=True)
class Job:
    """A job as beat runs it (the task's body, with a fixed `now`), what users see of its work,
    and what one run shows them."""

    run: Callable[..., int]  # run(later=timedelta): that much later the same day
    seen: Callable[[], object]
    once: object
    made: int  # what one run returns: notices, notifications, flags or quotes


def _told(*kinds: str) -> list[tuple]:
    rows = Notification.objects.filter(kind__in=kinds).values_list("recipient_id", "kind")
    return sorted(rows)


@pytest.fixture
def dunning(shipped, finance, salesperson, manager):  # noqa: F811  (the fixture, imported)
    """R-15.2: an invoice of 2,000.00 due on 9 April, unpaid on the morning of 12 April."""
    issued_invoice(shipped, now=NOW, ship=False, amount="2000.00")
    morning = at("2026-04-12", 8)

    def seen():
        notices = CollectionNotice.objects.values_list("account_id", "date", "total")
        return sorted(notices), NoticeLine.objects.count(), _told("collection_notice")

    once = (
        [(shipped.account_id, morning.date(), Decimal("2000.00"))],
        1,
        sorted([(salesperson.pk, "collection_notice"), (manager.pk, "collection_notice")]),
    )
    return Job(
        lambda later=NO_DELAY: dunning_task(now=(morning + later).isoformat()), seen, once, made=1
    )


@pytest.fixture
def overdue_visits(office, salesperson, manager):
    """R-9.8: a grade-A account of the salesperson last visited 50 days ago."""
    morning = datetime.datetime(2026, 3, 20, 8, 0, tzinfo=office.tzinfo)
    overdue = make_account(office, salesperson, grade="A", opened=datetime.date(2025, 6, 1))
    make_record(overdue, salesperson, morning.date() - datetime.timedelta(days=50))
    once = sorted([(salesperson.pk, "visits_overdue"), (manager.pk, "branch_visits_overdue")])
    return Job(
        lambda later=NO_DELAY: visit_tasks.flag_overdue_visits((morning + later).isoformat()),
        lambda: _told("visits_overdue", "branch_visits_overdue"),
        once,
        made=2,
    )


@pytest.fixture
def late_approvals(office, salesperson, manager, director):
    """R-8.4: an account submitted on Friday 17:00 waits for the manager until Tuesday."""
    friday = datetime.datetime(2026, 12, 4, 9, 0, tzinfo=datetime.UTC)
    approval_submit(
        document=AccountFactory(office=office, author=salesperson), actor=salesperson, now=friday
    )
    tuesday = datetime.datetime(2026, 12, 8, 2, 0, tzinfo=datetime.UTC)

    def seen():
        flagged = Approval.objects.filter(late_notified_at__isnull=False).count()
        events = ApprovalEvent.objects.filter(kind=EventKind.LATE).count()
        return flagged, events, _told("approval_late")

    once = (1, 1, sorted([(manager.pk, "approval_late"), (director.pk, "approval_late")]))
    return Job(lambda later=NO_DELAY: flag_late((tuesday + later).isoformat()), seen, once, made=1)


@pytest.fixture
def stale_quotes(office, salesperson, product):  # noqa: F811  (the fixture imported above)
    """R-11.3: an approved open quote valid for 30 days, 40 days on."""
    account_ = approved_account(office, salesperson)
    quote = won_quote(account_, salesperson, [(product, "1", "100.00")], outcome="open")
    morning = NOW + datetime.timedelta(days=40)
    return Job(
        lambda later=NO_DELAY: quote_tasks.expire((morning + later).isoformat()),
        lambda: list(Quote.objects.values_list("pk", "outcome", "outcome_at")),
        [(quote.pk, "expired", morning)],
        made=1,
    )


JOBS = ["dunning", "overdue_visits", "late_approvals", "stale_quotes"]


@pytest.fixture(params=JOBS)
def job(request) -> Job:
    return request.getfixturevalue(request.param)


@twice
def test_a_job_run_twice_shows_what_one_run_shows(job):
    assert job.run() == job.made
    assert job.seen() == job.once
    assert job.run() == 0  # again at once
    assert job.run(later=TWO_HOURS) == 0  # and later the same morning (a beat sending late)
    assert job.seen() == job.once


@at_once
def test_every_job_run_twice_at_once_shows_what_one_run_shows(
    dunning, overdue_visits, late_approvals, stale_quotes
):
    """All four jobs, each twice, in eight threads released together (one database flush for
    all: a transactional test's teardown is the slow part)."""
    jobs = dict(zip(JOBS, (dunning, overdue_visits, late_approvals, stale_quotes), strict=True))
    outcomes = run_together([job.run for job in jobs.values() for _ in range(2)])
    assert [o.error for o in outcomes] == [None] * 8  # no deadlock, no IntegrityError
    for n, (name, job) in enumerate(jobs.items()):
        pair = outcomes[2 * n : 2 * n + 2]
        assert sorted(o.value for o in pair) == [0, job.made], name  # the second found it done
        assert job.seen() == job.once, name


# ---------------------------------------------------------------- statements

AFTER_H1 = at("2026-07-02")


@pytest.fixture
def branch_accounts(office, salesperson, finance) -> list[int]:
    """Three accounts of the branch with money received in the first half."""
    return credited_accounts(office, salesperson, finance, 3)


def _shown(finance) -> list[int]:
    """The accounts whose first-half statement finance sees (pages and API alike)."""
    shown = statements_visible_to(finance).filter(period="2026H1")
    return sorted(shown.values_list("account_id", flat=True))


def _generate(run_id: int) -> StatementRun:
    return statements.statements_generate(run_id=run_id, now=AFTER_H1, batch=1)


@twice
def test_statements_generated_twice_make_one_set(branch_accounts, finance, office):
    run = statements.statement_run_start(
        actor=finance, office=office, period="2026H1", now=AFTER_H1
    )
    first = _generate(run.pk)
    assert (first.status, first.created) == (RunStatus.DONE, 3)
    assert _shown(finance) == sorted(branch_accounts)
    again = _generate(run.pk)  # the same task delivered again after it finished
    assert (again.status, again.created, again.finished_at) == (RunStatus.DONE, 3, AFTER_H1)
    later = statements.statement_run_start(  # finance asks again: nothing new
        actor=finance, office=office, period="2026H1", now=AFTER_H1
    )
    assert _generate(later.pk).created == 0
    assert _shown(finance) == sorted(branch_accounts)
    assert Statement.objects.count() == 3


@twice
def test_a_failed_run_s_part_stays_hidden_until_the_next_run_completes_it(
    branch_accounts, finance, office, monkeypatch
):
    """The database fails in the second batch: the run is marked failed with its first batch
    committed, which nobody sees; finance starts the half again, and the new run shows the
    whole set when it is done, the failed run's statements taken over."""
    real, calls = statements._batch, []

    def second_fails(run_id, now, size):
        calls.append(run_id)
        if len(calls) == 2:
            raise RuntimeError("the database went away")
        return real(run_id, now, size)

    monkeypatch.setattr(statements, "_batch", second_fails)
    failed = statements.statement_run_start(
        actor=finance, office=office, period="2026H1", now=AFTER_H1
    )
    with pytest.raises(RuntimeError):
        _generate(failed.pk)
    failed.refresh_from_db()
    assert (failed.status, failed.created) == (RunStatus.FAILED, 1)
    assert Statement.objects.count() == 1 and _shown(finance) == []

    monkeypatch.setattr(statements, "_batch", real)
    again = statements.statement_run_start(
        actor=finance, office=office, period="2026H1", now=AFTER_H1
    )
    assert (_generate(again.pk).status, Statement.objects.count()) == (RunStatus.DONE, 3)
    assert _shown(finance) == sorted(branch_accounts)
    assert set(Statement.objects.values_list("run_id", flat=True)) == {again.pk}


@at_once
def test_statements_started_and_run_twice_at_once_make_one_set(branch_accounts, finance, office):
    """Two requests start the branch's half at once: one run, the other a 409 (never an
    IntegrityError 500). Its task delivered twice at once (a worker thought lost): the two
    take turns, batch by batch, on the run's row; one statement per account."""

    def start():
        try:
            return statements.statement_run_start(
                actor=finance, office=office, period="2026H1", now=AFTER_H1
            ).pk
        except DomainError as refused:
            return refused.code

    starts = run_together([start, start])
    assert [o.error for o in starts] == [None, None]
    values = [o.value for o in starts]
    assert "run_live" in values
    [run_id] = [v for v in values if v != "run_live"]
    assert list(StatementRun.objects.values_list("pk", flat=True)) == [run_id]

    runs = run_together([lambda: _generate(run_id), lambda: _generate(run_id)])
    assert [o.error for o in runs] == [None, None]
    run = StatementRun.objects.get(pk=run_id)
    assert (run.status, run.total, run.done, run.created) == (RunStatus.DONE, 3, 3, 3)
    assert _shown(finance) == sorted(branch_accounts)
    per_account = Statement.objects.values_list("account_id", flat=True)
    assert sorted(per_account) == sorted(branch_accounts)  # one each
