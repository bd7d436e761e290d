"""Enquiries and tender notices (R-11.1) and the questions on them (R-11.2)."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from rest_framework.exceptions import PermissionDenied, ValidationError

from approvals.services import approval_submit, ensure_editable
from common.errors import DomainError
from notifications.services import notify
from staff.choices import Role
from staff.models import User

from .. import rules
from ..choices import EnquiryKind, QuestionTo
from ..models import Enquiry, EnquiryLine, EnquiryQuestion
from ..permissions import may_answer, may_edit_document, may_sell_to
from .lines import enquiry_lines

FIELDS = ("kind", "source", "received_on", "deadline", "estimated_amount", "description")


def _today(office, now: datetime.datetime) -> datetime.date:
    return now.astimezone(office.tzinfo).date()


def _check(values: dict, *, today: datetime.date) -> None:
    errors = {}
    if values["kind"] not in EnquiryKind.values:
        errors["kind"] = [_("Choose an enquiry or a tender notice.")]
    if not values["source"]:
        errors["source"] = [_("Say where the enquiry came from.")]
    if error := rules.received_on_error(values["received_on"], today):
        errors["received_on"] = [error]
    if error := rules.deadline_error(values["deadline"], today):
        errors["deadline"] = [error]
    elif values["deadline"] < values["received_on"]:
        errors["deadline"] = [_("The deadline is before the day the enquiry arrived.")]
    if error := rules.money_error(values["estimated_amount"]):
        errors["estimated_amount"] = [error]
    if errors:
        raise ValidationError(errors)


def _clean(values: dict) -> dict:
    values["source"] = (values.get("source") or "").strip()
    values["description"] = (values.get("description") or "").strip()
    return values


@transaction.atomic
def enquiry_log(
    *,
    actor,
    account,
    lines: list,
    source: str,
    received_on: datetime.date,
    deadline: datetime.date,
    now: datetime.datetime,
    kind: str = EnquiryKind.ENQUIRY,
    estimated_amount: Decimal = Decimal("0.00"),
    description: str = "",
) -> Enquiry:
    """R-11.1: an enquiry or tender notice on an account the actor sells to, logged the day it
    arrives (a later log is kept and flagged), a draft until submitted for the bid decision."""
    if not may_sell_to(actor, account):
        raise PermissionDenied(_("You may not log enquiries for this account."))
    today = _today(account.office, now)
    values = _clean(
        {
            "kind": kind,
            "source": source,
            "received_on": received_on,
            "deadline": deadline,
            "estimated_amount": estimated_amount,
            "description": description,
        }
    )
    _check(values, today=today)
    built = enquiry_lines(lines)
    enquiry = Enquiry.objects.create(
        office=account.office,
        account=account,
        author=actor,
        owner=actor if actor.has_role(Role.SALESPERSON) else account.owner,
        logged_late=rules.logged_late(received_on, today),
        created_at=now,
        **values,
    )
    for line in built:
        line.enquiry = enquiry
    EnquiryLine.objects.bulk_create(built)
    return enquiry


@transaction.atomic
def enquiry_update(*, enquiry: Enquiry, actor, now: datetime.datetime, lines=None, **changes):
    """A draft or turned-down enquiry is corrected before it is submitted (again); one
    waiting for or given its bid decision is not (R-8.2)."""
    enquiry = Enquiry.objects.select_for_update().select_related("office").get(pk=enquiry.pk)
    if not may_edit_document(actor, enquiry):
        raise PermissionDenied(_("You may not change this enquiry."))
    ensure_editable(enquiry)
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise ValidationError({name: [_("This field cannot be changed.")] for name in unknown})
    values = _clean({name: changes.get(name, getattr(enquiry, name)) for name in FIELDS})
    today = _today(enquiry.office, now)
    _check(values, today=today)
    # the day it was logged stays; only a corrected arrival day can make it late
    logged_on = _today(enquiry.office, enquiry.created_at)
    for name, value in values.items():
        setattr(enquiry, name, value)
    enquiry.logged_late = rules.logged_late(values["received_on"], logged_on)
    enquiry.save()
    if lines is not None:
        built = enquiry_lines(lines)
        enquiry.lines.all().delete()
        for line in built:
            line.enquiry = enquiry
        EnquiryLine.objects.bulk_create(built)
    return enquiry


def enquiry_submit(*, enquiry: Enquiry, actor, now: datetime.datetime) -> Enquiry:
    """R-11.1: to the manager for the bid decision (and the executive when major, R-8.5)."""
    if not may_edit_document(actor, enquiry):
        raise PermissionDenied(_("You may not submit this enquiry."))
    return approval_submit(document=enquiry, actor=actor, now=now)


def enquiry_approved(enquiry: Enquiry, *, actor, now) -> None:
    """R-11.1: approved is the decision to bid; the salesperson is told."""
    _tell_owner(enquiry, "enquiry_bid", now=now)


def enquiry_rejected(enquiry: Enquiry, *, actor, now) -> None:
    """R-11.1: rejected is the decision not to bid, with the manager's comment."""
    _tell_owner(enquiry, "enquiry_no_bid", now=now)


def _tell_owner(enquiry: Enquiry, kind: str, *, now) -> None:
    notify(
        kind=kind,
        params={"account": enquiry.account.name},
        now=now,
        url=reverse("quotes:enquiry", args=[enquiry.pk]),
        recipient_id=enquiry.owner_id,
    )


@transaction.atomic
def question_ask(
    *, enquiry: Enquiry, actor, to: str, question: str, now: datetime.datetime
) -> EnquiryQuestion:
    """R-11.2: the salesperson asks the technician (technical parameters) or purchasing
    (material prices, lead times); the department's members of the branch are told."""
    if not may_edit_document(actor, enquiry):
        raise PermissionDenied(_("You may not ask about this enquiry."))
    question = (question or "").strip()
    errors = {}
    if to not in QuestionTo.values:
        errors["to"] = [_("Ask the technical or the purchasing department.")]
    if not question:
        errors["question"] = [_("Write the question.")]
    if errors:
        raise ValidationError(errors)
    row = EnquiryQuestion.objects.create(
        enquiry=enquiry, to=to, question=question, asked_by=actor, asked_at=now
    )
    recipients = User.objects.filter(
        is_active=True, groups__name=to, offices=enquiry.office_id
    ).distinct()
    for user in recipients:
        notify(
            kind="enquiry_question",
            params={"account": enquiry.account.name, "asked_by": str(actor)},
            now=now,
            url=reverse("quotes:questions"),
            recipient=user,
        )
    return row


@transaction.atomic
def question_answer(
    *, question: EnquiryQuestion, actor, answer: str, now: datetime.datetime
) -> EnquiryQuestion:
    """R-11.2: a member of the department asked answers, once; the answer stays on the
    enquiry and the one who asked is told."""
    question = (
        EnquiryQuestion.objects.select_for_update(of=("self",))
        .select_related("enquiry__office", "enquiry__account")
        .get(pk=question.pk)
    )
    if not may_answer(actor, question):
        raise PermissionDenied(_("This question is for another department."))
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError({"answer": [_("Write the answer.")]})
    if question.answered_at is not None:
        raise DomainError(_("This question is already answered."), code="already_answered")
    question.answer, question.answered_by, question.answered_at = answer, actor, now
    question.save(update_fields=["answer", "answered_by", "answered_at"])
    notify(
        kind="enquiry_answer",
        params={"account": question.enquiry.account.name, "answered_by": str(actor)},
        now=now,
        url=reverse("quotes:enquiry", args=[question.enquiry_id]),
        recipient_id=question.asked_by_id,
    )
    return question
