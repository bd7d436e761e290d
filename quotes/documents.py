"""Enquiries (the bid decision) and quotes (with their discount request, 优惠销售申请) as
approval documents (R-8, R-10.2, R-11)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from approvals.choices import DocumentType
from approvals.registry import register
from common.templatetags.formats import money

from . import services
from .models import Enquiry, Quote


def _serialize_enquiry(enquiry):
    from .api.serializers import EnquirySerializer

    return EnquirySerializer(enquiry).data


def _serialize_quote(quote):
    from .api.serializers import QuoteSerializer

    return QuoteSerializer(quote).data


def enquiry_summary(enquiry: Enquiry) -> str:
    return _("Bid or not: %(kind)s of %(account)s, about %(amount)s, deadline %(deadline)s") % {
        "kind": enquiry.get_kind_display(),
        "account": enquiry.account.name,
        "amount": money(enquiry.estimated_amount),
        "deadline": enquiry.deadline.isoformat(),
    }


def quote_summary(quote: Quote) -> str:
    text = _("%(kind)s %(number)s for %(account)s: %(total)s (%(owner)s)") % {
        "kind": quote.get_kind_display(),
        "number": quote.number or _("unnumbered"),
        "account": quote.account.name,
        "total": money(quote.total),
        "owner": quote.owner,
    }
    if quote.discount_reason:
        text += " · " + _("Discount request: %(reason)s") % {"reason": quote.discount_reason}
    return text


register(
    DocumentType.ENQUIRY,
    Enquiry,
    serialize=_serialize_enquiry,
    summary=enquiry_summary,
    url=lambda e: reverse("quotes:enquiry", args=[e.pk]),
    on_approved=services.enquiry_approved,
    on_rejected=services.enquiry_rejected,
)
register(
    DocumentType.QUOTE,
    Quote,
    serialize=_serialize_quote,
    summary=quote_summary,
    url=lambda q: reverse("quotes:detail", args=[q.pk]),
    on_approved=services.quote_approved,
)
