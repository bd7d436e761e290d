"""`Idempotency-Key` on the API's creating endpoints (issue 7): a client that retries, or
sends the same request ten times at once, creates one record and gets the same response each
time; the same key with a different request is refused with 422.

How: the first request inserts its key in the same transaction as the work it does. PostgreSQL
makes a concurrent insert of the same key wait for that transaction, then fail; the waiting
request then reads the committed response and replays it. A request that fails (an exception,
a 5xx) rolls its key back with everything else, so that it can be retried.
"""

import functools
import hashlib
import json

from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from .models import IdempotencyRecord

HEADER = "Idempotency-Key"
MAX_LENGTH = 64
UNPROCESSABLE = 422
PARAMETER = OpenApiParameter(
    HEADER,
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description=(
        "At most 64 characters. The same key again returns the first response (header "
        "`Idempotent-Replayed: true`) and creates nothing; with another body it is 422."
    ),
)

REUSED = OpenApiResponse(
    description="`idempotency_key_reused`: the key was used for a different request."
)


class _Failed(Exception):
    """Carries a server error's response out of the transaction, which it rolls back."""

    def __init__(self, response):
        self.response = response


def fingerprint(request) -> str:
    body = json.dumps(request.data, sort_keys=True, default=str, ensure_ascii=False)
    raw = f"{request.method} {request.path}\n{body}".encode()
    return hashlib.sha256(raw).hexdigest()


def _rendered(data) -> str:
    # kept as the client saw it, byte for byte: the replay sends the same text
    return JSONRenderer().render(data).decode()


def _replay(request, key: str, print_: str) -> HttpResponse:
    record = IdempotencyRecord.objects.get(user=request.user, key=key)
    if record.fingerprint != print_:
        return Response(
            {
                "code": "idempotency_key_reused",
                "detail": _("This Idempotency-Key was used for a different request."),
            },
            status=UNPROCESSABLE,
        )
    response = HttpResponse(record.body, status=record.status_code, content_type="application/json")
    response["Idempotent-Replayed"] = "true"
    return response


def idempotent(view):
    """Decorate a DRF view method (create or a POST action)."""

    @functools.wraps(view)
    def wrapper(self, request, *args, **kwargs):
        key = request.headers.get(HEADER, "").strip()
        if not key:
            return view(self, request, *args, **kwargs)
        if len(key) > MAX_LENGTH:
            raise ValidationError(
                {"idempotency_key": [_("At most %(n)d characters.") % {"n": MAX_LENGTH}]}
            )
        print_ = fingerprint(request)
        try:
            with transaction.atomic():
                try:
                    with transaction.atomic():
                        record = IdempotencyRecord.objects.create(
                            user=request.user,
                            key=key,
                            fingerprint=print_,
                            status_code=0,
                            created_at=timezone.now(),
                        )
                except IntegrityError:
                    return _replay(request, key, print_)
                response = view(self, request, *args, **kwargs)
                if response.status_code >= 500:
                    raise _Failed(response)
                record.status_code = response.status_code
                record.body = _rendered(response.data)
                record.save(update_fields=["status_code", "body"])
                return response
        except _Failed as failed:
            return failed.response

    return wrapper
