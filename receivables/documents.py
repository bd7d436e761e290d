"""Invoice requests, collection requests and write-offs as approval documents (R-8, R-14.1,
R-15.1, R-15.3)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from approvals.choices import DocumentType
from approvals.registry import register

from .invoice_pages import attach_contract_figures
from .models import CollectionRequest, InvoiceRequest, WriteOff
from .services import collection, requests, writeoffs


def _serializer(name: str):
    def serialize(document):
        from .api import serializers

        return getattr(serializers, name)(document).data

    return serialize


def invoice_request_summary(request: InvoiceRequest) -> str:
    return _(
        "Invoice request %(number)s for %(account)s: %(amount)s yuan (contract %(contract)s)"
    ) % {
        "number": request.number,
        "account": request.account.name,
        "amount": f"{request.amount:,.2f}",
        "contract": request.contract.number,
    }


def collection_summary(request: CollectionRequest) -> str:
    return _("Collection request %(number)s for %(account)s: %(amount)s yuan by %(date)s") % {
        "number": request.number,
        "account": request.account.name,
        "amount": f"{request.expected_amount:,.2f}",
        "date": request.expected_date.isoformat(),
    }


def write_off_summary(write_off: WriteOff) -> str:
    return _("Write-off %(number)s of invoice %(invoice)s of %(account)s: %(amount)s yuan") % {
        "number": write_off.number,
        "invoice": write_off.invoice.number,
        "account": write_off.account.name,
        "amount": f"{write_off.amount:,.2f}",
    }


register(
    DocumentType.INVOICE_REQUEST,
    InvoiceRequest,
    serialize=_serializer("InvoiceRequestSerializer"),
    summary=invoice_request_summary,
    url=lambda r: reverse("receivables:request", args=[r.pk]),
    on_approved=requests.invoice_request_approved,
    on_rejected=requests.invoice_request_rejected,
    prefetch=attach_contract_figures,
)

register(
    DocumentType.COLLECTION_REQUEST,
    CollectionRequest,
    serialize=_serializer("CollectionRequestSerializer"),
    summary=collection_summary,
    url=lambda r: reverse("receivables:collection", args=[r.pk]),
    on_approved=collection.collection_request_approved,
    on_rejected=collection.collection_request_rejected,
)

register(
    DocumentType.WRITE_OFF,
    WriteOff,
    serialize=_serializer("WriteOffSerializer"),
    summary=write_off_summary,
    url=lambda w: reverse("receivables:write_off", args=[w.pk]),
    on_approved=writeoffs.write_off_approved,
    on_rejected=writeoffs.write_off_rejected,
)
