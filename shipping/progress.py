"""What has become of each line of a contract (R-13): ordered, requested, shipped, confirmed,
returned — one query for a contract's lines, each figure a subquery summed in PostgreSQL.

Per contract line:
- ordered = quantity − cancelled (R-12.4)
- requested = the lines of its demand requests that are not cancelled (R-13.1)
- shipped = what ordinary outbound orders shipped (R-13.3)
- confirmed = what the customer's confirmations say was received (R-13.4)
- returning = the lines of live returns (not cancelled, not refused as not genuine): what a
  new return is limited by, returning ≤ shipped (R-13.5)
- received_back = what red outbound orders received back into stock
- exchanged = the lines of approved exchanges: quantity that may be requested again for the
  goods that replace them (R-13.5: an exchange is a return plus a new demand request)
- exchanged_back = what came back of exchanges

So: left to request = ordered − requested + exchanged; left to return = shipped − returning;
the line is complete when shipped − exchanged_back ≥ ordered (a plain return gives goods back
for good, it does not make the contract owe them again; an exchange does).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DecimalField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from contracts.models import ContractLine

from .choices import RequestStatus, ReturnKind, ReturnStatus
from .models import ConfirmationLine, DemandLine, OutboundLine, ReturnLine

ZERO = Decimal("0.000")
_Q = DecimalField(max_digits=14, decimal_places=3)

# returns that hold quantity: every state but cancelled, and a refused one (not genuine)
LIVE_RETURN = ~Q(request__status=ReturnStatus.CANCELLED) & ~Q(
    request__status=ReturnStatus.REJECTED, request__genuine=False
)
APPROVED_RETURN = Q(
    request__status__in=[ReturnStatus.APPROVED, ReturnStatus.ISSUED, ReturnStatus.RECEIVED]
)


def _sum(model, condition: Q, field: str, link: str = "contract_line"):
    rows = (
        model.objects.filter(condition, **{link: OuterRef("pk")})
        .order_by()
        .values(link)
        .annotate(total=Sum(field))
        .values("total")
    )
    return Coalesce(Subquery(rows, output_field=_Q), Value(ZERO), output_field=_Q)


def with_progress(qs: QuerySet[ContractLine]) -> QuerySet[ContractLine]:
    """Contract lines annotated with the figures of the module's docstring."""
    return qs.annotate(
        requested=_sum(DemandLine, ~Q(request__status=RequestStatus.CANCELLED), "quantity"),
        shipped=_sum(OutboundLine, Q(order__red=False), "shipped"),
        received_back=_sum(OutboundLine, Q(order__red=True), "shipped"),
        exchanged_back=_sum(
            OutboundLine,
            Q(order__red=True, order__return_request__kind=ReturnKind.EXCHANGE),
            "shipped",
        ),
        confirmed=_sum(ConfirmationLine, Q(), "quantity", link="order_line__contract_line"),
        returning=_sum(ReturnLine, LIVE_RETURN, "quantity"),
        exchanged=_sum(
            ReturnLine, APPROVED_RETURN & Q(request__kind=ReturnKind.EXCHANGE), "quantity"
        ),
    )


@dataclass(frozen=True)
class LineProgress:
    line: ContractLine
    ordered: Decimal
    requested: Decimal
    shipped: Decimal
    confirmed: Decimal
    returning: Decimal
    received_back: Decimal
    exchanged: Decimal
    exchanged_back: Decimal

    @property
    def left_to_request(self) -> Decimal:
        return max(self.ordered - self.requested + self.exchanged, ZERO)

    @property
    def left_to_return(self) -> Decimal:
        return max(self.shipped - self.returning, ZERO)

    @property
    def net_shipped(self) -> Decimal:
        """Shipped net of what came back (R-12.4, R-14.2)."""
        return self.shipped - self.received_back

    @property
    def to_ship(self) -> Decimal:
        """What the customer is still owed: ordered, less what shipped and stayed shipped
        (an exchange's goods that came back are owed again)."""
        return max(self.ordered - (self.shipped - self.exchanged_back), ZERO)

    @property
    def complete(self) -> bool:
        return self.to_ship == 0


def contract_progress(contract) -> list[LineProgress]:
    """Every line of a contract with its figures, in the contract's order (one query)."""
    rows = with_progress(contract.lines.select_related("product").order_by("pk"))
    return [
        LineProgress(
            line=row,
            ordered=row.quantity - row.cancelled_quantity,
            requested=row.requested,
            shipped=row.shipped,
            confirmed=row.confirmed,
            returning=row.returning,
            received_back=row.received_back,
            exchanged=row.exchanged,
            exchanged_back=row.exchanged_back,
        )
        for row in rows
    ]


def is_complete(progress: list[LineProgress]) -> bool:
    """R-13 (fulfilment): everything ordered has shipped, net of what came back to be
    exchanged. A contract without lines is never complete."""
    return bool(progress) and all(p.complete for p in progress)


def returned_value(contract) -> Decimal:
    """The value (tax included) of the goods received back on the contract's red outbound
    orders, each line priced as the contract line it came from."""
    total = Decimal("0.00")
    for p in contract_progress(contract):
        if p.received_back and p.line.quantity:
            total += p.line.amount * p.received_back / p.line.quantity
    return total.quantize(Decimal("0.01"))


def net_shipped_value(contract) -> Decimal:
    """R-14.2: the value (tax included) of what shipped and stayed shipped: each line's amount
    times (shipped − received back) ÷ quantity, to the cent per line, so that a line shipped
    in full is worth exactly its amount."""
    total = Decimal("0.00")
    for p in contract_progress(contract):
        if p.line.quantity:
            total += (p.line.amount * p.net_shipped / p.line.quantity).quantize(Decimal("0.01"))
    return total


def net_shipped_values(contract_ids) -> dict[int, Decimal]:
    """net_shipped_value of several contracts, in one query."""
    rows = with_progress(ContractLine.objects.filter(contract_id__in=contract_ids)).values_list(
        "contract_id", "amount", "quantity", "shipped", "received_back"
    )
    totals: dict[int, Decimal] = {}
    for contract_id, amount, quantity, shipped, back in rows:
        if quantity:
            value = (amount * (shipped - back) / quantity).quantize(Decimal("0.01"))
            totals[contract_id] = totals.get(contract_id, Decimal("0.00")) + value
    return totals
