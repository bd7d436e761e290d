"""The scheduled jobs of ownership: expiry (R-3.3) and the morning warning (R-3.5)."""

import datetime

from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models import Count, ExpressionWrapper, F, Min, Value
from django.db.models.fields import DateTimeField
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from common.history import job_context
from notifications.models import Notification
from notifications.services import notify

from ..choices import ClaimStatus
from ..models import Claim

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
    address) of their claims whose protection ends within the office's warning days.
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
        .values("owner", "owner__email", "owner__username", "office__timezone")
        .annotate(count=Count("pk"), first_end=Min("protected_until"))
    )
    sent = 0
    with transaction.atomic(), job_context(WARN):
        for row in rows:
            day = timezone.localtime(now, _tz(row["office__timezone"])).date().isoformat()
            already = Notification.objects.filter(
                recipient_id=row["owner"], kind="claims_expiring", params__day=day
            ).exists()
            if already:
                continue
            params = {"count": row["count"], "day": day}
            notify(
                recipient_id=row["owner"],
                kind="claims_expiring",
                params=params,
                url="/attribution/my/",
                now=now,
            )
            if row["owner__email"]:
                _mail(row["owner__email"], row["count"])
            sent += 1
    return sent


def _tz(name: str):
    import zoneinfo

    return zoneinfo.ZoneInfo(name)


def _mail(address: str, count: int) -> None:
    with override("zh-hans"):
        subject = _("Claims ending soon")
        body = _("The protection of %(count)d of your customers ends soon.") % {"count": count}
    transaction.on_commit(lambda: send_mail(subject, body, None, [address], fail_silently=True))
