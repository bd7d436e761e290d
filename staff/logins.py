"""Failed logins counted per client address, across usernames (issue 13: password spraying).

django-axes locks a username from an address after AXES_FAILURE_LIMIT failures (5): it never
locks the shared front-desk PC for everyone. But one address may then try four passwords on
each of a hundred usernames. Axes applies one limit to every lockout parameter, so the
address's own, higher limit is checked here, on the failures axes has recorded: from one
address, AXES_ADDRESS_FAILURE_LIMIT failures within AXES_COOLOFF_TIME, whatever the usernames,
and every login from that address is refused until they age out. The login page answers with
axes' lockout page (429); the token endpoint with its usual 400.
"""

from axes.models import AccessAttempt
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Sum
from django.utils import timezone

from common.inputs import client_address


def address_failures(address: str | None, *, now) -> int:
    """Failed logins from `address` recorded by axes within the cool-off time."""
    if address is None:
        return 0
    since = now - settings.AXES_COOLOFF_TIME
    recent = AccessAttempt.objects.filter(ip_address=address, attempt_time__gte=since)
    return recent.aggregate(n=Sum("failures_since_start"))["n"] or 0


class AddressLockoutBackend:
    """AUTHENTICATION_BACKENDS, right after axes' backend: refuses every login from an address
    over its limit (PermissionDenied stops Django's authenticate). It logs nobody in."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        failures = address_failures(client_address(request), now=timezone.now())
        if failures >= settings.AXES_ADDRESS_FAILURE_LIMIT:
            # axes' flag: its middleware answers with the lockout page, and it records no
            # new failure for a refused attempt (as for its own lockouts)
            request.axes_locked_out = True
            raise PermissionDenied
        return None
