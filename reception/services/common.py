"""Helpers of the front desk services."""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from leads.rules import normalize_phone
from staff.choices import Role
from staff.models import Office, User


def local_date(office: Office, now: datetime.datetime) -> datetime.date:
    return timezone.localtime(now, office.tzinfo).date()


def _phone(raw: str, field: str = "phone") -> str:
    try:
        return normalize_phone(raw)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from exc


def _require_salesperson(user: User | None, office: Office, field: str) -> None:
    if user is None:
        return
    if not (
        user.is_active
        and user.has_role(Role.SALESPERSON)
        and user.offices.filter(pk=office.pk).exists()
    ):
        raise ValidationError({field: [_("Not a salesperson of this office.")]})
