"""Accounts of the sales department (R-9.1–R-9.3, R-9.5): customer organisations, their
contacts, and grade changes. A new account and a grade change are approval documents (R-8)."""

from decimal import Decimal

import pgtrigger
from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from approvals.models import ApprovableDocument

from .choices import Grade, Kind


class Account(ApprovableDocument):
    """R-9.1: a customer organisation, owned by a salesperson of a branch (`office`)."""

    office = models.ForeignKey(
        "staff.Office",
        on_delete=models.PROTECT,
        related_name="accounts",
        verbose_name=_("branch"),
    )
    name = models.CharField(_("name"), max_length=200)
    credit_code = models.CharField(_("unified social credit code"), max_length=18)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.CUSTOMER)
    region = models.CharField(_("region"), max_length=100, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    organisation = models.TextField(_("organisation structure"), blank=True)
    assets = models.TextField(_("assets"), blank=True)
    liabilities = models.TextField(_("liabilities"), blank=True)
    credit_standing = models.TextField(_("credit standing"), blank=True)
    trade_position = models.TextField(_("position in its trade"), blank=True)
    trading_habits = models.TextField(_("trading habits"), blank=True)
    payment_habits = models.TextField(_("payment habits"), blank=True)
    credit_limit = models.DecimalField(
        _("credit limit"),
        max_digits=14,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0.00"))],
    )
    last_credit_review = models.DateField(_("last credit review"), null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_accounts",
        verbose_name=_("owner"),
    )
    deputy = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deputised_accounts",
        verbose_name=_("deputy"),
    )
    # API.md: null until the manager sets a grade
    grade = models.CharField(  # noqa: DJ001
        _("grade"), max_length=1, choices=Grade.choices, null=True, blank=True
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(Upper("credit_code"), name="account_credit_code_unique"),
            models.CheckConstraint(
                condition=models.Q(credit_limit__gte=0), name="account_credit_limit_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(grade__in=["A", "B", "C"]) | models.Q(grade__isnull=True),
                name="account_grade_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def approval_party_ids(self) -> set[int]:
        return {self.deputy_id} if self.deputy_id else set()


class Contact(models.Model):
    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("account")
    )
    name = models.CharField(_("name"), max_length=100)
    title = models.CharField(_("title"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    primary = models.BooleanField(_("primary contact"), default=False)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-primary", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["account"], condition=models.Q(primary=True), name="contact_one_primary"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class GradeChange(ApprovableDocument):
    """R-9.3: a proposed grade with its reason; the approved ones are the account's history."""

    account = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="grade_changes", verbose_name=_("account")
    )
    office = models.ForeignKey(
        "staff.Office", on_delete=models.PROTECT, related_name="+", verbose_name=_("branch")
    )
    grade = models.CharField(_("grade"), max_length=1, choices=Grade.choices)
    previous_grade = models.CharField(_("previous grade"), max_length=1, blank=True)
    reason = models.TextField(_("reason"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    created_at = models.DateTimeField(_("created at"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("set by"),
    )

    class Meta:
        verbose_name = _("grade change")
        verbose_name_plural = _("grade changes")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(grade__in=["A", "B", "C"]), name="grade_change_grade_valid"
            ),
            # one proposal at a time per account waits for the manager
            models.UniqueConstraint(
                fields=["account"],
                condition=models.Q(status="pending"),
                name="grade_change_one_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account} → {self.grade}"

    def approval_party_ids(self) -> set[int]:
        # the account's owner and deputy propose its grades: neither decides one
        return {i for i in (self.account.owner_id, self.account.deputy_id) if i}


class AccountAssignment(models.Model):
    """R-9.4: a change of an account's owner or deputy, with its reason; kept forever (a
    trigger refuses UPDATE and DELETE)."""

    account = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("account")
    )
    office = models.ForeignKey(
        "staff.Office", on_delete=models.PROTECT, related_name="+", verbose_name=_("branch")
    )
    previous_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("previous owner"),
    )
    new_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=pgettext_lazy("account", "new owner"),
    )
    previous_deputy = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("previous deputy"),
    )
    new_deputy = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("new deputy"),
    )
    # required of a reassignment; a deputy named on the edit page needs none
    reason = models.TextField(_("reason"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("account assignment")
        verbose_name_plural = _("account assignments")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["account", "-at"], name="account_assignment_account")]
        triggers = [
            pgtrigger.Protect(
                name="account_assignments_append_only",
                operation=pgtrigger.Update | pgtrigger.Delete,
            )
        ]

    def __str__(self) -> str:
        return f"{self.account}: {self.previous_owner} → {self.new_owner}"
