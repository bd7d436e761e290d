"""Writes of accounts (R-9.1–R-9.5): one transaction each, the account row locked, with the
approval engine's events, the assignment history and the notifications in that transaction."""

import datetime
import unicodedata

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext
from rest_framework.exceptions import PermissionDenied, ValidationError

from approvals.choices import DocumentStatus
from approvals.services import approval_submit, ensure_editable
from common.errors import DomainError
from notifications.services import notify
from staff.permissions import manages

from . import rules
from .models import Account, AccountAssignment, Contact, GradeChange
from .selectors import is_salesperson_of, may_submit

EDITABLE_FIELDS = rules.PROFILE_FIELDS | rules.CREDIT_FIELDS | {"deputy"}
CONTACT_FIELDS = ("name", "title", "phone", "email", "primary")
PHONE_CHARACTERS = set("0123456789+-() ")


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


def _today(account: Account, now: datetime.datetime) -> datetime.date:
    return timezone.localtime(now, account.office.tzinfo).date()


# ---------------------------------------------------------------- contacts


def _clean_contact(raw: dict) -> dict:
    contact = {f: raw.get(f) for f in CONTACT_FIELDS if f in raw}
    contact["name"] = (contact.get("name") or "").strip()
    if not contact["name"]:
        raise ValidationError({"contacts": [_("Every contact needs a name.")]})
    # full-width digits typed on a phone keyboard are the same digits
    phone = unicodedata.normalize("NFKC", contact.get("phone") or "").strip()
    if not set(phone) <= PHONE_CHARACTERS or len(phone) > 30:
        raise ValidationError(
            {"contacts": [_("A contact's phone holds digits, spaces, +, - and brackets only.")]}
        )
    contact["phone"] = phone
    contact["primary"] = bool(contact.get("primary"))
    if raw.get("id"):
        contact["id"] = raw["id"]
    return contact


def _clean_contacts(contacts) -> list[dict]:
    """One primary contact (R-9.1): two are refused; with none marked, the first is it."""
    cleaned = [_clean_contact(c) for c in contacts]
    primaries = sum(1 for c in cleaned if c["primary"])
    if primaries > 1:
        raise ValidationError({"contacts": [_("Only one contact can be the primary one.")]})
    if cleaned and not primaries:
        cleaned[0]["primary"] = True
    return cleaned


def _set_contacts(account: Account, contacts: list[dict]) -> None:
    """The account's contacts become `contacts`: those with the id of one of its contacts are
    changed in place (a visit record keeps the contact it met), the others are added, the
    contacts left out are removed."""
    existing = {c.pk: c for c in account.contacts.all()}
    kept = {int(c["id"]) for c in contacts if c.get("id")}
    if kept - set(existing):
        raise ValidationError({"contacts": [_("A contact of another account was sent.")]})
    account.contacts.exclude(pk__in=kept).delete()
    account.contacts.update(primary=False)  # the one primary is set again below
    for data in contacts:
        values = {f: data.get(f, "") for f in CONTACT_FIELDS}
        values["primary"] = data["primary"]
        values = {k: ("" if v is None else v) for k, v in values.items()}
        if data.get("id"):
            contact = existing[int(data["id"])]
            for name, value in values.items():
                setattr(contact, name, value)
            contact.save()
        else:
            Contact.objects.create(account=account, **values)


# ---------------------------------------------------------------- owner and deputy


def _deputy_errors(deputy, *, owner, office) -> list:
    if deputy is None:
        return []
    if deputy.pk == owner.pk:
        return [_("The deputy cannot be the owner.")]
    if not is_salesperson_of(deputy, office):
        return [_("Choose an active salesperson of the account's branch.")]
    return []


def _record_assignment(account, *, previous_owner, previous_deputy, actor, reason, now) -> None:
    AccountAssignment.objects.create(
        account=account,
        office_id=account.office_id,
        previous_owner=previous_owner,
        new_owner=account.owner,
        previous_deputy=previous_deputy,
        new_deputy=account.deputy,
        reason=reason,
        by=actor,
        at=now,
    )
    params = {"account": account.name, "reason": reason, "owner": str(account.owner)}
    url = reverse("accounts:card", args=[account.pk])
    told = set()
    if account.owner_id != previous_owner.pk:
        notify(kind="account_assigned", params=params, now=now, url=url, recipient=account.owner)
        notify(kind="account_reassigned", params=params, now=now, url=url, recipient=previous_owner)
        told = {account.owner_id, previous_owner.pk}
    new_deputy = account.deputy
    if new_deputy is not None and new_deputy != previous_deputy and new_deputy.pk not in told:
        notify(kind="account_deputy", params=params, now=now, url=url, recipient=new_deputy)


@transaction.atomic
def account_reassign(*, account: Account, actor, owner, deputy=None, reason: str, now) -> Account:
    """R-9.4: the branch's manager (a director: any branch) gives the account to an active
    salesperson of its branch, with an optional deputy, for a reason; the history keeps it
    and the new and the previous owner are told."""
    locked = Account.objects.select_for_update(of=("self",))
    locked = locked.select_related("office", "owner", "deputy")
    account = locked.get(pk=account.pk)
    if not manages(actor, account.office):
        raise PermissionDenied(_("Only the branch's manager assigns its accounts."))
    reason = (reason or "").strip()
    errors: dict[str, list] = {}
    if not reason:
        errors["reason"] = [_("Say why the account is reassigned.")]
    if not is_salesperson_of(owner, account.office):
        errors["owner"] = [_("Choose an active salesperson of the account's branch.")]
    elif deputy_errors := _deputy_errors(deputy, owner=owner, office=account.office):
        errors["deputy"] = deputy_errors
    elif owner.pk == account.owner_id and getattr(deputy, "pk", None) == account.deputy_id:
        errors["owner"] = [_("The account already has this owner and deputy.")]
    if errors:
        raise ValidationError(errors)
    previous_owner, previous_deputy = account.owner, account.deputy
    account.owner, account.deputy = owner, deputy
    account.save(update_fields=["owner", "deputy"])
    _record_assignment(
        account,
        previous_owner=previous_owner,
        previous_deputy=previous_deputy,
        actor=actor,
        reason=reason,
        now=now,
    )
    return account


# ---------------------------------------------------------------- the account


def _refuse_credit_fields(actor, office, fields: dict) -> None:
    """R-9.5: only the branch's manager sets a credit limit or a credit review."""
    asked = [f for f in rules.CREDIT_FIELDS if fields.get(f)]
    if asked and not manages(actor, office):
        raise PermissionDenied(_("Only the branch's manager sets the credit limit and review."))


def account_create(*, actor, office, owner=None, contacts=(), now: datetime.datetime, **fields):
    """R-9.1, R-9.2: a new account, submitted for the manager's approval at once."""
    code = _check_code(fields.pop("credit_code", ""))
    _refuse_credit_fields(actor, office, fields)
    owner = owner or actor
    if errors := _deputy_errors(fields.get("deputy"), owner=owner, office=office):
        raise ValidationError({"deputy": errors})
    contacts = _clean_contacts(list(contacts))
    try:
        with transaction.atomic():
            account = Account.objects.create(
                office=office,
                credit_code=code,
                author=actor,
                owner=owner,
                created_at=now,
                **fields,
            )
            _set_contacts(account, contacts)
            approval_submit(document=account, actor=actor, now=now)
    except IntegrityError as exc:  # a concurrent registration of the same code
        existing = Account.objects.filter(credit_code__iexact=code).first()
        if existing is None:
            raise
        raise _exists(existing) from exc
    account.refresh_from_db()
    return account


def _changed(account: Account, fields: dict) -> dict:
    """The fields whose value differs from the account's (a client may send back what it
    read: an unchanged credit limit is no attempt to set it)."""
    changed = {}
    for name, value in fields.items():
        if name not in EDITABLE_FIELDS:
            continue
        current = account.deputy_id if name == "deputy" else getattr(account, name)
        new = getattr(value, "pk", value) if name == "deputy" else value
        if current != new:
            changed[name] = value
    return changed


def _update_errors(account: Account, changed: dict, now) -> dict:
    errors = {}
    if "name" in changed and not (changed["name"] or "").strip():
        errors["name"] = [_("The account needs a name.")]
    review = changed.get("last_credit_review")
    if review is not None and review > _today(account, now):
        errors["last_credit_review"] = [_("A credit review cannot be in the future.")]
    if "deputy" in changed:
        found = _deputy_errors(changed["deputy"], owner=account.owner, office=account.office)
        if found:
            errors["deputy"] = found
    return errors


@transaction.atomic
def account_update(*, account: Account, actor, contacts=None, now, **fields) -> Account:
    """R-9.1: the owner, the deputy and the branch's manager edit a draft, rejected or
    approved account (a pending one waits for its decision, R-8.2: 409); the deputy only the
    owner or the manager names, the credit limit and review only the manager sets (R-9.5).
    A field the actor may not change refuses the whole request (403), nothing saved."""
    locked = Account.objects.select_for_update(of=("self",))
    locked = locked.select_related("office", "owner", "deputy")
    account = locked.get(pk=account.pk)
    if account.status == DocumentStatus.PENDING:
        ensure_editable(account)
    owner, deputy = account.owner_id == actor.pk, account.deputy_id == actor.pk
    manager = manages(actor, account.office)
    if not (owner or deputy or manager):
        raise PermissionDenied(_("You may not edit this account."))
    allowed = rules.editable_fields(owner=owner, deputy=deputy, manager=manager)
    changed = _changed(account, fields)
    if refused := sorted(set(changed) - allowed):
        if rules.CREDIT_FIELDS & set(refused):
            raise PermissionDenied(_("Only the branch's manager sets the credit limit and review."))
        between = pgettext("between the names of a list", ", ")
        labels = between.join(str(Account._meta.get_field(f).verbose_name) for f in refused)
        raise PermissionDenied(
            _("You may not change this of the account: %(fields)s.") % {"fields": labels}
        )
    if errors := _update_errors(account, changed, now):
        raise ValidationError(errors)
    if "name" in changed:
        changed["name"] = changed["name"].strip()
    previous_deputy = account.deputy
    for name, value in changed.items():
        setattr(account, name, value)
    account.save()
    if contacts is not None:
        _set_contacts(account, _clean_contacts(list(contacts)))
    if "deputy" in changed:
        _record_assignment(
            account,
            previous_owner=account.owner,
            previous_deputy=previous_deputy,
            actor=actor,
            reason="",
            now=now,
        )
    return account


def account_submit(*, account: Account, actor, now) -> Account:
    """R-8.2: a draft or rejected account sent (again) for the manager's approval."""
    if not may_submit(actor, account):
        raise PermissionDenied(_("Only the account's author, owner or deputy submits it."))
    return approval_submit(document=account, actor=actor, now=now)


@transaction.atomic
def account_credit_reviewed(*, account: Account, actor, now) -> Account:
    """R-9.5: the manager marks the account's credit reviewed today (the office's day)."""
    account = Account.objects.select_for_update().select_related("office").get(pk=account.pk)
    if not manages(actor, account.office):
        raise PermissionDenied(_("Only the branch's manager sets the credit limit and review."))
    if account.status == DocumentStatus.PENDING:
        ensure_editable(account)
    account.last_credit_review = _today(account, now)
    account.save(update_fields=["last_credit_review"])
    return account


def account_approved(account: Account, *, actor, now) -> None:
    """R-9.2: the manager approved the new account."""


# ---------------------------------------------------------------- grades


def _grade_errors(grade: str, reason: str) -> dict:
    errors = {}
    if grade not in rules.GRADES:
        errors["grade"] = [_("A grade is A, B or C.")]
    if not reason:
        errors["reason"] = [_("Say why the account has this grade.")]
    return errors


@transaction.atomic
def grade_propose(*, account: Account, actor, grade: str, reason: str, now) -> GradeChange:
    """R-9.3: the salesperson proposes, the manager sets: a manager's change of a branch
    account is set at once; a proposal (and a manager's change of an account they own or
    deputise, R-8.1) waits for the manager. One proposal at a time per account (409)."""
    account = Account.objects.select_for_update().select_related("office").get(pk=account.pk)
    reason = (reason or "").strip()
    if errors := _grade_errors(grade, reason):
        raise ValidationError(errors)
    manager = manages(actor, account.office)
    party = actor.pk in {account.owner_id, account.deputy_id}
    if not (manager or party):
        raise PermissionDenied(_("You may not grade this account."))
    if account.grade_changes.filter(status=DocumentStatus.PENDING).exists():
        raise _grade_pending()
    try:
        with transaction.atomic():
            change = GradeChange.objects.create(
                account=account,
                office_id=account.office_id,
                grade=grade,
                reason=reason,
                previous_grade=account.grade or "",
                author=actor,
                created_at=now,
            )
    except IntegrityError as exc:  # a concurrent proposal took the one pending place
        raise _grade_pending() from exc
    if rules.grade_set_at_once(manages=manager, party=party):
        change.status = DocumentStatus.APPROVED
        change.save(update_fields=["status"])
        grade_approved(change, actor=actor, now=now)
        return change
    return approval_submit(document=change, actor=actor, now=now)


def _grade_pending() -> DomainError:
    return DomainError(
        _("A grade proposal for this account is already waiting for the manager."),
        code="grade_pending",
    )


def grade_approved(change: GradeChange, *, actor, now) -> None:
    account = Account.objects.select_for_update().get(pk=change.account_id)
    change.previous_grade = account.grade or ""
    change.decided_at, change.decided_by = now, actor
    change.save(update_fields=["previous_grade", "decided_at", "decided_by"])
    account.grade = change.grade
    account.save(update_fields=["grade"])


def grade_history(account: Account):
    return account.grade_changes.filter(status=DocumentStatus.APPROVED).order_by("-decided_at")
