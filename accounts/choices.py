from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    CUSTOMER = "customer", _("End customer")
    DEALER = "dealer", _("Dealer")
    GOVERNMENT = "government", _("Government buyer")


class Grade(models.TextChoices):
    """R-9.3."""

    A = "A", _("A: large and urgent demand")
    B = "B", _("B: ordinary demand, an intention to buy")
    C = "C", _("C: potential demand")
