from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class EnquiryKind(models.TextChoices):
    """R-11.1: an enquiry (询价) or a tender notice (招标信息)."""

    ENQUIRY = "enquiry", _("Enquiry")
    TENDER = "tender", _("Tender notice")


class QuestionTo(models.TextChoices):
    """R-11.2: whom the salesperson asks."""

    TECHNICIAN = "technician", _("Technical department")
    PURCHASING = "purchasing", _("Purchasing department")


class QuoteKind(models.TextChoices):
    """R-11.3 (API.md: kind ∈ quote, bid)."""

    QUOTE = "quote", _("Quote")
    BID = "bid", _("Bid")


class Outcome(models.TextChoices):
    """R-11.3: what became of an approved quote."""

    OPEN = "open", pgettext_lazy("quote outcome", "Open")
    WON = "won", pgettext_lazy("quote outcome", "Won")
    LOST = "lost", pgettext_lazy("quote outcome", "Lost")
    EXPIRED = "expired", pgettext_lazy("quote outcome", "Expired")


# the results the outcome endpoint accepts (API.md)
RESULTS = (Outcome.WON, Outcome.LOST, Outcome.EXPIRED)

# R-12.2's numbering, applied to quotes and bids: BJ-2026-0001, TB-2026-0001
NUMBER_PREFIX = {QuoteKind.QUOTE: "BJ", QuoteKind.BID: "TB"}
