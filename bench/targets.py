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
    rps_ratio("customer_by_phone", "control_select", 0.7)
    p99("customer_by_phone", 30)
    p99("search_prefix", 30)
    p99("search_fragment", 80)
    p99("search_name", 80)
    for name in ("search_prefix", "search_fragment", "search_name"):
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
