"""Real Celery worker processes for the integration tests: each a child process with the test
settings, pointed at this test process's database and Redis, consuming a queue of its own."""

import os
import signal
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection
from kombu import Exchange, Queue

from salesoffice.celery import app

ROOT = Path(__file__).resolve().parents[2]
STOP_WAIT_S = 15


def database_url(settings_dict: dict) -> str:
    """DATABASE_URL of the database this test process uses (the test database)."""
    user = quote(settings_dict.get("USER") or "", safe="")
    password = settings_dict.get("PASSWORD") or ""
    credentials = f"{user}:{quote(password, safe='')}@" if password else f"{user}@" if user else ""
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    return f"postgres://{credentials}{host}{port}/{quote(settings_dict['NAME'], safe='')}"


class Worker:
    """One `celery worker` child process; its output goes to a file (a pipe could fill up)."""

    def __init__(self, log_path: Path, queue: str, name: str, pool: str = "solo"):
        self.log_path, self.queue, self.name, self.pool = log_path, queue, name, pool
        self.process: subprocess.Popen | None = None

    def command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "salesoffice",
            "worker",
            "--pool",
            self.pool,
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

    def start(self) -> None:
        env = {
            # Not Django's async-unsafe escape hatch, should this process have it set.
            **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
            "DJANGO_SETTINGS_MODULE": "salesoffice.settings.test",
            "DATABASE_URL": database_url(connection.settings_dict),
            "REDIS_URL": settings.REDIS_URL,
            "PYTHONUNBUFFERED": "1",
        }
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                self.command(), cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
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


class Beat(Worker):
    """One `celery beat` child process with the database scheduler (django-celery-beat)."""

    def command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "salesoffice",
            "beat",
            "--scheduler",
            "django_celery_beat.schedulers:DatabaseScheduler",
            "--pidfile",
            str(self.log_path.with_suffix(".pid")),
            "--max-interval",
            "1",
            "--loglevel",
            "INFO",
        ]
