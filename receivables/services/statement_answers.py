"""A statement of account after it is made (R-15.6): the account's salesperson sends it and
records the customer's answer, signed back as agreed (回签) or disputed item by item; each
difference stays open until finance or the branch manager resolves it, and the statement is
resolved with its last one. The result goes to the branch's finance and managers.

    draft ──send──▶ sent ──agreed──▶ agreed
                         └─disputed─▶ disputed ──last difference resolved──▶ resolved
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from rest_framework.exceptions import PermissionDenied, ValidationError

from common.errors import DomainError
from notifications.services import notify
from staff.choices import Role
from staff.permissions import may

from ..choices import StatementStatus
from ..models import Statement, StatementDifference
from . import base
from .requests import is_account_salesperson

MAX_DIFFERENCES = 200
ITEM_LENGTH = 200


@dataclass(frozen=True)
class DifferenceInput:
    """One item the customer disputes: what (a document, a line), by how much, why."""

    item: str
    amount: object
    note: str = ""


def may_answer(user, statement: Statement) -> bool:
    """The account's salesperson (owner or deputy) sends the statement and records the
    answer."""
    return may(user, "receivables.answer_statement", statement.office) and is_account_salesperson(
        user, statement.account
    )


def may_resolve(user, statement: Statement) -> bool:
    return may(user, "receivables.resolve_statement", statement.office)


def _lock(statement: Statement) -> Statement:
    return (
        Statement.objects.select_for_update(of=("self",))
        .select_related("office", "account")
        .get(pk=statement.pk)
    )


def _period_text(statement: Statement) -> str:
    """The half year as dates, the same in every language."""
    return f"{statement.start.isoformat()} – {statement.end.isoformat()}"


def _tell_branch(statement: Statement, kind: str, now) -> None:
    """The branch's finance and managers (R-15.6: the result goes to them)."""
    people = (
        get_user_model()
        .objects.filter(
            is_active=True, groups__name__in=[Role.FINANCE, Role.MANAGER], offices=statement.office
        )
        .distinct()
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    params = {"account": statement.account.name, "period": _period_text(statement)}
    url = reverse("receivables:statement", args=[statement.pk])
    for person in people:
        notify(kind=kind, params=params, now=now, url=url, recipient_id=person)


@transaction.atomic
def statement_send(*, statement: Statement, actor, now: datetime.datetime) -> Statement:
    """R-15.6: the salesperson sends the statement to the customer (draft → sent)."""
    statement = _lock(statement)
    if not may_answer(actor, statement):
        raise PermissionDenied(_("Only the account's salesperson sends its statement."))
    if statement.status != StatementStatus.DRAFT:
        raise DomainError(
            _("This statement was sent already (it is %(status)s).")
            % {"status": statement.get_status_display()},
            code="not_draft",
        )
    statement.status, statement.sent_at, statement.sent_by = StatementStatus.SENT, now, actor
    statement.save(update_fields=["status", "sent_at", "sent_by"])
    return statement


def _amount(value, field: str) -> Decimal:
    """A disputed amount: either sign (the customer's figure may be higher or lower), not
    zero, at most 2 decimals."""
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        amount = None
    if (
        amount is None
        or not amount.is_finite()
        or amount == 0
        or amount.as_tuple().exponent < -2
        or abs(amount) >= base.MAX_MONEY
    ):
        raise ValidationError(
            {field: [_("Enter the amount in dispute in yuan, not zero, with at most 2 decimals.")]}
        )
    return amount.quantize(Decimal("0.01"))


def _differences(rows: list[DifferenceInput] | None) -> list[tuple[str, Decimal, str]]:
    rows = list(rows or [])
    if not rows:
        raise ValidationError(
            {"differences": [_("List each item the customer disputes, with its amount.")]}
        )
    if len(rows) > MAX_DIFFERENCES:
        raise ValidationError({"differences": [_("At most %(n)d items.") % {"n": MAX_DIFFERENCES}]})
    out = []
    for i, row in enumerate(rows):
        item = base.text(row.item, f"differences.{i}.item", required=True, max_length=ITEM_LENGTH)
        amount = _amount(row.amount, f"differences.{i}.amount")
        note = base.text(row.note, f"differences.{i}.note", required=False)
        out.append((item, amount, note))
    return out


@transaction.atomic
def statement_answer(
    *,
    statement: Statement,
    actor,
    agreed: bool,
    differences: list[DifferenceInput] | None = None,
    now: datetime.datetime,
) -> Statement:
    """R-15.6: the customer's answer on a sent statement: signed back as agreed, or disputed
    with the differences item by item (each open until resolved). Refused on a statement not
    sent (409 `not_sent`: not yet, or answered already)."""
    statement = _lock(statement)
    if not may_answer(actor, statement):
        raise PermissionDenied(_("Only the account's salesperson records the customer's answer."))
    if statement.status != StatementStatus.SENT:
        raise DomainError(
            _("Only a statement sent and not yet answered takes the customer's answer."),
            code="not_sent",
        )
    if agreed and differences:
        raise ValidationError(
            {"differences": [_("A statement signed back as agreed has no differences.")]}
        )
    rows = [] if agreed else _differences(differences)
    statement.status = StatementStatus.AGREED if agreed else StatementStatus.DISPUTED
    statement.answered_at, statement.answered_by = now, actor
    statement.save(update_fields=["status", "answered_at", "answered_by"])
    StatementDifference.objects.bulk_create(
        StatementDifference(
            statement=statement, item=item, amount=amount, note=note, recorded_at=now
        )
        for item, amount, note in rows
    )
    _tell_branch(statement, "statement_agreed" if agreed else "statement_disputed", now)
    return statement


@transaction.atomic
def difference_resolve(
    *, difference: StatementDifference, actor, resolution: str, now: datetime.datetime
) -> StatementDifference:
    """R-15.6: finance or the branch manager resolves one difference, saying how; the last
    one resolved resolves the statement."""
    statement = _lock(difference.statement)
    if not may_resolve(actor, statement):
        raise PermissionDenied(_("Only the branch's finance or manager resolves a difference."))
    difference = StatementDifference.objects.select_for_update().get(pk=difference.pk)
    if statement.status != StatementStatus.DISPUTED:
        raise DomainError(_("This statement is not disputed."), code="not_disputed")
    if difference.resolved_at is not None:
        raise DomainError(_("This difference was resolved already."), code="already_resolved")
    difference.resolution = base.text(resolution, "resolution", required=True)
    difference.resolved_at, difference.resolved_by = now, actor
    difference.save(update_fields=["resolution", "resolved_at", "resolved_by"])
    if not statement.differences.filter(resolved_at__isnull=True).exists():
        statement.status, statement.resolved_at = StatementStatus.RESOLVED, now
        statement.save(update_fields=["status", "resolved_at"])
    difference.statement = statement
    return difference
