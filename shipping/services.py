"""Writes of shipping and returns (R-13): one transaction each.

Locks are always taken in one order — the contract's row, then the document's, then the stock
balances (stock.services.stock_moves) — so that two writers never deadlock. Every quantity that
a contract line may not exceed (left to request, R-13.1; left to return, R-13.5) is checked
under the contract's row lock, so two documents racing for the last units see each other.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import PermissionDenied, ValidationError

from approvals.services import approval_decide, approval_submit, approvals_void
from common.errors import DomainError
from common.numbering import next_number
from common.uploads import check_upload
from contracts.choices import ContractStatus
from contracts.choices import EventKind as ContractEventKind
from contracts.models import ContractEvent, ContractLine, SalesContract
from notifications.services import notify
from staff.choices import Role
from staff.permissions import may
from stock.choices import MoveKind
from stock.services import Line as StockLine
from stock.services import stock_moves

from . import progress as P
from .choices import (
    ORDER_PREFIX,
    RED_ORDER_PREFIX,
    REQUEST_PREFIX,
    RETURN_PREFIX,
    OrderStatus,
    RequestStatus,
    ReturnKind,
    ReturnStatus,
)
from .models import (
    Confirmation,
    ConfirmationLine,
    DemandLine,
    DemandRequest,
    FirstOrderDelay,
    OutboundLine,
    OutboundOrder,
    ReturnLine,
    ReturnRequest,
    Shipment,
    ShipmentLine,
)

MAX_LINES = 200
MAX_TEXT = 2000
# a contract takes requests and returns while it is signed, and after it is fulfilled (an
# exchange's replacement, a late return)
OPEN_CONTRACT = (ContractStatus.SIGNED, ContractStatus.FULFILLED)


@dataclass(frozen=True)
class LineInput:
    """A line as a page or the API gives it: a product of the contract (or the contract line
    itself, where the product is on several lines) and a quantity; a return also names the
    specification."""

    product: object = None
    quantity: Decimal = Decimal("0")
    contract_line: object = None
    specification: str = ""


# ---------------------------------------------------------------- helpers


def _today(office, now) -> datetime.date:
    return timezone.localtime(now, office.tzinfo).date()


def _number(office, prefix: str, now) -> dict:
    year = _today(office, now).year
    sequence, number = next_number(office=office, prefix=prefix, year=year)
    return {"number": number, "sequence": sequence, "year": year}


def _lock_contract(contract) -> SalesContract:
    return (
        SalesContract.objects.select_for_update(of=("self",))
        .select_related("office", "account")
        .get(pk=contract.pk)
    )


def _lock(document):
    model = type(document)
    return (
        model.objects.select_for_update(of=("self",)).select_related("office").get(pk=document.pk)
    )


def _text(value: str, field: str, *, required: bool, message=None) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: [message or _("This field is required.")]})
    if len(value) > MAX_TEXT:
        raise ValidationError({field: [_("Keep it under 2000 characters.")]})
    return value


def _check_quantity(quantity) -> str | None:
    if not isinstance(quantity, Decimal) or not quantity.is_finite() or quantity <= 0:
        return _("The quantity must be more than zero.")
    if quantity.as_tuple().exponent < -3 or quantity >= Decimal("1e11"):
        return _("Enter a quantity with at most 3 decimals.")
    return None


def is_contract_salesperson(user, contract) -> bool:
    """The contract's salesperson: its owner, the account's owner or deputy."""
    return user.pk in {contract.owner_id, contract.account.owner_id, contract.account.deputy_id}


def _people(office, role) -> list:
    return list(
        get_user_model()
        .objects.filter(is_active=True, groups__name=role, offices=office)
        .distinct()
        .order_by("pk")
    )


def _resolve_lines(contract, lines: list[LineInput], *, figures, limit_name: str) -> list:
    """Each given line as (contract line, quantity): its product must be on the contract (the
    contract line named where the product is on several), each contract line once, the
    quantity above zero and within `figures[line id]` (what is left). Errors per line."""
    if not lines:
        raise ValidationError({"lines": [_("Add at least one line.")]})
    if len(lines) > MAX_LINES:
        raise ValidationError({"lines": [_("At most 200 lines.")]})
    contract_lines = list(contract.lines.select_related("product").order_by("pk"))
    by_id = {cl.pk: cl for cl in contract_lines}
    errors, resolved, seen = [], [], set()
    for given in lines:
        problems: dict[str, list] = {}
        chosen = None
        if given.contract_line is not None:
            chosen = by_id.get(getattr(given.contract_line, "pk", given.contract_line))
            if chosen is None:
                problems["contract_line"] = [_("This line is not a line of the contract.")]
            elif given.product is not None and chosen.product_id != given.product.pk:
                problems["product"] = [_("This product is not the contract line's.")]
        elif given.product is not None:
            matches = [cl for cl in contract_lines if cl.product_id == given.product.pk]
            if not matches:
                problems["product"] = [_("This product is not on the contract.")]
            elif len(matches) > 1:
                problems["contract_line"] = [
                    _("This product is on several lines of the contract: name the line.")
                ]
            else:
                chosen = matches[0]
        else:
            problems["product"] = [_("Choose a product of the contract.")]
        quantity_problem = _check_quantity(given.quantity)
        if quantity_problem:
            problems["quantity"] = [quantity_problem]
        if chosen is not None and not problems:
            if chosen.pk in seen:
                problems["product"] = [_("Each line of the contract once.")]
            elif given.quantity > figures.get(chosen.pk, P.ZERO):
                problems["quantity"] = [
                    _("Only %(left)s %(unit)s are %(what)s on this line.")
                    % {
                        "left": f"{figures.get(chosen.pk, P.ZERO).normalize():f}",
                        "unit": chosen.product.unit,
                        "what": limit_name,
                    }
                ]
            seen.add(chosen.pk)
        errors.append(problems)
        resolved.append((chosen, given))
    if any(errors):
        raise ValidationError({"lines": errors})
    return resolved


def _contract_open(contract, code: str = "contract_not_signed") -> None:
    if contract.status not in OPEN_CONTRACT:
        raise DomainError(
            _("Only a signed contract ships or takes returns; this one is %(status)s.")
            % {"status": contract.get_status_display()},
            code=code,
        )


# ---------------------------------------------------------------- demand requests


def may_request(user, contract) -> bool:
    """R-13.1: the contract's salesperson or the branch's clerk."""
    if not may(user, "shipping.request", contract.office):
        return False
    return user.has_role(Role.CLERK) or is_contract_salesperson(user, contract)


@transaction.atomic
def request_create(
    *,
    actor,
    contract,
    lines: list[LineInput],
    now: datetime.datetime,
    note: str = "",
    exchange_for: ReturnRequest | None = None,
) -> DemandRequest:
    """R-13.1: a draft demand request, its quantities within what the contract has left to
    request (under the contract's row lock, so two requests racing for the last units: the
    second is refused)."""
    contract = _lock_contract(contract)
    if not may_request(actor, contract):
        raise PermissionDenied(
            _("Only the contract's salesperson or the branch's clerk requests goods.")
        )
    _contract_open(contract)
    note = _text(note, "note", required=False)
    left = {p.line.pk: p.left_to_request for p in P.contract_progress(contract)}
    resolved = _resolve_lines(contract, lines, figures=left, limit_name=_("left to request"))
    request = DemandRequest.objects.create(
        office=contract.office,
        contract=contract,
        exchange_for=exchange_for,
        note=note,
        author=actor,
        owner=contract.owner,
        created_at=now,
        **_number(contract.office, REQUEST_PREFIX, now),
    )
    DemandLine.objects.bulk_create(
        [
            DemandLine(
                request=request,
                contract_line=line,
                product_id=line.product_id,
                quantity=given.quantity,
            )
            for line, given in resolved
        ]
    )
    return request


def may_handle_request(user, request: DemandRequest) -> bool:
    """Submit or withdraw a request: its author, the contract's salesperson, the clerk."""
    if not may(user, "shipping.request", request.office):
        return False
    return (
        user.pk == request.author_id
        or user.has_role(Role.CLERK)
        or is_contract_salesperson(user, request.contract)
    )


@transaction.atomic
def request_submit(*, request: DemandRequest, actor, now) -> DemandRequest:
    """R-8: draft or rejected → pending, the branch manager's step first. The contract must
    still be open (a cancelled contract's requests are cancelled with it)."""
    contract = _lock_contract(request.contract)
    request = _lock(request)
    if not may_handle_request(actor, request):
        raise PermissionDenied(_("Only the request's author or the branch's clerk submits it."))
    _contract_open(contract)
    return approval_submit(document=request, actor=actor, now=now)


@transaction.atomic
def request_cancel(*, request: DemandRequest, actor, now) -> DemandRequest:
    """A draft or rejected request withdrawn by its author, the salesperson or the clerk; an
    approved one not yet issued by the branch manager. Its quantities are free again."""
    from staff.permissions import manages

    _lock_contract(request.contract)
    request = _lock(request)
    allowed = {RequestStatus.DRAFT, RequestStatus.REJECTED}
    if manages(actor, request.office):
        allowed.add(RequestStatus.APPROVED)
    elif not may_handle_request(actor, request):
        raise PermissionDenied(_("You may not withdraw this request."))
    if request.status not in allowed:
        raise DomainError(
            _("A request that is %(status)s cannot be withdrawn.")
            % {"status": request.get_status_display()},
            code="not_cancellable",
        )
    request.status, request.cancelled_at, request.cancelled_by = (
        RequestStatus.CANCELLED,
        now,
        actor,
    )
    request.save(update_fields=["status", "cancelled_at", "cancelled_by"])
    return request


def request_approved(request: DemandRequest, *, actor, now) -> None:
    """The director approved (approvals.registry on_approved): the branch's clerks are told to
    issue the outbound order, the salesperson that the goods are coming."""
    request.approved_at = now
    request.save(update_fields=["approved_at"])
    params = {"number": request.number, "account": request.contract.account.name}
    url = reverse("shipping:request", args=[request.pk])
    for clerk in _people(request.office, Role.CLERK):
        notify(kind="demand_to_issue", params=params, now=now, url=url, recipient=clerk)
    notify(kind="demand_approved", params=params, now=now, url=url, recipient_id=request.owner_id)


def request_rejected(request: DemandRequest, *, actor, now) -> None:
    step = request.approvals().filter(state="rejected").order_by("-decided_at", "-pk").first()
    notify(
        kind="demand_rejected",
        params={
            "number": request.number,
            "account": request.contract.account.name,
            "by": str(actor),
            "comment": step.comment if step else "",
        },
        now=now,
        url=reverse("shipping:request", args=[request.pk]),
        recipient_id=request.owner_id,
    )


# ---------------------------------------------------------------- outbound orders


def _check_warehouse(warehouse, office) -> None:
    if warehouse is None or warehouse.office_id != office.pk:
        raise ValidationError({"warehouse": [_("Choose a warehouse of the contract's branch.")]})


def _tell_keepers(order: OutboundOrder, *, now) -> None:
    keepers = [order.warehouse.keeper] if order.warehouse.keeper_id else []
    keepers = [k for k in keepers if k.is_active] or _people(order.office, Role.WAREHOUSE)
    params = {
        "number": order.number,
        "account": order.contract.account.name,
        "warehouse": order.warehouse.name,
        "red": order.red,
    }
    url = reverse("shipping:order", args=[order.pk])
    for keeper in keepers:
        notify(kind="outbound_to_ship", params=params, now=now, url=url, recipient=keeper)


@transaction.atomic
def order_issue(
    *, actor, demand_request: DemandRequest, warehouse, now, note: str = ""
) -> OutboundOrder:
    """R-13.2: the clerk issues the numbered outbound order of an approved demand request: its
    lines are the request's (complete and matching), the warehouse one of the branch; it goes
    to the warehouse keeper's queue."""
    contract = _lock_contract(demand_request.contract)
    request = _lock(demand_request)
    if not may(actor, "shipping.issue", request.office):
        raise PermissionDenied(_("Only the branch's clerk issues outbound orders."))
    if request.status == RequestStatus.ISSUED:
        raise DomainError(
            _("The outbound order of this request is issued already."), code="already_issued"
        )
    if request.status != RequestStatus.APPROVED:
        raise DomainError(
            _("Only an approved demand request becomes an outbound order."), code="not_approved"
        )
    _contract_open(contract)
    _check_warehouse(warehouse, request.office)
    note = _text(note, "note", required=False)
    order = OutboundOrder.objects.create(
        office=request.office,
        contract=contract,
        demand_request=request,
        warehouse=warehouse,
        issued_by=actor,
        issued_at=now,
        note=note,
        **_number(request.office, ORDER_PREFIX, now),
    )
    OutboundLine.objects.bulk_create(
        [
            OutboundLine(
                order=order,
                contract_line_id=line.contract_line_id,
                product_id=line.product_id,
                quantity=line.quantity,
            )
            for line in request.lines.order_by("pk")
        ]
    )
    request.status = RequestStatus.ISSUED
    request.save(update_fields=["status"])
    _tell_keepers(order, now=now)
    return order


@transaction.atomic
def red_order_issue(*, actor, return_request: ReturnRequest, warehouse, now) -> OutboundOrder:
    """R-13.5: the clerk issues the red outbound order (红字出库单) of an approved return, once:
    its lines are the return's; the warehouse keeper receives the goods back on it."""
    contract = _lock_contract(return_request.contract)
    ret = _lock(return_request)
    if not may(actor, "shipping.issue", ret.office):
        raise PermissionDenied(_("Only the branch's clerk issues red outbound orders."))
    if OutboundOrder.objects.filter(return_request=ret).exists():
        raise DomainError(
            _("The red outbound order of this return is issued already."), code="already_issued"
        )
    if ret.status != ReturnStatus.APPROVED:
        raise DomainError(
            _("Only an approved return gets a red outbound order."), code="not_approved"
        )
    _check_warehouse(warehouse, ret.office)
    try:
        with transaction.atomic():
            order = OutboundOrder.objects.create(
                office=ret.office,
                contract=contract,
                return_request=ret,
                red=True,
                warehouse=warehouse,
                issued_by=actor,
                issued_at=now,
                **_number(ret.office, RED_ORDER_PREFIX, now),
            )
    except IntegrityError as exc:  # the one-to-one: issued concurrently
        if not OutboundOrder.objects.filter(return_request=ret).exists():
            raise
        raise DomainError(
            _("The red outbound order of this return is issued already."), code="already_issued"
        ) from exc
    OutboundLine.objects.bulk_create(
        [
            OutboundLine(
                order=order,
                contract_line_id=line.contract_line_id,
                product_id=line.product_id,
                quantity=line.quantity,
            )
            for line in ret.lines.order_by("pk")
        ]
    )
    ret.status = ReturnStatus.ISSUED
    ret.save(update_fields=["status"])
    _tell_keepers(order, now=now)
    return order


# ---------------------------------------------------------------- shipping


def _contract_event(contract, kind, *, actor, now, **detail) -> None:
    ContractEvent.objects.create(contract=contract, kind=kind, actor=actor, at=now, detail=detail)


def settle_fulfilment(contract: SalesContract, *, actor, now) -> SalesContract:
    """A signed contract whose every line has shipped (net of exchanged goods that came back)
    is fulfilled; a fulfilled one owing goods again (an exchange received back) is signed
    again until the replacement ships. Called under the contract's row lock."""
    complete = P.is_complete(P.contract_progress(contract))
    if contract.status == ContractStatus.SIGNED and complete:
        contract.status, contract.fulfilled_at = ContractStatus.FULFILLED, now
        contract.save(update_fields=["status", "fulfilled_at"])
        _contract_event(contract, ContractEventKind.FULFILLED, actor=actor, now=now)
    elif contract.status == ContractStatus.FULFILLED and not complete:
        contract.status, contract.fulfilled_at = ContractStatus.SIGNED, None
        contract.save(update_fields=["status", "fulfilled_at"])
        _contract_event(contract, ContractEventKind.REOPENED, actor=actor, now=now)
    return contract


@transaction.atomic
def order_ship(*, actor, order: OutboundOrder, lines: list[LineInput], now) -> Shipment:
    """R-13.3: the warehouse keeper ships all or part of an open order (a red order: receives
    the goods back). Each line at most what remains of it; stock moves through the ledger
    (never below zero: 409 insufficient_stock); the rest stays open. When everything of the
    contract has shipped it is fulfilled; a red order fully received completes its return."""
    contract = _lock_contract(order.contract)
    order = _lock(order)
    if not may(actor, "shipping.ship", order.office):
        raise PermissionDenied(_("Only a warehouse keeper of the branch ships."))
    if not order.is_open:
        raise DomainError(_("This outbound order has nothing left to ship."), code="order_closed")
    if not order.red:
        # a contract sent back to draft by an amendment ships again once signed again
        _contract_open(contract)
    if not lines:
        raise ValidationError({"lines": [_("Add at least one line.")]})
    if len(lines) > MAX_LINES:
        raise ValidationError({"lines": [_("At most 200 lines.")]})
    # of=self: the joined products are not locked (two orders sharing products would lock
    # them in different orders and deadlock); the stock balances are locked by stock_moves
    lines_query = order.lines.select_for_update(of=("self",)).select_related("product")
    order_lines = list(lines_query.order_by("pk"))
    by_product: dict[int, list[OutboundLine]] = {}
    for ol in order_lines:
        by_product.setdefault(ol.product_id, []).append(ol)
    by_contract_line = {ol.contract_line_id: ol for ol in order_lines}
    errors, chosen, seen = [], [], set()
    for given in lines:
        problems: dict[str, list] = {}
        target = None
        if given.contract_line is not None:
            target = by_contract_line.get(getattr(given.contract_line, "pk", given.contract_line))
        elif given.product is not None:
            matches = by_product.get(given.product.pk, [])
            target = matches[0] if len(matches) == 1 else None
        if target is None:
            problems["product"] = [_("This product is not on the outbound order.")]
        problem = _check_quantity(given.quantity)
        if problem:
            problems["quantity"] = [problem]
        elif target is not None:
            if target.pk in seen:
                problems["product"] = [_("Each line of the order once.")]
            elif given.quantity > target.remaining:
                problems["quantity"] = [
                    _("Only %(left)s %(unit)s are left on this line.")
                    % {"left": f"{target.remaining.normalize():f}", "unit": target.product.unit}
                ]
            seen.add(target.pk)
        errors.append(problems)
        chosen.append((target, given.quantity))
    if any(errors):
        raise ValidationError({"lines": errors})
    sign = Decimal(1) if order.red else Decimal(-1)
    stock_moves(
        lines=[StockLine(order.warehouse, target.product, sign * q) for target, q in chosen],
        kind=MoveKind.RED_OUTBOUND if order.red else MoveKind.OUTBOUND,
        reason=order.number,
        actor=actor,
        now=now,
        document=order,
    )
    shipment = Shipment.objects.create(order=order, shipped_by=actor, shipped_at=now)
    ShipmentLine.objects.bulk_create(
        [ShipmentLine(shipment=shipment, order_line=t, quantity=q) for t, q in chosen]
    )
    for target, quantity in chosen:
        target.shipped += quantity
    OutboundLine.objects.bulk_update([t for t, _q in chosen], ["shipped"])
    done = all(ol.remaining == 0 for ol in order_lines)
    order.status = OrderStatus.DONE if done else OrderStatus.PARTIAL
    order.save(update_fields=["status"])
    if order.red and done:
        ReturnRequest.objects.filter(pk=order.return_request_id).update(
            status=ReturnStatus.RECEIVED
        )
    settle_fulfilment(contract, actor=actor, now=now)
    if not order.red:
        notify(
            kind="goods_shipped",
            params={"number": order.number, "account": contract.account.name, "done": done},
            now=now,
            url=reverse("shipping:order", args=[order.pk]),
            recipient_id=contract.owner_id,
        )
    return shipment


# ---------------------------------------------------------------- confirmations


@transaction.atomic
def confirmation_record(
    *,
    actor,
    order: OutboundOrder,
    signed_by: str,
    signed_on: datetime.date,
    lines: list[LineInput],
    now,
    note: str = "",
    upload=None,
) -> Confirmation:
    """R-13.4: the clerk records the customer's confirmation of goods received: who signed,
    the day (not in the future, not before the order), the quantities (each at most what
    shipped and is not confirmed yet), with its scan or photo when there is one."""
    order = _lock(order)
    if not may(actor, "shipping.confirm", order.office):
        raise PermissionDenied(_("Only the branch's clerk records customer confirmations."))
    if order.red:
        raise DomainError(
            _("A red outbound order brings goods back: nothing to confirm."), code="red_order"
        )
    signed_by = _text(signed_by, "signed_by", required=True)
    if len(signed_by) > 100:
        raise ValidationError({"signed_by": [_("Keep the name under 100 characters.")]})
    note = _text(note, "note", required=False)
    today = _today(order.office, now)
    issued_on = _today(order.office, order.issued_at)
    if signed_on is None or signed_on > today:
        raise ValidationError({"signed_on": [_("The day the customer signed cannot be ahead.")]})
    if signed_on < issued_on:
        raise ValidationError(
            {"signed_on": [_("The customer cannot have signed before the order was issued.")]}
        )
    kind = check_upload(upload, field="scan") if upload is not None else None
    order_lines = list(order.lines.select_related("product").order_by("pk"))
    confirmed = {
        row["order_line"]: row["total"]
        for row in ConfirmationLine.objects.filter(order_line__order=order)
        .values("order_line")
        .annotate(total=Sum("quantity"))
    }
    if not lines:
        raise ValidationError({"lines": [_("Add at least one line.")]})
    errors, chosen, seen = [], [], set()
    for given in lines:
        problems: dict[str, list] = {}
        target = None
        if given.contract_line is not None:
            key = getattr(given.contract_line, "pk", given.contract_line)
            target = next((ol for ol in order_lines if ol.contract_line_id == key), None)
        elif given.product is not None:
            matches = [ol for ol in order_lines if ol.product_id == given.product.pk]
            target = matches[0] if len(matches) == 1 else None
        if target is None:
            problems["product"] = [_("This product is not on the outbound order.")]
        quantity = given.quantity
        if not isinstance(quantity, Decimal) or not quantity.is_finite() or quantity < 0:
            problems["quantity"] = [_("The quantity cannot be negative.")]
        elif quantity.as_tuple().exponent < -3 or quantity >= Decimal("1e11"):
            problems["quantity"] = [_("Enter a quantity with at most 3 decimals.")]
        elif target is not None:
            open_quantity = target.shipped - confirmed.get(target.pk, P.ZERO)
            if target.pk in seen:
                problems["product"] = [_("Each line of the order once.")]
            elif quantity > open_quantity:
                problems["quantity"] = [
                    _("Only %(left)s %(unit)s shipped and are not confirmed yet.")
                    % {"left": f"{open_quantity.normalize():f}", "unit": target.product.unit}
                ]
            seen.add(target.pk)
        errors.append(problems)
        chosen.append((target, quantity))
    if any(errors):
        raise ValidationError({"lines": errors})
    if not any(q > 0 for _t, q in chosen):
        raise ValidationError({"lines": [_("The customer received nothing on this form.")]})
    confirmation = Confirmation(
        order=order,
        office=order.office,
        signed_by=signed_by,
        signed_on=signed_on,
        note=note,
        recorded_by=actor,
        recorded_at=now,
    )
    stored = None
    if kind is not None:
        confirmation.scan.save(f"confirmation.{kind.extension}", upload, save=False)
        confirmation.scan_type = kind.content_type
        stored = confirmation.scan.name
    try:
        confirmation.save()
        ConfirmationLine.objects.bulk_create(
            [
                ConfirmationLine(confirmation=confirmation, order_line=t, quantity=q)
                for t, q in chosen
            ]
        )
    except Exception:
        if stored:
            confirmation.scan.storage.delete(stored)
        raise
    return confirmation


@transaction.atomic
def confirmation_attach_scan(*, actor, confirmation: Confirmation, upload) -> Confirmation:
    """The scan or photo of a confirmation recorded without one (R-13.4); once."""
    confirmation = Confirmation.objects.select_for_update().get(pk=confirmation.pk)
    if not may(actor, "shipping.confirm", confirmation.office):
        raise PermissionDenied(_("Only the branch's clerk files customer confirmations."))
    if confirmation.scan:
        raise DomainError(_("This confirmation has its scan already."), code="already_filed")
    kind = check_upload(upload, field="scan")
    confirmation.scan.save(f"confirmation.{kind.extension}", upload, save=False)
    stored = confirmation.scan.name
    try:
        confirmation.scan_type = kind.content_type
        confirmation.save(update_fields=["scan", "scan_type"])
    except Exception:
        confirmation.scan.storage.delete(stored)
        raise
    return confirmation


# ---------------------------------------------------------------- the first order


@transaction.atomic
def first_order_delay_explain(*, actor, contract, reason: str, now) -> FirstOrderDelay:
    """R-13.2: the clerk or the manager says why a contract's first outbound order is late;
    a later word replaces the earlier one."""
    if not may(actor, "shipping.late", contract.office):
        raise PermissionDenied(_("Only the branch's clerk or manager explains a late order."))
    reason = _text(reason, "reason", required=True, message=_("Say why the order is late."))
    delay, _created = FirstOrderDelay.objects.update_or_create(
        contract=contract,
        defaults={"reason": reason, "recorded_by": actor, "recorded_at": now},
    )
    return delay


# ---------------------------------------------------------------- returns


def may_handle_return(user, ret: ReturnRequest) -> bool:
    """The return's salesperson: its author, the contract's salesperson."""
    if not may(user, "shipping.return", ret.office):
        return False
    return user.pk == ret.author_id or is_contract_salesperson(user, ret.contract)


@transaction.atomic
def return_create(
    *,
    actor,
    contract,
    lines: list[LineInput],
    reason: str,
    now,
    kind: str = ReturnKind.RETURN,
) -> ReturnRequest:
    """R-13.5: the salesperson records the customer's return or exchange against the contract:
    product, specification, quantity and reason; each quantity at most shipped − returned
    (returns in progress count), under the contract's row lock."""
    contract = _lock_contract(contract)
    if not may(actor, "shipping.return", contract.office) or not is_contract_salesperson(
        actor, contract
    ):
        raise PermissionDenied(_("Only the contract's salesperson records a return."))
    _contract_open(contract)
    if kind not in ReturnKind.values:
        raise ValidationError({"kind": [_("Choose a return or an exchange.")]})
    reason = _text(reason, "reason", required=True, message=_("Give the customer's reason."))
    left = {p.line.pk: p.left_to_return for p in P.contract_progress(contract)}
    resolved = _resolve_lines(contract, lines, figures=left, limit_name=_("left to return"))
    for _line, given in resolved:
        if len(given.specification or "") > 200:
            raise ValidationError({"lines": [_("Keep the specification under 200 characters.")]})
    ret = ReturnRequest.objects.create(
        office=contract.office,
        contract=contract,
        kind=kind,
        reason=reason,
        author=actor,
        owner=contract.owner,
        created_at=now,
        **_number(contract.office, RETURN_PREFIX, now),
    )
    ReturnLine.objects.bulk_create(
        [
            ReturnLine(
                request=ret,
                contract_line=line,
                product_id=line.product_id,
                specification=(given.specification or "").strip() or line.product.specification,
                quantity=given.quantity,
            )
            for line, given in resolved
        ]
    )
    return ret


@transaction.atomic
def return_submit(*, ret: ReturnRequest, actor, now) -> ReturnRequest:
    """R-8: draft or rejected → pending (the manager's confirmation first). A return refused
    as not genuine is never submitted again."""
    contract = _lock_contract(ret.contract)
    ret = _lock(ret)
    if not may_handle_return(actor, ret):
        raise PermissionDenied(_("Only the return's salesperson submits it."))
    if ret.refused:
        raise DomainError(
            _("The technician found these goods not genuine: the return is refused."),
            code="not_genuine",
        )
    _contract_open(contract)
    return approval_submit(document=ret, actor=actor, now=now)


@transaction.atomic
def return_cancel(*, ret: ReturnRequest, actor, now) -> ReturnRequest:
    """The salesperson withdraws a draft or rejected return; its quantities are free again."""
    _lock_contract(ret.contract)
    ret = _lock(ret)
    if not may_handle_return(actor, ret):
        raise PermissionDenied(_("Only the return's salesperson withdraws it."))
    if ret.status not in (ReturnStatus.DRAFT, ReturnStatus.REJECTED) or ret.refused:
        raise DomainError(
            _("A return that is %(status)s cannot be withdrawn.")
            % {"status": ret.get_status_display()},
            code="not_cancellable",
        )
    ret.status, ret.cancelled_at = ReturnStatus.CANCELLED, now
    ret.save(update_fields=["status", "cancelled_at"])
    return ret


@transaction.atomic
def return_inspect(*, ret: ReturnRequest, actor, genuine: bool, note: str, now) -> ReturnRequest:
    """R-13.5: the technician's inspection decides the return's technician step: genuine
    approves it (on to the director); not genuine rejects it for good, with the note."""
    if not actor.has_role(Role.TECHNICIAN):
        raise PermissionDenied(_("Only the technical department inspects returned goods."))
    note = _text(
        note,
        "note",
        required=not genuine,
        message=_("Say what shows the goods are not genuine."),
    )
    step = ret.approvals().filter(role=Role.TECHNICIAN).first()
    if step is None or step.state != "pending":
        raise DomainError(_("This return is not waiting for the inspection."), code="not_pending")
    return approval_decide(
        approval=step,
        actor=actor,
        decision="approve" if genuine else "reject",
        comment=note,
        now=now,
    )


def return_step_decided(ret: ReturnRequest, approval, *, actor, now) -> None:
    """Each decided step of a return (approvals.registry on_step): the technician's step
    records the inspection (approve = genuine, reject = not genuine, final)."""
    if approval.role != Role.TECHNICIAN:
        return
    ret.genuine = approval.state == "approved"
    ret.inspected_by, ret.inspected_at = actor, now
    ret.inspection_note = approval.comment
    ret.save(update_fields=["genuine", "inspected_by", "inspected_at", "inspection_note"])


def return_approved(ret: ReturnRequest, *, actor, now) -> None:
    """The director approved the red-letter request (退货详单): the clerks issue the red
    outbound order; an exchange gets its draft demand request for the replacement goods."""
    ret.approved_at = now
    ret.save(update_fields=["approved_at"])
    params = {"number": ret.number, "account": ret.contract.account.name}
    url = reverse("shipping:return", args=[ret.pk])
    for clerk in _people(ret.office, Role.CLERK):
        notify(kind="return_to_issue", params=params, now=now, url=url, recipient=clerk)
    notify(kind="return_approved", params=params, now=now, url=url, recipient_id=ret.owner_id)
    if ret.kind == ReturnKind.EXCHANGE:
        request = DemandRequest.objects.create(
            office=ret.office,
            contract=ret.contract,
            exchange_for=ret,
            note=str(_("Replacement goods for the exchange %(number)s") % {"number": ret.number}),
            author=ret.author,
            owner=ret.owner,
            created_at=now,
            **_number(ret.office, REQUEST_PREFIX, now),
        )
        DemandLine.objects.bulk_create(
            [
                DemandLine(
                    request=request,
                    contract_line_id=line.contract_line_id,
                    product_id=line.product_id,
                    quantity=line.quantity,
                )
                for line in ret.lines.order_by("pk")
            ]
        )


def return_rejected(ret: ReturnRequest, *, actor, now) -> None:
    step = ret.approvals().filter(state="rejected").order_by("-decided_at", "-pk").first()
    notify(
        kind="return_rejected",
        params={
            "number": ret.number,
            "account": ret.contract.account.name,
            "by": str(actor),
            "comment": step.comment if step else "",
            "refused": bool(step and step.role == Role.TECHNICIAN),
        },
        now=now,
        url=reverse("shipping:return", args=[ret.pk]),
        recipient_id=ret.owner_id,
    )


@transaction.atomic
def return_certificate(*, ret: ReturnRequest, actor, reason: str, now) -> ReturnRequest:
    """R-13.5: when the customer's documents (票) cannot be recovered, the salesperson fills
    the return certificate (销售退货证明单) on the return, saying why."""
    ret = _lock(ret)
    if not may_handle_return(actor, ret):
        raise PermissionDenied(_("Only the return's salesperson fills its certificate."))
    if ret.status == ReturnStatus.CANCELLED or ret.refused:
        raise DomainError(_("This return is closed."), code="return_closed")
    reason = _text(
        reason,
        "reason",
        required=True,
        message=_("Say why the customer's documents cannot be recovered."),
    )
    ret.certificate_reason, ret.certificate_by, ret.certificate_at = reason, actor, now
    ret.save(update_fields=["certificate_reason", "certificate_by", "certificate_at"])
    return ret


# ---------------------------------------------------------------- a contract cancelled


def contract_cancelled(contract: SalesContract, *, actor, now) -> None:
    """R-12.4, called by contracts.services.contract_cancel under the contract's lock: what
    has not shipped ends with the contract — its open demand requests are cancelled (their
    approvals voided), the remainders of its open outbound orders closed."""
    requests = DemandRequest.objects.select_for_update().filter(
        contract=contract,
        status__in=[
            RequestStatus.DRAFT,
            RequestStatus.PENDING,
            RequestStatus.APPROVED,
            RequestStatus.REJECTED,
        ],
    )
    for request in requests:
        if request.status == RequestStatus.PENDING:
            request = approvals_void(
                document=request, actor=actor, now=now, comment=str(_("Contract cancelled."))
            )
        DemandRequest.objects.filter(pk=request.pk).update(
            status=RequestStatus.CANCELLED, cancelled_at=now, cancelled_by=actor
        )
    OutboundOrder.objects.filter(
        contract=contract, red=False, status__in=[OrderStatus.OPEN, OrderStatus.PARTIAL]
    ).update(status=OrderStatus.CLOSED, closed_at=now)


def open_return_blocks_cancel(contract: SalesContract) -> bool:
    """A return on its way (submitted, approved, its red order open) keeps the contract from
    being cancelled until it is settled."""
    return ReturnRequest.objects.filter(
        contract=contract,
        status__in=[ReturnStatus.PENDING, ReturnStatus.APPROVED, ReturnStatus.ISSUED],
    ).exists()


def shipped_net(contract: SalesContract) -> dict[int, Decimal]:
    """Line id → what the customer keeps of what shipped for this line (shipped less the
    exchanged goods that came back): what a cancellation cannot take away (R-12.4)."""
    return {p.line.pk: p.shipped - p.exchanged_back for p in P.contract_progress(contract)}


def requested_anything(contract: SalesContract) -> bool:
    """Whether a demand request (in any state) names the contract's lines: its lines are then
    kept (the requests point at them), so an amendment of the lines is refused (R-8.3)."""
    return DemandLine.objects.filter(contract_line__contract=contract).exists()


def shipped_anything(contract: SalesContract) -> bool:
    return ContractLine.objects.filter(
        contract=contract, outbound_lines__order__red=False, outbound_lines__shipped__gt=0
    ).exists()
