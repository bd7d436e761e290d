"""The front desk's records: roster and queue (R-2.2), visits (R-2.1–R-2.6), calls (R-2.7)
and referral pre-registrations (R-4.3)."""

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from attribution.models import Claim
from leads.models import Customer, SourceChannel
from staff.models import Office

from .choices import CallKind, DutyStatus, ResearchStatus, Rule, UnassignedReason

USER = settings.AUTH_USER_MODEL


@pghistory.track()
class Roster(models.Model):
    """R-2.2: an office's rotation order for one day, and the pointer to whose turn is next."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, verbose_name=_("office"))
    date = models.DateField(_("date"))
    pointer = models.PositiveSmallIntegerField(_("pointer"), default=1)
    set_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("set by")
    )

    class Meta:
        verbose_name = _("duty roster")
        verbose_name_plural = _("duty rosters")
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(fields=["office", "date"], name="one_roster_per_office_day")
        ]

    def __str__(self) -> str:
        return f"{self.office} {self.date}"


class RosterEntry(models.Model):
    roster = models.ForeignKey(
        Roster, on_delete=models.CASCADE, related_name="entries", verbose_name=_("roster")
    )
    salesperson = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("salesperson")
    )
    position = models.PositiveSmallIntegerField(_("position"))

    class Meta:
        verbose_name = _("roster entry")
        verbose_name_plural = _("roster entries")
        ordering = ["roster", "position"]
        constraints = [
            models.UniqueConstraint(fields=["roster", "salesperson"], name="roster_person_once"),
            models.UniqueConstraint(fields=["roster", "position"], name="roster_position_once"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.salesperson}"


@pghistory.track()
class DutyState(models.Model):
    """A salesperson's status and owed turns in an office; owed turns carry over (R-2.2)."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, verbose_name=_("office"))
    salesperson = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="duty_states", verbose_name=_("salesperson")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=DutyStatus.choices, default=DutyStatus.AVAILABLE
    )
    owed_turns = models.PositiveIntegerField(_("owed turns"), default=0)

    class Meta:
        verbose_name = _("duty status")
        verbose_name_plural = _("duty statuses")
        constraints = [
            models.UniqueConstraint(fields=["office", "salesperson"], name="duty_state_once"),
        ]

    def __str__(self) -> str:
        return f"{self.salesperson}: {self.get_status_display()}"


@pghistory.track(model_name="VisitHistory")
class Visit(models.Model):
    """A walk-in party and the system's assignment, with its explanation (R-2.4)."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, verbose_name=_("office"))
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="visits", verbose_name=_("customer")
    )
    at = models.DateTimeField(_("at"), db_index=True)
    registered_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("registered by")
    )
    is_new_customer = models.BooleanField(_("new customer"))
    party_size = models.PositiveSmallIntegerField(_("party size"))
    one_household = models.BooleanField(_("one household"), default=True)
    source_channel = models.ForeignKey(
        SourceChannel, on_delete=models.PROTECT, verbose_name=_("source channel")
    )
    named_salesperson = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("named salesperson"),
    )
    referrer = models.ForeignKey(
        Customer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("came with / referred by"),
    )
    assigned_to = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="visits_received",
        verbose_name=_("assigned to"),
    )
    # a colleague, the manager or the secretary received them for the absent owner;
    # the visit, its claim and the credit stay with `assigned_to`
    received_on_behalf_by = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("received on behalf by"),
    )
    rule = models.CharField(_("rule"), max_length=12, choices=Rule.choices)
    unassigned_reason = models.CharField(
        _("why unassigned"), max_length=20, choices=UnassignedReason.choices, blank=True
    )
    skipped = models.JSONField(_("skipped"), default=list, blank=True)
    owed_turn_used = models.BooleanField(_("owed turn used"), default=False)
    claim = models.ForeignKey(
        Claim, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("claim")
    )
    started_claim = models.BooleanField(_("started the claim"), default=False)
    idempotency_key = models.CharField(_("idempotency key"), max_length=64, blank=True)
    research_status = models.CharField(
        _("market research"),
        max_length=10,
        choices=ResearchStatus.choices,
        default=ResearchStatus.NONE,
        blank=True,
    )

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-at"]
        constraints = [
            models.UniqueConstraint(
                fields=["office", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="visit_idempotency_key",
            ),
            models.CheckConstraint(
                condition=Q(party_size__gte=1) & Q(party_size__lte=100), name="visit_party_size"
            ),
            models.CheckConstraint(
                condition=Q(rule="unassigned", assigned_to__isnull=True)
                | (~Q(rule="unassigned") & Q(assigned_to__isnull=False)),
                name="visit_assigned_unless_waiting",
            ),
        ]
        indexes = [
            models.Index(fields=["office", "at"], name="visit_office_day"),
            # the few visits waiting for the manager or in market research, among an office's
            # hundreds of thousands: the desk, the manager's and the director's pages (issue 8)
            models.Index(
                fields=["office", "at"],
                condition=Q(rule="unassigned"),
                name="visit_waiting",
            ),
            models.Index(
                fields=["office", "at"],
                condition=Q(research_status__in=["flagged", "confirmed"]),
                name="visit_in_research",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer} {self.at:%Y-%m-%d %H:%M}"


class VisitEvent(models.Model):
    """Overrides and market-research steps of a visit, with who and why (R-2.4, R-2.6)."""

    visit = models.ForeignKey(
        Visit, on_delete=models.PROTECT, related_name="timeline", verbose_name=_("visit")
    )
    kind = models.CharField(_("kind"), max_length=20)
    at = models.DateTimeField(_("at"))
    actor = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        verbose_name = _("visit event")
        verbose_name_plural = _("visit events")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.at:%Y-%m-%d %H:%M}"


@pghistory.track()
class Call(models.Model):
    """R-2.7: every hotline call, customer or not."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, verbose_name=_("office"))
    kind = models.CharField(_("kind"), max_length=12, choices=CallKind.choices)
    at = models.DateTimeField(_("at"), db_index=True)
    answered_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("answered by")
    )
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("customer")
    )
    is_new_customer = models.BooleanField(_("new customer"), default=False)
    caller = models.CharField(_("caller"), max_length=100, blank=True)
    content = models.TextField(_("content"))
    put_through_to = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("put through to"),
    )
    source_channel = models.ForeignKey(
        SourceChannel,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("source channel"),
    )

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["-at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="non_customer") | Q(customer__isnull=False),
                name="customer_call_has_customer",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"


@pghistory.track()
class Referral(models.Model):
    """R-4.3: a customer pre-registers someone they will bring (phone and name, before)."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, verbose_name=_("office"))
    referrer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("referrer")
    )
    phone = models.CharField(_("phone"), max_length=15)
    name = models.CharField(_("name"), max_length=60, blank=True)
    registered_at = models.DateTimeField(_("registered at"))
    registered_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", verbose_name=_("registered by")
    )

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-registered_at"]
        indexes = [models.Index(fields=["office", "phone"], name="referral_lookup")]

    def __str__(self) -> str:
        return f"{self.referrer} → {self.phone}"


class DailyCount(models.Model):
    """R-2.8: the front desk's counts of one office-local day for one source channel (no
    channel: none was given), compiled by reception.compile_daily for the sales assistant
    and the channel evaluation (R-7.6). Recompiling a day replaces its rows."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, verbose_name=_("office"))
    date = models.DateField(_("date"))
    source_channel = models.ForeignKey(
        SourceChannel,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("source channel"),
    )
    walk_in_parties = models.PositiveIntegerField(_("walk-in parties"), default=0)
    new_customers = models.PositiveIntegerField(_("new customers"), default=0)
    returning_customers = models.PositiveIntegerField(_("returning customers"), default=0)
    customer_calls = models.PositiveIntegerField(_("customer calls"), default=0)
    non_customer_calls = models.PositiveIntegerField(_("non-customer calls"), default=0)
    compiled_at = models.DateTimeField(_("compiled at"))

    class Meta:
        verbose_name = _("front desk daily count")
        verbose_name_plural = _("front desk daily counts")
        ordering = ["-date", "source_channel"]
        constraints = [
            models.UniqueConstraint(
                fields=["office", "date", "source_channel"],
                nulls_distinct=False,
                name="one_count_per_day_and_channel",
            )
        ]

    def __str__(self) -> str:
        return f"{self.office} {self.date} {self.source_channel or '-'}"
