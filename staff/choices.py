from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """Roles are Django groups with exactly these names (API.md)."""

    SECRETARY = "secretary", _("Front-desk secretary")
    SALESPERSON = "salesperson", _("Salesperson")
    MANAGER = "manager", _("Sales manager")
    DIRECTOR = "director", _("Sales director")
    ASSISTANT = "assistant", _("Sales assistant")
    FINANCE = "finance", _("Finance")
    CLERK = "clerk", _("Sales clerk")
    WAREHOUSE = "warehouse", _("Warehouse keeper")
    # the sales department (second part)
    EXECUTIVE = "executive", _("Company leadership")
    TECHNICIAN = "technician", _("Technical department")
    PURCHASING = "purchasing", _("Purchasing department")
