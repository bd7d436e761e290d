"""One escalation mechanism (R-7.3, R-16.1, R-16.2): what an office cannot solve (a meeting's
problem, an after-sales request, a major complaint) is escalated to company leadership and stays
on leadership's list until it is closed with a resolution.

An escalation points at its subject by (source, pk) rather than by a foreign key per source, so
that each source app builds on this one and not the other way round; the subject's title, text
and page are copied when it is raised, so the list reads no other app's tables.
"""

import pghistory
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from staff.models import Office

from .choices import Source

USER = settings.AUTH_USER_MODEL


@pghistory.track()
class Escalation(models.Model):
    """A subject escalated to leadership; open until closed with a resolution."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, verbose_name=_("office"))
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    subject_id = models.PositiveBigIntegerField(_("subject"))
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"), blank=True)
    url = models.CharField(_("page"), max_length=300, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"))
    escalated_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("escalated by")
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )
    resolution = models.TextField(_("resolution"), blank=True)

    class Meta:
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        ordering = ["escalated_at", "pk"]
        indexes = [models.Index(fields=["closed_at", "escalated_at"], name="escalation_open")]
        constraints = [
            # one escalation per subject: raising twice (even at once) finds the first
            models.UniqueConstraint(
                fields=["source", "subject_id"], name="one_escalation_per_subject"
            ),
            models.CheckConstraint(
                condition=models.Q(closed_at__isnull=True) | ~models.Q(resolution=""),
                name="closed_escalation_has_resolution",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def closed(self) -> bool:
        return self.closed_at is not None
