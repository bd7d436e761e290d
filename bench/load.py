"""wrk runs: a Lua script per scenario (generated with its data inlined), and the figures its
`done()` writes as JSON: requests, errors, requests/s and latency percentiles."""

import http.client
import json
import random
import shutil
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

WRK = shutil.which("wrk") or "/usr/bin/wrk"
LUA = Path(__file__).resolve().parent / "lua"


@dataclass
class Scenario:
    """One endpoint under load. GETs pick a random (path, header) pair per request; POSTs
    build a body with a phone number never used before (`register.lua`)."""

    name: str
    method: str  # GET or POST
    paths: list[tuple[str, str]] = field(default_factory=list)  # (path, header value index)
    headers: list[dict[str, str]] = field(default_factory=list)  # per index
    posts: list[tuple[str, str, dict]] = field(default_factory=list)  # POST: (path, auth, body)
    target: dict = field(default_factory=dict)
    note: str = ""


def _lua_string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid Lua string here


def _lua_headers(headers: dict[str, str]) -> str:
    return (
        "{" + ", ".join(f"[{_lua_string(k)}] = {_lua_string(v)}" for k, v in headers.items()) + "}"
    )


def script(scenario: Scenario, out: Path, run_id: int) -> str:
    """The Lua of a scenario: the data, then the shared request/done functions."""
    lines = [f"local out_path = {_lua_string(str(out))}", f"local run_id = {run_id % 1000}"]
    if scenario.method == "GET":
        lines.append(
            "local headers = {" + ", ".join(_lua_headers(h) for h in scenario.headers) + "}"
        )
        lines.append(
            "local paths = {"
            + ", ".join(f"{{{_lua_string(p)}, {i + 1}}}" for p, i in scenario.paths)
            + "}"
        )
        body = (LUA / "get.lua").read_text()
    else:
        posts = []
        for path, auth, fields in scenario.posts:
            template = json.dumps({**fields, "phone": "%s"}, ensure_ascii=False)
            posts.append(f"{{{_lua_string(path)}, {_lua_string(auth)}, {_lua_string(template)}}}")
        lines.append("local posts = {" + ", ".join(posts) + "}")
        body = (LUA / "register.lua").read_text()
    return "\n".join(lines) + "\n" + body + "\n" + (LUA / "done.lua").read_text()


def run(
    scenario: Scenario,
    base_url: str,
    *,
    duration: float,
    connections: int,
    threads: int,
    run_id: int,
) -> dict:
    """Load one scenario for `duration` seconds; the figures wrk reports."""
    with tempfile.TemporaryDirectory(prefix="bench-wrk-") as tmp:
        out = Path(tmp) / "result.json"
        lua = Path(tmp) / f"{scenario.name}.lua"
        lua.write_text(script(scenario, out, run_id))
        command = [
            WRK, f"-t{threads}", f"-c{connections}", f"-d{max(1, round(duration))}s",
            "--timeout", "10s", "-s", str(lua), base_url,
        ]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True, timeout=duration + 120)
        if done.returncode != 0 or not out.exists():
            raise RuntimeError(f"wrk failed for {scenario.name}: {done.stderr or done.stdout}")
        raw = json.loads(out.read_text())
    seconds = raw["duration_us"] / 1e6
    errors = raw["errors"]
    return {
        "requests": raw["requests"],
        "seconds": round(seconds, 2),
        "rps": round(raw["requests"] / seconds, 1) if seconds else 0.0,
        "errors": sum(errors.values()),
        "errors_by_kind": errors,
        "latency_ms": {k: round(v / 1000, 2) for k, v in raw["latency_us"].items()},
    }


PROBE = "/bench/control/select/?id=1"  # the bare primary-key SELECT (bench/controls.py)


def _probe_ms(conn: http.client.HTTPConnection) -> float:
    started = time.perf_counter()
    conn.request("GET", PROBE)
    conn.getresponse().read()
    return (time.perf_counter() - started) * 1000


def idle_latency(base_url: str, *, requests: int = 30) -> float:
    """The probe's median latency on the idle server, before any load: what "drained" means."""
    parts = urlsplit(base_url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        return statistics.median(_probe_ms(conn) for _ in range(requests))
    finally:
        conn.close()


def settle(base_url: str, idle_ms: float, *, timeout: float = 60.0) -> dict:
    """Wait until the server has drained the queue wrk left (its workers still answer the
    requests wrk sent before it stopped, and PostgreSQL may be vacuuming what they wrote):
    probes one at a time until three in a row answer within 1.5× the idle latency (+1 ms).
    Returns how long that took and how many probes it sent."""
    parts = urlsplit(base_url)
    limit = idle_ms * 1.5 + 1.0
    started, probes, in_a_row = time.perf_counter(), 0, 0
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        while in_a_row < 3 and time.perf_counter() - started < timeout:
            probes += 1
            in_a_row = in_a_row + 1 if _probe_ms(conn) <= limit else 0
            if in_a_row == 0:
                time.sleep(0.05)
    finally:
        conn.close()
    return {
        "waited_s": round(time.perf_counter() - started, 2),
        "probes": probes,
        "settled": in_a_row >= 3,
        "limit_ms": round(limit, 2),
    }


def serial(scenario: Scenario, base_url: str, *, requests: int, run_id: int) -> dict:
    """`requests` requests one after the other on one kept-alive connection: the latency a
    lone user sees, without the queue of the loaded run. POSTs use phones 19<run>9<n>."""
    parts = urlsplit(base_url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    rng = random.Random(run_id)  # noqa: S311 (sampling, not security)
    latencies, errors = [], 0
    try:
        for n in range(requests):
            if scenario.method == "GET":
                path, index = rng.choice(scenario.paths)
                headers, body = dict(scenario.headers[index]), None
            else:
                path, auth, fields = scenario.posts[n % len(scenario.posts)]
                phone = f"19{run_id % 1000:03d}9{n % 100000:05d}"
                headers = {"Content-Type": "application/json"}
                if auth:
                    headers["Authorization"] = auth
                body = json.dumps({**fields, "phone": phone}, ensure_ascii=False).encode()
            started = time.perf_counter()
            conn.request(scenario.method, path, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            latencies.append((time.perf_counter() - started) * 1000)
            errors += not 200 <= response.status < 400
    finally:
        conn.close()
    ordered = sorted(latencies)

    def pct(p: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))], 2)

    return {
        "requests": len(latencies),
        "errors": errors,
        "latency_ms": {
            "p50": pct(50),
            "p90": pct(90),
            "p99": pct(99),
            "max": round(ordered[-1], 2),
            "mean": round(statistics.fmean(ordered), 2),
        },
    }
