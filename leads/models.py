"""Customers (R-1): one per normalized phone per office; registration kept forever."""

import pghistory
from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models.functions import Upper
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from staff.models import Office

from .rules import mask_name, mask_phone


class SourceChannel(models.Model):
    """How a customer heard of the office (R-1.2): a managed list, editable in the admin."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name (Chinese)"), max_length=60)
    name_en = models.CharField(_("name (English)"), max_length=60, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("source channel")
        verbose_name_plural = _("source channels")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        if self.name_en and get_language() == "en":
            return self.name_en
        return self.name


class Household(models.Model):
    """Immediate family (R-4.1): claims and credit belong to the household."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, verbose_name=_("office"))
    created_at = models.DateTimeField(_("created at"))
    # a household linked into another keeps its own history, reachable from the other
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_from",
        verbose_name=_("merged into"),
    )

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")

    def __str__(self) -> str:
        return f"#{self.pk}"


@pghistory.track()
class Customer(models.Model):
    """A customer of one office. `registered_at` and `source_channel` are never edited (R-1.2)."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, verbose_name=_("office"))
    phone = models.CharField(_("phone"), max_length=15)
    name = models.CharField(_("name"), max_length=60, blank=True)
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="members", verbose_name=_("household")
    )
    source_channel = models.ForeignKey(
        SourceChannel, on_delete=models.PROTECT, verbose_name=_("source channel")
    )
    registered_at = models.DateTimeField(_("registered at"))
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("registered by"),
    )
    # registered by a hotline call and not yet visited: unowned, and no
    # salesperson's own registration may claim them; the first visit clears it.
    awaiting_visit = models.BooleanField(
        _("called in, not yet visited"), default=False, db_default=False
    )
    # a registration is voided by a manager with a reason, never edited or deleted.
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("voided by"),
    )
    void_reason = models.TextField(_("void reason"), blank=True)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["-registered_at"]
        constraints = [
            # one customer per normalized phone per office.
            models.UniqueConstraint(fields=["office", "phone"], name="customer_phone_per_office"),
            models.CheckConstraint(
                condition=models.Q(phone__regex=r"^[0-9]{7,15}$"), name="customer_phone_digits"
            ),
        ]
        indexes = [
            # prefix search of phones (LIKE '138%') under any collation
            models.Index(
                fields=["phone"], name="customer_phone_prefix", opclasses=["varchar_pattern_ops"]
            ),
            # search by a fragment of the phone or of the name (LIKE '%…%', R-2.1): trigram
            # indexes on exactly what leads.selectors.customers_search compares (contains,
            # icontains = UPPER(name) LIKE UPPER(…)); migration 0004 creates them concurrently
            GinIndex(fields=["phone"], name="customer_phone_trgm", opclasses=["gin_trgm_ops"]),
            GinIndex(OpClass(Upper("name"), name="gin_trgm_ops"), name="customer_name_trgm"),
            # an office's customers, latest registration first: the list pages (issue 8)
            models.Index(fields=["office", "-registered_at", "-id"], name="customer_office_recent"),
            # an office's customers of a name: the notifications list shows a stored name in
            # full to whoever holds a customer of that name (notifications.selectors, issue 22)
            models.Index(fields=["office", "name"], name="customer_name_per_office"),
        ]

    def __str__(self) -> str:
        return self.name or self.phone

    @property
    def masked_phone(self) -> str:
        """The phone as shown to whoever may not see the customer in full (API.md, visibility)."""
        return mask_phone(self.phone)

    @property
    def masked_name(self) -> str:
        return mask_name(self.name)

    @property
    def masked_label(self) -> str:
        """The customer named for whoever may not see them in full: the masked name (张*),
        else the masked phone (str() falls back to the full phone)."""
        return self.masked_name or self.masked_phone
