"""The monthly report of the big office (half the salespeople, a year of records): the
figures (reports.figures), the pages, and their Excel downloads (?format=xlsx, built by
reports.tables.workbook), each timed in-process, the median of a few runs after one
warm-up."""

import datetime
import statistics
import time

from reports.figures.channels import channel_figures, channel_tables
from reports.figures.salespeople import (
    daily_visits,
    report_tables,
    salespeople_figures,
)
from reports.periods import month_of
from reports.tables import workbook
from staff.models import Office

from .checks import _request


def _time(body, repeats: int) -> dict:
    body()  # warm-up: caches, plans
    runs = []
    result = None
    for _ in range(repeats):
        started = time.perf_counter()
        result = body()
        runs.append(time.perf_counter() - started)
    return {"seconds": round(statistics.median(runs), 3), "max": round(max(runs), 3),
            "result": result}  # fmt: skip


def monthly(office_id: int, headers: dict, today: datetime.date, repeats: int = 3) -> dict:
    office = Office.objects.get(pk=office_id)
    last_month = month_of(today.replace(day=1) - datetime.timedelta(days=1))
    now = datetime.datetime.now(datetime.UTC)
    out: dict = {"office": office_id, "period": str(last_month)}

    def figures():
        rows = salespeople_figures(office, last_month, now=now)
        daily_visits(office, last_month, [r["salesperson_id"] for r in rows])
        return len(rows)

    def excel_only():
        rows = salespeople_figures(office, last_month, now=now)
        daily = daily_visits(office, last_month, [r["salesperson_id"] for r in rows])
        return len(workbook(report_tables(rows, office, daily=daily), ["bench"]))

    timed = {
        "salespeople_figures": figures,
        "channel_figures": lambda: len(channel_figures(office, last_month)),
        "workbook_team": excel_only,
        "workbook_channels": lambda: len(
            workbook(channel_tables(channel_figures(office, last_month)), ["bench"])
        ),
    }
    for name, body in timed.items():
        cell = _time(body, repeats)
        out[name] = {"seconds": cell["seconds"], "max": cell["max"], "size": cell["result"]}

    query = f"office={office_id}&period=month&date={last_month.start.isoformat()}"
    pages = {
        "team_page": f"/reports/team/?{query}",
        "team_xlsx": f"/reports/team/?{query}&format=xlsx",
        "channels_page": f"/reports/channels/?{query}",
        "channels_xlsx": f"/reports/channels/?{query}&format=xlsx",
    }
    for name, path in pages.items():

        def fetch(path=path):
            response, queries, _elapsed = _request(path, headers)
            return response.status_code, len(queries), len(response.content)

        cell = _time(fetch, repeats)
        status, queries, size = cell["result"]
        out[name] = {
            "path": path,
            "status": status,
            "queries": queries,
            "bytes": size,
            "seconds": cell["seconds"],
            "max": cell["max"],
        }
    out["salespeople"] = out["salespeople_figures"]["size"]
    return out
