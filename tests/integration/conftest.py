"""Fixtures of the integration tests: the real Redis, and real worker processes."""

import uuid

import pytest
import redis
from django.conf import settings

from .workers import Worker


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


@pytest.fixture
def start_worker(transactional_db, tmp_path, redis_available):
    """Start workers with a pool of choice, on one queue of the test's own; all are stopped
    and the queue deleted at the end."""
    queue = f"pytest-{uuid.uuid4().hex[:12]}"
    started: list[Worker] = []

    def start(pool: str = "solo") -> Worker:
        worker = Worker(
            tmp_path / f"worker-{len(started)}.log",
            queue=queue,
            name=f"{queue}-{len(started)}",
            pool=pool,
        )
        worker.start()
        started.append(worker)
        return worker

    yield start
    try:
        for worker in started:
            worker.stop()
    finally:
        if started:
            started[0].delete_queue()
