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


class ReportKind(models.TextChoices):
    """R-7.4: a salesperson's weekly or monthly report, and the manager's weekly report on the
    team to the director."""

    WEEKLY = "weekly", _("Weekly report")
    MONTHLY = "monthly", _("Monthly report")
    TEAM_WEEKLY = "team_weekly", _("Team weekly report")
