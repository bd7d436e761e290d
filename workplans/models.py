"""Work plans (R-17.3): each salesperson's weekly and monthly plan (visits, target, actions),
approved by the branch manager through the approval engine (R-8 table: work plan → manager).

A weekly plan is built from the salesperson's visit plan of that week (R-9.6); a monthly plan
lists the accounts falling due under their grade's interval that month (R-9.3) plus lines the
salesperson adds."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from approvals.models import ApprovableDocument

from .choices import LineSource, PlanKind, PlanStatus

MAX_TARGET = Decimal("9999999999.99")


class WorkPlan(ApprovableDocument):
    """R-17.3: one salesperson's plan of one week or month. One live plan per salesperson,
    kind and period (a withdrawn one makes room for a new one)."""

    status = models.CharField(
        _("status"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    office = models.ForeignKey(
        "staff.Office", on_delete=models.PROTECT, related_name="+", verbose_name=_("branch")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="work_plans",
        verbose_name=_("salesperson"),
    )
    kind = models.CharField(pgettext_lazy("work plan", "kind"), max_length=10, choices=PlanKind)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    target_amount = models.DecimalField(
        _("sales target"), max_digits=14, decimal_places=2, default=Decimal("0.00")
    )
    goals = models.TextField(_("goals"), blank=True)
    actions = models.TextField(_("actions"), blank=True)
    created_at = models.DateTimeField(_("created at"))
    # the first submission: whether the plan was handed in on time is decided once
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    late = models.BooleanField(_("submitted late"), default=False)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("work plan")
        verbose_name_plural = _("work plans")
        ordering = ["-period_start", "kind", "author_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "kind", "period_start"],
                condition=~Q(status=PlanStatus.CANCELLED),
                name="workplan_one_per_period",
            ),
            models.CheckConstraint(
                condition=Q(status__in=PlanStatus.values), name="workplan_status_valid"
            ),
            models.CheckConstraint(condition=Q(kind__in=PlanKind.values), name="workplan_kind"),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="workplan_period_order"
            ),
            models.CheckConstraint(
                condition=Q(target_amount__gte=0, target_amount__lte=MAX_TARGET),
                name="workplan_target_range",
            ),
            models.CheckConstraint(
                condition=Q(late=False) | Q(submitted_at__isnull=False),
                name="workplan_late_when_submitted",
            ),
        ]
        indexes = [
            models.Index(fields=["office", "kind", "period_start"], name="workplan_office_period"),
        ]

    def __str__(self) -> str:
        return f"{self.author} {self.kind} {self.period_start}"


class WorkPlanVisit(models.Model):
    """One planned visit of a work plan: account, day, purpose (R-9.6's line), copied from the
    visit plan, due under the account's grade, or added by the salesperson."""

    plan = models.ForeignKey(
        WorkPlan, on_delete=models.CASCADE, related_name="lines", verbose_name=_("work plan")
    )
    account = models.ForeignKey(
        "accounts.Account",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("account"),
    )
    day = models.DateField(_("day"), null=True, blank=True)
    purpose = models.CharField(_("purpose"), max_length=300, blank=True)
    source = models.CharField(
        _("source"), max_length=20, choices=LineSource.choices, default=LineSource.FREE
    )
    # the visit plan's line it was copied from (its outcome is R-9.7's done/missed)
    planned_visit = models.ForeignKey(
        "visits.PlannedVisit",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("planned visit"),
    )

    class Meta:
        verbose_name = _("work plan visit")
        verbose_name_plural = _("work plan visits")
        ordering = ["day", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(account__isnull=False) | ~Q(purpose=""),
                name="workplan_visit_says_something",
            ),
            models.CheckConstraint(
                condition=Q(source__in=LineSource.values), name="workplan_visit_source"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account or self.purpose} {self.day or ''}"
