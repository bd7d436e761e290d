"""R-12.2: the monthly register of contract numbers (合同原件编号整理成册): every number given
in the month in order, gaps and unfiled contracts flagged; closed by the clerk by the 5th of
the next month; printed as a PDF and an Excel workbook with the same rows."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from io import BytesIO
from xml.sax.saxutils import escape

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from rest_framework.exceptions import PermissionDenied

from common.errors import DomainError
from common.excel import append_row
from common.pdf_fonts import cjk_font
from staff.permissions import may

from . import rules
from .choices import NUMBER_PREFIX
from .models import ContractRegister, SalesContract
from .selectors import unfiled


@dataclass
class RegisterRow:
    sequence: int
    number: str
    contract: SalesContract | None = None  # None: a gap, a number no contract carries
    signed_on: datetime.date | None = None
    filed_on: datetime.date | None = None
    unfiled: bool = False
    filed_late: bool = False

    @property
    def gap(self) -> bool:
        return self.contract is None

    def flags(self) -> list[str]:
        out = []
        if self.gap:
            out.append(str(gettext_lazy("missing number")))
        if self.unfiled:
            out.append(str(gettext_lazy("not filed")))
        if self.filed_late:
            out.append(str(gettext_lazy("filed late")))
        return out


@dataclass
class Register:
    office: object
    year: int
    month: int
    rows: list[RegisterRow] = field(default_factory=list)
    closed: ContractRegister | None = None
    today: datetime.date | None = None

    @property
    def gaps(self) -> int:
        return sum(1 for r in self.rows if r.gap)

    @property
    def unfiled(self) -> int:
        return sum(1 for r in self.rows if r.unfiled)

    @property
    def numbers(self) -> int:
        return sum(1 for r in self.rows if not r.gap)

    @property
    def total(self) -> Decimal:
        return sum((r.contract.total for r in self.rows if r.contract), Decimal("0.00"))

    @property
    def due(self) -> datetime.date:
        return rules.register_due(self.year, self.month)

    @property
    def late(self) -> bool:
        closed_on = (
            timezone.localtime(self.closed.closed_at, self.office.tzinfo).date()
            if self.closed
            else None
        )
        return rules.register_late(
            year=self.year, month=self.month, closed_on=closed_on, today=self.today
        )

    @property
    def closable(self) -> bool:
        return self.closed is None and rules.register_closable(self.year, self.month, self.today)

    @property
    def label(self) -> str:
        return f"{self.year}-{self.month:02d}"


def register_of(office, year: int, month: int, *, now: datetime.datetime) -> Register:
    """The month's numbers of the office, from the first after the previous months' last
    number of the year to the month's last, a gap row for each number no contract carries."""
    tz = office.tzinfo
    start, end = rules.month_bounds(year, month, tz)
    of_year = SalesContract.objects.filter(office=office, year=year).exclude(number="")
    previous_last = of_year.filter(numbered_at__lt=start).aggregate(m=Max("sequence"))["m"] or 0
    contracts = list(
        of_year.filter(numbered_at__gte=start, numbered_at__lt=end)
        .select_related("account", "owner", "filed_by")
        .order_by("sequence")
    )
    not_filed = set(
        unfiled(of_year.filter(pk__in=[c.pk for c in contracts])).values_list("pk", flat=True)
    )
    by_sequence = {c.sequence: c for c in contracts}
    register = Register(
        office=office,
        year=year,
        month=month,
        today=timezone.localtime(now, tz).date(),
        closed=ContractRegister.objects.filter(office=office, year=year, month=month)
        .select_related("closed_by")
        .first(),
    )
    missing = set(rules.missing_sequences(previous_last, by_sequence))
    for sequence in sorted(missing | set(by_sequence)):
        contract = by_sequence.get(sequence)
        if contract is None:
            register.rows.append(RegisterRow(sequence, f"{NUMBER_PREFIX}-{year}-{sequence:04d}"))
            continue
        register.rows.append(
            RegisterRow(
                sequence,
                contract.number,
                contract,
                signed_on=rules.local_day(contract.numbered_at, tz),
                filed_on=rules.local_day(contract.filed_at, tz) if contract.filed_at else None,
                unfiled=contract.pk in not_filed,
                filed_late=rules.filed_late(
                    signed_at=contract.signed_at or contract.numbered_at,
                    filed_at=contract.filed_at,
                    tz=tz,
                ),
            )
        )
    return register


@transaction.atomic
def register_close(*, office, year: int, month: int, actor, now) -> ContractRegister:
    """R-12.2: the clerk closes a month's register once the month is over; a close after the
    5th of the next month is kept and shown late. Closed once."""
    if not may(actor, "contracts.close_register", office):
        raise PermissionDenied(_("Only the branch's clerk closes the register."))
    register = register_of(office, year, month, now=now)
    if register.closed is not None:
        raise DomainError(_("This month's register is closed already."), code="already_closed")
    if not register.closable:
        raise DomainError(
            _("A month's register is closed once the month is over."), code="month_not_over"
        )
    try:
        with transaction.atomic():
            return ContractRegister.objects.create(
                office=office,
                year=year,
                month=month,
                closed_at=now,
                closed_by=actor,
                numbers=register.numbers,
                gaps=register.gaps,
                unfiled=register.unfiled,
            )
    except IntegrityError as exc:  # closed at the same moment by a colleague
        raise DomainError(
            _("This month's register is closed already."), code="already_closed"
        ) from exc


# ---------------------------------------------------------------- the printed register


def _headings() -> list[str]:
    return [
        _("Number"),
        _("Signed on"),
        _("Account"),
        _("Kind"),
        _("Total"),
        _("Status"),
        _("Filed on"),
        _("Filed by"),
        _("Flags"),
    ]


def _cells(row: RegisterRow) -> list:
    c = row.contract
    if c is None:
        return [row.number, None, "", "", None, "", None, "", "，".join(row.flags())]
    return [
        row.number,
        row.signed_on,
        c.account.name,
        c.get_kind_display(),
        c.total,
        c.get_status_display(),
        row.filed_on,
        str(c.filed_by) if c.filed_by else "",
        "，".join(row.flags()),
    ]


def _title(register: Register) -> str:
    return _("Contract register of %(office)s, %(month)s") % {
        "office": register.office.name,
        "month": register.label,
    }


def _summary(register: Register) -> str:
    text = _("%(numbers)s contracts, %(gaps)s missing numbers, %(unfiled)s not filed.") % {
        "numbers": register.numbers,
        "gaps": register.gaps,
        "unfiled": register.unfiled,
    }
    if register.closed:
        closed_on = timezone.localtime(register.closed.closed_at, register.office.tzinfo)
        text += " " + _("Closed on %(date)s by %(who)s.") % {
            "date": f"{closed_on:%Y-%m-%d}",
            "who": register.closed.closed_by,
        }
    else:
        text += " " + _("Not closed yet (due %(date)s).") % {"date": f"{register.due:%Y-%m-%d}"}
    if register.late:
        text += " " + _("Late.")
    return text


def register_workbook(register: Register) -> bytes:
    """The register as an .xlsx: a title row, the headings, one row per number."""
    book = Workbook()
    sheet = book.active
    sheet.title = register.label
    append_row(sheet, [_title(register)])
    sheet.cell(row=1, column=1).font = Font(bold=True, size=14)
    append_row(sheet, [_summary(register)])
    append_row(sheet, _headings())
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for row in register.rows:
        cells = append_row(sheet, _cells(row))
        for cell in (cells[1], cells[6]):
            cell.number_format = "yyyy-mm-dd"
        cells[4].number_format = "#,##0.00"
    for column, width in zip("ABCDEFGHI", (16, 12, 30, 14, 14, 10, 12, 12, 20), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return f"{value:%Y-%m-%d}"
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    return str(value)


def register_pdf(register: Register) -> bytes:
    """The register as an A4 landscape PDF (one table over as many pages as it needs)."""
    font = cjk_font()
    buffer = BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=_title(register),
        author=register.office.name,
    )
    title = ParagraphStyle("title", fontName=font, fontSize=16, leading=22)
    body = ParagraphStyle("body", fontName=font, fontSize=9, leading=12)
    data = [_headings()]
    for row in register.rows:  # a Paragraph reads markup: every text escaped
        data.append([Paragraph(escape(_text(v)), body) for v in _cells(row)])
    if not register.rows:
        data.append([_("No contract was numbered this month.")] + [""] * 8)
    widths = [30, 22, 62, 24, 26, 18, 22, 24, 35]
    table = Table(data, colWidths=[w * mm for w in widths], repeatRows=1)
    style = [
        ("FONT", (0, 0), (-1, -1), font, 9),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef5")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("ALIGN", (4, 1), (4, -1), "RIGHT"),
    ]
    for index, row in enumerate(register.rows, start=1):
        if row.gap or row.unfiled:
            style.append(("BACKGROUND", (0, index), (-1, index), colors.HexColor("#fdecea")))
    table.setStyle(TableStyle(style))
    story = [
        Paragraph(escape(_title(register)), title),
        Spacer(1, 3 * mm),
        Paragraph(escape(_summary(register)), body),
        Spacer(1, 4 * mm),
        table,
    ]
    doc.build(story)
    return buffer.getvalue()
