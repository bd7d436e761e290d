"""Records shared by every domain: the log of scheduled-job runs."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class JobRun(models.Model):
    """One run of a scheduled job, so that staff can see that the jobs really run."""

    name = models.CharField(_("job"), max_length=100, db_index=True)
    ran_at = models.DateTimeField(_("ran at"))
    worker = models.CharField(_("worker"), max_length=200, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        verbose_name = _("job run")
        verbose_name_plural = _("job runs")
        ordering = ["-ran_at"]
        indexes = [models.Index(fields=["name", "-ran_at"], name="jobrun_name_recent")]

    def __str__(self) -> str:
        return f"{self.name} @ {self.ran_at:%Y-%m-%d %H:%M}"


class IdempotencyRecord(models.Model):
    """One `Idempotency-Key` of one user on a POST endpoint, and the response it got: the same
    key again replays that response; with another body it is refused (common.idempotency)."""

    user = models.ForeignKey(
        "staff.User", on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    key = models.CharField(_("key"), max_length=64)
    fingerprint = models.CharField(_("request fingerprint"), max_length=64)
    status_code = models.PositiveSmallIntegerField(_("status code"))
    body = models.TextField(_("response body"), blank=True)  # the bytes sent, replayed as sent
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="one_record_per_user_key")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.key}"


class DocumentCounter(models.Model):
    """The last number given to a kind of document of one office in one year (R-12.2: contracts
    numbered per office and year without gaps). `common.numbering.next_number` takes it under a
    row lock in the caller's transaction, so a number is never given twice and, when the
    caller's transaction rolls back, never skipped."""

    office = models.ForeignKey(
        "staff.Office", on_delete=models.PROTECT, related_name="+", verbose_name=_("office")
    )
    prefix = models.CharField(_("prefix"), max_length=10)
    year = models.PositiveSmallIntegerField(_("year"))
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("document counter")
        verbose_name_plural = _("document counters")
        constraints = [
            models.UniqueConstraint(
                fields=["office", "prefix", "year"], name="document_counter_one_per_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.year}: {self.last}"
