from django.db import models
from django.utils.translation import gettext_lazy as _


class ClaimStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    RELEASED = "released", _("Released")
    DEAL = "deal", _("Deal")
    MERGED = "merged", _("Merged")  # closed when households are linked


class ClaimEventKind(models.TextChoices):
    STARTED = "started", _("Claim started")
    CONTACT = "contact", _("Qualifying contact")
    RELEASED = "released", _("Released")
    REASSIGNED = "reassigned", _("Reassigned")
