"""What the invoicing pages (views_invoices, views_issued, views_writeoffs) and the approval
cards share: the contract's invoicing figures, the approval rows in words, an id as a client
sends it, and a service's refusal turned into a message or form errors (never a 500)."""

import re
from dataclasses import dataclass
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q, Sum
from django.utils.translation import gettext as _
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.exceptions import ValidationError

from approvals.chains import describe
from approvals.templatetags.approval_words import approval_step
from common.errors import DomainError
from shipping.progress import net_shipped_value, net_shipped_values
from staff.choices import Role
from staff.permissions import may_in_any_office

from . import figures
from .models import Invoice, InvoiceRequest

ZERO = Decimal("0.00")
LIST_LIMIT = 200


def an_id(raw) -> int | None:
    """An id as a client sends it: ASCII digits only."""
    raw = str(raw or "")
    return int(raw) if re.fullmatch(r"[0-9]{1,18}", raw) else None


def may_read(user) -> bool:
    """Who opens the invoicing lists at all: whoever sees receivables in one of their offices
    (the selectors narrow the rows)."""
    return user.has_role(Role.DIRECTOR, Role.EXECUTIVE) or may_in_any_office(
        user, "receivables.view"
    )


def may_read_office(user) -> bool:
    """The office-wide lists (to credit, write-offs): managers, finance, director, executive."""
    return user.has_role(Role.DIRECTOR, Role.EXECUTIVE) or may_in_any_office(
        user, "receivables.office"
    )


@dataclass(frozen=True)
class ContractFigures:
    """R-14.2: what a contract may be invoiced, for the request pages and the manager's card."""

    total: Decimal
    shipped_net: Decimal  # value shipped net of returns
    cap: Decimal  # the total when it is invoiced before delivery
    invoiced: Decimal  # ordinary invoices, less red-letter ones
    held: Decimal  # other requests waiting to be issued
    left: Decimal  # what may still be asked for
    before_delivery: bool


def _figures(contract, *, invoiced, credited, shipped_net, held) -> ContractFigures:
    # figures.invoiceable's sum, from figures read once
    cap = figures.invoice_cap(contract, shipped_net=shipped_net)
    return ContractFigures(
        total=contract.total,
        shipped_net=shipped_net,
        cap=cap,
        invoiced=invoiced - credited,
        held=held,
        left=max(cap - (invoiced - credited) - held, ZERO),
        before_delivery=contract.invoice_before_delivery,
    )


def contract_figures(contract, *, excluding_request: int | None = None) -> ContractFigures:
    invoiced, credited = figures.contract_invoiced(contract)
    return _figures(
        contract,
        invoiced=invoiced,
        credited=credited,
        shipped_net=net_shipped_value(contract),
        held=figures.held_by_requests(contract, excluding=excluding_request),
    )


def attach_contract_figures(requests: list[InvoiceRequest]) -> None:
    """contract_figures of a page of invoice requests (the inbox's cards), in three queries
    whatever their number; each request keeps its own as `contract_figures`."""
    ids = {r.contract_id for r in requests}
    sums = {
        row["contract_id"]: row
        for row in Invoice.objects.filter(contract_id__in=ids)
        .order_by()
        .values("contract_id")
        .annotate(
            invoiced=Sum("amount", filter=Q(red_of__isnull=True)),
            credited=Sum("amount", filter=Q(red_of__isnull=False)),
        )
    }
    shipped = net_shipped_values(ids)
    holding = list(
        InvoiceRequest.objects.filter(
            contract_id__in=ids, status__in=figures.HOLDING_REQUEST
        ).values_list("pk", "contract_id", "amount")
    )
    for request in requests:
        row = sums.get(request.contract_id, {})
        request.contract_figures = _figures(
            request.contract,
            invoiced=row.get("invoiced") or ZERO,
            credited=row.get("credited") or ZERO,
            shipped_net=shipped.get(request.contract_id, ZERO),
            held=sum(
                (a for pk, c, a in holding if c == request.contract_id and pk != request.pk),
                ZERO,
            ),
        )


def approval_rows(document) -> tuple[list, str]:
    """The current round's steps (each with `words`: who decides it) and the chain in words."""
    rows = list(document.approvals().select_related("decided_by"))
    for row in rows:
        row.words = approval_step(row)
    if rows:
        steps = " → ".join(row.words for row in rows if row.state != "skipped")
        return rows, _("This document needs: %(steps)s") % {"steps": steps}
    return rows, describe(document.approval_document_type, document)


def flatten(detail) -> list[str]:
    """Every message of a ValidationError's detail (lists and dicts within), in order."""
    out: list[str] = []

    def walk(value):
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list | tuple):
            for item in value:
                walk(item)
        else:
            out.append(str(value))

    walk(detail)
    return out


def run(request, action, success: str) -> bool:
    """A service called from a button: refused → 403; its conflict or error → a message."""
    try:
        action()
    except ApiPermissionDenied as exc:
        raise PermissionDenied from exc
    except ValidationError as exc:
        for text in flatten(exc.detail):
            messages.error(request, text)
    except DomainError as exc:
        messages.error(request, str(exc.detail))
    else:
        messages.success(request, success)
        return True
    return False


def apply_errors(form, exc: ValidationError, *, rows: list[int] = (), aliases=None) -> None:
    """A service's ValidationError onto the form: `lines` ({index: [..]} or [..]) on the row
    of that index (`rows`: the form row of each line passed), a field the form has on that
    field (`aliases` renames the service's), the rest above the form."""
    aliases = aliases or {}
    detail = exc.detail if isinstance(exc.detail, dict) else {None: exc.detail}
    for field, errors in detail.items():
        if field == "lines" and isinstance(errors, dict):
            for index, problems in errors.items():
                position = int(index)
                target = None
                if 0 <= position < len(rows):
                    target = form.name_of(rows[position])
                form.add_error(target, flatten(problems))
            continue
        name = aliases.get(field, field)
        form.add_error(name if name in form.fields else None, flatten(errors))
