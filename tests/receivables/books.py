"""Helpers of the core receivables tests (helper E): the rows a refused write must leave as
they were, goods given back through shipping's services, and a signed contract of any terms."""

from decimal import Decimal

from contracts.factories import NOW, line, signed
from shipping import services as shipping
from shipping.factories import decide_all, decide_next, ship_order
from shipping.services import LineInput


def row_counts() -> dict[str, int]:
    """Every table of receivables a write can add to, and the approvals: "nothing saved"."""
    from approvals.models import Approval
    from receivables import models as m

    tables = [
        m.LedgerLine,
        m.Receipt,
        m.Allocation,
        m.Invoice,
        m.InvoiceRequest,
        m.InvoiceRequestLine,
        m.Refund,
        m.WriteOff,
        m.CollectionRequest,
        m.Handover,
        Approval,
    ]
    return {model.__name__: model.objects.count() for model in tables}


def give_back(contract, product, quantity, *, people, salesperson, clerk, keeper, depot, now=NOW):
    """R-13.5: the customer returns `quantity` of a product; the return is approved (manager,
    the technician's inspection, director), its red outbound order issued and the goods
    received back into the warehouse. The contract's value shipped net of returns falls."""
    manager, technician = people[0], people[3]
    ret = shipping.return_create(
        actor=salesperson,
        contract=contract,
        reason="损坏",
        lines=[LineInput(product=product, quantity=Decimal(quantity))],
        now=now,
    )
    shipping.return_submit(ret=ret, actor=salesperson, now=now)
    decide_next(ret, manager, now=now)
    shipping.return_inspect(ret=ret, actor=technician, genuine=True, note="", now=now)
    ret = decide_all(ret, people, now=now)
    order = shipping.red_order_issue(actor=clerk, return_request=ret, warehouse=depot, now=now)
    ship_order(order, now=now, keeper=keeper)
    return ret


def signed_contract(account, salesperson, product, approvers, quantity="10", **terms):
    """A signed contract of `quantity` motors at 100.00 (1,000.00 for 10), on `terms`
    (payment_terms_days, payment_basis, invoice_before_delivery)."""
    return signed(account, salesperson, [line(product, quantity)], approvers, now=NOW, **terms)
