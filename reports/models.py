"""The daily work diary (R-7.1), the days off that excuse it, and the fines (R-7.2)."""

import pghistory
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from staff.models import MONEY, Office

from .choices import DayOffKind, FineKind, ReportKind

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


@pghistory.track()
class Meeting(models.Model):
    """R-7.3: the daily meeting (18:00) of one office-local day and the secretary's minutes.
    The diaries of the day are its input and are shown beside the minutes, not copied."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, verbose_name=_("office"))
    date = models.DateField(_("date"))
    minutes = models.TextField(_("minutes"), blank=True)
    recorded_by = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    updated_at = models.DateTimeField(_("updated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(fields=["office", "date"], name="one_meeting_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.office} {self.date}"


@pghistory.track()
class MeetingProblem(models.Model):
    """R-7.3: a problem raised at a meeting. One the meeting cannot solve is escalated to
    company leadership the same day and stays on the director's list until it is closed."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="problems", verbose_name=_("meeting")
    )
    office = models.ForeignKey(Office, on_delete=models.PROTECT, verbose_name=_("office"))
    text = models.TextField(_("problem"))
    raised_by = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("raised by"),
    )
    created_at = models.DateTimeField(_("created at"))
    created_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    escalated_by = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("escalated by"),
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
        verbose_name = _("meeting problem")
        verbose_name_plural = _("meeting problems")
        ordering = ["created_at", "pk"]
        indexes = [
            # the director's list: escalated and not closed
            models.Index(
                fields=["office", "escalated_at"],
                condition=models.Q(escalated_at__isnull=False, closed_at__isnull=True),
                name="open_escalations",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closed_at__isnull=True) | ~models.Q(resolution=""),
                name="closed_problem_has_resolution",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:40]

    @property
    def escalated(self) -> bool:
        return self.escalated_at is not None

    @property
    def closed(self) -> bool:
        return self.closed_at is not None


@pghistory.track()
class PeriodReport(models.Model):
    """R-7.4: the written part of a weekly or monthly report (or the manager's weekly report
    on the team). The reception and performance parts are not stored: they are compiled from
    the records for the period whenever the report is opened (R-7.5)."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, verbose_name=_("office"))
    author = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="period_reports", verbose_name=_("author")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=ReportKind.choices)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))  # inclusive: the due day
    summary = models.TextField(_("summary"), blank=True)
    problems = models.TextField(_("problems"), blank=True)
    plan = models.TextField(_("plan for the next period"), blank=True)
    # the first submission; a later one changes the text only, so lateness stays visible
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("period report")
        verbose_name_plural = _("period reports")
        ordering = ["-period_start", "author"]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "office", "kind", "period_start"],
                name="one_report_per_period",
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="report_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.author} {self.get_kind_display()} {self.period_start}"


# the bounds of a penalty (违反规章制度罚款 10–100)
PENALTY_MIN, PENALTY_MAX = 10, 100


@pghistory.track()
class Penalty(models.Model):
    """R-16.5: a penalty of 10.00 to 100.00 a manager records against a person of the office for
    a rule broken, with the reason. It appears with the diary fines (R-7.2) and counts in the
    month's figures; a manager may withdraw it with a reason (the row stays)."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, verbose_name=_("office"))
    person = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="penalties", verbose_name=_("person")
    )
    date = models.DateField(_("date"))
    amount = models.DecimalField(_("amount"), **MONEY)
    rule = models.CharField(_("rule broken"), max_length=100)
    reason = models.TextField(_("reason"))
    recorded_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"))
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("withdrawn by"),
    )
    withdraw_reason = models.TextField(_("withdraw reason"), blank=True)

    class Meta:
        verbose_name = _("penalty")
        verbose_name_plural = _("penalties")
        ordering = ["-date", "person"]
        indexes = [models.Index(fields=["office", "date"], name="penalty_office_date")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gte=PENALTY_MIN, amount__lte=PENALTY_MAX),
                name="penalty_amount_10_to_100",
            ),
            models.CheckConstraint(
                condition=~models.Q(person=models.F("recorded_by")),
                name="penalty_not_against_oneself",
            ),
            models.CheckConstraint(
                condition=~models.Q(rule="") & ~models.Q(reason=""),
                name="penalty_has_rule_and_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(withdrawn_at__isnull=True) | ~models.Q(withdraw_reason=""),
                name="withdrawn_penalty_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.date} {self.amount}"

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None
