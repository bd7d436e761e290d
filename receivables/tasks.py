"""Receivables jobs (API.md): each takes ids (or nothing but the clock) and calls one
service."""

from common.tasks import parse_now
from salesoffice.celery import app

from .services import dunning, statements

GENERATE = "receivables.generate_statements"


@app.task(name=dunning.DUNNING)
def dunning_task(now: str | None = None) -> int:
    """R-15.2: daily 08:30, the collection notices of overdue receivables."""
    return dunning.dunning_run(now=parse_now(now))


@app.task(name=GENERATE)
def generate_statements(run_id: int, now: str | None = None, batch: int = statements.BATCH) -> int:
    """R-15.6: a branch's statements of a half year (StatementRun `run_id`), `batch` accounts
    per transaction; returns how many were made."""
    return statements.statements_generate(run_id=run_id, now=parse_now(now), batch=batch).created


def queue_generation(run_id: int) -> None:
    """Send the generation to the workers (statement_run_start calls it on commit)."""
    generate_statements.delay(run_id)
