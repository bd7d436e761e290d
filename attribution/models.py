"""Claims (R-3.1): one household, one salesperson; the history of each claim is append-only."""

import pghistory
import pgtrigger
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from leads.models import Customer, Household
from staff.models import Office

from .choices import ClaimEventKind, ClaimStatus


@pghistory.track(model_name="ClaimHistory")
class Claim(models.Model):
    """A household's salesperson. Active while protected (R-3.2); at most one active per
    household, guaranteed by a partial unique constraint."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, verbose_name=_("office"))
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="claims", verbose_name=_("household")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="claims",
        verbose_name=_("owner"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.ACTIVE
    )
    started_at = models.DateTimeField(_("started at"))
    last_contact_at = models.DateTimeField(_("last contact"))
    # rules.protection_end(last_contact_at), stored so that expiry is one set-based UPDATE
    protected_until = models.DateTimeField(_("protected until"), db_index=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    class Meta:
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        ordering = ["protected_until"]
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=models.Q(status="active"),
                name="one_active_claim_per_household",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household} → {self.owner}"


class ClaimEvent(models.Model):
    """Every change of a claim, append-only: the database refuses UPDATE and DELETE."""

    claim = models.ForeignKey(
        Claim, on_delete=models.PROTECT, related_name="timeline", verbose_name=_("claim")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=ClaimEventKind.choices)
    at = models.DateTimeField(_("at"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("owner after"),
    )
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        verbose_name = _("claim event")
        verbose_name_plural = _("claim events")
        ordering = ["at", "pk"]
        triggers = [
            pgtrigger.Protect(
                name="claim_events_append_only", operation=pgtrigger.Update | pgtrigger.Delete
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"


class Collision(models.Model):
    """R-5.3: a salesperson tried to register a customer under someone else's active claim."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, verbose_name=_("office"))
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, verbose_name=_("customer"))
    salesperson = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("salesperson"),
    )
    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, verbose_name=_("claim"))
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("collision")
        verbose_name_plural = _("collisions")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.salesperson} × {self.customer} {self.at:%Y-%m-%d}"
