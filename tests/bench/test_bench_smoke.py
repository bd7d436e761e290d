"""The benchmark suite (bench/, issue 8) runs end to end at its smallest scale and produces
every figure. A smoke check that the suite works, not a benchmark: no timing is asserted.

The suite clones this test process's migrated database instead of migrating its own, seeds
the clone (`--scale tiny`), serves it with gunicorn, loads every endpoint with wrk for a
second, times the jobs and the reports, and drops the clone.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.db import connection, connections

from bench import db

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT_S = 150

SCENARIOS = {
    "control_insert",
    "visit_register",
    "control_select",
    "customer_by_phone",
    "search_prefix",
    "search_fragment",
    "search_name",
    "list_customers",
    "list_claims",
    "list_visits",
    "list_units",
    "list_notifications",
    "claims_page",
    "desk_page",
    "my_customers_page",
}
LOAD_FIGURES = {
    "requests",
    "seconds",
    "rps",
    "errors",
    "errors_by_kind",
    "latency_ms",
    "one_connection",
}
LATENCIES = {"p50", "p90", "p99", "max", "mean"}
REPORT_FIGURES = {
    "salespeople_figures",
    "channel_figures",
    "workbook_team",
    "workbook_channels",
    "team_page",
    "team_xlsx",
    "channels_page",
    "channels_xlsx",
}


def _server_url(settings_dict: dict) -> str:
    user = settings_dict.get("USER") or "postgres"
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{user}@{host}:{port}/postgres"


@pytest.fixture
def template_db(transactional_db):
    """This process's migrated test database (no transaction around the test: nothing may
    stay connected to a template)."""
    name = connection.settings_dict["NAME"]
    server = _server_url(connection.settings_dict)
    connections.close_all()
    return name, server


def _run(command: list[str], env: dict) -> subprocess.CompletedProcess:
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        stdout, stderr = process.communicate(timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGTERM)  # the suite stops its server and drops its database
        try:
            stdout, stderr = process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            stdout, stderr = process.communicate()
        pytest.fail(f"python -m bench took over {TIMEOUT_S} s:\n{stderr[-3000:]}")
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


def test_the_suite_produces_every_figure_at_the_smallest_scale(template_db, tmp_path):
    if shutil.which("wrk") is None:
        pytest.fail("wrk is needed (Debian: apt-get install wrk)", pytrace=False)
    template, server = template_db
    name = f"bench_smoke_{uuid.uuid4().hex[:10]}"
    out = tmp_path / "bench-results.json"
    env = {**os.environ, "DATABASE_URL": server}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    command = [
        sys.executable, "-m", "bench", "--scale", "tiny", "--duration", "1",
        "--db-name", name, "--template-db", template, "--out", str(out),
    ]  # fmt: skip
    try:
        done = _run(command, env)
        assert done.returncode == 0, done.stderr[-3000:]
        assert not db.exists(server, name), "the suite drops its database"
    finally:
        db.drop(server, name)

    results = json.loads(out.read_text())
    assert "target" in done.stdout and "every figure" in done.stdout  # the printed table

    seed = results["seed"]
    assert seed["rows"]["leads_customer"] == results["scale"]["customers"] == 1000
    assert seed["rows"]["attribution_claim"] == 1000
    assert seed["rows"]["attribution_followup"] > 0
    assert seed["rows_per_second"] > 0

    assert set(results["load"]) == SCENARIOS
    for scenario, cell in results["load"].items():
        assert set(cell) >= LOAD_FIGURES, scenario
        assert set(cell["latency_ms"]) >= LATENCIES, scenario
        assert cell["requests"] > 0, scenario
        assert set(cell["one_connection"]["latency_ms"]) >= LATENCIES, scenario
        # issue 22: the lone-user phase starts once the server answers a probe at idle speed
        assert cell["one_connection"]["drained"]["probes"] >= 3, scenario
        assert cell["errors_by_kind"]["status"] == 0, f"{scenario}: non-2xx answers"

    assert results["rotation"]["visits"] > 0
    assert results["rotation"]["fair"] is True

    assert SCENARIOS - {"control_insert", "visit_register", "control_select"} == set(
        results["queries"]
    )
    for scenario, cell in results["queries"].items():
        assert cell["statuses_ok"], (scenario, cell["variants"])
    assert {
        "search_prefix",
        "search_fragment",
        "search_name",
        "customer_by_phone",
        "list_notifications",
    } == set(results["explain"])
    assert results["probe_idle_ms"] > 0

    expire = results["jobs"]["expire_stale"]
    assert expire["stale"] > 0
    assert expire["rows_released"] == {
        "bare_update": expire["stale"],
        "bare_update_with_triggers": expire["stale"],
        "job": expire["stale"],
    }
    assert expire["ratio_job_to_bare"] is not None

    assert set(results["reports"]) >= REPORT_FIGURES
    for page in ("team_page", "team_xlsx", "channels_page", "channels_xlsx"):
        assert results["reports"][page]["status"] == 200, page
    assert results["reports"]["salespeople"] == 5  # the big office's half of 10

    assert results["memory"]["peak_worker_rss_mb"] > 0
    assert results["memory"]["workers_sampled"] >= 1
    assert {t["what"] for t in results["targets"]} >= {
        "visit_register req/s ÷ control_insert req/s",
        "customer_by_phone req/s ÷ control_select req/s",
        "visit_register p50, one connection",
        "desk_page p50, one connection",
        "expire_stale ÷ bare UPDATE",
        "monthly report page",
        "monthly report Excel",
        "peak web worker RSS",
    }
