"""R-11.3: the printed quote or bid (报价单、投标书), numbered, only once approved.

Drawn with reportlab like deals/pdf.py. A quote leaves the company, so its Chinese is drawn
with the embedded CJK font of common.pdf_fonts."""

from decimal import Decimal
from html import escape
from io import BytesIO

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from common.pdf_fonts import cjk_font
from common.templatetags.formats import money


def _quantity(value: Decimal) -> str:
    text = f"{value:,.3f}".rstrip("0").rstrip(".")
    return text or "0"


def _percent(rate: Decimal) -> str:
    return f"{(rate * 100).normalize():f}%"


def _styles(font: str) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=font, fontSize=10, leading=14, wordWrap="CJK")
    return {
        "base": base,
        "company": ParagraphStyle(
            "company", parent=base, fontSize=16, leading=22, alignment=TA_CENTER
        ),
        "title": ParagraphStyle("title", parent=base, fontSize=20, leading=28, alignment=TA_CENTER),
        "small": ParagraphStyle("small", parent=base, fontSize=9, leading=12),
        "cell": ParagraphStyle("cell", parent=base, fontSize=9, leading=12),
        "num": ParagraphStyle("num", parent=base, fontSize=9, leading=12, alignment=TA_RIGHT),
    }


def _p(text, style) -> Paragraph:
    return Paragraph(escape(str(text), quote=False).replace("\n", "<br/>"), style)


def quote_pdf(quote) -> bytes:
    """The approved `quote` (office, account, lines with products loaded) as A4 PDF bytes:
    the company's header, number, account, lines, totals, validity and terms."""
    font = cjk_font()
    s = _styles(font)
    company = getattr(settings, "COMPANY_NAME", "") or _("Sales department")
    title = _("Tender") if quote.kind == "bid" else _("Quotation")
    buffer = BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=f"{title} {quote.number}",
        author=company,
    )
    number = quote.number + (
        _(" (revision %(n)s)") % {"n": quote.revision + 1} if quote.revision else ""
    )
    story = [
        _p(company, s["company"]),
        _p(quote.office.name, ParagraphStyle("office", parent=s["base"], alignment=TA_CENTER)),
        Spacer(1, 3 * mm),
        _p(title, s["title"]),
        Spacer(1, 4 * mm),
    ]
    head = [
        [
            _p(_("No."), s["base"]),
            _p(number, s["base"]),
            _p(_("Date"), s["base"]),
            _p(quote.date.isoformat(), s["base"]),
        ],
        [
            _p(pgettext("a quotation", "To"), s["base"]),
            _p(quote.account.name, s["base"]),
            _p(_("Valid until"), s["base"]),
            _p(quote.valid_until.isoformat(), s["base"]),
        ],
        [
            _p(pgettext("sales department", "Salesperson"), s["base"]),
            _p(str(quote.owner), s["base"]),
            "",
            "",
        ],
    ]
    head_table = Table(head, colWidths=[22 * mm, 68 * mm, 24 * mm, 60 * mm])
    head_table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story += [head_table, Spacer(1, 5 * mm)]

    rows = [
        [
            _p(h, s["cell"])
            for h in (
                "#",
                _("Product"),
                _("Specification"),
                _("Quantity"),
                _("Unit price"),
                _("Tax rate"),
                _("Amount"),
            )
        ]
    ]
    for i, line in enumerate(quote.lines.all(), start=1):
        product = line.product
        rows.append(
            [
                _p(i, s["cell"]),
                _p(f"{product.code} {product.name}", s["cell"]),
                _p(product.specification or "—", s["cell"]),
                _p(f"{_quantity(line.quantity)} {product.unit}", s["num"]),
                _p(money(line.unit_price), s["num"]),
                _p(_percent(line.tax_rate), s["num"]),
                _p(money(line.amount), s["num"]),
            ]
        )
    rows.append(
        [
            "",
            _p(_("Total (tax included)"), s["cell"]),
            "",
            "",
            "",
            "",
            _p(money(quote.total), s["num"]),
        ]
    )
    rows.append(
        ["", _p(_("of which tax"), s["cell"]), "", "", "", "", _p(money(quote.tax_total), s["num"])]
    )
    table = Table(
        rows,
        colWidths=[8 * mm, 52 * mm, 30 * mm, 24 * mm, 22 * mm, 14 * mm, 24 * mm],
        repeatRows=1,
    )
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -3), 0.5, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                ("LINEABOVE", (0, -2), (-1, -2), 1, colors.black),
                ("SPAN", (1, -2), (5, -2)),
                ("SPAN", (1, -1), (5, -1)),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    story += [table, Spacer(1, 6 * mm)]
    for label, text in (
        (_("Delivery terms"), quote.delivery_terms),
        (_("Payment terms"), quote.payment_terms),
    ):
        story.append(_p(f"{label}：{text or '—'}", s["base"]))
        story.append(Spacer(1, 2 * mm))
    story.append(
        _p(
            _("Prices include tax. This quotation is valid until %(date)s.")
            % {"date": quote.valid_until.isoformat()},
            s["small"],
        )
    )
    story += [Spacer(1, 14 * mm), _p(_("%(company)s (seal)") % {"company": company}, s["base"])]
    doc.build(story)
    return buffer.getvalue()
