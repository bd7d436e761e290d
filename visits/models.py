"""Visit plans (R-9.6) and visit records with market information (R-9.7); what is overdue
(R-9.8) is computed from the records."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import PlannedOutcome, PlanStatus, RecordKind


class VisitRecord(models.Model):
    """R-9.7: entered after each visit or call, with the market information heard there."""

    account = models.ForeignKey(
        "accounts.Account",
        on_delete=models.PROTECT,
        related_name="visit_records",
        verbose_name=_("account"),
    )
    office = models.ForeignKey(
        "staff.Office", on_delete=models.PROTECT, related_name="+", verbose_name=_("branch")
    )
    salesperson = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="visit_records",
        verbose_name=_("salesperson"),
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=10, choices=RecordKind.choices)
    contact = models.ForeignKey(
        "accounts.Contact",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("contact met"),
    )
    quality_feedback = models.TextField(_("quality feedback"), blank=True)
    price_feedback = models.TextField(_("price feedback"), blank=True)
    demand = models.TextField(_("usage and market demand"), blank=True)
    competitors = models.TextField(_("other brands and competitors' moves"), blank=True)
    new_products = models.TextField(_("new-product enquiries"), blank=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("visit record")
        verbose_name_plural = _("visit records")
        ordering = ["-date", "-pk"]
        indexes = [
            models.Index(fields=["account", "-date"], name="visit_record_account_date"),
            models.Index(fields=["salesperson", "-date"], name="visit_record_person_date"),
        ]

    def __str__(self) -> str:
        return f"{self.account} {self.date}"


class DealerStock(models.Model):
    """R-9.7: a dealer's stock of one product seen on a visit; when short, why and the remedy."""

    record = models.ForeignKey(
        VisitRecord,
        on_delete=models.CASCADE,
        related_name="dealer_stock",
        verbose_name=_("visit record"),
    )
    product = models.ForeignKey(
        "catalog.Product", on_delete=models.PROTECT, related_name="+", verbose_name=_("product")
    )
    quantity = models.DecimalField(
        _("quantity"),
        max_digits=14,
        decimal_places=3,
        validators=[MinValueValidator(Decimal("0"))],
    )
    note = models.TextField(_("reason and remedy when short"), blank=True)

    class Meta:
        verbose_name = _("dealer stock")
        verbose_name_plural = _("dealer stock")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["record", "product"], name="dealer_stock_one_line"),
            models.CheckConstraint(
                condition=models.Q(quantity__gte=0), name="dealer_stock_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product}: {self.quantity}"


class VisitPlan(models.Model):
    """R-9.6: one salesperson's visits for one week (Monday to Sunday)."""

    office = models.ForeignKey(
        "staff.Office", on_delete=models.PROTECT, related_name="+", verbose_name=_("branch")
    )
    salesperson = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="visit_plans",
        verbose_name=_("salesperson"),
    )
    week_start = models.DateField(_("week starting"))  # a Monday
    status = models.CharField(
        _("status"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    late = models.BooleanField(_("submitted late"), default=False)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("visit plan")
        verbose_name_plural = _("visit plans")
        ordering = ["-week_start", "salesperson_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["office", "salesperson", "week_start"], name="visit_plan_one_per_week"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.salesperson} {self.week_start}"


class PlannedVisit(models.Model):
    """R-9.6, R-9.7: one line of a plan (account, day, purpose) and what became of it."""

    plan = models.ForeignKey(
        VisitPlan, on_delete=models.CASCADE, related_name="lines", verbose_name=_("plan")
    )
    account = models.ForeignKey(
        "accounts.Account", on_delete=models.PROTECT, related_name="+", verbose_name=_("account")
    )
    day = models.DateField(_("day"))
    purpose = models.CharField(_("purpose"), max_length=300, blank=True)
    outcome = models.CharField(
        _("outcome"),
        max_length=20,
        choices=PlannedOutcome.choices,
        default=PlannedOutcome.PLANNED,
    )
    outcome_reason = models.TextField(_("reason"), blank=True)
    record = models.OneToOneField(
        VisitRecord,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="planned",
        verbose_name=_("visit record"),
    )

    class Meta:
        verbose_name = _("planned visit")
        verbose_name_plural = _("planned visits")
        ordering = ["day", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(outcome="missed") | ~models.Q(outcome_reason=""),
                name="planned_visit_missed_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account} {self.day}"
