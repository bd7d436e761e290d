import datetime

from .models import Notification


def notify(
    *, recipient, kind: str, params: dict, url: str = "", now: datetime.datetime
) -> Notification:
    """Store a notification in the caller's transaction: it exists exactly when its cause does."""
    return Notification.objects.create(
        recipient=recipient, kind=kind, params=params, url=url, created_at=now
    )


def notifications_mark_read(
    *, recipient, now: datetime.datetime, ids: list[int] | None = None
) -> int:
    qs = Notification.objects.filter(recipient=recipient, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=now)
