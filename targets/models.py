"""Sales targets (R-17.1) and the managers' explanations of their variances (R-17.2).

One table holds every level of the split; which level a row is follows from which of region,
office, salesperson and month it names (rules.level_of):

- department year: nothing named;
- region year: a region (the region of some branch, Office.region);
- branch year: an office (its region copied from the office);
- branch month: an office and a month;
- salesperson month: an office, a salesperson of it and a month.

A region's month target is not stored: it is the sum of its branches' month rows.
"""

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .rules import MAX_AMOUNT


@pghistory.track()
class SalesTarget(models.Model):
    """One target of the year's split (R-17.1); the sum of a row's children never exceeds it."""

    year = models.PositiveSmallIntegerField(_("year"))
    region = models.CharField(_("region"), max_length=100, blank=True)
    office = models.ForeignKey(
        "staff.Office",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("branch"),
    )
    salesperson = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("salesperson"),
    )
    month = models.PositiveSmallIntegerField(_("month"), null=True, blank=True)
    amount = models.DecimalField(_("target amount"), max_digits=14, decimal_places=2)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("set by"),
    )
    set_at = models.DateTimeField(_("set at"))

    class Meta:
        verbose_name = _("sales target")
        verbose_name_plural = _("sales targets")
        ordering = ["year", "region", "office", "salesperson", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "region", "office", "salesperson", "month"],
                name="salestarget_one_per_level",
                nulls_distinct=False,
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0, amount__lt=MAX_AMOUNT),
                name="salestarget_amount_range",
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100), name="salestarget_year_range"
            ),
            models.CheckConstraint(
                condition=Q(month__isnull=True) | Q(month__gte=1, month__lte=12),
                name="salestarget_month_range",
            ),
            # a salesperson's target is a month of one branch
            models.CheckConstraint(
                condition=Q(salesperson__isnull=True)
                | Q(office__isnull=False, month__isnull=False),
                name="salestarget_salesperson_has_office_month",
            ),
            # a month target belongs to a branch (a region's month is the sum of its branches')
            models.CheckConstraint(
                condition=Q(month__isnull=True) | Q(office__isnull=False),
                name="salestarget_month_has_office",
            ),
        ]
        indexes = [models.Index(fields=["year", "office"], name="salestarget_year_office")]

    def __str__(self) -> str:
        parts = [str(self.year), self.region, str(self.office or ""), str(self.salesperson or "")]
        if self.month:
            parts.append(f"{self.month:02d}")
        return " ".join(p for p in parts if p)


@pghistory.track()
class TargetExplanation(models.Model):
    """R-17.2: the manager's written explanation of a month's variance, for the branch
    (salesperson empty) or one of its salespeople."""

    office = models.ForeignKey(
        "staff.Office", on_delete=models.PROTECT, related_name="+", verbose_name=_("branch")
    )
    salesperson = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("salesperson"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    text = models.TextField(_("explanation"))
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("written by"),
    )
    written_at = models.DateTimeField(_("written at"))

    class Meta:
        verbose_name = _("explanation of a target variance")
        verbose_name_plural = _("explanations of target variances")
        ordering = ["year", "month", "office", "salesperson"]
        constraints = [
            models.UniqueConstraint(
                fields=["office", "salesperson", "year", "month"],
                name="targetexplanation_one_per_month",
                nulls_distinct=False,
            ),
            models.CheckConstraint(
                condition=Q(month__gte=1, month__lte=12), name="targetexplanation_month_range"
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100),
                name="targetexplanation_year_range",
            ),
            models.CheckConstraint(condition=~Q(text=""), name="targetexplanation_text_present"),
        ]

    def __str__(self) -> str:
        return f"{self.office} {self.salesperson or ''} {self.year}-{self.month:02d}"
