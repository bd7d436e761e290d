"""Input that pages and the API take from anyone, made safe in one place (issue 7).

- Dates: a person means a date between 1900 and 2999. The calendar arithmetic of the pages
  (the day before, the week around, the month after) overflows at the edges of Python's
  dates (years 1 and 9999), so a date outside that range is refused with a message.
- `next`: where a form sends the browser back to; only a path of this site, else the default.
- A failed login's username as django-axes records it: at most its column's 255 characters.
- The client's address behind TRUSTED_PROXY_COUNT proxies (issue 13), for login throttling.
"""

import datetime
import ipaddress
import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

DATE_MIN = datetime.date(1900, 1, 1)
DATE_MAX = datetime.date(2999, 12, 31)
MONTH_REGEX = r"^(19|2\d)\d{2}-(0[1-9]|1[0-2])$"  # YYYY-MM within DATE_MIN..DATE_MAX


def validate_date(value: datetime.date) -> None:
    """A validator for Django form fields and DRF serializer fields alike."""
    if value is not None and not DATE_MIN <= value <= DATE_MAX:
        raise ValidationError(
            _("Enter a date between %(min)s and %(max)s."),
            code="date_out_of_range",
            params={"min": DATE_MIN.isoformat(), "max": DATE_MAX.isoformat()},
        )


def date_in_range(value: datetime.date | None) -> bool:
    return value is not None and DATE_MIN <= value <= DATE_MAX


def safe_next(request, default: str) -> str:
    """The form's `next` when it is a path of this site (no scheme, host or control
    character: `redirect` would treat a bare word as a view name, a newline breaks the
    header); otherwise `default`."""
    target = request.POST.get("next", "")
    if (
        target.startswith("/")
        and not any(unicodedata.category(c)[0] == "C" for c in target)
        and url_has_allowed_host_and_scheme(target, {request.get_host()})
    ):
        return target
    return default


AXES_USERNAME_LENGTH = 255  # axes.models.AccessAttempt.username


def axes_username(request, credentials: dict | None = None) -> str | None:
    """settings.AXES_USERNAME_CALLABLE. No user's username is longer than 150 characters, but
    what a login form or the token endpoint is sent may be (the login form does not check the
    length before authenticating): recording that failure would end in a 500. Cut it."""
    data = credentials or getattr(request, "data", None) or request.POST
    username = data.get("username") if hasattr(data, "get") else None
    if not isinstance(username, str):
        return username
    return username.replace("\x00", "")[:AXES_USERNAME_LENGTH]


def client_address(request) -> str | None:
    """settings.AXES_CLIENT_IP_CALLABLE: who is logging in (issue 13). Behind the compose file's
    proxy every request comes from the proxy's address (REMOTE_ADDR), which made five wrong
    passwords from anyone lock a user out for everyone. With TRUSTED_PROXY_COUNT proxies in
    front, each appending the address it received from to X-Forwarded-For, the client is the
    entry that many from the right; entries further left are whatever the client sent, never
    trusted. No proxies (0), too few entries or not an address: REMOTE_ADDR."""
    remote = request.META.get("REMOTE_ADDR")
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < count:
        return remote
    try:
        return str(ipaddress.ip_address(forwarded[-count]))
    except ValueError:
        return remote
