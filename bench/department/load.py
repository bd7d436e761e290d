"""The department's endpoints through gunicorn: one connection at a time for the inbox, a
decision and the ledger page (each beside a bare control), and the shipping race with wrk
(16 connections) right after its control, the 10-row transaction."""

import http.client
import json
import statistics
import subprocess
import tempfile
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

from approvals.models import Approval
from shipping.models import OutboundOrder

from ..load import LUA, WRK, _lua_string

CONTROL_GET = "/bench/control/select/?id=1"
CONTROL_TEN = "/bench/control/ten/"


def _stats(latencies: list[float]) -> dict:
    ordered = sorted(latencies) or [0.0]

    def pct(p: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))], 2)

    return {"p50": pct(50), "p90": pct(90), "p99": pct(99), "max": round(ordered[-1], 2),
            "mean": round(statistics.fmean(ordered), 2)}  # fmt: skip


BUDGET_S = 30  # a slow endpoint gets this many seconds of requests (and at least MIN_REQUESTS)
MIN_REQUESTS = 3


def serial(base_url: str, requests: list[tuple[str, str, dict, bytes | None]],
           budget: float = BUDGET_S, least: int = MIN_REQUESTS) -> dict:  # fmt: skip
    """The requests (method, path, headers, body) one after the other on one kept-alive
    connection: the latency a lone user sees. Stops after `budget` seconds once
    MIN_REQUESTS have answered."""
    parts = urlsplit(base_url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
    latencies, statuses = [], Counter()
    began = time.perf_counter()
    try:
        for method, path, headers, body in requests:
            if len(latencies) >= least and time.perf_counter() - began > budget:
                break
            started = time.perf_counter()
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            latencies.append((time.perf_counter() - started) * 1000)
            statuses[str(response.status)] += 1
    finally:
        conn.close()
    return {"requests": len(latencies), "statuses": dict(statuses),
            "errors": sum(n for s, n in statuses.items() if not s.startswith(("2", "3"))),
            "latency_ms": _stats(latencies)}  # fmt: skip


def _repeat(method: str, path: str, headers: dict, n: int) -> list:
    return [(method, path, headers, None)] * n


def wrk_posts(base_url, posts: list[tuple[str, str]], headers: dict, *, duration: float,
              connections: int, threads: int) -> dict:  # fmt: skip
    """wrk POSTing the (path, JSON body) pairs, each thread its own share in turn."""
    with tempfile.TemporaryDirectory(prefix="bench-wrk-") as tmp:
        out = Path(tmp) / "result.json"
        lua = Path(tmp) / "ship.lua"
        header_text = ", ".join(
            f"[{_lua_string(k)}] = {_lua_string(v)}" for k, v in headers.items()
        )
        lines = [
            f"out_path = {_lua_string(str(out))}",
            f"n_threads = {threads}",
            f"headers = {{{header_text}}}",
            "posts = {"
            + ", ".join(f"{{{_lua_string(p)}, {_lua_string(b)}}}" for p, b in posts)
            + "}",
        ]
        lua.write_text("\n".join(lines) + "\n" + (LUA / "ship.lua").read_text())
        command = [
            WRK, f"-t{threads}", f"-c{connections}", f"-d{max(1, round(duration))}s",
            "--timeout", "30s", "-s", str(lua), base_url,
        ]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True, timeout=duration + 180)  # noqa: S603
        if done.returncode != 0 or not out.exists():
            raise RuntimeError(f"wrk failed: {done.stderr or done.stdout}")
        raw = json.loads(out.read_text())
    seconds = raw["duration_us"] / 1e6
    statuses = raw["statuses"]
    return {
        "requests": raw["requests"],
        "seconds": round(seconds, 2),
        "rps": round(raw["requests"] / seconds, 1) if seconds else 0.0,
        "rps_2xx": round(statuses["2xx"] / seconds, 1) if seconds else 0.0,
        "statuses": statuses,
        "errors": sum(raw["errors"][k] for k in ("connect", "read", "write", "timeout"))
        + statuses["other"],
        "errors_by_kind": raw["errors"],
        "latency_ms": {k: round(v / 1000, 2) for k, v in raw["latency_us"].items()},
    }


def _drain(limit: float = 180) -> float:
    """Wait until the server has finished what wrk left queued (requests sent before wrk
    stopped are still served): no query of the benchmark's database running for a second.
    So that the next run does not pay for the previous one's queue."""
    from django.db import connection

    started = time.perf_counter()
    quiet = 0
    while time.perf_counter() - started < limit and quiet < 2:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND state = 'active' AND pid <> pg_backend_pid()"
            )
            busy = cursor.fetchone()[0]
        quiet = quiet + 1 if busy == 0 else 0
        time.sleep(0.5)
    connection.close()
    return round(time.perf_counter() - started, 1)


def _open_race_orders(plan) -> list[int]:
    return list(
        OutboundOrder.objects.filter(pk__in=plan.race_orders, status="open")
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _ship_posts(plan, orders: list[int]) -> list[tuple[str, str]]:
    lines = plan.figures["race_lines"]
    return [
        (f"/api/v1/outbound-orders/{pk}/ship/", json.dumps({"lines": lines[str(pk)]}))
        for pk in orders
    ]


def all_loads(plan, base_url: str, *, scale, duration: float, connections: int, threads: int,
              log) -> dict:  # fmt: skip
    people = plan.people
    n = scale.serial_requests
    boss, boss_auth = plan.big_manager, people.auth(plan.big_manager)
    out: dict = {}

    # one connection: a bare GET, the inbox (API, page), the ledger page
    gets = {
        "control_get": (CONTROL_GET, {}),
        "inbox_api": ("/api/v1/approvals/inbox/", boss_auth),
        "inbox_page": ("/approvals/inbox/", people.cookie(boss)),
    }
    for name, (path, headers) in gets.items():
        if name != "inbox_page":  # the page of a big inbox takes minutes: no warm-up, and
            serial(base_url, _repeat("GET", path, headers, 1))  # one request may be all
        out[name] = serial(base_url, _repeat("GET", path, headers, n), least=1)
        log(f"department: {name} 1 connection p50 {out[name]['latency_ms']['p50']} ms")
    reader = people.cookie(people["dept-manager-01"])
    pages = plan.figures.get("ledger_page_paths") or [f"/receivables/ledger/{plan.ledger_account}/"]
    first = pages[0]
    serial(base_url, _repeat("GET", first, reader, 1))
    out["ledger_page"] = serial(base_url, _repeat("GET", first, reader, n))
    out["ledger_page"]["path"] = first
    out["ledger_pages_walk"] = serial(
        base_url, [("GET", p, reader, None) for p in pages for _ in range(max(1, n // 10))]
    )
    log(f"department: ledger page p50 {out['ledger_page']['latency_ms']['p50']} ms")

    # one connection: approve a step (the big inbox's oldest), beside the 10-row control
    json_headers = {"Content-Type": "application/json"}
    out["control_ten_serial"] = serial(
        base_url,
        [("POST", CONTROL_TEN, json_headers, json.dumps({"start": k}).encode()) for k in range(n)],
    )
    waiting = list(
        Approval.objects.filter(office_id=plan.big_branch, state="pending", void=False)
        .order_by("waiting_since", "pk")
        .values_list("pk", flat=True)[: n + 1]
    )
    body = json.dumps({"decision": "approve", "comment": ""}).encode()
    decide = [("POST", f"/api/v1/approvals/{pk}/decide/", {**boss_auth, **json_headers}, body)
              for pk in waiting]  # fmt: skip
    serial(base_url, decide[:1])
    out["approve"] = serial(base_url, decide[1:])
    log(f"department: approve 1 connection p50 {out['approve']['latency_ms']['p50']} ms")

    # the shipping race: 16 connections on branch 1's open orders, after the 10-row control;
    # first a few orders shipped one at a time (the service time without the race)
    keeper = {**people.auth(plan.keeper), **json_headers}
    alone = _ship_posts(plan, _open_race_orders(plan)[-max(2, n // 5) :])
    out["ship_one_connection"] = serial(
        base_url, [("POST", path, keeper, body.encode()) for path, body in alone]
    )
    controls = [(CONTROL_TEN, json.dumps({"start": k})) for k in range(20)]
    for name in ("control_ten", "ship_race"):
        for phase in ("warmup", "measure"):
            seconds = scale.warmup if phase == "warmup" else duration
            if seconds <= 0:
                continue
            if name == "control_ten":
                cell = wrk_posts(base_url, controls, json_headers, duration=seconds,
                                 connections=connections, threads=threads)  # fmt: skip
            else:
                orders = _open_race_orders(plan)
                cell = wrk_posts(base_url, _ship_posts(plan, orders), keeper, duration=seconds,
                                 connections=connections, threads=threads)  # fmt: skip
                cell["open_orders_before"] = len(orders)
            cell["drained_after_s"] = _drain()
            out[f"{name}_{phase}"] = cell
    out["control_ten"] = out.pop("control_ten_measure")
    out["ship_race"] = out.pop("ship_race_measure")
    race = out["ship_race"]
    log(f"department: ship race {race['rps_2xx']} shipped/s, {race['statuses']['409']} 409s, "
        f"{race['errors']} errors; control {out['control_ten']['rps']} req/s")  # fmt: skip
    return out
