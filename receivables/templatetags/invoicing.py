"""Template helpers of the invoicing pages and their approval cards (R-14, R-15.1, R-15.3):
`{% invoice_links %}` (the invoicing pages this user may open) and the figures each approval
card shows beside its document."""

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import figures, rules
from ..invoice_pages import contract_figures, may_read, may_read_office
from ..models import Invoice

register = template.Library()


def links_for(user) -> list[tuple[str, str]]:
    links = []
    if may_read(user):
        links.append((_("Invoice requests"), reverse("receivables:requests")))
        links.append((_("Invoices"), reverse("receivables:invoices")))
    if may_read_office(user):
        links.append((_("To credit"), reverse("receivables:to_credit")))
        links.append((_("Write-offs"), reverse("receivables:write_offs")))
    return links


@register.inclusion_tag("receivables/invoices/links.html", takes_context=True)
def invoice_links(context):
    request = context["request"]
    links = links_for(request.user)
    active = max(
        (url for _label, url in links if request.path.startswith(url)), key=len, default=None
    )
    return {"links": [(label, url, url == active) for label, url in links]}


@register.simple_tag
def request_figures(document):
    """`{% request_figures document as f %}`: the contract of an invoice request beside it
    (R-14.2): its total, shipped net of returns, invoiced, and left to invoice with this
    request aside."""
    batched = getattr(document, "contract_figures", None)  # the inbox's page read them at once
    if batched is not None:
        return batched
    return contract_figures(document.contract, excluding_request=document.pk)


@register.simple_tag
def write_off_figures(document) -> dict:
    """`{% write_off_figures document as f %}`: the invoice a write-off is of, its open
    amount now and its days overdue (R-15.1)."""
    invoice = figures.with_open_amount(
        Invoice.objects.filter(pk=document.invoice_id).select_related("contract")
    ).get()
    return {
        "invoice": invoice,
        "days_overdue": rules.days_overdue(invoice.due_date, timezone.localdate())
        if invoice.open_amount > 0
        else 0,
    }


@register.simple_tag
def account_figures(account) -> dict:
    """`{% account_figures account as f %}`: an account's ledger balance, what is overdue and
    its unallocated credit, for the collection request's card (R-15.3)."""
    today = timezone.localdate()
    open_rows = figures.open_invoices(account.pk)
    overdue = sum((i.open_amount for i in open_rows if i.due_date < today), figures.ZERO)
    return {
        "balance": figures.balance(account.pk),
        "overdue": overdue,
        "credit": figures.unallocated_credit(account.pk),
    }
