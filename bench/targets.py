"""The issue's targets, evaluated on the figures of one run, and the printed table."""

LIST_QUERIES = 10
LISTS = (
    "list_customers",
    "list_claims",
    "list_visits",
    "list_units",
    "list_notifications",
    "claims_page",
)
PAGES = ("desk_page", "my_customers_page")


def _p99(load: dict, name: str) -> float | None:
    """The p99 latency; infinite when nothing answered (wrk then reports 0)."""
    cell = load.get(name)
    if not cell:
        return None
    return cell["latency_ms"]["p99"] if cell["requests"] else float("inf")


def _check(what: str, value, limit, ok: bool, unit: str = "") -> dict:
    return {"what": what, "value": value, "target": limit, "unit": unit, "met": bool(ok)}


def evaluate(results: dict) -> list[dict]:  # noqa: C901
    load, queries = results.get("load", {}), results.get("queries", {})
    explain = results.get("explain", {})
    out = []

    def rps_ratio(name: str, control: str, share: float) -> None:
        if name in load and control in load and load[control]["rps"]:
            ratio = load[name]["rps"] / load[control]["rps"]
            out.append(_check(f"{name} req/s ÷ {control} req/s", round(ratio, 2), f"≥ {share}",
                              ratio >= share))  # fmt: skip

    def p99(name: str, limit: float) -> None:
        value = _p99(load, name)
        if value is not None:
            out.append(_check(f"{name} p99", value, f"≤ {limit}", value <= limit, "ms"))

    def alone(name: str, limit: float) -> None:
        one = load.get(name, {}).get("one_connection")
        if one:
            value = one["latency_ms"]["p50"]
            out.append(_check(f"{name} p50, one connection", value, f"≤ {limit}", value <= limit,
                              "ms"))  # fmt: skip

    def errors(name: str) -> None:
        if name in load:
            n = load[name]["errors"]
            out.append(_check(f"{name} errors", n, "= 0", n == 0))

    rps_ratio("visit_register", "control_insert", 0.5)
    p99("visit_register", 100)
    errors("visit_register")
    rotation = results.get("rotation")
    if rotation is not None:
        out.append(_check("rotation exactly fair", rotation["fair"], "true", rotation["fair"]))
    # issue 22: the first part's hot paths, alone (one connection, after the queue drained)
    alone("visit_register", 12)
    rps_ratio("visit_register", "control_insert", 0.25)
    alone("customer_by_phone", 4)
    rps_ratio("customer_by_phone", "control_select", 0.3)
    alone("desk_page", 25)
    alone("claims_page", 20)
    alone("my_customers_page", 20)
    rps_ratio("customer_by_phone", "control_select", 0.7)
    p99("customer_by_phone", 30)
    p99("search_prefix", 30)
    p99("search_fragment", 80)
    p99("search_name", 80)
    for name in ("search_prefix", "search_fragment", "search_name", "list_notifications"):
        if name in explain:
            used = explain[name]["uses_expected_index"]
            wanted = ", ".join(explain[name]["expected_indexes"])
            out.append(_check(f"{name} plan uses {wanted}", used, "true", used))
    for name in LISTS:
        p99(name, 100)
        if name in queries:
            q = queries[name]
            ok = q["bounded"] and q["max"] <= LIST_QUERIES
            out.append(
                _check(f"{name} queries (page / last)", q["max"], f"≤ {LIST_QUERIES}, bounded", ok)
            )
    for name in PAGES:
        p99(name, 100)
        if name in queries:
            q = queries[name]
            out.append(_check(f"{name} queries (big / small office)", q["max"], "equal",
                              q["bounded"]))  # fmt: skip
    for name in load:
        if name not in ("visit_register",) and load[name]["errors"]:
            out.append(_check(f"{name} errors", load[name]["errors"], "= 0", False))
    jobs = results.get("jobs", {}).get("expire_stale")
    if jobs and jobs.get("ratio_job_to_bare") is not None:
        ratio = jobs["ratio_job_to_bare"]
        out.append(_check("expire_stale ÷ bare UPDATE", ratio, "≤ 2.5", ratio <= 2.5))
    report = results.get("reports")
    if report:
        page = report["team_page"]["seconds"]
        out.append(_check("monthly report page", page, "≤ 2", page <= 2, "s"))
        channels = report["channels_page"]["seconds"]
        out.append(_check("channel report page", channels, "≤ 2", channels <= 2, "s"))
        xlsx = max(report["team_xlsx"]["seconds"], report["channels_xlsx"]["seconds"])
        out.append(_check("monthly report Excel", xlsx, "≤ 5", xlsx <= 5, "s"))
    memory = results.get("memory", {}).get("peak_worker_rss_mb")
    if memory is not None:
        out.append(_check("peak web worker RSS", memory, "≤ 250", memory <= 250, "MB"))
    return out


def table(results: dict) -> str:
    """One table: every loaded endpoint, then every target."""
    lines = []
    load = results.get("load", {})
    queries = results.get("queries", {})
    head = f"{'endpoint':<22} {'req/s':>8} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} " \
           f"{'errors':>7} {'queries':>8} {'1 conn p50':>11} {'1 conn p99':>11}"  # fmt: skip
    lines += [head, "-" * len(head)]
    for name, cell in load.items():
        lat = cell["latency_ms"]
        one = cell.get("one_connection", {}).get("latency_ms", {})
        q = queries.get(name, {}).get("max", "")
        lines.append(
            f"{name:<22} {cell['rps']:>8.1f} {lat['p50']:>8.1f} {lat['p90']:>8.1f} "
            f"{lat['p99']:>8.1f} {cell['errors']:>7} {q!s:>8} "
            f"{one.get('p50', 0):>11.1f} {one.get('p99', 0):>11.1f}"
        )
    lines.append("")
    head = f"{'target':<52} {'value':>10} {'target':>16}  met"
    lines += [head, "-" * len(head)]
    for t in results.get("targets", []):
        value = f"{t['value']}{(' ' + t['unit']) if t['unit'] else ''}"
        lines.append(
            f"{t['what']:<52} {value:>10} {t['target']:>16}  {'yes' if t['met'] else 'NO'}"
        )
    return "\n".join(lines)


INBOX_QUERIES = 8


def evaluate_department(dept: dict) -> list[dict]:  # noqa: C901
    """Issue 21's targets on the department part's figures."""
    out = []
    load = dept.get("load", {})
    queries = dept.get("queries", {})

    def p50(name: str, limit: float, label: str) -> None:
        if name in load:
            value = load[name]["latency_ms"]["p50"]
            out.append(_check(f"{label} p50 (1 connection)", value, f"≤ {limit}", value <= limit,
                              "ms"))  # fmt: skip
            if load[name]["errors"]:
                out.append(_check(f"{label} errors", load[name]["errors"], "= 0", False))

    p50("inbox_api", 15, "approval inbox API")
    p50("inbox_page", 15, "approval inbox page")
    for name, label in (("inbox_api", "approval inbox API"), ("inbox_page", "approval inbox page")):
        if name in queries:
            q = queries[name]
            ok = q["bounded"] and q["max"] <= INBOX_QUERIES and q["statuses_ok"]
            out.append(_check(f"{label} queries (big / small inbox)", q["max"],
                              f"≤ {INBOX_QUERIES}, equal", ok))  # fmt: skip
    p50("approve", 25, "approve a step (POST)")
    race, control = load.get("ship_race"), load.get("control_ten")
    if race:
        out.append(_check("ship race errors (409s aside)", race["errors"], "= 0",
                          race["errors"] == 0))  # fmt: skip
        check = dept.get("race_check", {})
        if check:
            ok = check["stock_never_negative"] and check["balances_not_equal_to_moves"] == 0
            out.append(_check("stock never negative, balances = moves", ok, "true", ok))
        if control and control["rps"]:
            ratio = race["rps_2xx"] / control["rps"]
            out.append(_check("shipments/s ÷ 10-row control req/s", round(ratio, 2), "≥ 0.25",
                              ratio >= 0.25))  # fmt: skip
    aging = dept.get("aging", {})
    for name, label in (("branch", "aging, a branch"), ("all_branches", "aging, all branches")):
        if name in aging and aging[name]["ratio_app_to_bare"] is not None:
            ratio = aging[name]["ratio_app_to_bare"]
            out.append(_check(f"{label} ÷ bare GROUP BY", ratio, "≤ 2", ratio <= 2))
    if "all_branches" in aging:
        seconds = aging["all_branches"]["app_seconds"]
        out.append(_check("aging, all branches", seconds, "≤ 1", seconds <= 1, "s"))
    p50("ledger_page", 30, "ledger page (2,000 lines)")
    keyset = dept.get("ledger_keyset")
    if keyset:
        out.append(_check("ledger page keyset-paged", keyset["keyset"], "true", keyset["keyset"]))
    statements = dept.get("statements")
    if statements:
        s = statements["task_seconds"]
        out.append(_check("statements of a branch, in the worker", s, "≤ 60", s <= 60, "s"))
        mb = statements["peak_rss_mb"]
        out.append(_check("statements worker peak RSS", mb, "≤ 300", mb <= 300, "MB"))
    for key, cell in dept.get("reports", {}).items():
        ok_status = all(cell[f]["status"] == 200 for f in ("page", "json", "xlsx"))
        page = max(cell["page"]["seconds"], cell["json"]["seconds"])
        out.append(_check(f"report {cell['number']} {key} page/JSON", page, "≤ 2",
                          page <= 2 and ok_status, "s"))  # fmt: skip
        xlsx = cell["xlsx"]["seconds"]
        out.append(_check(f"report {cell['number']} {key} Excel", xlsx, "≤ 5",
                          xlsx <= 5 and ok_status, "s"))  # fmt: skip
    return out


def department_table(results: dict) -> str:
    """The department's figures: the one-connection and loaded endpoints, then the targets."""
    dept = results.get("department", {})
    load = dept.get("load", {})
    lines = []
    head = f"{'endpoint':<24} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p90 ms':>8} " \
           f"{'p99 ms':>8} {'errors':>7}"  # fmt: skip
    lines += [head, "-" * len(head)]
    for name, cell in load.items():
        lat = cell["latency_ms"]
        rps = f"{cell['rps']:.1f}" if "rps" in cell else "1 conn"
        lines.append(f"{name:<24} {cell['requests']:>9} {rps:>8} {lat['p50']:>8.1f} "
                     f"{lat['p90']:>8.1f} {lat['p99']:>8.1f} {cell['errors']:>7}")  # fmt: skip
    lines.append("")
    targets_only = table({"targets": results.get("targets", [])}).split("\n\n", 1)[-1]
    return "\n".join(lines) + "\n" + targets_only
