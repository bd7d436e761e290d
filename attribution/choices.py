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
    CONTACT_VOIDED = "contact_voided", _("Contact voided")
    MERGED = "merged", _("Merged into another household")
    RULED = "ruled", _("Ruling")
    DEAL = "deal", _("Deal: subscription deposit paid")


class FollowUpKind(models.TextChoices):
    """R-3.2: the follow-ups that qualify, each with a written note."""

    CALL = "call", _("Call")
    VISIT = "visit", _("Visit")
    MESSAGE = "message", _("Message")
    MEETING = "meeting", _("Meeting")


class Relation(models.TextChoices):
    """R-4.1: immediate family forms one household."""

    SPOUSE = "spouse", _("Spouse")
    PARENT = "parent", _("Parent")
    CHILD = "child", _("Child")


class DisputeStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RULED = "ruled", _("Ruled")


class Decision(models.TextChoices):
    """R-5.6: a ruling keeps the claim where it is, or moves it."""

    KEEP = "keep", _("Keep with the current owner")
    MOVE = "move", _("Move to another salesperson")
