"""Special customer fees (R-16.4): promotion fees, temporary staff and other fees promised to
a customer. Approved by the branch manager (only then promised), then by the company's
leadership, who decides the form of payment; finance pays once."""

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from approvals.models import ApprovableDocument
from quotes.models import money_field
from shipping.models import Numbered

from .choices import FeeKind, FeeStatus, PaymentForm
from .rules import MAX_AMOUNT


def _user(verbose_name, *, null: bool = True):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=null,
        blank=null,
        related_name="+",
        verbose_name=verbose_name,
    )


@pghistory.track()
class SpecialFee(Numbered, ApprovableDocument):
    """R-16.4: one special fee for an account (and optionally one of its contracts)."""

    status = models.CharField(
        _("status"), max_length=20, choices=FeeStatus.choices, default=FeeStatus.DRAFT
    )
    office = models.ForeignKey(
        "staff.Office", on_delete=models.PROTECT, related_name="+", verbose_name=_("branch")
    )
    account = models.ForeignKey(
        "accounts.Account",
        on_delete=models.PROTECT,
        related_name="special_fees",
        verbose_name=_("account"),
    )
    contract = models.ForeignKey(
        "contracts.SalesContract",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="special_fees",
        verbose_name=_("contract"),
    )
    kind = models.CharField(_("kind of fee"), max_length=20, choices=FeeKind.choices)
    amount = money_field(_("amount"))
    purpose = models.TextField(pgettext_lazy("special fee", "purpose"))
    author = _user(_("created by"), null=False)
    created_at = models.DateTimeField(_("created at"))
    # the salesperson's promise to the customer, after the manager's approval
    promised_at = models.DateTimeField(_("promised to the customer at"), null=True, blank=True)
    promised_by = _user(_("promised by"))
    # the executive's decision
    payment_form = models.CharField(
        _("form of payment"), max_length=20, choices=PaymentForm.choices, blank=True
    )
    payment_note = models.TextField(_("payment note"), blank=True)
    payment_form_by = _user(_("form of payment decided by"))
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    paid_by = _user(_("paid by"))
    payment_reference = models.CharField(_("payment reference"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("special customer fee")
        verbose_name_plural = _("special customer fees")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["office", "number"], name="specialfee_number_unique"),
            models.UniqueConstraint(
                fields=["office", "year", "sequence"], name="specialfee_sequence_unique"
            ),
            models.CheckConstraint(
                condition=Q(status__in=FeeStatus.values), name="specialfee_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0, amount__lte=MAX_AMOUNT),
                name="specialfee_amount_range",
            ),
            models.CheckConstraint(
                condition=Q(payment_form="") | Q(payment_form__in=PaymentForm.values),
                name="specialfee_payment_form_valid",
            ),
            # paid once, and only with a form of payment
            models.CheckConstraint(
                condition=~Q(status=FeeStatus.PAID)
                | (Q(paid_at__isnull=False) & ~Q(payment_form="")),
                name="specialfee_paid_has_form",
            ),
        ]
        indexes = [models.Index(fields=["office", "status"], name="specialfee_office_status")]

    def approval_party_ids(self) -> set[int]:
        """R-8.1: the account's owner and deputy never decide its fees."""
        return {self.account.owner_id, self.account.deputy_id} - {None}
