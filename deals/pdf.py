"""R-6.3: the internal subscription agreement (内部认购协议) as a PDF, drawn with reportlab.

Chinese is drawn with reportlab's built-in CID font STSong-Light (the Adobe-GB1 collection every
PDF reader carries), so no font file ships with the project.
"""

from decimal import Decimal
from io import BytesIO

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

from staff.permissions import may, office_ids_of

from .choices import SubscriptionStatus
from .models import Subscription
from .views import agreement_phone

FONT = "STSong-Light"
LEFT = 25 * mm
VALUE_X = 75 * mm
LINE = 8 * mm


def _font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def agreement_pdf(subscription, *, phone: str | None = None) -> bytes:
    """The agreement of `subscription` (with its office, unit, project, customer and credited
    salesperson loaded) as the bytes of a one-page A4 PDF; `phone` is the customer's phone as
    the reader may see it (by default in full)."""
    font = _font()
    s, unit = subscription, subscription.unit
    signed_on = timezone.localtime(s.created_at, s.office.tzinfo)
    title = _("Internal subscription agreement")
    buffer = BytesIO()
    pdf = Canvas(buffer, pagesize=A4)
    pdf.setTitle(f"{title} {s.number}")
    pdf.setAuthor(s.office.name)
    width, height = A4
    y = height - 30 * mm

    pdf.setFont(font, 20)
    pdf.drawCentredString(width / 2, y, title)
    y -= 2 * LINE
    pdf.setFont(font, 11)
    head = f"{_('No.')} {s.number}    {_('Date')} {signed_on:%Y-%m-%d}"
    if s.status == SubscriptionStatus.WITHDRAWN:
        head += f"    {_('Withdrawn')}"
    pdf.drawString(LEFT, y, head)
    y -= LINE
    pdf.drawString(LEFT, y, f"{_('Office')} {s.office.name}")
    y -= 1.5 * LINE

    sections = [
        (
            _("Customer"),
            [(_("Name"), s.customer.name), (_("Phone"), phone or s.customer.phone)],
        ),
        (
            _("Unit"),
            [
                (_("Project"), unit.project.name),
                (_("Building"), unit.building),
                (_("Unit number"), unit.number),
                (_("Floor"), str(unit.floor)),
                (_("Area"), f"{_money(unit.area)} m²"),
                (_("Layout"), unit.layout or "—"),
                (_("List price"), _money(unit.list_price)),
            ],
        ),
        (
            _("Payment"),
            [
                (_("Deposit"), _money(s.deposit)),
                (_("Holding fee credited"), _money(s.fee_credited)),
                (_("Credited salesperson"), str(s.credited_salesperson)),
            ],
        ),
    ]
    for heading, rows in sections:
        pdf.setFont(font, 14)
        pdf.drawString(LEFT, y, heading)
        y -= LINE
        pdf.setFont(font, 11)
        for label, value in rows:
            pdf.drawString(LEFT + 5 * mm, y, label)
            pdf.drawString(VALUE_X, y, value)
            y -= LINE
        y -= 0.5 * LINE

    y -= LINE
    for label in (
        _("Customer (signature)"),
        _("Salesperson (signature)"),
        _("Sales office (seal)"),
    ):
        pdf.drawString(LEFT, y, label)
        pdf.line(VALUE_X, y - 1 * mm, width - LEFT, y - 1 * mm)
        y -= 2 * LINE

    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


@login_required
@require_GET
def agreement_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The agreement as a PDF, for whoever may see the office's units (deals.view_units);
    another office's is not there (404), a member without such a role gets 403."""
    subscription = (
        Subscription.objects.select_related(
            "office", "unit__project", "customer", "credited_salesperson"
        )
        .filter(pk=pk, office_id__in=office_ids_of(request.user))
        .first()
    )
    if subscription is None:
        raise Http404
    if not may(request.user, "deals.view_units", subscription.office):
        raise PermissionDenied
    phone = agreement_phone(request.user, subscription, timezone.now())
    content = agreement_pdf(subscription, phone=phone)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{subscription.number}.pdf"'
    return response
