"""What the expense pages share: an id as a client sends it, the document or 404, a service's
refusal turned into form errors or a message (never a 500), the approval rows in words."""

import re

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.exceptions import ValidationError

from approvals.chains import describe
from approvals.templatetags.approval_words import approval_step
from common.errors import DomainError

from . import selectors
from .models import ClaimLine, ExpenseBudget, ExpenseClaim

LIST_LIMIT = 200


def an_id(raw) -> int | None:
    raw = str(raw or "")
    return int(raw) if re.fullmatch(r"[0-9]{1,18}", raw) else None


def readers_only(user) -> None:
    if not selectors.may_read(user):
        raise PermissionDenied


def budget_or_404(user, pk: int) -> ExpenseBudget:
    readers_only(user)
    return get_object_or_404(
        selectors.budgets_visible_to(user).select_related("office", "author", "closed_by"), pk=pk
    )


def claim_or_404(user, pk: int) -> ExpenseClaim:
    readers_only(user)
    return get_object_or_404(
        selectors.claims_visible_to(user).select_related("office", "author", "budget", "paid_by"),
        pk=pk,
    )


def flatten(detail) -> list[str]:
    out: list[str] = []

    def walk(value):
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list | tuple):
            for item in value:
                walk(item)
        else:
            out.append(str(value))

    walk(detail)
    return out


def errors_onto(form, exc: ValidationError) -> None:
    """A service's ValidationError onto the form: a field it has on that field, the rest (a
    line's, the trips') above the form."""
    detail = exc.detail if isinstance(exc.detail, dict) else {None: exc.detail}
    for name, errors in detail.items():
        if name == "lines" and isinstance(errors, dict):
            for problems in errors.values():
                if isinstance(problems, dict):
                    for field, texts in problems.items():
                        target = field if field in form.fields else None
                        form.add_error(target, flatten(texts))
                else:
                    form.add_error(None, flatten(problems))
            continue
        form.add_error(name if name in form.fields else None, flatten(errors))


def run(request, action, success: str) -> bool:
    """A service called from a button: refused → 403; a conflict or bad input → a message."""
    try:
        action()
    except ApiPermissionDenied as exc:
        raise PermissionDenied from exc
    except ValidationError as exc:
        for text in flatten(exc.detail):
            messages.error(request, text)
    except DomainError as exc:
        messages.error(request, str(exc.detail))
    else:
        messages.success(request, success)
        return True
    return False


def approval_rows(document) -> tuple[list, str]:
    rows = list(document.approvals().select_related("decided_by"))
    for row in rows:
        row.words = approval_step(row)
    if rows:
        steps = " → ".join(row.words for row in rows if row.state != "skipped")
        return rows, _("This document needs: %(steps)s") % {"steps": steps}
    return rows, describe(document.approval_document_type, document)


def line_label(line: ClaimLine) -> str:
    text = line.get_kind_display()
    if line.description:
        text += f" · {line.description}"
    return f"{text} · {line.amount:,.2f}"
