"""The statement of account as PDF (往来账目核对单, R-15.6): the account, the half year, the
opening balance, every ledger line of the half with the balance after it, the closing balance,
and room for the customer's signature and seal. Drawn with the pieces of shipping/pdf.py
(reportlab, Chinese in the embedded font of common.pdf_fonts)."""

from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from reportlab.lib.units import mm
from reportlab.platypus import Spacer, Table, TableStyle

from shipping.pdf import PAGE_WIDTH, header, lines_table, para, render, signature_boxes, styles

from .statement_reads import period_label, statement_lines


def money(value: Decimal) -> str:
    return f"{value:,.2f}"


def _balance_row(s: dict, label: str, value: Decimal) -> Table:
    table = Table(
        [[para(label, s["base"]), para(money(value), s["num"])]],
        colWidths=[PAGE_WIDTH - 40 * mm, 40 * mm],
    )
    table.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, -1), 0.5, "#999999")]))
    return table


def statement_pdf(statement) -> bytes:
    """R-15.6: the statement (its account and office loaded) with every line of its half."""
    s = styles()
    title = _("Statement of account")
    made_on = timezone.localtime(statement.generated_at, statement.office.tzinfo).date()
    facts = [
        (_("Customer"), statement.account.name),
        (pgettext("statement", "Period"), period_label(statement.period)),
        (_("Dates"), f"{statement.start.isoformat()} – {statement.end.isoformat()}"),
        (_("No."), f"{statement.pk:06d}"),
        (_("Made on"), made_on.isoformat()),
    ]
    story = header(s, title=title, office_name=statement.office.name, facts=facts)
    story += [_balance_row(s, _("Opening balance"), statement.opening), Spacer(1, 3 * mm)]
    rows = [
        [
            row["date"].isoformat(),
            f"{row['kind_label']} {row['document']}",
            money(row["debit"]) if row["debit"] else "",
            money(row["credit"]) if row["credit"] else "",
            money(row["balance"]),
        ]
        for row in statement_lines(statement)
    ]
    if rows:
        headings = [
            _("Date"),
            _("Document"),
            pgettext("ledger", "Debit"),
            pgettext("ledger", "Credit"),
            pgettext("ledger", "Balance"),
        ]
        widths = [24 * mm, 62 * mm, 29 * mm, 29 * mm, 30 * mm]
        story.append(lines_table(s, headings=headings, rows=rows, widths=widths, numeric={2, 3, 4}))
    else:
        story.append(para(_("No movement in this half year."), s["small"]))
    story += [
        Spacer(1, 3 * mm),
        _balance_row(s, _("Debits in the half year"), statement.debits),
        _balance_row(s, _("Credits in the half year"), statement.credits),
        _balance_row(s, _("Closing balance"), statement.closing),
        Spacer(1, 5 * mm),
        para(
            _(
                "Please check the balance above. If it agrees with your books, sign, seal and "
                "return this statement; if not, list each difference overleaf."
            ),
            s["small"],
        ),
        Spacer(1, 5 * mm),
        signature_boxes(s, [_("Customer's signature and seal"), _("Date")]),
    ]
    return render(story, title=f"{title} {statement.account.name} {statement.period}")
