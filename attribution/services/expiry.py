"""The scheduled jobs of ownership: expiry (R-3.3) and the morning warning (R-3.5)."""

import datetime

from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models import ExpressionWrapper, F, Value
from django.db.models.fields import DateTimeField
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from common.history import job_context
from notifications.messages import claims_expiring_text
from notifications.models import Notification
from notifications.services import notify

from ..choices import ClaimStatus
from ..models import Claim
from ..rules import protection_left

EXPIRE = "claims.expire_stale"
WARN = "claims.warn_expiring"

# One statement: release every stale active claim and write one release event for each.
# Rows locked by a concurrent follow-up are waited for and re-checked by PostgreSQL, so a claim
# extended meanwhile is not released, and one already released by a concurrent run is skipped.
_EXPIRE_SQL = """
WITH released AS (
    UPDATE attribution_claim
       SET status = 'released', ended_at = protected_until
     WHERE status = 'active' AND protected_until <= %(now)s
 RETURNING id, owner_id, protected_until
)
INSERT INTO attribution_claimevent (claim_id, kind, at, owner_id, actor_id, detail)
SELECT id, 'released', %(now)s, owner_id, NULL,
       jsonb_build_object('reason', 'protection_ended', 'protected_until', protected_until)
  FROM released
"""


def claims_expire_stale(*, now: datetime.datetime) -> int:
    """R-3.3: make permanent the release of every claim past its protection end."""
    with transaction.atomic(), job_context(EXPIRE), connection.cursor() as cursor:
        cursor.execute(_EXPIRE_SQL, {"now": now})
        return cursor.rowcount


def claims_warn_expiring(*, now: datetime.datetime) -> int:
    """R-3.5: each morning, one notice per salesperson (in-app, and e-mail where they have an
    address) of their claims whose protection ends within the office's warning days: how many,
    how many end today, and the earliest last protected day (R-3.2, rules.protection_left).
    Safe to run twice: a salesperson already warned today is not warned again."""
    horizon = ExpressionWrapper(
        Value(now, output_field=DateTimeField())
        + F("office__warning_days") * datetime.timedelta(days=1),
        output_field=DateTimeField(),
    )
    rows = (
        Claim.objects.filter(status=ClaimStatus.ACTIVE, protected_until__gt=now)
        .annotate(horizon=horizon)
        .filter(protected_until__lte=F("horizon"))
        .values_list("owner", "owner__email", "office__timezone", "protected_until")
        .order_by("owner", "protected_until")
    )
    ending: dict[int, dict] = {}  # per salesperson, in the order of their first protection end
    for owner, email, tz_name, until in rows:
        tz = _tz(tz_name)
        today = timezone.localtime(now, tz).date()
        left = protection_left(until, tz=tz, today=today)
        row = ending.setdefault(
            owner,
            {
                "email": email,
                "day": today.isoformat(),
                "through": left.through,
                "count": 0,
                "today": 0,
            },
        )
        row["count"] += 1
        row["today"] += 1 if left.ends_today else 0
    sent = 0
    with transaction.atomic(), job_context(WARN):
        for owner, row in ending.items():
            already = Notification.objects.filter(
                recipient_id=owner, kind="claims_expiring", params__day=row["day"]
            ).exists()
            if already:
                continue
            params = {
                "count": row["count"],
                "day": row["day"],
                "today": row["today"],
                "through": row["through"].isoformat(),
            }
            notify(
                recipient_id=owner,
                kind="claims_expiring",
                params=params,
                url="/attribution/my/",
                now=now,
            )
            if row["email"]:
                _mail(row["email"], params)
            sent += 1
    return sent


def _tz(name: str):
    import zoneinfo

    return zoneinfo.ZoneInfo(name)


def _mail(address: str, params: dict) -> None:
    with override("zh-hans"):
        subject = _("Claims ending soon")
        body = claims_expiring_text(params)
    transaction.on_commit(lambda: send_mail(subject, body, None, [address], fail_silently=True))
