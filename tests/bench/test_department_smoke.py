"""`python -m bench --part department` (issue 21) runs end to end at its smallest scale and
produces every figure. A smoke check that the suite works, not a benchmark: no timing is
asserted.

The suite clones this test process's migrated database, seeds the department into the clone
(`--scale tiny`), counts the inbox's queries, walks the ledger page, times aging against its
bare GROUP BY, runs the statements in a worker process, times the twelve department reports,
serves the clone with gunicorn for the one-connection figures and the shipping race (wrk),
checks the stock after the race, and drops the clone.
"""

import json
import os
import shutil
import sys
import uuid

import pytest

from bench import db
from tests.bench.test_bench_smoke import _run, template_db  # noqa: F401 (the fixture)

ONE_CONNECTION = {"control_get", "inbox_api", "inbox_page", "ledger_page", "ledger_pages_walk",
                  "control_ten_serial", "approve", "ship_one_connection"}  # fmt: skip
LOADED = {"control_ten", "ship_race"}
LATENCIES = {"p50", "p90", "p99", "max", "mean"}
REPORTS = 13  # the twelve reports of and the annual account analysis


def test_the_department_part_produces_every_figure_at_the_smallest_scale(template_db, tmp_path):  # noqa: F811
    if shutil.which("wrk") is None:
        pytest.fail("wrk is needed (Debian: apt-get install wrk)", pytrace=False)
    template, server = template_db
    name = f"bench_dept_smoke_{uuid.uuid4().hex[:10]}"
    out = tmp_path / "bench-department.json"
    env = {**os.environ, "DATABASE_URL": server}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    command = [
        sys.executable, "-m", "bench", "--part", "department", "--scale", "tiny",
        "--duration", "1", "--db-name", name, "--template-db", template, "--out", str(out),
    ]  # fmt: skip
    try:
        done = _run(command, env)
        assert done.returncode == 0, done.stderr[-3000:]
        assert not db.exists(server, name), "the suite drops its database"
    finally:
        db.drop(server, name)

    results = json.loads(out.read_text())
    assert "target" in done.stdout and "every figure" in done.stdout  # the printed table
    dept = results["department"]

    seed = dept["seed"]
    assert seed["rows"]["accounts_account"] == dept["scale"]["accounts"] == 200
    assert seed["invoices"] == dept["scale"]["invoices"]
    assert seed["receipts"] == dept["scale"]["receipts"]
    assert seed["rows"]["approvals_approval"] == dept["scale"]["pending"]
    assert seed["ledger_lines"] > seed["invoices"] + seed["receipts"]

    for name in ("inbox_api", "inbox_page"):  # both inbox sizes answered and counted
        cell = dept["queries"][name]
        assert cell["statuses_ok"], cell
        assert set(cell["variants"]) == {"big inbox", "small inbox"}
    keyset = dept["ledger_keyset"]
    assert keyset["every_line_once_in_order"] and keyset["offset_queries"] == 0
    assert keyset["lines"] == dept["scale"]["ledger_account_lines"]

    for scope in ("branch", "all_branches"):
        assert dept["aging"][scope]["same_total"], dept["aging"][scope]  # the bare agrees
        assert dept["aging"][scope]["ratio_app_to_bare"] is not None
    statements = dept["statements"]
    assert statements["run_status"] == "done"
    assert statements["statements_made"] == statements["candidates"] > 0
    assert statements["peak_rss_mb"] > 0

    assert len(dept["reports"]) == REPORTS
    for key, cell in dept["reports"].items():
        for fmt in ("page", "json", "xlsx"):
            assert cell[fmt]["status"] == 200, (key, fmt)

    load = dept["load"]
    assert set(load) >= ONE_CONNECTION | LOADED
    for name in ONE_CONNECTION - {"control_get"}:  # the control reads a customer: none here
        assert load[name]["errors"] == 0, (name, load[name]["statuses"])
        assert set(load[name]["latency_ms"]) >= LATENCIES, name
    race = load["ship_race"]
    assert race["requests"] > 0 and race["statuses"]["other"] == 0 and race["errors"] == 0
    assert dept["race_check"]["stock_never_negative"]
    assert dept["race_check"]["balances_not_equal_to_moves"] == 0
    assert dept["race_check"]["shipped_once_each"]
    assert dept["server_errors_logged"] == 0

    assert {t["what"] for t in results["targets"]} >= {
        "approval inbox API p50 (1 connection)",
        "approve a step (POST) p50 (1 connection)",
        "shipments/s ÷ 10-row control req/s",
        "aging, all branches ÷ bare GROUP BY",
        "ledger page keyset-paged",
        "statements worker peak RSS",
    }
