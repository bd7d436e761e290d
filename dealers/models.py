"""Dealer disputes (R-17.5): a friction between dealers (经销商之间的摩擦和纠纷), recorded, helped
to a settlement by the dealer's salesperson or escalated to the branch manager, who settles it.
Every move is a DisputeEvent row. Dealers themselves are accounts of kind dealer
(accounts.Account); their purchases, stock checks and receivables are read from the apps that
own those records (dealers.selectors)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .choices import DisputeAction, DisputeStatus


def _user(verbose_name, *, null: bool = True):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=null,
        blank=null,
        related_name="+",
        verbose_name=verbose_name,
    )


class DealerDispute(models.Model):
    """R-17.5: one dispute of a dealer (with another dealer, when it is one of ours)."""

    office = models.ForeignKey(
        "staff.Office", on_delete=models.PROTECT, related_name="+", verbose_name=_("branch")
    )
    dealer = models.ForeignKey(
        "accounts.Account",
        on_delete=models.PROTECT,
        related_name="dealer_disputes",
        verbose_name=_("dealer"),
    )
    other_dealer = models.ForeignKey(
        "accounts.Account",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("other dealer"),
    )
    description = models.TextField(_("what happened"))
    status = models.CharField(
        _("status"), max_length=20, choices=DisputeStatus.choices, default=DisputeStatus.OPEN
    )
    recorded_by = _user(_("recorded by"), null=False)
    recorded_at = models.DateTimeField(_("recorded at"))
    help_note = models.TextField(_("how the salesperson helps"), blank=True)
    escalation_reason = models.TextField(_("why it is escalated"), blank=True)
    escalated_by = _user(_("escalated by"))
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    resolution = models.TextField(_("how it was settled"), blank=True)
    settled_by = _user(_("settled by"))
    settled_at = models.DateTimeField(_("settled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("dealer dispute")
        verbose_name_plural = _("dealer disputes")
        ordering = ["-recorded_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=DisputeStatus.values), name="dealer_dispute_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(other_dealer__isnull=True) | ~Q(other_dealer=F("dealer")),
                name="dealer_dispute_other_not_self",
            ),
            models.CheckConstraint(
                condition=~Q(status=DisputeStatus.SETTLED)
                | (Q(settled_at__isnull=False) & ~Q(resolution="")),
                name="dealer_dispute_settled_has_resolution",
            ),
            models.CheckConstraint(
                condition=~Q(status=DisputeStatus.ESCALATED)
                | (Q(escalated_at__isnull=False) & ~Q(escalation_reason="")),
                name="dealer_dispute_escalated_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["dealer", "status"], name="dealer_dispute_dealer_status"),
            models.Index(fields=["office", "recorded_at"], name="dealer_dispute_office_at"),
        ]

    def __str__(self) -> str:
        return f"{self.dealer} {self.recorded_at:%Y-%m-%d}"


class DisputeEvent(models.Model):
    """One move of a dealer dispute (R-17.5), with who made it, when, and what they wrote."""

    dispute = models.ForeignKey(
        DealerDispute,
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name=_("dealer dispute"),
    )
    action = models.CharField(
        pgettext_lazy("dealer dispute", "action"), max_length=20, choices=DisputeAction.choices
    )
    from_status = models.CharField(
        pgettext_lazy("dealer dispute", "from"), max_length=20, blank=True
    )
    to_status = models.CharField(
        pgettext_lazy("dealer dispute", "to"), max_length=20, choices=DisputeStatus.choices
    )
    actor = _user(pgettext_lazy("dealer dispute", "by"), null=False)
    at = models.DateTimeField(pgettext_lazy("dealer dispute", "at"))
    note = models.TextField(pgettext_lazy("dealer dispute", "note"), blank=True)

    class Meta:
        verbose_name = _("dealer dispute event")
        verbose_name_plural = _("dealer dispute events")
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=DisputeAction.values), name="dispute_event_action_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dispute_id} {self.action}"
