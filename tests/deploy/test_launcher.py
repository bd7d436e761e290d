"""Issue 13: what `bin/run` serves with (salesoffice.launcher → salesoffice.settings.office).

The settings are read in a fresh process, as gunicorn and Celery read them, from the
environment the launcher gives its children: DEBUG off unless --debug, a generated secret key
that the next start in the same data directory reuses, ALLOWED_HOSTS never "*". In that process
a 404 is the friendly Chinese page, not Django's URL list. No database is used."""

import json
import os
import socket
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from salesoffice import launcher
from salesoffice.launcher_config import SECRET_KEY_FILE, settings_environment

ROOT = Path(__file__).resolve().parents[2]
DEVELOPMENT_KEY = "local-development-only-not-secret"

PROBE = """
import json
import django
django.setup()
from django.conf import settings
from django.test import Client
missing = Client(SERVER_NAME="localhost").get("/no-such-page/")
stranger = Client(SERVER_NAME="evil.example.com").get("/accounts/login/")
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "SECRET_KEY": settings.SECRET_KEY,
    "ALLOWED_HOSTS": settings.ALLOWED_HOSTS,
    "TIME_ZONE": settings.TIME_ZONE,
    "404": [missing.status_code, missing.content.decode()],
    "unknown host": [stranger.status_code, stranger.content.decode()],
}))
"""


def served_settings(argv: list[str], data_dir: Path) -> dict:
    """The settings of a child of `bin/run argv…` with this data directory."""
    args = launcher.parse_args(argv)
    env = dict(os.environ, **settings_environment(args.host, data_dir, debug=args.debug))
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture
def shell(monkeypatch):
    """A shell that says DEBUG=true and ALLOWED_HOSTS=* (and a development key): bin/run must
    not take them."""
    monkeypatch.setenv("DEBUG", "true")
    monkeypatch.setenv("ALLOWED_HOSTS", "*")
    monkeypatch.setenv("SECRET_KEY", DEVELOPMENT_KEY)


def test_bin_run_serves_without_debug_with_its_own_persistent_key(shell, tmp_path):
    first = served_settings([], tmp_path)
    assert first["DEBUG"] is False
    key = first["SECRET_KEY"]
    assert key != DEVELOPMENT_KEY and len(key) >= 50 and len(set(key)) >= 5
    key_file = tmp_path / SECRET_KEY_FILE
    assert key_file.read_text().strip() == key
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert first["ALLOWED_HOSTS"] == ["localhost", "127.0.0.1", "[::1]"]
    assert first["TIME_ZONE"] == "Asia/Shanghai"
    status, html = first["404"]
    assert status == 404 and "<h1>未找到</h1>" in html
    assert "URLconf" not in html and "Traceback" not in html
    status, html = first["unknown host"]
    assert status == 400 and "<h1>无法处理的请求</h1>" in html and "ALLOWED_HOSTS" not in html

    second = served_settings(["--port", "8080"], tmp_path)  # the next start
    assert second["SECRET_KEY"] == key
    (tmp_path / "another").mkdir()
    assert served_settings([], tmp_path / "another")["SECRET_KEY"] != key


def test_listening_everywhere_allows_this_computers_names_not_any_host(shell, tmp_path):
    hosts = served_settings(["--host", "0.0.0.0"], tmp_path)["ALLOWED_HOSTS"]
    assert "*" not in hosts
    assert socket.gethostname().lower() in hosts and "127.0.0.1" in hosts
    assert all(host and "*" not in host for host in hosts)


def test_a_given_address_is_allowed_by_itself(tmp_path, monkeypatch):
    monkeypatch.setenv("ALLOWED_HOSTS", "sales.office.lan,*")
    args = launcher.parse_args(["--host", "192.168.1.20"])
    hosts = settings_environment(args.host, tmp_path)["ALLOWED_HOSTS"].split(",")
    assert hosts == ["localhost", "127.0.0.1", "[::1]", "192.168.1.20", "sales.office.lan"]


def test_debug_only_with_the_flag(tmp_path):
    served = served_settings(["--debug"], tmp_path)
    assert served["DEBUG"] is True
    assert "*" not in served["ALLOWED_HOSTS"]


def test_a_cut_key_file_is_replaced(tmp_path):
    (tmp_path / SECRET_KEY_FILE).write_text("short")
    key = settings_environment("127.0.0.1", tmp_path)["SECRET_KEY"]
    assert len(key) >= 50
    assert stat.S_IMODE((tmp_path / SECRET_KEY_FILE).stat().st_mode) == 0o600


def test_the_data_directory_is_git_ignored():
    paths = [".data/secret-key", ".data/logs/gunicorn.log"]
    result = subprocess.run(
        ["git", "check-ignore", *paths], cwd=ROOT, capture_output=True, text=True
    )
    assert result.stdout.split() == paths
