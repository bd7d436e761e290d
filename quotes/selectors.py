"""Reads of enquiries and quotes: every list goes through a *_visible_to (R-9.1)."""

import datetime

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet

from approvals.choices import DocumentStatus
from staff.choices import Role
from staff.permissions import office_ids_of

from .choices import QuestionTo
from .models import Enquiry, EnquiryQuestion, Quote, QuoteLine

ALL_OFFICES = (Role.DIRECTOR, Role.EXECUTIVE)


def _people(user) -> Q:
    return Q(owner=user) | Q(author=user) | Q(account__owner=user) | Q(account__deputy=user)


def _scope(qs: QuerySet, user) -> tuple[QuerySet, Q | None]:
    """The documents of the user's offices, and which of them this user sees (None: all)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return qs.none(), None
    if user.has_role(*ALL_OFFICES):
        return qs, None
    offices = office_ids_of(user)
    qs = qs.filter(office_id__in=offices)
    if user.has_role(Role.MANAGER):
        return qs, None
    return qs, _people(user) if user.has_role(Role.SALESPERSON) else Q(pk__in=[])


def quotes_visible_to(user) -> QuerySet[Quote]:
    """R-9.1: the quotes of the accounts a salesperson owns or deputises and the ones they
    made; every quote of the branches a manager manages; director and executive all."""
    qs, only = _scope(Quote.objects.all(), user)
    return qs if only is None else qs.filter(only)


def enquiries_visible_to(user) -> QuerySet[Enquiry]:
    """As quotes; the technician and purchasing also see the enquiries of their branch that
    asked them something (R-11.2)."""
    qs, only = _scope(Enquiry.objects.all(), user)
    if only is None:
        return qs
    asked = [r for r in QuestionTo.values if user.has_role(r)]
    if asked:
        only |= Exists(EnquiryQuestion.objects.filter(enquiry=OuterRef("pk"), to__in=asked))
    return qs.filter(only)


def quote_with_lines(qs: QuerySet[Quote]) -> QuerySet[Quote]:
    return qs.select_related("office", "account", "owner", "author", "enquiry").prefetch_related(
        Prefetch("lines", QuoteLine.objects.select_related("product").order_by("pk"))
    )


def enquiries_by_deadline(
    user, *, today: datetime.date, mine: bool = True, open_only: bool = True
) -> QuerySet[Enquiry]:
    """R-11.1: the salesperson's enquiries by deadline; open ones are still ahead of their
    deadline and not turned down (no bid)."""
    qs = enquiries_visible_to(user).select_related("account", "owner", "office")
    if mine:
        qs = qs.filter(Q(owner=user) | Q(author=user) | Q(account__deputy=user))
    if open_only:
        qs = qs.filter(deadline__gte=today).exclude(status=DocumentStatus.REJECTED)
    return qs.annotate(quoted=Exists(Quote.objects.filter(enquiry=OuterRef("pk")))).order_by(
        "deadline", "pk"
    )


def questions_for(user) -> QuerySet[EnquiryQuestion]:
    """R-11.2: the questions to the user's department in their branches, open ones first."""
    roles = [r for r in QuestionTo.values if user.has_role(r)]
    if not roles:
        return EnquiryQuestion.objects.none()
    return (
        EnquiryQuestion.objects.filter(to__in=roles, enquiry__office_id__in=office_ids_of(user))
        .select_related("enquiry__account", "enquiry__office", "asked_by", "answered_by")
        .order_by(F("answered_at").desc(nulls_first=True), "asked_at", "pk")
    )


def today_in(office, now: datetime.datetime) -> datetime.date:
    return now.astimezone(office.tzinfo).date()
