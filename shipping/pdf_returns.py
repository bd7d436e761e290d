"""R-13.5: the return certificate (销售退货证明单) as a PDF, filled by the salesperson when the
customer's documents (票) cannot be recovered.

Drawn with reportlab like quotes/pdf.py, with the embedded CJK font of common.pdf_fonts. The
returned goods are the red-letter part (退货详单): negative quantities, in red."""

from decimal import Decimal
from html import escape
from io import BytesIO

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from common.pdf_fonts import cjk_font

RED = colors.HexColor("#b3261e")  # the pages' red (app.css --danger)


def _quantity(value: Decimal) -> str:
    """A returned quantity as the red-letter part writes it: negative, 3 decimals at most."""
    text = f"{value:,.3f}".rstrip("0").rstrip(".") or "0"
    return f"-{text}" if value else text


def _styles(font: str) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=font, fontSize=10, leading=14, wordWrap="CJK")
    return {
        "base": base,
        "company": ParagraphStyle(
            "company", parent=base, fontSize=16, leading=22, alignment=TA_CENTER
        ),
        "title": ParagraphStyle("title", parent=base, fontSize=20, leading=28, alignment=TA_CENTER),
        "cell": ParagraphStyle("cell", parent=base, fontSize=9, leading=12),
        "red": ParagraphStyle("red", parent=base, fontSize=9, leading=12, textColor=RED),
        "red_num": ParagraphStyle(
            "red_num", parent=base, fontSize=9, leading=12, alignment=TA_RIGHT, textColor=RED
        ),
        "small": ParagraphStyle("small", parent=base, fontSize=9, leading=12),
    }


def _p(text, style) -> Paragraph:
    return Paragraph(escape(str(text), quote=False).replace("\n", "<br/>"), style)


def _head(ret, s) -> Table:
    tz = ret.office.tzinfo
    filled_on = timezone.localtime(ret.certificate_at, tz).date().isoformat()
    rows = [
        [
            _p(_("Return No."), s["base"]),
            _p(ret.number, s["base"]),
            _p(_("Date"), s["base"]),
            _p(filled_on, s["base"]),
        ],
        [
            _p(_("Contract No."), s["base"]),
            _p(ret.contract.number, s["base"]),
            _p(_("Kind"), s["base"]),
            _p(ret.get_kind_display(), s["base"]),
        ],
        [
            _p(_("Account"), s["base"]),
            _p(ret.contract.account.name, s["base"]),
            _p(pgettext("sales department", "Salesperson"), s["base"]),
            _p(str(ret.owner), s["base"]),
        ],
    ]
    table = Table(rows, colWidths=[24 * mm, 70 * mm, 22 * mm, 58 * mm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def _lines(ret, s) -> Table:
    rows = [
        [
            _p(h, s["cell"])
            for h in (
                "#",
                _("Product"),
                _("Specification"),
                _("Quantity"),
                pgettext("product", "Unit"),
            )
        ]
    ]
    for i, line in enumerate(ret.lines.all(), start=1):
        product = line.product
        rows.append(
            [
                _p(i, s["red"]),
                _p(f"{product.code} {product.name}", s["red"]),
                _p(line.specification or "—", s["red"]),
                _p(_quantity(line.quantity), s["red_num"]),
                _p(product.unit, s["red"]),
            ]
        )
    table = Table(rows, colWidths=[10 * mm, 62 * mm, 50 * mm, 30 * mm, 22 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("BOX", (0, 1), (-1, -1), 1, RED),
                ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return table


def _signatures(s) -> Table:
    labels = (
        _("Customer (signature and seal)"),
        pgettext("sales department", "Salesperson"),
        pgettext("sales department", "Branch manager"),
    )
    rows = [
        [_p(label, s["cell"]) for label in labels],
        ["", "", ""],
        [_p(_("Date"), s["small"]) for _label in labels],
    ]
    table = Table(rows, colWidths=[58 * mm] * 3, rowHeights=[7 * mm, 18 * mm, 7 * mm])
    table.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (0, -1), 0.5, colors.grey),
                ("BOX", (1, 0), (1, -1), 0.5, colors.grey),
                ("BOX", (2, 0), (2, -1), 0.5, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def return_certificate_pdf(ret) -> bytes:
    """The return `ret` (office, contract with its account, owner, lines with products loaded)
    whose certificate is filled, as A4 PDF bytes."""
    font = cjk_font()
    s = _styles(font)
    company = getattr(settings, "COMPANY_NAME", "") or _("Sales department")
    title = _("Sales return certificate")
    buffer = BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=f"{title} {ret.number}",
        author=company,
    )
    story = [
        _p(company, s["company"]),
        _p(ret.office.name, ParagraphStyle("office", parent=s["base"], alignment=TA_CENTER)),
        Spacer(1, 3 * mm),
        _p(title, s["title"]),
        Spacer(1, 4 * mm),
        _head(ret, s),
        Spacer(1, 4 * mm),
        _p(_("Goods returned (red-letter detail)"), s["base"]),
        Spacer(1, 1 * mm),
        _lines(ret, s),
        Spacer(1, 5 * mm),
    ]
    for label, text in (
        (_("The customer's reason"), ret.reason),
        (_("Why the customer's documents cannot be recovered"), ret.certificate_reason),
    ):
        story += [_p(f"{label}：{text or '—'}", s["base"]), Spacer(1, 2 * mm)]
    story += [
        _p(
            _(
                "We certify that the goods above were returned by the customer and that the "
                "customer's documents for them cannot be recovered."
            ),
            s["small"],
        ),
        Spacer(1, 8 * mm),
        _signatures(s),
        Spacer(1, 8 * mm),
        _p(_("%(company)s (seal)") % {"company": company}, s["base"]),
    ]
    doc.build(story)
    return buffer.getvalue()
