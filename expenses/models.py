"""Expenses (R-16.3): a budget approved beforehand (事先提交费用预算，经批准后方可实施), then
claims with receipts against it (实报实销), under a monthly cap per rank; a fixed meal
allowance per missed meal; fuel claimed with a trip log (行车记录表).

Both documents go through the approval engine (R-8: manager, then director when over the cap
or the budget). A claim's total is the sum of its lines, kept by the services that change the
lines, never written by a client."""

import uuid
from decimal import Decimal

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from approvals.models import ApprovableDocument
from quotes.models import money_field
from shipping.models import Numbered

from .choices import BudgetStatus, Category, ClaimStatus, EventKind, LineKind, Rank

MAX_AMOUNT = Decimal("1000000.00")  # a budget, a line: at most a million yuan
MAX_KM = Decimal("2000")  # one trip of the log


def _user(verbose_name, *, null: bool = False, related_name: str = "+"):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=null,
        blank=null,
        related_name=related_name,
        verbose_name=verbose_name,
    )


def _office():
    return models.ForeignKey(
        "staff.Office", on_delete=models.PROTECT, related_name="+", verbose_name=_("branch")
    )


def _numbered(prefix: str) -> list:
    return [
        models.UniqueConstraint(fields=["office", "number"], name=f"{prefix}_number_unique"),
        models.UniqueConstraint(
            fields=["office", "year", "sequence"], name=f"{prefix}_sequence_unique"
        ),
    ]


class StaffRank(models.Model):
    """R-16.3: a person's rank in an office, set by the branch manager (or the director).
    Without a row: the office's manager is a manager, anyone else staff."""

    office = models.ForeignKey(
        "staff.Office", on_delete=models.CASCADE, related_name="+", verbose_name=_("branch")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="expense_ranks",
        verbose_name=_("staff member"),
    )
    rank = models.CharField(_("rank"), max_length=20, choices=Rank.choices)
    set_by = _user(_("set by"), null=True)
    set_at = models.DateTimeField(_("set at"))

    class Meta:
        verbose_name = _("expense rank")
        verbose_name_plural = _("expense ranks")
        constraints = [
            models.UniqueConstraint(fields=["office", "user"], name="expense_rank_unique"),
            models.CheckConstraint(condition=Q(rank__in=Rank.values), name="expense_rank_known"),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.rank}"


class ExpenseBudget(Numbered, ApprovableDocument):
    """R-16.3: what a person means to spend in a month, approved before it is spent."""

    status = models.CharField(
        _("status"), max_length=20, choices=BudgetStatus.choices, default=BudgetStatus.DRAFT
    )
    office = _office()
    author = _user(_("spent by"), related_name="expense_budgets")
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    purpose = models.TextField(pgettext_lazy("expense", "purpose"))
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    amount = money_field(_("amount"))
    created_at = models.DateTimeField(_("created at"))
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = _user(_("closed by"), null=True)
    # the cap's figures when it was last submitted: why the director was asked or not
    figures_at_submit = models.JSONField(_("figures when submitted"), null=True, blank=True)

    class Meta:
        verbose_name = _("expense budget")
        verbose_name_plural = _("expense budgets")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["office", "author", "month"], name="exp_budget_month")]
        constraints = [
            *_numbered("exp_budget"),
            models.CheckConstraint(
                condition=Q(amount__gt=0) & Q(amount__lte=MAX_AMOUNT), name="exp_budget_amount"
            ),
            models.CheckConstraint(condition=Q(month__day=1), name="exp_budget_first_of_month"),
            models.CheckConstraint(
                condition=Q(status__in=BudgetStatus.values), name="exp_budget_status_known"
            ),
        ]

    def over_cap(self) -> bool:
        """R-16.3 (R-8 table): this budget and the author's other budgets of the month
        (pending, approved, closed) exceed the author's monthly cap."""
        from .selectors import budget_cap_figures

        return budget_cap_figures(self).over


class ExpenseClaim(Numbered, ApprovableDocument):
    """R-16.3: a claim (报销单) against the author's own approved budget, paid by finance."""

    status = models.CharField(
        _("status"), max_length=20, choices=ClaimStatus.choices, default=ClaimStatus.DRAFT
    )
    office = _office()
    author = _user(_("claimed by"), related_name="expense_claims")
    budget = models.ForeignKey(
        ExpenseBudget, on_delete=models.PROTECT, related_name="claims", verbose_name=_("budget")
    )
    date = models.DateField(_("date"))
    note = models.TextField(pgettext_lazy("expense", "note"), blank=True)
    total = money_field(_("total"), default=Decimal("0.00"))
    created_at = models.DateTimeField(_("created at"))
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    paid_by = _user(_("paid by"), null=True)
    reference = models.CharField(_("payment reference"), max_length=100, blank=True)
    # the budget's and the month's figures when it was last submitted
    figures_at_submit = models.JSONField(_("figures when submitted"), null=True, blank=True)

    class Meta:
        verbose_name = _("expense claim")
        verbose_name_plural = _("expense claims")
        ordering = ["-created_at", "-pk"]
        constraints = [
            *_numbered("exp_claim"),
            models.CheckConstraint(condition=Q(total__gte=0), name="exp_claim_total"),
            models.CheckConstraint(
                condition=Q(status__in=ClaimStatus.values), name="exp_claim_status_known"
            ),
            # paid exactly when it says by whom and when
            models.CheckConstraint(
                condition=(
                    Q(status=ClaimStatus.PAID, paid_at__isnull=False, paid_by__isnull=False)
                    | (~Q(status=ClaimStatus.PAID) & Q(paid_at__isnull=True))
                ),
                name="exp_claim_paid_fields",
            ),
        ]

    def over_cap(self) -> bool:
        """R-16.3 (R-8 table): over what is left of the budget, or over the author's monthly
        cap (see selectors.claim_cap_figures)."""
        from .selectors import claim_cap_figures

        figures = claim_cap_figures(self)
        return figures.over_budget or figures.over_month


class ClaimLine(models.Model):
    """One line of a claim: a receipt (票据), missed meals (误餐补助: meals × the office's
    allowance, computed here, never sent) or fuel (油费, with its trip log)."""

    claim = models.ForeignKey(
        ExpenseClaim,
        on_delete=models.CASCADE,
        related_name="lines",
        verbose_name=pgettext_lazy("expense", "claim"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=LineKind.choices)
    description = models.CharField(_("description"), max_length=300, blank=True)
    meals = models.PositiveSmallIntegerField(_("missed meals"), null=True, blank=True)
    allowance = money_field(_("allowance per meal"), null=True, blank=True)
    amount = money_field(_("amount"))

    class Meta:
        verbose_name = _("claim line")
        verbose_name_plural = _("claim lines")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0) & Q(amount__lte=MAX_AMOUNT), name="exp_line_amount"
            ),
            models.CheckConstraint(
                condition=~Q(kind=LineKind.MEAL) | Q(meals__gte=1, allowance__isnull=False),
                name="exp_line_meals",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount}"


class TripLog(models.Model):
    """R-16.3: one trip of a fuel line's log (行车记录表)."""

    line = models.ForeignKey(
        ClaimLine, on_delete=models.CASCADE, related_name="trips", verbose_name=_("line")
    )
    date = models.DateField(_("date"))
    origin = models.CharField(pgettext_lazy("trip", "from"), max_length=100)
    destination = models.CharField(pgettext_lazy("trip", "to"), max_length=100)
    purpose = models.CharField(pgettext_lazy("expense", "purpose"), max_length=200)
    km = models.DecimalField(_("kilometres"), max_digits=7, decimal_places=1)

    class Meta:
        verbose_name = _("trip")
        verbose_name_plural = _("trips")
        ordering = ["date", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(km__gte=0) & Q(km__lte=MAX_KM), name="exp_trip_km")
        ]

    def __str__(self) -> str:
        return f"{self.origin}-{self.destination} {self.km}"


def photo_path(photo: "ClaimPhoto", filename: str) -> str:
    """Under MEDIA_ROOT, which is never served, with a random name; read only through
    expenses.views_claims.claim_photo, which checks who asks."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"expenses/photos/{photo.claim.office_id}/{uuid.uuid4().hex}.{extension}"


class ClaimPhoto(models.Model):
    """A photo of a receipt (an image, its type read from its bytes, at most 20 MB)."""

    claim = models.ForeignKey(
        ExpenseClaim,
        on_delete=models.CASCADE,
        related_name="photos",
        verbose_name=pgettext_lazy("expense", "claim"),
    )
    line = models.ForeignKey(
        ClaimLine,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="photos",
        verbose_name=_("line"),
    )
    image = models.FileField(_("photo"), upload_to=photo_path, max_length=200)
    content_type = models.CharField(_("type"), max_length=50)
    uploaded_by = _user(_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        verbose_name = _("receipt photo")
        verbose_name_plural = _("receipt photos")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.image.name


class ExpenseEvent(models.Model):
    """What this app changes itself (a budget closed, a claim paid), in the transaction that
    changes it; the approval engine keeps its own events."""

    budget = models.ForeignKey(
        ExpenseBudget, on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    claim = models.ForeignKey(
        ExpenseClaim, on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    actor = _user(_("by"))
    at = models.DateTimeField(_("at"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("expense event")
        verbose_name_plural = _("expense events")
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(budget__isnull=False) | Q(claim__isnull=False),
                name="exp_event_has_document",
            )
        ]
        triggers = [
            pgtrigger.Protect(
                name="expense_events_append_only", operation=pgtrigger.Update | pgtrigger.Delete
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.at:%Y-%m-%d}"
