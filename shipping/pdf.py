"""The shipping documents that leave the company as PDF (R-13): the delivery note with the
customer's confirmation form (送货单／客户确认单) of an outbound order, and a red outbound order
(红字出库单) printed in red with negative quantities.

Drawn with reportlab like quotes/pdf.py, Chinese in the embedded CJK font of common.pdf_fonts.
The pieces (`styles`, `header`, `lines_table`, `signature_boxes`, `render`) are shared by every
shipping document: a new one is a function that puts them together."""

from decimal import Decimal
from html import escape
from io import BytesIO

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from common.pdf_fonts import cjk_font

RED = colors.HexColor("#b3261e")
PAGE_WIDTH = A4[0] - 36 * mm  # inside the margins of `render`


def quantity_text(value: Decimal, *, negative: bool = False) -> str:
    """24, 2.5, -10: as people write it; negative for goods coming back."""
    if negative and value:
        value = -value
    text = f"{value.normalize():f}"
    return "0" if text in ("-0", "0") else text


def styles(*, red: bool = False) -> dict[str, ParagraphStyle]:
    """The document's paragraph styles; a red document's title and figures in red."""
    font = cjk_font()
    ink = RED if red else colors.black
    base = ParagraphStyle("base", fontName=font, fontSize=10, leading=14, wordWrap="CJK")
    return {
        "base": base,
        "company": ParagraphStyle(
            "company", parent=base, fontSize=16, leading=22, alignment=TA_CENTER
        ),
        "office": ParagraphStyle("office", parent=base, alignment=TA_CENTER),
        "title": ParagraphStyle(
            "title", parent=base, fontSize=20, leading=28, alignment=TA_CENTER, textColor=ink
        ),
        "small": ParagraphStyle("small", parent=base, fontSize=9, leading=12),
        "cell": ParagraphStyle("cell", parent=base, fontSize=9, leading=12),
        "num": ParagraphStyle(
            "num", parent=base, fontSize=9, leading=12, alignment=TA_RIGHT, textColor=ink
        ),
    }


def para(text, style) -> Paragraph:
    return Paragraph(escape(str(text), quote=False).replace("\n", "<br/>"), style)


def company_name() -> str:
    return getattr(settings, "COMPANY_NAME", "") or _("Sales department")


def header(s: dict, *, title: str, office_name: str, facts: list[tuple[str, str]]) -> list:
    """The company, the branch, the document's title, then its facts two to a row
    (label, value, label, value)."""
    story = [
        para(company_name(), s["company"]),
        para(office_name, s["office"]),
        Spacer(1, 3 * mm),
        para(title, s["title"]),
        Spacer(1, 4 * mm),
    ]
    cells = [para(text, s["base"]) for pair in facts for text in pair]
    if len(cells) % 4:
        cells += [""] * (4 - len(cells) % 4)
    rows = [cells[i : i + 4] for i in range(0, len(cells), 4)]
    table = Table(rows, colWidths=[24 * mm, 63 * mm, 24 * mm, 63 * mm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return [*story, table, Spacer(1, 5 * mm)]


def lines_table(
    s: dict,
    *,
    headings: list[str],
    rows: list[list[str]],
    widths: list[float],
    numeric: set[int] = frozenset(),
    red: bool = False,
) -> Table:
    """A grid of lines with a header row repeated on each page; the columns in `numeric` are
    right-aligned (and red on a red document)."""
    data = [[para(h, s["cell"]) for h in headings]]
    for row in rows:
        data.append([para(v, s["num"] if i in numeric else s["cell"]) for i, v in enumerate(row)])
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, RED if red else colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return table


def signature_boxes(s: dict, labels: list[str]) -> Table:
    """Boxes side by side, each a label above room to sign or write in."""
    width = PAGE_WIDTH / len(labels)
    table = Table(
        [[para(label, s["base"]) for label in labels], ["" for _label in labels]],
        colWidths=[width] * len(labels),
        rowHeights=[8 * mm, 20 * mm],
    )
    table.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 0.5, colors.black),
                ("INNERGRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def render(story: list, *, title: str) -> bytes:
    """A4 PDF bytes of the story."""
    buffer = BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=title,
        author=company_name(),
    )
    doc.build(story)
    return buffer.getvalue()


def order_pdf(order, lines) -> bytes:
    """R-13.2, R-13.4: the delivery note and customer confirmation form of an outbound order
    (its contract, account and warehouse loaded; `lines` with their products): number,
    account, delivery place, lines, and the boxes the customer signs. A red outbound order
    (R-13.5) is titled 红字出库单, in red, its quantities negative."""
    red = order.red
    s = styles(red=red)
    title = _("Red outbound order") if red else _("Delivery note / customer confirmation")
    issued_on = timezone.localtime(order.issued_at, order.office.tzinfo).date()
    contract = order.contract
    facts = [
        (_("No."), order.number),
        (_("Date"), issued_on.isoformat()),
        (_("Customer"), contract.account.name),
        (_("Contract"), contract.number),
        (_("Delivery place"), contract.delivery_place or "—"),
        (_("Warehouse"), str(order.warehouse)),
    ]
    story = header(s, title=title, office_name=order.office.name, facts=facts)
    headings = [
        "#",
        _("Product code"),
        _("Product"),
        _("Specification"),
        _("Unit of measure"),
        _("Quantity"),
        _("Quantity received"),
    ]
    rows = [
        [
            str(i),
            line.product.code,
            line.product.name,
            line.product.specification or "—",
            line.product.unit,
            quantity_text(line.quantity, negative=red),
            "",
        ]
        for i, line in enumerate(lines, start=1)
    ]
    widths = [8 * mm, 26 * mm, 44 * mm, 34 * mm, 14 * mm, 22 * mm, 26 * mm]
    story.append(lines_table(s, headings=headings, rows=rows, widths=widths, numeric={5}, red=red))
    story.append(Spacer(1, 4 * mm))
    if order.note:
        story += [para(f"{_('Remarks')}：{order.note}", s["base"]), Spacer(1, 3 * mm)]
    if red:
        story.append(para(_("Goods returned by the customer come back into stock."), s["small"]))
        labels = [_("Returned by (customer)"), _("Received by (warehouse)"), _("Date")]
    else:
        story.append(
            para(
                _("Please check the goods, write the quantity received, sign and date."),
                s["small"],
            )
        )
        labels = [_("Delivered by"), _("Customer's signature"), _("Date")]
    story += [Spacer(1, 6 * mm), signature_boxes(s, labels)]
    return render(story, title=f"{title} {order.number}")
