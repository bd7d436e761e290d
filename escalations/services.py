"""Raising and closing escalations (R-7.3, R-16.1, R-16.2): one raise, one close, one list.

Decisions:
- Raising is idempotent per subject: a second raise (even at the same instant, the unique
  constraint decides) returns the open escalation unchanged and notifies nobody; a closed
  subject cannot be escalated again (`already_closed`).
- Company leadership is every active director and executive: each is notified once.
- Lock order: the subject (by its source's service), then the escalation.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from common.errors import DomainError
from notifications.services import notify
from staff.choices import Role
from staff.models import Office

from .choices import Source
from .models import Escalation
from .registry import entry

NOTIFIED_TEXT = 120  # characters of the title quoted in leadership's notification
KIND = "escalated"


def leadership() -> QuerySet:
    """Company leadership (R-7.3, R-16.1): the active directors and executives."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=[Role.DIRECTOR, Role.EXECUTIVE])
        .distinct()
        .order_by("pk")
    )


def _closed() -> DomainError:
    return DomainError(_("This escalation is already closed."), code="already_closed")


@transaction.atomic
def escalation_raise(
    *, office: Office, source: str, subject_id: int, title: str, text: str, url: str, by, now
) -> Escalation:
    """R-7.3, R-16.1, R-16.2: escalate a subject to company leadership, who are notified once."""
    source = Source(source)  # an unknown source is a programming error: ValueError
    existing = Escalation.objects.select_for_update().filter(source=source, subject_id=subject_id)
    found = existing.first()
    if found is None:
        try:
            with transaction.atomic():  # a savepoint: a concurrent raise may win the insert
                found = Escalation.objects.create(
                    office=office,
                    source=source,
                    subject_id=subject_id,
                    title=Truncator((title or "").strip()).chars(200),
                    text=(text or "").strip(),
                    url=(url or "")[:300],
                    escalated_at=now,
                    escalated_by=by,
                )
        except IntegrityError:  # raised at the same time by someone else: theirs stands
            found = existing.get()
        else:
            params = {
                "office": office.name,
                "source": str(source),
                "title": Truncator(found.title).chars(NOTIFIED_TEXT),
            }
            link = reverse("escalations:list")
            for person in leadership():
                notify(kind=KIND, params=params, now=now, url=link, recipient=person)
            return found
    if found.closed_at is not None:
        raise _closed()
    return found


def _resolution(resolution: str) -> str:
    resolution = (resolution or "").strip()
    if not resolution:
        raise ValidationError({"resolution": [_("Write the resolution.")]})
    return resolution


def _finish(escalation: Escalation, resolution: str, by, now) -> Escalation:
    escalation.closed_at, escalation.closed_by, escalation.resolution = now, by, resolution
    escalation.save(update_fields=["closed_at", "closed_by", "resolution"])
    return escalation


@transaction.atomic
def escalation_close(*, escalation: Escalation, resolution: str, by, now) -> Escalation:
    """R-7.3: leadership closes an escalation from its list with the resolution; the source's
    hook closes the subject in the same transaction (a meeting problem). Sources that close
    with their subject (after-sales, complaints) are refused here (`closes_with_subject`)."""
    resolution = _resolution(resolution)
    current = Escalation.objects.get(pk=escalation.pk)
    source = entry(current.source)
    if not source.closable_from_list:
        raise DomainError(
            _("This escalation closes when its request is closed."), code="closes_with_subject"
        )
    if current.closed_at is not None:
        raise _closed()
    if source.on_close is not None:  # the subject first (lock order), then the escalation
        source.on_close(subject_id=current.subject_id, resolution=resolution, by=by, now=now)
    locked = Escalation.objects.select_for_update().get(pk=current.pk)
    if locked.closed_at is not None:  # closed meanwhile: the hook's work is rolled back
        raise _closed()
    return _finish(locked, resolution, by, now)


@transaction.atomic
def escalation_close_subject(
    *, source: str, subject_id: int, resolution: str, by, now
) -> Escalation | None:
    """R-16.1, R-16.2: the subject (an after-sales request, a complaint) was closed by its own
    service: its open escalation closes with it (no hook back into the source). None when the
    subject has no open escalation."""
    resolution = _resolution(resolution)
    found = (
        Escalation.objects.select_for_update()
        .filter(source=Source(source), subject_id=subject_id, closed_at__isnull=True)
        .first()
    )
    if found is None:
        return None
    return _finish(found, resolution, by, now)
