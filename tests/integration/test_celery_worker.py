"""A real Celery worker process on the real Redis runs a task against the test database.

The worker is a child process (`celery -A salesoffice worker`) with the test settings, pointed
at pytest's test database (test_salesoffice, or test_salesoffice_gw<N> under xdist) and at the
same Redis as this process. It consumes only a queue named for this test run, so parallel
workers and other runs never take each other's messages.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from celery.utils.nodenames import gethostname
from django.conf import settings
from django.db import connection
from django.utils import timezone
from kombu import Exchange, Queue

from common.models import JobRun
from salesoffice.celery import app

ROOT = Path(__file__).resolve().parents[2]
HEARTBEAT = "system.heartbeat"
WAIT_FOR_TASK_S = 30
STOP_WAIT_S = 15


def database_url(settings_dict: dict) -> str:
    """DATABASE_URL of the database this test process uses (the test database)."""
    user = quote(settings_dict.get("USER") or "", safe="")
    password = settings_dict.get("PASSWORD") or ""
    credentials = f"{user}:{quote(password, safe='')}@" if password else f"{user}@" if user else ""
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    return f"postgres://{credentials}{host}{port}/{quote(settings_dict['NAME'], safe='')}"


def registered_tasks() -> set[str]:
    """Tasks the worker and beat processes know: they import the default modules at start."""
    app.loader.import_default_modules()
    return set(app.tasks)


def test_celery_configuration():
    assert HEARTBEAT in registered_tasks()
    assert app.conf.broker_url == settings.REDIS_URL
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.task_time_limit and app.conf.task_soft_time_limit
    assert app.conf.task_soft_time_limit < app.conf.task_time_limit


class Worker:
    """One `celery worker` child process; its output goes to a file (a pipe could fill up)."""

    def __init__(self, log_path: Path, queue: str, name: str):
        self.log_path, self.queue, self.name = log_path, queue, name
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        env = {
            # Not Django's async-unsafe escape hatch, should this process have it set.
            **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
            "DJANGO_SETTINGS_MODULE": "salesoffice.settings.test",
            "DATABASE_URL": database_url(connection.settings_dict),
            "REDIS_URL": settings.REDIS_URL,
            "PYTHONUNBUFFERED": "1",
        }
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "salesoffice",
            "worker",
            "--pool",
            "solo",
            "--concurrency",
            "1",
            "-Q",
            self.queue,
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel",
            "INFO",
            "-n",
            f"{self.name}@%h",
        ]
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
            )

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return "(no log)"

    def stop(self) -> None:
        """Warm shutdown (SIGTERM); SIGKILL if the worker has not exited in time."""
        if not self.running():
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=STOP_WAIT_S)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=STOP_WAIT_S)

    def delete_queue(self) -> None:
        """Remove the run's queue and its binding keys from Redis (left there otherwise)."""
        with app.connection_for_write() as conn:
            queue = Queue(self.queue, Exchange(self.queue), routing_key=self.queue)
            bound = queue.bind(conn.default_channel)
            bound.declare()  # kombu deletes only the bindings its channel knows
            bound.delete()


@pytest.fixture
def redis_available():
    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        pytest.fail(f"Redis at {settings.REDIS_URL} is needed for this test: {exc}", pytrace=False)


@pytest.fixture
def worker(transactional_db, tmp_path, redis_available):
    """A worker on a queue of its own, stopped before the test database is flushed."""
    token = uuid.uuid4().hex[:12]
    started = Worker(tmp_path / "worker.log", queue=f"pytest-{token}", name=f"pytest-{token}")
    started.start()
    try:
        yield started
    finally:
        try:
            started.stop()
        finally:
            started.delete_queue()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_worker_runs_heartbeat_against_the_test_database(worker):
    # A moment no other run uses: the row it creates is ours and nobody else's.
    moment = timezone.localtime(timezone.now()).replace(microsecond=uuid.uuid4().int % 1_000_000)
    now = moment.isoformat()
    assert now.endswith("+08:00"), now

    app.send_task(HEARTBEAT, kwargs={"now": now}, queue=worker.queue)

    deadline = time.monotonic() + WAIT_FOR_TASK_S
    run = None
    while run is None and time.monotonic() < deadline:
        assert worker.running(), (
            f"the worker exited early (code {worker.process.returncode}):\n{worker.log()}"
        )
        run = JobRun.objects.filter(ran_at=moment).first()
        if run is None:
            time.sleep(0.2)

    assert run is not None, (
        f"no JobRun at {now} after {WAIT_FOR_TASK_S} s in {connection.settings_dict['NAME']}; "
        f"worker log:\n{worker.log()}"
    )
    assert run.name == HEARTBEAT
    assert run.worker == f"{worker.name}@{gethostname()}", worker.log()
