"""The daily work diary (R-7.1), the days off that excuse it, and the fines (R-7.2)."""

import pghistory
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from staff.models import MONEY, Office

from .choices import DayOffKind, FineKind

USER = settings.AUTH_USER_MODEL


@pghistory.track()
class WorkDiary(models.Model):
    """R-7.1: one salesperson's diary for one office-local day. The activity parts are not
    stored: they are compiled from the day's records (reports.selectors.diary_for)."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, verbose_name=_("office"))
    salesperson = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="diaries", verbose_name=_("salesperson")
    )
    date = models.DateField(_("date"))
    feedback = models.TextField(_("customer feedback"), blank=True)
    problems = models.TextField(_("problems"), blank=True)
    # the first submission; a later one changes the text only (reports.services.diary_submit)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    manager_reply = models.TextField(_("manager's reply"), blank=True)
    replied_by = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("replied by"),
    )
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)

    class Meta:
        verbose_name = _("work diary")
        verbose_name_plural = _("work diaries")
        ordering = ["-date", "salesperson"]
        constraints = [
            models.UniqueConstraint(
                fields=["salesperson", "office", "date"], name="one_diary_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.salesperson} {self.date}"


@pghistory.track()
class DayOff(models.Model):
    """R-7.2: a day of leave or rest in the salesperson's calendar: no diary is owed."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, verbose_name=_("office"))
    salesperson = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="days_off", verbose_name=_("salesperson")
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=8, choices=DayOffKind.choices)

    class Meta:
        verbose_name = _("day off")
        verbose_name_plural = _("days off")
        ordering = ["-date", "salesperson"]
        constraints = [
            models.UniqueConstraint(
                fields=["salesperson", "office", "date"], name="one_day_off_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.salesperson} {self.date} {self.get_kind_display()}"


@pghistory.track()
class Fine(models.Model):
    """R-7.2: one diary offence and its fine: fine_step × the offence's number in the month.
    At most one per diary day. A waived fine keeps its row and its number."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, verbose_name=_("office"))
    salesperson = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="fines", verbose_name=_("salesperson")
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=8, choices=FineKind.choices)
    offence_number = models.PositiveSmallIntegerField(_("offence number"))
    amount = models.DecimalField(_("amount"), **MONEY)
    waived_at = models.DateTimeField(_("waived at"), null=True, blank=True)
    waived_by = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("waived by"),
    )
    waive_reason = models.TextField(_("waive reason"), blank=True)

    class Meta:
        verbose_name = _("fine")
        verbose_name_plural = _("fines")
        ordering = ["-date", "salesperson"]
        constraints = [
            models.UniqueConstraint(
                fields=["salesperson", "office", "date"], name="one_fine_per_diary_day"
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0) & models.Q(offence_number__gte=1),
                name="fine_amount_and_number_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(waived_at__isnull=True) | ~models.Q(waive_reason=""),
                name="waived_fine_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.salesperson} {self.date} {self.amount}"

    @property
    def waived(self) -> bool:
        return self.waived_at is not None
