"""Claims (R-3.1): one household, one salesperson; the history of each claim is append-only."""

import pghistory
import pgtrigger
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from leads.models import Customer, Household
from staff.models import Office

from .choices import ClaimEventKind, ClaimStatus, Decision, DisputeStatus, FollowUpKind, Relation


# History by statement-level triggers: claims.expire_stale releases a fifth of a million
# claims in one UPDATE, and one INSERT … SELECT of their history rows costs a fraction of a
# trigger call per row (issue 8)
@pghistory.track(model_name="ClaimHistory", level=pghistory.Statement)
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
        db_index=False,  # served by claim_owner_summary, which starts with the owner
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.ACTIVE
    )
    started_at = models.DateTimeField(_("started at"))
    last_contact_at = models.DateTimeField(_("last contact"))
    # rules.protection_end(last_contact_at), stored so that expiry is one set-based UPDATE;
    # read only on active claims, through the partial index below
    protected_until = models.DateTimeField(_("protected until"))
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
        indexes = [
            # an office's active claims, the next to lose protection first: the claim lists
            # and their counts (issue 8). Every read of protected_until is of active claims;
            # a plain index on it made PostgreSQL scan the whole group's ending claims in date
            # order and filter the office (25 ms instead of 1 ms for a page at a million)
            models.Index(
                fields=["office", "protected_until", "id"],
                condition=models.Q(status="active"),
                name="claim_office_active_ending",
            ),
            # a salesperson's active claims, the next to lose protection first: the "my
            # customers" page (issue 8: 5.8 ms as a bitmap AND of two indexes, 0.4 ms on this)
            models.Index(
                fields=["owner", "protected_until", "id"],
                condition=models.Q(status="active"),
                name="claim_owner_active_ending",
            ),
            # a salesperson's claims by status, covering what the tab counts read: the counts
            # of "my customers" are an index-only scan (16 ms over 5,000 claims, now 1.8 ms)
            models.Index(
                fields=["owner", "office", "status"],
                include=["protected_until", "household"],
                name="claim_owner_summary",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household} → {self.owner}"


class ClaimEvent(models.Model):
    """Every change of a claim, append-only: the database refuses UPDATE and DELETE."""

    claim = models.ForeignKey(
        Claim, on_delete=models.PROTECT, related_name="timeline", verbose_name=_("claim")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ClaimEventKind.choices)
    at = models.DateTimeField(_("at"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
        db_index=False,  # events are read by claim; see owner
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("owner after"),
        # events are read by claim only (the timeline, the reports): an index by user would
        # cost claims.expire_stale an insert per released claim for no read (issue 8); the
        # foreign key itself stays
        db_index=False,
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


@pghistory.track(model_name="FollowUpHistory")
class FollowUp(models.Model):
    """R-3.2: a qualifying contact logged by the claim's owner, with a written note.
    Never deleted: a manager voids it with a reason, and protection is recomputed (R-3.8)."""

    claim = models.ForeignKey(
        Claim, on_delete=models.PROTECT, related_name="followups", verbose_name=_("claim")
    )
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="followups", verbose_name=_("customer")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=FollowUpKind.choices)
    note = models.TextField(_("note"))
    at = models.DateTimeField(_("at"), db_index=True)
    next_step = models.CharField(_("next step"), max_length=200, blank=True)
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
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["-at"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(note=""), name="followup_has_note"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"


class HouseholdLink(models.Model):
    """R-4.1: the record of linking a family member into a customer's household."""

    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="+", verbose_name=_("customer")
    )
    member = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="+", verbose_name=_("member")
    )
    relation = models.CharField(_("relation"), max_length=10, choices=Relation.choices)
    at = models.DateTimeField(_("at"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )

    class Meta:
        verbose_name = _("household link")
        verbose_name_plural = _("household links")
        ordering = ["at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(customer=models.F("member")), name="household_link_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} ({self.get_relation_display()}) → {self.customer}"


@pghistory.track(model_name="DisputeHistory")
class Dispute(models.Model):
    """R-5.6: a salesperson disputes a customer's ownership; the manager rules, finally."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, verbose_name=_("office"))
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="disputes", verbose_name=_("customer")
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("opened by"),
    )
    automatic = models.BooleanField(_("opened by the system"), default=False)
    claimant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("claimant"),
    )
    reason = models.TextField(_("reason"))
    opened_at = models.DateTimeField(_("opened at"))
    status = models.CharField(
        _("status"), max_length=8, choices=DisputeStatus.choices, default=DisputeStatus.OPEN
    )
    decision = models.CharField(_("decision"), max_length=8, choices=Decision.choices, blank=True)
    ruling_reason = models.TextField(_("ruling reason"), blank=True)
    new_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("new owner"),
    )
    ruled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ruled by"),
    )
    ruled_at = models.DateTimeField(_("ruled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        ordering = ["-opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "claimant"],
                condition=models.Q(status="open"),
                name="one_open_dispute_per_claimant",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer} ({self.get_status_display()})"
