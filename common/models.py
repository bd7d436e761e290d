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
