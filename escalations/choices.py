"""The kinds of record that can be escalated to company leadership (R-7.3, R-16.1, R-16.2)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    MEETING_PROBLEM = "meeting_problem", _("Meeting problem")
    AFTER_SALES = "after_sales", _("After-sales service")
    COMPLAINT = "complaint", _("Customer complaint")
