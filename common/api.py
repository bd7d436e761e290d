"""API conventions shared by every app: error shapes (API.md) and the history context."""

from django.core.exceptions import SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import DomainError


def exception_handler(exc, context):
    """400 `{field: [..]}` or `{detail}`, 409 `{detail, code, ...}`; never a 500 for bad input."""
    if isinstance(exc, DomainError):
        body = {"detail": str(exc.detail), "code": exc.code, **exc.extra}
        return Response(body, status=exc.status_code)
    if isinstance(exc, SuspiciousOperation):  # Django's limits on a body: too many fields, too big
        exc = ParseError(_("The request could not be read: it is too large or malformed."))
    if isinstance(exc, DjangoValidationError):
        exc = ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        )
    return drf_exception_handler(exc, context)
