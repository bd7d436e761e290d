"""Units (R-6.1), holds (R-6.2), subscriptions (R-6.3) and the refunds finance pays.

One active hold and one active subscription per unit at most, by partial unique constraints;
the services also lock the unit's row, so a hold and a subscription never coexist (R-5.7).
"""

import pghistory
from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from attribution.models import Claim
from leads.models import Customer
from staff.models import Office

from .choices import (
    ContractStatus,
    HoldStatus,
    InstalmentKind,
    RefundReason,
    SubscriptionStatus,
    UnitStatus,
)

USER = settings.AUTH_USER_MODEL
MONEY = {"max_digits": 14, "decimal_places": 2}


class Project(models.Model):
    office = models.ForeignKey(Office, on_delete=models.PROTECT, verbose_name=_("office"))
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["office", "name"], name="project_name_per_office")
        ]

    def __str__(self) -> str:
        return self.name


@pghistory.track()
class Unit(models.Model):
    """A unit for sale (房源, R-6.1). `status` is changed only by the deal services."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, verbose_name=_("office"))
    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="units", verbose_name=_("project")
    )
    building = models.CharField(_("building"), max_length=20)
    number = models.CharField(_("unit number"), max_length=20)
    floor = models.SmallIntegerField(_("floor"))
    layout = models.CharField(_("layout"), max_length=40, blank=True)
    area = models.DecimalField(
        _("area (m²)"), max_digits=8, decimal_places=2, validators=[MinValueValidator(0)]
    )
    orientation = models.CharField(_("orientation"), max_length=20, blank=True)
    list_price = models.DecimalField(_("list price"), **MONEY, validators=[MinValueValidator(0)])
    status = models.CharField(
        _("status"), max_length=12, choices=UnitStatus.choices, default=UnitStatus.AVAILABLE
    )

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["project", "building", "-floor", "number"]
        indexes = [
            # an office's units in the API's order, a page at a time (issue 8)
            models.Index(
                fields=["office", "project", "building", "-floor", "number", "id"],
                name="unit_office_board",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "building", "number"], name="unit_number_per_building"
            ),
            models.CheckConstraint(
                condition=Q(list_price__gte=0) & Q(area__gte=0), name="unit_money_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.building}-{self.number}"


@pghistory.track()
class Hold(models.Model):
    """R-6.2: a holding fee blocks one unit for `hold_hours` for one customer."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, verbose_name=_("office"))
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="holds", verbose_name=_("unit")
    )
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="holds", verbose_name=_("customer")
    )
    fee = models.DecimalField(_("holding fee"), **MONEY)
    created_at = models.DateTimeField(_("created at"))
    created_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    expires_at = models.DateTimeField(_("expires at"), db_index=True)
    status = models.CharField(
        _("status"), max_length=10, choices=HoldStatus.choices, default=HoldStatus.ACTIVE
    )
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    class Meta:
        verbose_name = _("hold")
        verbose_name_plural = _("holds")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit"], condition=Q(status="active"), name="one_active_hold_per_unit"
            ),
            # a lapsed or released hold refunds its fee, and a refund is never zero
            models.CheckConstraint(condition=Q(fee__gt=0), name="hold_fee_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} ← {self.customer}"


@pghistory.track()
class Subscription(models.Model):
    """R-6.3: the subscription deposit and the numbered internal agreement (内部认购协议).
    Credit goes to the household's claim owner at the time of the deposit (R-5.2) and stays
    with them if the customer withdraws (R-5.5)."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, verbose_name=_("office"))
    number = models.CharField(_("agreement number"), max_length=30)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="subscriptions", verbose_name=_("unit")
    )
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="subscriptions", verbose_name=_("customer")
    )
    deposit = models.DecimalField(_("deposit"), **MONEY)
    hold = models.OneToOneField(
        Hold, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("converted hold")
    )
    fee_credited = models.DecimalField(_("holding fee credited"), **MONEY, default=0)
    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, verbose_name=_("claim"))
    credited_salesperson = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        related_name="credited_subscriptions",
        verbose_name=_("credited salesperson"),
    )
    signed_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("signed by")
    )
    created_at = models.DateTimeField(_("created at"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=SubscriptionStatus.choices,
        default=SubscriptionStatus.ACTIVE,
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["office", "number"], name="agreement_number_per_office"
            ),
            models.UniqueConstraint(
                fields=["unit"],
                condition=Q(status="active"),
                name="one_active_subscription_per_unit",
            ),
            models.CheckConstraint(condition=Q(deposit__gt=0), name="deposit_positive"),
            # the holding fee credited toward the deposit never exceeds it (issue 13) …
            models.CheckConstraint(
                condition=Q(fee_credited__gte=0) & Q(fee_credited__lte=F("deposit")),
                name="subscription_fee_within_deposit",
            ),
            # … and is only ever the fee of the hold it converted
            models.CheckConstraint(
                condition=Q(hold__isnull=False) | Q(fee_credited=0),
                name="subscription_fee_from_a_hold",
            ),
        ]

    def __str__(self) -> str:
        return self.number


@pghistory.track()
class Refund(models.Model):
    """Money finance owes back: a lapsed or released hold's fee, a withdrawn deposit."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, verbose_name=_("office"))
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, verbose_name=_("customer"))
    reason = models.CharField(_("reason"), max_length=16, choices=RefundReason.choices)
    amount = models.DecimalField(_("amount"), **MONEY)
    hold = models.OneToOneField(
        Hold,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="refund",
        verbose_name=_("hold"),
    )
    subscription = models.OneToOneField(
        Subscription,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="refund",
        verbose_name=_("subscription"),
    )
    created_at = models.DateTimeField(_("created at"))
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    paid_by = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("paid by"),
    )

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="refund_positive"),
            models.CheckConstraint(
                condition=Q(hold__isnull=False) | Q(subscription__isnull=False),
                name="refund_has_cause",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} {self.amount}"


@pghistory.track()
class Contract(models.Model):
    """R-6.4: the purchase contract that follows a subscription, with its payment schedule.
    The subscription's deposit counts toward the price: the schedule covers the rest."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, verbose_name=_("office"))
    subscription = models.OneToOneField(
        Subscription,
        on_delete=models.PROTECT,
        related_name="contract",
        verbose_name=_("subscription"),
    )
    number = models.CharField(_("contract number"), max_length=40)
    total_price = models.DecimalField(_("total price"), **MONEY)
    signed_at = models.DateTimeField(_("signed at"))
    signed_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("signed by")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ContractStatus.choices, default=ContractStatus.ACTIVE
    )

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["-signed_at"]
        constraints = [
            models.UniqueConstraint(fields=["office", "number"], name="contract_number_per_office"),
            models.CheckConstraint(condition=Q(total_price__gt=0), name="contract_price_positive"),
        ]

    def __str__(self) -> str:
        return self.number


class Instalment(models.Model):
    """One line of a contract's payment schedule (R-6.4); fixed once the contract is signed."""

    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="instalments", verbose_name=_("contract")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=InstalmentKind.choices)
    due_date = models.DateField(_("due date"), db_index=True)
    amount = models.DecimalField(_("amount"), **MONEY)

    class Meta:
        verbose_name = _("instalment")
        verbose_name_plural = _("instalments")
        ordering = ["due_date", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="instalment_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.contract} {self.due_date} {self.amount}"


@pghistory.track()
class Payment(models.Model):
    """Money received against a contract (R-6.4), recorded by finance; optionally against
    one instalment of its schedule."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, verbose_name=_("office"))
    contract = models.ForeignKey(
        Contract, on_delete=models.PROTECT, related_name="payments", verbose_name=_("contract")
    )
    instalment = models.ForeignKey(
        Instalment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payments",
        verbose_name=_("instalment"),
    )
    amount = models.DecimalField(_("amount"), **MONEY)
    paid_at = models.DateTimeField(_("paid at"))
    recorded_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-paid_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.contract} {self.amount}"
