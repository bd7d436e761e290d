"""The department's twelve reports and the annual account analysis (R-17.4), one definition
each: its GROUP BY queries build `reports.tables.Table`s, which the one page view renders as a
table, a chart and an Excel file with the same numbers (R-7.5's machinery), beside the list of
who has not submitted what the report needs.

A definition lives in `deptreports/definitions/<area>.py` and registers itself with
`register(Report(...))`; the page is `/reports/department/<key>/`.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from reports.periods import MONTH, WEEK, YEAR, Period
from reports.tables import TEXT, Col, Table

from .scope import Scope

# what the reports are for: the index shows them in these groups, in this order
PLANS, SALES, WORK, MARKET, DEALERS, ACCOUNTS = (
    "plans",
    "sales",
    "work",
    "market",
    "dealers",
    "accounts",
)
GROUPS = [
    (PLANS, _("Work plans")),
    (SALES, _("Sales")),
    (WORK, _("Salespeople's work")),
    (MARKET, _("Market situation")),
    (DEALERS, _("Dealers")),
    (ACCOUNTS, _("Target accounts")),
]
PERIOD_KINDS = (WEEK, MONTH, YEAR)


@dataclass(frozen=True)
class Report:
    key: str  # the page's path: /reports/department/<key>/
    number: int  # R-17.4's number (1-12); 13 is the annual account analysis
    title: Any  # lazy; the Chinese title is the form's own name (周工作计划表 …)
    description: Any
    group: str
    default_period: str  # WEEK, MONTH or YEAR
    # (scope, period) -> the tables, every figure from GROUP BY queries
    build: Callable[[Scope, Period], list[Table]]
    # (scope, period) -> [{"person", "office", "what"}]: who has not submitted what the
    # report needs (a plan not handed in, a week without a visit record …)
    missing: Callable[[Scope, Period], list[dict]] | None = None


REPORTS: dict[str, Report] = {}


def register(report: Report) -> Report:
    if report.key in REPORTS:
        raise ValueError(f"report {report.key} registered twice")
    REPORTS[report.key] = report
    return report


def ordered() -> list[Report]:
    return sorted(REPORTS.values(), key=lambda r: r.number)


MISSING_COLUMNS = [
    Col("person", _("Person"), TEXT),
    Col("office", pgettext_lazy("department report", "Branch"), TEXT),
    Col("what", _("Not submitted"), TEXT),
]


def missing_table(rows: list[dict]) -> Table:
    """Who has not submitted what: the last table of every report (and sheet of its file)."""
    return Table("missing", _("Not submitted"), MISSING_COLUMNS, rows)
