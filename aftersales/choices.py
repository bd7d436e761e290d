"""States and kinds of after-sales requests, complaints and ratings (R-16.1, R-16.2)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RequestState(models.TextChoices):
    """R-16.1: a customer's after-sales request, from the call to the salesperson being told."""

    NEW = "new", pgettext_lazy("after-sales", "New")
    CONFIRMED = "confirmed", pgettext_lazy("after-sales", "Confirmed")
    REJECTED = "rejected", pgettext_lazy("after-sales", "Rejected")
    FILED = "filed", pgettext_lazy("after-sales", "Filed to the technical department")
    CONTACTED = "contacted", pgettext_lazy("after-sales", "Customer contacted")
    RESOLVED = "resolved", pgettext_lazy("after-sales", "Resolved")
    CLOSED = "closed", pgettext_lazy("after-sales", "Closed")


S = RequestState

# the only moves a request makes; each is one service (services.requests)
TRANSITIONS: dict[str, frozenset[str]] = {
    S.NEW: frozenset({S.CONFIRMED, S.REJECTED}),
    S.CONFIRMED: frozenset({S.FILED}),
    S.FILED: frozenset({S.CONTACTED}),
    S.CONTACTED: frozenset({S.RESOLVED}),
    S.RESOLVED: frozenset({S.CLOSED}),
    S.REJECTED: frozenset(),
    S.CLOSED: frozenset(),
}

# the manager escalates what the branch cannot solve at any state before it is closed
ESCALATABLE = (S.NEW, S.CONFIRMED, S.FILED, S.CONTACTED, S.RESOLVED)
# the states in which a technician works on (and sees) a request
TECHNICAL = (S.FILED, S.CONTACTED, S.RESOLVED, S.CLOSED)
# photos are added while the request is open
OPEN = (S.NEW, S.CONFIRMED, S.FILED, S.CONTACTED, S.RESOLVED)


class ContactMethod(models.TextChoices):
    """How the technician (or the handler of a complaint) reached the customer."""

    PHONE = "phone", _("By telephone")
    VISIT = "visit", _("On-site visit")
    REMOTE = "remote", _("Remote assistance")
    WRITTEN = "written", _("In writing")


class ReplyMethod(models.TextChoices):
    """R-16.2: how the reply to a complaint was given."""

    PHONE = "phone", _("By telephone")
    WRITTEN = "written", _("In writing")
    VISIT = "visit", _("On-site visit")


class RequestEventKind(models.TextChoices):
    """The history of a request: one row per step (and per note)."""

    RECEIVED = "received", pgettext_lazy("after-sales event", "Received")
    CONFIRMED = "confirmed", pgettext_lazy("after-sales event", "Confirmed")
    REJECTED = "rejected", pgettext_lazy("after-sales event", "Rejected")
    FILED = "filed", pgettext_lazy("after-sales event", "Filed to the technical department")
    TAKEN = "taken", pgettext_lazy("after-sales event", "Taken by a technician")
    CONTACTED = "contacted", pgettext_lazy("after-sales event", "Customer contacted")
    PROGRESS = "progress", pgettext_lazy("after-sales event", "Status recorded")
    RESOLVED = "resolved", pgettext_lazy("after-sales event", "Result recorded")
    CLOSED = "closed", pgettext_lazy("after-sales event", "Salesperson told, closed")
    ESCALATED = "escalated", pgettext_lazy("after-sales event", "Escalated to leadership")
    NOTE = "note", pgettext_lazy("after-sales event", "Leadership instruction")
    PHOTO = "photo", pgettext_lazy("after-sales event", "Photo added")
    RATED = "rated", pgettext_lazy("after-sales event", "Customer's rating recorded")


class ComplaintKind(models.TextChoices):
    """R-16.2: 投诉 or 建议."""

    COMPLAINT = "complaint", pgettext_lazy("customer feedback", "Complaint")
    SUGGESTION = "suggestion", pgettext_lazy("customer feedback", "Suggestion")


class ComplaintState(models.TextChoices):
    """R-16.2: recorded, handed to a handler, replied to (closed)."""

    OPEN = "open", pgettext_lazy("complaint", "Waiting for a handler")
    ASSIGNED = "assigned", pgettext_lazy("complaint", "Being handled")
    CLOSED = "closed", pgettext_lazy("complaint", "Replied, closed")


COMPLAINT_TRANSITIONS: dict[str, frozenset[str]] = {
    ComplaintState.OPEN: frozenset({ComplaintState.ASSIGNED}),
    # the manager may name another handler until the reply is recorded
    ComplaintState.ASSIGNED: frozenset({ComplaintState.ASSIGNED, ComplaintState.CLOSED}),
    ComplaintState.CLOSED: frozenset(),
}


class ComplaintEventKind(models.TextChoices):
    RECORDED = "recorded", pgettext_lazy("complaint event", "Recorded")
    ESCALATED = "escalated", pgettext_lazy("complaint event", "Escalated to leadership")
    ASSIGNED = "assigned", pgettext_lazy("complaint event", "Handler named")
    REPLIED = "replied", pgettext_lazy("complaint event", "Reply recorded")


# document numbers (common.numbering): 售后服务单, 客户意见单
REQUEST_PREFIX = "AS"
COMPLAINT_PREFIX = "KS"

MAX_PHOTOS = 20  # per request
MAX_DAYS_BACK = 30  # a call or a contact is recorded at most this many days late
