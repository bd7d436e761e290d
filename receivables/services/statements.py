"""Statements of account (往来账目核对, R-15.6): finance generates a branch's statements for a
half year (a Celery task with its progress on a StatementRun); the account's salesperson sends
each and records the customer's answer, signed back as agreed or disputed item by item; finance
or the manager resolves the differences (statement_answers.py).

A statement is made for each account of the branch with a balance at the end of the half or
any ledger line in it: the opening balance (every line before the half), the half's debits and
credits, the closing balance. It is a snapshot: the sums count the lines posted by the moment
it was made (`generated_at`), and its lines are read back the same way (selectors), so a line
entered later with a date in the half does not change a statement already made.
"""

import datetime

from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _
from rest_framework.exceptions import PermissionDenied, ValidationError

from accounts.models import Account
from common.errors import DomainError
from staff.permissions import may

from .. import rules
from ..choices import RunStatus
from ..models import LedgerLine, Statement, StatementRun
from . import base

BATCH = 200  # accounts per transaction: the progress the page sees moves per batch
LIVE = (RunStatus.QUEUED, RunStatus.RUNNING)

_INSERT = """
INSERT INTO {statement} (office_id, account_id, period, "start", "end", opening, debits,
                         credits, closing, status, run_id, generated_at)
SELECT %(office)s, s.account_id, %(period)s, %(start)s, %(end)s, s.opening, s.debits,
       s.credits, s.opening + s.debits - s.credits, 'draft', %(run)s, %(now)s
FROM (
    SELECT account_id,
           COALESCE(SUM(debit - credit) FILTER (WHERE date < %(start)s), 0) AS opening,
           COALESCE(SUM(debit) FILTER (WHERE date >= %(start)s), 0) AS debits,
           COALESCE(SUM(credit) FILTER (WHERE date >= %(start)s), 0) AS credits,
           COUNT(*) FILTER (WHERE date >= %(start)s) AS moves
    FROM {line}
    WHERE account_id = ANY(%(accounts)s) AND date <= %(end)s AND posted_at <= %(now)s
    GROUP BY account_id
) AS s
WHERE s.moves > 0 OR s.opening + s.debits - s.credits <> 0
ON CONFLICT (account_id, period) DO NOTHING
RETURNING id
"""


def may_make_statements(user, office) -> bool:
    return may(user, "receivables.make_statements", office)


def parse_period(value) -> tuple[str, datetime.date, datetime.date]:
    """`2026H1` and its first and last days; a ValidationError (400) on anything else."""
    text = value if isinstance(value, str) else ""
    try:
        start, end = rules.half_year(text)
    except ValueError:
        raise ValidationError(
            {"period": [_("Enter a half year such as 2026H1 (January to June) or 2026H2.")]}
        ) from None
    return text, start, end


def last_ended_period(today: datetime.date) -> str:
    """The latest half year that has ended by `today` (the one to reconcile)."""
    start, _end = rules.half_year(rules.period_of(today))
    return rules.period_of(start - datetime.timedelta(days=1))


# ---------------------------------------------------------------- starting a run


@transaction.atomic
def statement_run_start(*, actor, office, period: str, now: datetime.datetime) -> StatementRun:
    """R-15.6: finance asks for a branch's statements of a half year that has ended; the
    generation is queued when this commits (tasks.generate_statements). Refused: a half not
    ended yet (409 `period_not_ended`), a run of the branch and half still going (409
    `run_live`)."""
    if not may_make_statements(actor, office):
        raise PermissionDenied(_("Only the branch's finance makes its statements of account."))
    period, _start, end = parse_period(period)
    if base.today(office, now) <= end:
        raise DomainError(
            _("The half year ends on %(date)s: its statements are made after that day.")
            % {"date": end.isoformat()},
            code="period_not_ended",
        )
    if StatementRun.objects.filter(office=office, period=period, status__in=LIVE).exists():
        raise _running(office, period)
    try:
        with transaction.atomic():
            run = StatementRun.objects.create(
                office=office, period=period, started_by=actor, started_at=now
            )
    except IntegrityError:  # another request started it a moment ago
        raise _running(office, period) from None
    run_id = run.pk
    transaction.on_commit(lambda: _queue(run_id))
    return run


def _running(office, period: str) -> DomainError:
    live = StatementRun.objects.filter(office=office, period=period, status__in=LIVE).first()
    return DomainError(
        _("These statements are being made already."),
        code="run_live",
        extra={"run": live.pk if live else None},
    )


def _queue(run_id: int) -> None:
    from .. import tasks  # the task module imports the services

    tasks.queue_generation(run_id)


# ---------------------------------------------------------------- the generation (the task)


def _candidates(run: StatementRun, start: datetime.date, end: datetime.date, now):
    """The branch's accounts that may need a statement: a ledger line by the end of the half
    (posted by `now`) and no statement of the period yet; in id order."""
    lines = LedgerLine.objects.filter(account=OuterRef("pk"), date__lte=end, posted_at__lte=now)
    made = Statement.objects.filter(account=OuterRef("pk"), period=run.period)
    return (
        Account.objects.filter(office_id=run.office_id)
        .filter(Exists(lines))
        .exclude(Exists(made))
        .order_by("pk")
    )


def _begin(run_id: int, now) -> StatementRun:
    """Queued → running, counting the accounts to look at. A run delivered again (its worker
    lost) is running already and goes on from its cursor; a finished one is left alone."""
    with transaction.atomic():
        run = StatementRun.objects.select_for_update().get(pk=run_id)
        if run.status == RunStatus.QUEUED:
            _period, start, end = parse_period(run.period)
            run.total = _candidates(run, start, end, now).count()
            run.status = RunStatus.RUNNING
            run.save(update_fields=["total", "status"])
    return run


def _batch(run_id: int, now, size: int) -> bool:
    """One batch in one transaction: the next accounts after the cursor, their statements
    inserted from one GROUP BY over their ledger lines. False when none was left (the run is
    then done)."""
    with transaction.atomic():
        run = StatementRun.objects.select_for_update().get(pk=run_id)
        period, start, end = parse_period(run.period)
        ids = list(
            _candidates(run, start, end, now)
            .filter(pk__gt=run.cursor)
            .values_list("pk", flat=True)[:size]
        )
        if not ids:
            # The set is complete: it shows from this commit on (selectors.statements_visible_to
            # hides the statements of runs not done), the failed runs' before it taken over.
            Statement.objects.filter(
                office_id=run.office_id, period=run.period, run__status=RunStatus.FAILED
            ).update(run=run)
            run.status, run.finished_at, run.done = RunStatus.DONE, now, run.total
            run.save(update_fields=["status", "finished_at", "done"])
            return False
        with connection.cursor() as cursor:
            cursor.execute(
                _INSERT.format(statement=Statement._meta.db_table, line=LedgerLine._meta.db_table),
                {
                    "office": run.office_id,
                    "period": period,
                    "start": start,
                    "end": end,
                    "run": run.pk,
                    "now": now,
                    "accounts": ids,
                },
            )
            made = len(cursor.fetchall())
        run.cursor = ids[-1]
        run.done = min(run.total, run.done + len(ids))
        run.created += made
        run.save(update_fields=["cursor", "done", "created"])
    return True


def statements_generate(*, run_id: int, now: datetime.datetime, batch: int = BATCH) -> StatementRun:
    """R-15.6: make the run's statements, a batch of accounts per transaction, committing the
    progress (done of total) with each. An account that has its statement of the period is
    skipped, so running it again makes nothing new. On an error the run is marked failed with
    it (the batches committed stay) and the error is raised again.

    No half-made set is ever shown (issue 21): the committed batches of a run that is not done
    are hidden from users (selectors.statements_visible_to). A worker killed mid-way leaves
    the run running; its task, acknowledged late, is delivered again and goes on from the
    cursor. A failed run's statements are taken over by the next run of the branch and half
    when it is done. Two deliveries at once take turns on the run's row lock, and the unique
    (account, period) with ON CONFLICT DO NOTHING makes one statement per account."""
    run = _begin(run_id, now)
    if run.status != RunStatus.RUNNING:
        return run
    try:
        while _batch(run_id, now, batch):
            pass
    except Exception as exc:
        StatementRun.objects.filter(pk=run_id, status__in=LIVE).update(
            status=RunStatus.FAILED, finished_at=now, error=(str(exc) or repr(exc))[:2000]
        )
        raise
    return StatementRun.objects.get(pk=run_id)


# sending, answering and resolving live beside this module (one import for callers)
from .statement_answers import (  # noqa: E402
    DifferenceInput,
    difference_resolve,
    may_answer,
    may_resolve,
    statement_answer,
    statement_send,
)

__all__ = [
    "DifferenceInput",
    "difference_resolve",
    "last_ended_period",
    "may_answer",
    "may_make_statements",
    "may_resolve",
    "parse_period",
    "statement_answer",
    "statement_run_start",
    "statement_send",
    "statements_generate",
]
