"""Writes of accounts (R-9.1–R-9.3): one transaction each, with the approval engine's events."""

import datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError

from approvals.choices import DocumentStatus
from approvals.services import approval_submit, ensure_editable
from common.errors import DomainError
from staff.permissions import manages

from . import rules
from .models import Account, Contact, GradeChange

EDITABLE_FIELDS = {
    "name",
    "kind",
    "region",
    "address",
    "organisation",
    "assets",
    "liabilities",
    "credit_standing",
    "trade_position",
    "trading_habits",
    "payment_habits",
    "credit_limit",
    "last_credit_review",
    "deputy",
}


def _check_code(code: str) -> str:
    code = rules.normalize_credit_code(code)
    if not rules.is_valid_credit_code(code):
        raise ValidationError(
            {"credit_code": [_("This is not a valid unified social credit code.")]}
        )
    existing = Account.objects.filter(credit_code__iexact=code).select_related("owner").first()
    if existing is not None:
        raise _exists(existing)
    return code


def _exists(existing: Account) -> DomainError:
    return DomainError(
        _("This company is already an account of %(owner)s.") % {"owner": existing.owner},
        code="account_exists",
        extra={"owner": str(existing.owner), "owner_id": existing.owner_id},
    )


def _set_contacts(account: Account, contacts: list[dict]) -> None:
    if sum(1 for c in contacts if c.get("primary")) > 1:
        raise ValidationError({"contacts": [_("Only one contact can be the primary one.")]})
    account.contacts.all().delete()
    Contact.objects.bulk_create(Contact(account=account, **c) for c in contacts)


def account_create(*, actor, office, owner=None, contacts=(), now: datetime.datetime, **fields):
    """R-9.1, R-9.2: a new account, submitted for the manager's approval at once."""
    code = _check_code(fields.pop("credit_code", ""))
    try:
        with transaction.atomic():
            account = Account.objects.create(
                office=office,
                credit_code=code,
                author=actor,
                owner=owner or actor,
                created_at=now,
                **fields,
            )
            _set_contacts(account, list(contacts))
            approval_submit(document=account, actor=actor, now=now)
    except IntegrityError as exc:  # a concurrent registration of the same code
        existing = Account.objects.filter(credit_code__iexact=code).first()
        if existing is None:
            raise
        raise _exists(existing) from exc
    account.refresh_from_db()
    return account


@transaction.atomic
def account_update(*, account: Account, actor, contacts=None, now, **fields) -> Account:
    """Edit a draft or rejected account (R-8.2); an approved one's profile too, as its
    approval covers its registration, not its later profile."""
    account = Account.objects.select_for_update().get(pk=account.pk)
    if account.status == DocumentStatus.PENDING:
        ensure_editable(account)
    for name, value in fields.items():
        if name in EDITABLE_FIELDS:
            setattr(account, name, value)
    account.save()
    if contacts is not None:
        _set_contacts(account, list(contacts))
    return account


def account_submit(*, account: Account, actor, now) -> Account:
    return approval_submit(document=account, actor=actor, now=now)


def account_approved(account: Account, *, actor, now) -> None:
    """R-9.2: the manager approved the new account."""


@transaction.atomic
def grade_propose(*, account: Account, actor, grade: str, reason: str, now) -> GradeChange:
    """R-9.3: the salesperson proposes, the manager sets: a manager's own change of a branch
    account is set at once; a proposal waits for the manager."""
    account = Account.objects.select_for_update().get(pk=account.pk)
    change = GradeChange.objects.create(
        account=account,
        office_id=account.office_id,
        grade=grade,
        reason=reason,
        previous_grade=account.grade or "",
        author=actor,
        created_at=now,
    )
    if manages(actor, account.office) and account.owner_id != actor.pk:
        change.status = DocumentStatus.APPROVED
        change.save(update_fields=["status"])
        grade_approved(change, actor=actor, now=now)
        return change
    return approval_submit(document=change, actor=actor, now=now)


def grade_approved(change: GradeChange, *, actor, now) -> None:
    account = Account.objects.select_for_update().get(pk=change.account_id)
    change.previous_grade = account.grade or ""
    change.decided_at = now
    change.save(update_fields=["previous_grade", "decided_at"])
    account.grade = change.grade
    account.save(update_fields=["grade"])


def grade_history(account: Account):
    return account.grade_changes.filter(status=DocumentStatus.APPROVED).order_by("-decided_at")
