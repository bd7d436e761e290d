"""The tables of actuals against targets (R-17.2): page, chart and Excel from the same rows
(reports.tables)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from reports.tables import BAR, INT, MONEY, PERCENT, TEXT, Chart, Col, Table


def _figures() -> list[Col]:
    return [
        Col("target", _("Target"), MONEY),
        Col("signed", _("Contracts signed"), MONEY),
        Col("shipped", _("Shipped, net of returns"), MONEY),
        Col("invoiced", _("Invoiced"), MONEY),
        Col("collected", _("Collected"), MONEY),
        Col("variance", _("Variance (signed − target)"), MONEY),
        Col("variance_percent", _("Variance in percent of target"), PERCENT),
    ]


def _flat(rows: list[dict]) -> list[dict]:
    return [{**r, "office_name": r["office"].name if r.get("office") else ""} for r in rows]


def actuals_tables(found: dict, month: int | None) -> list[Table]:
    note = _("The target is measured against the contracts signed in the period.")
    explanation = Col("explanation", _("Explanation"), TEXT)
    tables = []
    if found["regions"]:
        tables.append(
            Table(
                "regions",
                _("Regions"),
                [Col("name", _("Region"), TEXT), *_figures()],
                found["regions"],
                note=note,
            )
        )
    if found["branches"]:
        tables.append(
            Table(
                "branches",
                _("Branches"),
                [
                    Col("name", pgettext_lazy("department report", "Branch"), TEXT),
                    *_figures(),
                    explanation,
                ],
                found["branches"],
                chart=Chart(BAR, "name", ("target", "signed")),
                note=note,
            )
        )
    tables.append(
        Table(
            "people",
            _("Salespeople"),
            [
                Col("name", pgettext_lazy("sales department", "Salesperson"), TEXT),
                Col("office_name", pgettext_lazy("department report", "Branch"), TEXT),
                *_figures(),
                explanation,
            ],
            _flat(found["people"]),
            note=note,
        )
    )
    if found["months"]:
        tables.append(
            Table(
                "months",
                _("Branches by month"),
                [
                    Col("office_name", pgettext_lazy("department report", "Branch"), TEXT),
                    Col("month_number", _("Month"), INT),
                    *_figures(),
                    explanation,
                ],
                _flat(found["months"]),
            )
        )
    return tables
