"""What is added to an after-sales request beside its steps: photos of the problem,
leadership's instruction on an escalated request, and the customer's rating of the
technician (R-16.1, R-16.2)."""

import datetime

from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework.exceptions import PermissionDenied, ValidationError

from common.errors import DomainError
from common.uploads import PDF, check_upload
from staff.choices import Role
from staff.permissions import may

from .. import selectors
from ..choices import MAX_PHOTOS, OPEN, RequestEventKind, RequestState
from ..models import ServiceRequest, ServiceRequestPhoto, TechnicianRating
from . import base
from .requests import _lock, event, params, url

E = RequestEventKind


def may_add_photo(user, request: ServiceRequest) -> bool:
    """Who works on the request: who may take calls for the account (its salesperson, the
    manager, the clerk) or its technician."""
    from .requests import may_report, may_work

    return may_report(user, request.account) or (
        request.filed_at is not None and may_work(user, request)
    )


@transaction.atomic
def photo_add(*, request: ServiceRequest, actor, upload, now) -> ServiceRequestPhoto:
    """A photo of the problem: an image (its type read from its bytes, not PDF) of at most
    20 MB, while the request is open; at most 20 per request."""
    request = _lock(request)
    if not may_add_photo(actor, request):
        raise PermissionDenied(_("You may not add photos to this request."))
    kind = check_upload(upload, field="photo")
    if kind == PDF:
        raise ValidationError({"photo": [_("Upload a photo (JPEG, PNG or WebP).")]})
    if request.state not in OPEN:
        raise DomainError(_("The request is closed."), code="wrong_state")
    if request.photos.count() >= MAX_PHOTOS:
        raise DomainError(
            _("At most %(n)d photos per request.") % {"n": MAX_PHOTOS}, code="too_many_photos"
        )
    photo = ServiceRequestPhoto(
        request=request, content_type=kind.content_type, uploaded_by=actor, uploaded_at=now
    )
    photo.file.save(f"photo.{kind.extension}", upload, save=False)
    stored = photo.file.name
    try:
        photo.save()
        event(request, E.PHOTO, actor=actor, now=now)
    except Exception:
        photo.file.storage.delete(stored)
        raise
    return photo


@transaction.atomic
def request_instruct(*, request: ServiceRequest, actor, note: str, now) -> ServiceRequest:
    """Leadership (director, executive) adds an instruction to an escalated request; the
    branch's manager is told."""
    request = _lock(request)
    if not may(actor, "aftersales.instruct", request.office):
        raise PermissionDenied(_("Only leadership gives instructions on a request."))
    if request.escalated_at is None:
        raise DomainError(_("This request is not escalated."), code="not_escalated")
    note = base.text(note, "note", required=True)
    event(request, E.NOTE, actor=actor, now=now, note=note)
    base.tell(
        selectors.people_with_role(request.office, Role.MANAGER),
        kind="aftersales_instruction",
        params={**params(request), "by": str(actor)},
        url=url(request),
        now=now,
        skip=actor,
    )
    return request


def _score(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValidationError({"score": [_("Give a score from 1 to 5.")]})
    text_ = str(value).strip()
    if not (text_.isascii() and text_.isdigit() and 1 <= int(text_) <= 5):
        raise ValidationError({"score": [_("Give a score from 1 to 5.")]})
    return int(text_)


@transaction.atomic
def rating_record(
    *, request: ServiceRequest, actor, score, now: datetime.datetime, comment: str = ""
) -> TechnicianRating:
    """R-16.2: the customer's rating (1–5) of the technician of a resolved or closed request,
    recorded by the clerk or the manager; one per request."""
    request = _lock(request)
    if not may(actor, "aftersales.rate", request.office):
        raise PermissionDenied(_("Only the branch's clerk or manager records a rating."))
    score = _score(score)
    comment = base.text(comment, "comment", required=False)
    if request.state not in (RequestState.RESOLVED, RequestState.CLOSED):
        raise DomainError(_("A request is rated once it is resolved."), code="wrong_state")
    if request.technician_id is None:
        raise DomainError(_("No technician worked on this request."), code="no_technician")
    if TechnicianRating.objects.filter(request=request).exists():
        raise DomainError(_("This request is rated already."), code="already_rated")
    day = base.today(request.office, now)
    rating = TechnicianRating.objects.create(
        request=request,
        office=request.office,
        technician_id=request.technician_id,
        score=score,
        comment=comment,
        month=day.replace(day=1),
        recorded_by=actor,
        recorded_at=now,
    )
    event(request, E.RATED, actor=actor, now=now, note=f"{score}")
    return rating
