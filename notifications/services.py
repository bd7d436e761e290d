import datetime

from .models import Notification


def notify(
    *,
    kind: str,
    params: dict,
    now: datetime.datetime,
    url: str = "",
    recipient=None,
    recipient_id: int | None = None,
) -> Notification:
    """Store a notification in the caller's transaction: it exists exactly when its cause does."""
    return Notification.objects.create(
        recipient_id=recipient.pk if recipient is not None else recipient_id,
        kind=kind,
        params=params,
        url=url,
        created_at=now,
    )


def notifications_mark_read(
    *, recipient, now: datetime.datetime, ids: list[int] | None = None
) -> int:
    qs = Notification.objects.filter(recipient=recipient, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=now)
