from django.db import models
from django.utils.translation import gettext_lazy as _


class MoveKind(models.TextChoices):
    """R-10.3: stock moves only through these documents."""

    OPENING = "opening", _("Opening stock")
    RECEIPT = "receipt", _("Receipt of goods")
    ADJUSTMENT = "adjustment", _("Adjustment")
    OUTBOUND = "outbound", _("Outbound order")
    RED_OUTBOUND = "red_outbound", _("Red outbound order")
