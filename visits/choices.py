from django.db import models
from django.utils.translation import gettext_lazy as _


class RecordKind(models.TextChoices):
    """R-9.7: a visit record is a first visit, a return visit or a call (API.md)."""

    FIRST = "first", _("First visit")
    RETURN = "return", _("Return visit")
    CALL = "call", _("Phone call")


# what counts as a visit for the grade's interval (a call is recorded, not a visit)
VISIT_KINDS = (RecordKind.FIRST, RecordKind.RETURN)


class PlanStatus(models.TextChoices):
    """R-9.6: drafted by the salesperson, submitted by the Saturday meeting, confirmed by the
    manager."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    CONFIRMED = "confirmed", _("Confirmed")


class PlannedOutcome(models.TextChoices):
    """R-9.7: a planned visit is done, missed (with a reason) or replaced."""

    PLANNED = "planned", _("Planned")
    DONE = "done", _("Done")
    MISSED = "missed", _("Missed")
    REPLACED = "replaced", _("Replaced")
