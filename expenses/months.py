"""A person's month of expenses (R-16.3), for the page and the API: which person, office and
month a request asks for, whether the reader may see it, and what it shows."""

import datetime
import re
from dataclasses import dataclass

from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError

from staff.choices import Role
from staff.models import Office, User
from staff.permissions import manages, office_ids_of

from . import rules, selectors
from .models import ExpenseBudget, ExpenseClaim


@dataclass
class Month:
    person: User
    office: Office
    month: datetime.date
    rank: str
    figures: rules.MonthFigures
    budgets: list[ExpenseBudget]
    claims: list[ExpenseClaim]


def parse_month(raw, *, default: datetime.date) -> datetime.date:
    raw = (raw or "").strip()
    if not raw:
        return rules.month_of(default)
    found = re.fullmatch(r"(\d{4})-(\d{2})(?:-\d{2})?", raw)
    if not found or not 1 <= int(found.group(2)) <= 12 or int(found.group(1)) < 2000:
        raise ValidationError({"month": [_("Enter a month as YYYY-MM.")]})
    return datetime.date(int(found.group(1)), int(found.group(2)), 1)


def _an_id(raw) -> int | None:
    raw = str(raw or "").strip()
    if not raw:
        return None
    if not re.fullmatch(r"[0-9]{1,18}", raw):
        raise ValidationError({"person": [_("Enter a whole number.")]})
    return int(raw)


def may_see_person(viewer, person: User, office: Office) -> bool:
    """Their own month; the branch manager (the director) and the executive anyone's."""
    if viewer.pk == person.pk or viewer.has_role(Role.EXECUTIVE):
        return True
    return manages(viewer, office)


def resolve(viewer, *, person_raw, office_raw, month_raw, today: datetime.date) -> Month:
    """The month asked for, or 404 for a person the viewer may not see."""
    month = parse_month(month_raw, default=today)
    person_id = _an_id(person_raw)
    person = viewer if person_id is None else User.objects.filter(pk=person_id).first()
    if person is None:
        raise Http404
    offices = Office.objects.filter(members=person).order_by("pk")
    if not viewer.has_role(Role.EXECUTIVE):
        offices = offices.filter(pk__in=office_ids_of(viewer))
    office_id = _an_id(office_raw) if office_raw else None
    if office_id is not None:
        offices = offices.filter(pk=office_id)
    office = offices.first()
    if office is None or not may_see_person(viewer, person, office):
        raise Http404
    budgets = list(
        ExpenseBudget.objects.filter(office=office, author=person, month=month)
        .select_related("author", "office")
        .order_by("pk")
    )
    claims = list(
        selectors.month_claims(office_id=office.pk, author_id=person.pk, month=month)
        .select_related("author", "budget")
        .prefetch_related("lines__trips", "photos")
        .order_by("pk")
    )
    rank = selectors.rank_of(person, office)
    return Month(
        person=person,
        office=office,
        month=month,
        rank=rank,
        figures=selectors.month_figures(person, office, month),
        budgets=budgets,
        claims=claims,
    )
