"""In-process checks of the loaded endpoints: queries per request (a full page and a small
result: a page's queries must not grow with its rows — equal, except that a list's last page
knows its count without a COUNT (common.pagination) — and a list takes at most 10) and the
plans PostgreSQL chooses for the searches (EXPLAIN ANALYZE of the very SQL the endpoint ran,
captured)."""

import json
import math
import time

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

# the indexes each search must use (the Customer model's): all of the first set, and one
# of the second
SEARCH_INDEXES = {
    "search_prefix": ({"customer_phone_prefix"}, set()),
    "search_fragment": ({"customer_phone_trgm"}, set()),
    "search_name": ({"customer_name_trgm"}, set()),
    "customer_by_phone": (set(), {"customer_phone_per_office", "customer_phone_prefix"}),
    # the customers a page of notifications names, by phone and by name (issue 22)
    "list_notifications": (set(), {"customer_name_per_office", "customer_phone_per_office"}),
}
PAGE_SIZE = settings.REST_FRAMEWORK["PAGE_SIZE"]
# lists whose query count must not depend on the rows: a full page against the last one
LISTS = {"list_customers", "list_claims", "list_visits", "list_units", "list_notifications",
         "claims_page"}  # fmt: skip


def _wsgi_headers(headers: dict[str, str]) -> dict[str, str]:
    out = {}
    for key, value in headers.items():
        out["HTTP_" + key.upper().replace("-", "_")] = value
    return out


def _request(path: str, headers: dict[str, str]):
    client = Client()
    if "Cookie" in headers:  # the session cookie as the server would get it
        name, _, value = headers["Cookie"].partition("=")
        client.cookies[name] = value
        headers = {k: v for k, v in headers.items() if k != "Cookie"}
    with CaptureQueriesContext(connection) as ctx:
        started = time.perf_counter()
        response = client.get(path, **_wsgi_headers(headers))
        elapsed = time.perf_counter() - started
    return response, ctx.captured_queries, elapsed


def _last_page(path: str, headers: dict) -> str:
    """`page=last` → the number of the last page, read from the first page's count."""
    first, _queries, _elapsed = _request(path.replace("page=last", "page=1"), headers)
    count = json.loads(first.content).get("count", 0) if first.status_code == 200 else 0
    return path.replace("page=last", f"page={max(1, math.ceil(count / PAGE_SIZE))}")


def query_counts(count_paths: dict) -> dict:
    """{scenario: {"variants": {label: {"queries", "status", "rows", "ms"}}, "bounded", "max"}}:
    a list's last page (1 to 50 rows) takes no more queries than a full one, and at most one
    fewer (its COUNT); the pages take as many for a big office as for a small one."""
    out = {}
    for name, variants in count_paths.items():
        cells = {}
        for label, path, headers in variants:
            if "page=last" in path:
                path = _last_page(path, headers)
            response, queries, elapsed = _request(path, headers)
            rows = None
            if response.get("Content-Type", "").startswith("application/json"):
                body = json.loads(response.content)
                if isinstance(body, dict) and "results" in body:
                    rows = len(body["results"])
            cells[label] = {
                "path": path,
                "status": response.status_code,
                "queries": len(queries),
                "rows": rows,
                "ms": round(elapsed * 1000, 1),
            }
        numbers = [c["queries"] for c in cells.values()]
        out[name] = {
            "variants": cells,
            "bounded": _bounded(cells),
            "max": max(numbers),
            "statuses_ok": all(c["status"] == 200 for c in cells.values()),
        }
    return out


def _bounded(cells: dict) -> bool:
    """A list's last page takes the full page's queries, or one fewer (no COUNT); any other
    variants (the big office and a small one) take the same number."""
    if set(cells) != {"page", "last"}:
        return len({c["queries"] for c in cells.values()}) == 1
    return cells["page"]["queries"] - cells["last"]["queries"] in (0, 1)


def _indexes(plan: dict) -> set[str]:
    found = set()
    if "Index Name" in plan:
        found.add(plan["Index Name"])
    for child in plan.get("Plans", []):
        found |= _indexes(child)
    return found


def _nodes(plan: dict) -> set[str]:
    found = {plan.get("Node Type", "")}
    if plan.get("Relation Name"):
        found.add(f"{plan['Node Type']} on {plan['Relation Name']}")
    for child in plan.get("Plans", []):
        found |= _nodes(child)
    return found


def explain(scenario_paths: dict[str, tuple[str, dict]]) -> dict:
    """For each scenario: every SELECT on leads_customer its request ran, explained."""
    out = {}
    for name, (path, headers) in scenario_paths.items():
        _response, queries, _elapsed = _request(path, headers)
        plans = []
        for q in queries:
            sql = q["sql"]
            if not sql.lstrip().upper().startswith("SELECT") or "leads_customer" not in sql:
                continue
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
                raw = cursor.fetchone()[0]
            doc = raw if isinstance(raw, list) else json.loads(raw)
            plan = doc[0]["Plan"]
            plans.append(
                {
                    "sql": sql,
                    "indexes": sorted(_indexes(plan)),
                    "seq_scans": sorted(n for n in _nodes(plan) if n.startswith("Seq Scan on")),
                    "execution_ms": round(doc[0]["Execution Time"], 2),
                }
            )
        used = set().union(*(set(p["indexes"]) for p in plans)) if plans else set()
        every, one_of = SEARCH_INDEXES.get(name, (set(), set()))
        out[name] = {
            "path": path,
            "queries": plans,
            "uses_expected_index": every <= used and (not one_of or bool(one_of & used)),
            "expected_indexes": sorted(every) + ([" or ".join(sorted(one_of))] if one_of else []),
            "seq_scans": sorted({s for p in plans for s in p["seq_scans"]}),
        }
    return out
