"""Approvals (R-8) and the office calendar (R-8.4, R-13.2).

Approval rows are kept forever: no delete path, deletes refused by the database; a decision
or a void updates its row, every change writes an ApprovalEvent (append-only).
"""

import pgtrigger
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import ApprovalState, DocumentStatus, DocumentType, EventKind


class ApprovableDocument(models.Model):
    """What a document that goes through approval carries. Its `office` and `author` are the
    concrete model's own fields (their related names differ); `owner` is optional."""

    status = models.CharField(
        _("status"), max_length=20, choices=DocumentStatus.choices, default=DocumentStatus.DRAFT
    )

    approval_document_type = ""  # set by approvals.registry.register

    class Meta:
        abstract = True

    def approvals(self):
        """The rows of the current round (voided ones are history)."""
        return Approval.objects.filter(
            document_type=self.approval_document_type, document_id=self.pk, void=False
        ).order_by("step", "pk")


class Approval(models.Model):
    """One step of one document's approval round (R-8.1)."""

    document_type = models.CharField(_("document type"), max_length=30, choices=DocumentType)
    document_id = models.PositiveBigIntegerField(_("document"))
    office = models.ForeignKey(
        "staff.Office", on_delete=models.PROTECT, related_name="+", verbose_name=_("office")
    )
    step = models.PositiveSmallIntegerField(_("step"))
    role = models.CharField(_("role"), max_length=30)
    label = models.CharField(_("condition"), max_length=100, blank=True)
    state = models.CharField(_("state"), max_length=20, choices=ApprovalState.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    waiting_since = models.DateTimeField(_("waiting since"), null=True, blank=True)
    # a changed document voids its approvals; a new submission voids the last round
    void = models.BooleanField(_("void"), default=False)
    late_notified_at = models.DateTimeField(_("late notice sent"), null=True, blank=True)

    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("approval")
        verbose_name_plural = _("approvals")
        ordering = ["document_type", "document_id", "pk"]
        indexes = [
            models.Index(
                fields=["state", "waiting_since"],
                condition=models.Q(state="pending", void=False),
                name="approval_pending",
            ),
            models.Index(fields=["document_type", "document_id"], name="approval_document"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["document_type", "document_id", "step"],
                condition=models.Q(void=False),
                name="approval_one_live_row_per_step",
            ),
            models.UniqueConstraint(
                fields=["document_type", "document_id"],
                condition=models.Q(void=False, state="pending"),
                name="approval_one_pending_step",
            ),
        ]
        triggers = [pgtrigger.Protect(name="approvals_kept", operation=pgtrigger.Delete)]

    def __str__(self) -> str:
        return f"{self.document_type} {self.document_id} #{self.step} {self.role}"

    @property
    def role_display(self) -> str:
        """The step's role as people call it (销售经理), for the document's pages."""
        from staff.choices import Role

        return Role(self.role).label if self.role in Role.values else self.role


class ApprovalEvent(models.Model):
    """Every submission, decision and void, in the transaction that made it (append-only)."""

    document_type = models.CharField(_("document type"), max_length=30, choices=DocumentType)
    document_id = models.PositiveBigIntegerField(_("document"))
    office = models.ForeignKey(
        "staff.Office", on_delete=models.PROTECT, related_name="+", verbose_name=_("office")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    approval = models.ForeignKey(
        Approval,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("approval"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"))
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("approval event")
        verbose_name_plural = _("approval events")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["document_type", "document_id"], name="approval_ev_doc")]
        triggers = [
            pgtrigger.Protect(
                name="approval_events_append_only", operation=pgtrigger.Update | pgtrigger.Delete
            )
        ]

    def __str__(self) -> str:
        return f"{self.document_type} {self.document_id} {self.kind}"


class CalendarDay(models.Model):
    """A day a manager marks in the office calendar: a holiday (not working) or a weekend day
    that is worked. Unmarked weekdays are working days, unmarked weekends are not."""

    office = models.ForeignKey(
        "staff.Office",
        on_delete=models.CASCADE,
        related_name="calendar_days",
        verbose_name=_("office"),
    )
    date = models.DateField(_("date"))
    working = models.BooleanField(
        _("working day"), default=False, help_text=_("Unticked: a holiday.")
    )
    note = models.CharField(_("note"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["office", "date"]
        constraints = [
            models.UniqueConstraint(fields=["office", "date"], name="calendar_day_unique")
        ]

    def __str__(self) -> str:
        return f"{self.office} {self.date:%Y-%m-%d}"
