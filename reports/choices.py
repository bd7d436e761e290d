from django.db import models
from django.utils.translation import gettext_lazy as _


class DayOffKind(models.TextChoices):
    """R-7.2: the days a salesperson owes no diary."""

    LEAVE = "leave", _("Leave")
    REST = "rest", _("Rest day")


class FineKind(models.TextChoices):
    """R-7.2: a diary submitted after the deadline, or none by the end of the day."""

    LATE = "late", _("Late diary")
    MISSING = "missing", _("Missing diary")
