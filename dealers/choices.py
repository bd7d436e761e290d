"""Statuses of dealer disputes (R-17.5) and who moves them where."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class DisputeStatus(models.TextChoices):
    """R-17.5: recorded (open), the salesperson helps settle it, or escalates it to the branch
    manager; settled by the salesperson or, once escalated, by the manager."""

    OPEN = "open", pgettext_lazy("dealer dispute", "Open")
    HELPING = "helping", _("Being settled by the salesperson")
    ESCALATED = "escalated", _("Escalated to the manager")
    SETTLED = "settled", pgettext_lazy("dealer dispute", "Settled")


class DisputeAction(models.TextChoices):
    RECORDED = "recorded", pgettext_lazy("dealer dispute", "Recorded")
    HELPING = "helping", _("The salesperson helps settle it")
    ESCALATED = "escalated", _("Escalated to the manager")
    SETTLED = "settled", pgettext_lazy("dealer dispute", "Settled")


UNSETTLED = (DisputeStatus.OPEN, DisputeStatus.HELPING, DisputeStatus.ESCALATED)

# every other move is refused (409 `invalid_transition`)
TRANSITIONS = {
    DisputeStatus.OPEN: {DisputeStatus.HELPING, DisputeStatus.ESCALATED},
    DisputeStatus.HELPING: {DisputeStatus.SETTLED, DisputeStatus.ESCALATED},
    DisputeStatus.ESCALATED: {DisputeStatus.SETTLED},
    DisputeStatus.SETTLED: set(),
}
