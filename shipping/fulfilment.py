"""What a contract's readers see of its fulfilment (R-13): the contract page's section (per line
ordered, requested, shipped, confirmed, returned, left to request; the links to its documents)
and a demand request beside its contract (R-13.1: the director reviews the contract with it)."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from contracts.models import SalesContract
from staff.permissions import may

from . import progress as P
from . import services
from .models import DemandRequest, OutboundOrder, ReturnRequest


@dataclass(frozen=True)
class BesideRow:
    """A contract line with what this request asks of it (zero: not asked)."""

    figures: P.LineProgress
    asked: Decimal


def request_beside(request: DemandRequest) -> list[BesideRow]:
    """Every line of the request's contract with the request's quantity beside its figures:
    ordered, requested (every live request, this one included), shipped, left to request
    (two queries)."""
    asked: dict[int, Decimal] = {}
    for line in request.lines.all():
        asked[line.contract_line_id] = asked.get(line.contract_line_id, P.ZERO) + line.quantity
    return [
        BesideRow(figures=p, asked=asked.get(p.line.pk, P.ZERO))
        for p in P.contract_progress(request.contract)
    ]


def _count(model, **extra):
    rows = (
        model.objects.filter(contract=OuterRef("pk"), **extra)
        .order_by()
        .values("contract")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def contract_fulfilment(user, contract: SalesContract) -> dict | None:
    """The contract page's fulfilment section, once the contract has been signed (two
    queries); None before. Whoever sees the contract sees its requests, orders and returns
    (shipping.selectors)."""
    if contract.signed_at is None:
        return None
    rows = P.contract_progress(contract)
    counts = (
        SalesContract.objects.filter(pk=contract.pk)
        .annotate(
            n_requests=_count(DemandRequest),
            n_orders=_count(OutboundOrder),
            n_returns=_count(ReturnRequest),
        )
        .values("n_requests", "n_orders", "n_returns")
        .first()
    ) or {"n_requests": 0, "n_orders": 0, "n_returns": 0}
    is_open = contract.status in services.OPEN_CONTRACT
    left = any(p.left_to_request > 0 for p in rows)
    shipped = any(p.left_to_return > 0 for p in rows)
    return {
        "rows": rows,
        "complete": P.is_complete(rows),
        **counts,
        "may_request": is_open and left and services.may_request(user, contract),
        # the contract's salesperson records a return of what shipped
        "may_return": is_open
        and shipped
        and may(user, "shipping.return", contract.office)
        and services.is_contract_salesperson(user, contract),
    }
