from django.db import models
from django.utils.translation import gettext_lazy as _


class DutyStatus(models.TextChoices):
    """R-2.2: changed only when someone sets it, never by an assignment."""

    AVAILABLE = "available", _("Available")
    BUSY = "busy", _("Busy with a customer")
    AWAY_PRIVATE = "away_private", _("Away (private)")
    AWAY_BUSINESS = "away_business", _("Away (on business)")


class Rule(models.TextChoices):
    """R-2.4: which rule assigned the visit."""

    OWNER = "owner", _("Claim owner")
    NAMED = "named", _("Named by the customer")
    REFERRAL = "referral", _("Referral")
    ROTATION = "rotation", _("Rotation")
    MANAGER = "manager", _("Assigned by the manager")
    UNASSIGNED = "unassigned", _("Waiting for the manager")


class UnassignedReason(models.TextChoices):
    LARGE_PARTY = "large_party", _("Large party, not one household")
    NOBODY_AVAILABLE = "nobody_available", _("Nobody on the roster is available")
    NO_ROSTER = "no_roster", _("No duty roster for today")


class SkipReason(models.TextChoices):
    AWAY_PRIVATE = "away_private", _("away for private reasons: loses this turn")
    AWAY_BUSINESS = "away_business", _("away on business: owed a turn")
    BUSY = "busy", _("busy with a customer: owed a turn")


class ResearchStatus(models.TextChoices):
    """R-2.6: flag → confirm → approve (or reject)."""

    NONE = "", _("Not flagged")
    FLAGGED = "flagged", _("Flagged by the salesperson")
    CONFIRMED = "confirmed", _("Confirmed by the secretary")
    APPROVED = "approved", _("Approved by the director")
    REJECTED = "rejected", _("Rejected")


class ResearchStep(models.TextChoices):
    FLAG = "flag", _("Flag")
    CONFIRM = "confirm", _("Confirm")
    APPROVE = "approve", _("Approve")
    REJECT = "reject", _("Reject")


class CallKind(models.TextChoices):
    CUSTOMER = "customer", _("Customer call")
    NON_CUSTOMER = "non_customer", _("Non-customer call")
