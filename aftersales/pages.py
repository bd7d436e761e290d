"""What the after-sales pages share: an id as a client sends it, a service's refusal turned
into form errors (never a 500), the times in words, and who may open which list."""

import datetime
import re

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.exceptions import ValidationError

from common.errors import DomainError
from staff.choices import Role
from staff.permissions import may_in_any_office

LIST_LIMIT = 200


def an_id(raw) -> int | None:
    raw = str(raw or "")
    return int(raw) if re.fullmatch(r"[0-9]{1,18}", raw) else None


def may_read(user) -> bool:
    return user.has_role(Role.DIRECTOR, Role.EXECUTIVE) or may_in_any_office(
        user, "aftersales.view"
    )


def may_read_complaints(user) -> bool:
    return user.has_role(Role.DIRECTOR, Role.EXECUTIVE) or may_in_any_office(
        user, "aftersales.view_complaints"
    )


def run(form, action) -> tuple[object | None, int]:
    """Run a service; its refusals become the form's errors: (result, 200), or (None, 400)
    for bad input and (None, 409) for a refused state; a permission refusal is a 403."""
    try:
        return action(), 200
    except ApiPermissionDenied as exc:
        raise PermissionDenied from exc
    except ValidationError as exc:
        detail = exc.detail if isinstance(exc.detail, dict) else {None: exc.detail}
        for field, errors in detail.items():
            for error in errors if isinstance(errors, list) else [errors]:
                form.add_error(field if field in form.fields else None, str(error))
        return None, 400
    except DomainError as exc:
        form.add_error(None, str(exc.detail))
        return None, 409


def duration(delta: datetime.timedelta | None) -> str:
    """A duration in days, hours and minutes, in words of the reader's language."""
    if delta is None:
        return "—"
    minutes = max(int(delta.total_seconds() // 60), 0)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return _("%(d)d d %(h)d h") % {"d": days, "h": hours}
    if hours:
        return _("%(h)d h %(m)d min") % {"h": hours, "m": minutes}
    return _("%(m)d min") % {"m": minutes}
