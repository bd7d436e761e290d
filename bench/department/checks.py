"""In-process measurements of the department (issue 21): queries of the approval inbox at two
inbox sizes, the ledger page's keyset paging, aging against a bare GROUP BY, the statements
in a worker process (time and peak memory), and the twelve department reports."""

import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import Account
from approvals.models import Approval
from receivables import ledger, reports
from receivables.figures import aging_rows
from receivables.models import Invoice, LedgerLine, Statement, StatementRun
from receivables.services.statements import last_ended_period
from shipping.models import OutboundOrder, Shipment
from stock.models import StockBalance

from .. import db
from ..checks import _wsgi_headers

ROOT = Path(__file__).resolve().parents[2]
INBOX_API = "/api/v1/approvals/inbox/"
INBOX_PAGE = "/approvals/inbox/"


_CLIENTS: dict[tuple, Client] = {}


def _request(path: str, headers: dict[str, str]):
    """bench.checks._request with one Client per set of headers, kept: its handler (the
    middleware chain, whitenoise's file index) is built once, as in a served worker, not
    on every request."""
    key = tuple(sorted(headers.items()))
    client = _CLIENTS.get(key)
    if client is None:
        client = _CLIENTS[key] = Client()
        if "Cookie" in headers:
            name, _, value = headers["Cookie"].partition("=")
            client.cookies[name] = value
    rest = {k: v for k, v in headers.items() if k != "Cookie"}
    with CaptureQueriesContext(connection) as ctx:
        started = time.perf_counter()
        response = client.get(path, **_wsgi_headers(rest))
        elapsed = time.perf_counter() - started
    return response, ctx.captured_queries, elapsed


def _timed(body, repeats: int = 3) -> dict:
    """Median of `repeats` runs after one warm-up (caches, plans)."""
    result = body()
    runs = []
    for _ in range(repeats):
        started = time.perf_counter()
        result = body()
        runs.append(time.perf_counter() - started)
    return {"seconds": round(statistics.median(runs), 4), "max": round(max(runs), 4),
            "result": result}  # fmt: skip


# ---------------------------------------------------------------- the inbox's queries


def inbox_queries(plan) -> dict:
    """Queries of the inbox (API and page) for the manager with the most waiting steps and for
    the one with the fewest: a fixed number, whatever the inbox size."""
    people = plan.people
    out = {}
    for name, path, headers in (
        ("inbox_api", INBOX_API, people.auth),
        ("inbox_page", INBOX_PAGE, people.cookie),
    ):
        cells = {}
        for label, user, branch in (
            ("big inbox", plan.big_manager, plan.big_branch),
            ("small inbox", plan.small_manager, plan.small_branch),
        ):
            response, queries, elapsed = _request(path, headers(user))
            items = None
            if name == "inbox_api" and response.status_code == 200:
                items = len(json.loads(response.content))
            cells[label] = {
                "path": path,
                "status": response.status_code,
                "queries": len(queries),
                "items": items,
                "waiting_steps": Approval.objects.filter(
                    office_id=branch, state="pending", void=False, role="manager"
                ).count(),
                "ms": round(elapsed * 1000, 1),
            }
        numbers = [c["queries"] for c in cells.values()]
        out[name] = {
            "variants": cells,
            "bounded": len(set(numbers)) == 1,
            "max": max(numbers),
            "statuses_ok": all(c["status"] == 200 for c in cells.values()),
        }
    return out


# ---------------------------------------------------------------- the ledger page


def ledger_keyset(plan) -> dict:
    """The ledger page of the account with the long ledger: every page read in turn through
    its "next" link; each page's SQL has no OFFSET and its queries do not grow with the
    page's position; every line read once."""
    account = plan.ledger_account
    reader = plan.people["dept-manager-01"]
    headers = plan.people.cookie(reader)
    path = f"/receivables/ledger/{account}/"
    pages, queries_per_page, offsets, statuses = [], [], 0, set()
    url = path
    while url and len(pages) < 100:
        response, queries, elapsed = _request(url, headers)
        statuses.add(response.status_code)
        offsets += sum(" OFFSET " in q["sql"].upper() for q in queries)
        queries_per_page.append(len(queries))
        pages.append({"path": url, "ms": round(elapsed * 1000, 1), "queries": len(queries)})
        found = re.search(r'href="\?([^"]*cursor=[^"]+)"', response.content.decode())
        url = f"{path}?{found.group(1).replace('&amp;', '&')}" if found else None
    # the same walk through the function the page calls: every line once, in order
    seen, cursor, sizes = [], None, []
    while True:
        page = ledger.ledger_page(account, cursor=cursor, size=ledger.PAGE)
        sizes.append(len(page["lines"]))
        seen += [row["id"] for row in page["lines"]]
        if not page["next"]:
            break
        cursor = ledger.parse_cursor(page["next"])
    total = LedgerLine.objects.filter(account_id=account).count()
    ordered = list(
        LedgerLine.objects.filter(account_id=account).order_by("date", "pk")
        .values_list("pk", flat=True)
    )  # fmt: skip
    return {
        "account": account,
        "lines": total,
        "page_size": ledger.PAGE,
        "pages": len(pages),
        "page_paths": [p["path"] for p in pages],
        "queries_per_page": queries_per_page,
        "statuses": sorted(statuses),
        "offset_queries": offsets,
        "every_line_once_in_order": seen == ordered,
        # the first page has no opening balance to sum (no line before it): one query fewer
        "keyset": offsets == 0
        and len(pages) > 1
        and len(set(queries_per_page[1:])) == 1
        and queries_per_page[0] <= queries_per_page[1]
        and seen == ordered
        and max(sizes) <= ledger.PAGE,
        "page_ms": [p["ms"] for p in pages],
    }


# ---------------------------------------------------------------- aging

BARE_AGING = """
WITH inv AS (
    SELECT id, {group} AS g, due_date, amount FROM receivables_invoice
     WHERE red_of_id IS NULL AND date <= %(d)s AND office_id = ANY(%(offices)s)
), al AS (
    SELECT a.invoice_id, sum(a.amount) AS s FROM receivables_allocation a
      JOIN inv ON inv.id = a.invoice_id WHERE a.date <= %(d)s GROUP BY a.invoice_id
), red AS (
    SELECT r.red_of_id, sum(r.amount) AS s FROM receivables_invoice r
      JOIN inv ON inv.id = r.red_of_id WHERE r.date <= %(d)s GROUP BY r.red_of_id
), wo AS (
    SELECT w.invoice_id, sum(w.amount) AS s FROM receivables_writeoff w
      JOIN inv ON inv.id = w.invoice_id
     WHERE w.status = 'approved' AND w.date <= %(d)s GROUP BY w.invoice_id
), o AS (
    SELECT inv.g, inv.due_date,
           inv.amount - coalesce(red.s, 0) - coalesce(al.s, 0) - coalesce(wo.s, 0) AS open
      FROM inv LEFT JOIN al ON al.invoice_id = inv.id LEFT JOIN red ON red.red_of_id = inv.id
      LEFT JOIN wo ON wo.invoice_id = inv.id
)
SELECT g,
       sum(open) FILTER (WHERE due_date >= %(d)s - 30) AS current,
       sum(open) FILTER (WHERE due_date BETWEEN %(d)s - 60 AND %(d)s - 31) AS d31_60,
       sum(open) FILTER (WHERE due_date BETWEEN %(d)s - 90 AND %(d)s - 61) AS d61_90,
       sum(open) FILTER (WHERE due_date BETWEEN %(d)s - 180 AND %(d)s - 91) AS d91_180,
       sum(open) FILTER (WHERE due_date <= %(d)s - 181) AS over_180,
       sum(open) AS total
  FROM o WHERE open > 0 GROUP BY g
"""


def _bare(offices: list[int], as_of, group: str) -> list:
    with connection.cursor() as cursor:
        cursor.execute(BARE_AGING.format(group=group), {"d": as_of, "offices": offices})
        return cursor.fetchall()


def aging(plan) -> dict:
    """receivables.reports.aging (the report's figures: the buckets and each row's credit and
    balance, two queries) for one branch per account, and for every branch per branch,
    against the bare GROUP BY of the same invoices' open amounts in the same buckets."""
    as_of = plan.today
    branches = plan.figures["branches"]
    out = {"as_of": as_of.isoformat()}
    scopes = {
        "branch": ([plan.statement_branch], "account", "account_id"),
        "all_branches": (branches, "office", "office_id"),
    }
    for name, (offices, group, column) in scopes.items():
        invoices = Invoice.objects.filter(office__in=offices)
        accounts = Account.objects.filter(office__in=offices)

        def report(invoices=invoices, accounts=accounts, group=group):
            return reports.aging(invoices=invoices, accounts=accounts, as_of=as_of, group=group)

        def buckets(invoices=invoices, group=group):
            return list(aging_rows(invoices, as_of, group))

        app = _timed(report)
        only = _timed(buckets)
        bare = _timed(lambda offices=offices, column=column: _bare(offices, as_of, column))
        app_total = sum(r["total"] for r in app["result"])
        bare_total = sum(r[6] for r in bare["result"])
        out[name] = {
            "invoices": invoices.filter(red_of__isnull=True, date__lte=as_of).count(),
            "rows": len(app["result"]),
            "app_seconds": app["seconds"],
            "app_buckets_only_seconds": only["seconds"],
            "bare_seconds": bare["seconds"],
            "ratio_app_to_bare": round(app["seconds"] / bare["seconds"], 2)
            if bare["seconds"]
            else None,
            "same_total": app_total == bare_total,
            "open_total": str(app_total),
        }
    return out


# ---------------------------------------------------------------- statements


def statements(plan, *, server: str, name: str) -> dict:
    """The half-yearly statements of the statement branch, made by the worker's task
    (receivables.generate_statements) in a process of its own: its wall time, the task's
    time and the process's peak resident memory (its VmHWM). The statements are deleted
    afterwards, so that a kept database measures the same work again."""
    today = plan.today
    period = last_ended_period(today)
    office = plan.statement_branch
    Statement.objects.filter(office_id=office, period=period).delete()
    StatementRun.objects.filter(office_id=office, period=period).delete()
    run = StatementRun.objects.create(
        office_id=office, period=period, started_by=plan.finance, started_at=_now()
    )
    accounts = Account.objects.filter(office_id=office).count()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": db.with_name(server, name),
    }
    connection.close()
    command = [sys.executable, "-m", "bench.department.statement_worker", str(run.pk)]
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)  # noqa: S603
    stdout = process.stdout.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    process.stdout.close()
    if process.returncode != 0:
        raise RuntimeError(f"the statement worker failed ({process.returncode}): {stdout}")
    worker = json.loads(stdout.strip().splitlines()[-1])
    run.refresh_from_db()
    made = Statement.objects.filter(run=run).count()
    out = {
        "branch": office,
        "period": period,
        "accounts": accounts,
        "candidates": run.total,
        "statements_made": made,
        "run_status": run.status,
        "task_seconds": worker["seconds"],
        "process_seconds": round(wall, 2),
        "peak_rss_mb": worker["peak_rss_mb"],
        "rss_before_task_mb": worker["rss_before_mb"],
        # getrusage's maxrss of the child counts the parent's pages between fork and exec
        "rusage_maxrss_mb": round(usage.ru_maxrss / 1024, 1),
    }
    Statement.objects.filter(run=run).delete()
    StatementRun.objects.filter(pk=run.pk).delete()
    return out


def _now():
    import datetime

    return datetime.datetime.now(datetime.UTC)


# ---------------------------------------------------------------- the department reports


def department_reports(plan, repeats: int = 3) -> dict:
    """Each department report (deptreports.registry) for last month, the whole department
    (the director): the page, its JSON and its Excel file, in-process, the median of
    `repeats` runs each after one warm-up of the report."""
    from deptreports.registry import ordered

    last_month = (plan.today.replace(day=1) - _days(1)).replace(day=1)
    headers = plan.people.cookie(plan.director)
    out = {}
    for report in ordered():
        base = f"/reports/department/{report.key}/?period=month&date={last_month.isoformat()}"
        cell = {"number": report.number, "title": str(report.title)}
        _request(base + "&format=json", headers)  # the warm-up: caches, plans
        for fmt, suffix in (("page", ""), ("json", "&format=json"), ("xlsx", "&format=xlsx")):
            runs = []
            for _ in range(repeats):
                response, queries, elapsed = _request(base + suffix, headers)
                runs.append(elapsed)
            cell[fmt] = {"status": response.status_code, "queries": len(queries),
                         "bytes": len(response.content), "runs": len(runs),
                         "seconds": round(statistics.median(runs), 4),
                         "max": round(max(runs), 4)}  # fmt: skip
        out[report.key] = cell
    return out


def _days(n: int):
    import datetime

    return datetime.timedelta(days=n)


# ---------------------------------------------------------------- after the race


def race_after(plan) -> dict:
    """Read back after the shipping race: no balance below zero, every balance the sum of its
    moves, no move leaving a negative balance, each race order shipped at most once."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT count(*) FILTER (WHERE b.on_hand <> coalesce(m.total, 0)),
                   min(b.on_hand)
              FROM stock_stockbalance b
              LEFT JOIN (SELECT warehouse_id, product_id, sum(quantity) AS total
                           FROM stock_stockmove GROUP BY warehouse_id, product_id) m
                     ON m.warehouse_id = b.warehouse_id AND m.product_id = b.product_id
            """
        )
        mismatched, lowest = cursor.fetchone()
        cursor.execute("SELECT min(balance_after) FROM stock_stockmove")
        lowest_after = cursor.fetchone()[0]
    shipped = Shipment.objects.filter(order_id__in=plan.race_orders).count()
    orders_shipped = (
        OutboundOrder.objects.filter(pk__in=plan.race_orders).exclude(status="open").count()
    )
    scarce = StockBalance.objects.filter(
        warehouse_id=plan.race_warehouse, product_id=plan.figures["scarce_product"]
    ).values_list("on_hand", flat=True).first()  # fmt: skip
    return {
        "balances_not_equal_to_moves": mismatched,
        "lowest_on_hand": str(lowest),
        "lowest_balance_after": str(lowest_after),
        "stock_never_negative": lowest >= 0 and lowest_after >= 0,
        "race_shipments": shipped,
        "race_orders_shipped": orders_shipped,
        "shipped_once_each": shipped == orders_shipped,
        "scarce_on_hand_after": str(scarce),
    }
