"""Redis down or hanging (issue 7): registering a walk-in still succeeds within seconds, and
the salesperson's notification is delivered, because nothing on the registration path waits
for Redis: the notification is a row written in the visit's own transaction (a transactional
outbox that the salesperson's page polls), not a message on the broker.

A private redis-server on a free port is this test's Redis (the machine's shared one is left
alone): the app's cache and broker point at it, then it is stopped, or paused with SIGSTOP so
that it accepts connections and never answers — the case socket timeouts exist for.
"""

import datetime
import shutil
import signal
import socket
import subprocess
import time
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from notifications.models import Notification
from reception.factories import roster_for
from reception.models import Visit
from staff.choices import Role
from staff.factories import UserFactory

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
WITHIN_S = 3.0  # a desk registration must not wait on Redis longer than this


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def private_redis():
    if not shutil.which("redis-server"):
        pytest.fail("redis-server is not installed (.ci/run installs the services)")
    port = free_port()
    process = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.05)
    url = f"redis://127.0.0.1:{port}/0"
    caches = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    with override_settings(CACHES=caches, CELERY_BROKER_URL=url, REDIS_URL=url):
        cache.set("probe", "up")
        assert cache.get("probe") == "up"  # the app really talks to this Redis
        yield process
    if process.poll() is None:
        process.send_signal(signal.SIGCONT)
        process.kill()
    process.wait(timeout=10)


@pytest.fixture
def desk(office, manager):
    team = [
        UserFactory(username=f"sp{i}", roles=[Role.SALESPERSON], offices=[office]) for i in range(2)
    ]
    roster_for(office, timezone.localtime(timezone.now(), SH).date(), team, manager=manager)
    return team


def register(office, secretary, phone: str):
    client = APIClient()
    client.force_authenticate(secretary)
    started = time.monotonic()
    response = client.post(
        "/api/v1/visits/",
        {"office": office.pk, "phone": phone, "source_channel": "passing"},
        format="json",
    )
    return response, time.monotonic() - started


def delivered_to(user) -> list[str]:
    client = APIClient()
    client.force_login(user)
    client.get("/notifications/badge/")
    return list(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


@pytest.mark.parametrize("outage", ["stopped", "paused"])
def test_a_walk_in_is_registered_and_notified_while_redis_is_out(
    private_redis, office, secretary, desk, outage
):
    if outage == "stopped":
        private_redis.kill()
        private_redis.wait(timeout=10)
    else:
        private_redis.send_signal(signal.SIGSTOP)
    response, seconds = register(office, secretary, "13800138000")
    print(f"redis {outage}: registration {response.status_code} in {seconds:.2f} s")
    assert response.status_code == 201
    assert seconds < WITHIN_S
    visit = Visit.objects.get(pk=response.json()["id"])
    assert delivered_to(visit.assigned_to) == ["visit_assigned"]
    if outage == "paused":  # Redis comes back: nothing was lost, nothing doubled
        private_redis.send_signal(signal.SIGCONT)
        assert cache.get("probe") == "up"
        assert delivered_to(visit.assigned_to) == ["visit_assigned"]
    assert Visit.objects.count() == 1
    assert timezone.now() - visit.at < datetime.timedelta(minutes=1)
