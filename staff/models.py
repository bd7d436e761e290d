"""Staff and offices: sales offices (售楼处 / 案场) with the per-office numbers of RULES.md,
and the staff who work in them, with their roles (Django groups)."""

import datetime
import zoneinfo
from decimal import Decimal

import pghistory
from django.contrib.auth.models import AbstractUser
from django.contrib.postgres.expressions import ArraySubquery
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import OuterRef
from django.utils.timezone import localdate
from django.utils.translation import gettext_lazy as _

from .choices import Role


def validate_timezone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError) as exc:  # OSError: too long
        raise ValidationError(_("Unknown time zone: %(tz)s"), params={"tz": value}) from exc


MONEY = {"max_digits": 14, "decimal_places": 2, "validators": [MinValueValidator(Decimal("0.00"))]}


@pghistory.track()
class Office(models.Model):
    """A sales office. Every number in RULES.md is a field here, with the rule's default."""

    name = models.CharField(_("name"), max_length=100)
    code = models.SlugField(_("code"), max_length=30, unique=True)
    timezone = models.CharField(
        _("time zone"), max_length=64, default="Asia/Shanghai", validators=[validate_timezone]
    )
    is_active = models.BooleanField(_("active"), default=True)
    # records of the office (diaries, days off, meetings, reports) are dated from here
    opened_on = models.DateField(_("opened on"), default=localdate)

    # a party larger than this, not one household, goes to the manager.
    large_party_size = models.PositiveSmallIntegerField(
        _("large party size"), default=4, validators=[MinValueValidator(1)]
    )
    # protected through the end of day D + protection_days.
    protection_days = models.PositiveSmallIntegerField(
        _("protection days"), default=7, validators=[MinValueValidator(1)]
    )
    # warn of claims whose protection ends within this many days.
    warning_days = models.PositiveSmallIntegerField(_("warning days"), default=2)
    # target, follow-up calls per customer per week.
    weekly_call_target = models.PositiveSmallIntegerField(_("follow-up calls per week"), default=2)
    # holding fee and hold duration.
    holding_fee = models.DecimalField(_("holding fee"), default=Decimal("500.00"), **MONEY)
    hold_hours = models.PositiveSmallIntegerField(
        _("hold hours"), default=72, validators=[MinValueValidator(1)]
    )
    # minimum subscription deposit.
    minimum_deposit = models.DecimalField(_("minimum deposit"), default=Decimal("5000.00"), **MONEY)
    # remind of instalments due within this many days.
    chase_days = models.PositiveSmallIntegerField(_("payment chase days"), default=7)
    # diary deadline and fine step (10, 20, 30 …).
    diary_deadline = models.TimeField(_("diary deadline"), default=datetime.time(17, 0))
    fine_step = models.DecimalField(_("fine step"), default=Decimal("10.00"), **MONEY)
    # the daily meeting.
    meeting_time = models.TimeField(_("daily meeting"), default=datetime.time(18, 0))
    # weekly report due on this weekday (0 = Monday … 6 = Sunday) at report_deadline;
    # monthly report due on the last day of the month at report_deadline.
    weekly_report_weekday = models.PositiveSmallIntegerField(
        _("weekly report weekday"),
        default=6,
        choices=[
            (0, _("Monday")),
            (1, _("Tuesday")),
            (2, _("Wednesday")),
            (3, _("Thursday")),
            (4, _("Friday")),
            (5, _("Saturday")),
            (6, _("Sunday")),
        ],
    )
    report_deadline = models.TimeField(_("report deadline"), default=datetime.time(17, 0))
    # the manager's dashboard: subscriptions signed this month against this target
    monthly_subscription_target = models.PositiveIntegerField(
        _("monthly subscription target"), default=10
    )

    # the sales department (second part)
    # an enquiry, quote, bid or contract of at least this amount needs the executive
    major_threshold = models.DecimalField(
        _("major business threshold"), default=Decimal("500000.00"), **MONEY
    )
    # visit interval per account grade, in days
    visit_interval_a = models.PositiveSmallIntegerField(
        _("visit interval, grade A (days)"), default=3, validators=[MinValueValidator(1)]
    )
    visit_interval_b = models.PositiveSmallIntegerField(
        _("visit interval, grade B (days)"), default=7, validators=[MinValueValidator(1)]
    )
    visit_interval_c = models.PositiveSmallIntegerField(
        _("visit interval, grade C (days)"), default=30, validators=[MinValueValidator(1)]
    )
    # next week's visit plan is due on this weekday (0 = Monday … 6 = Sunday) at this time
    visit_plan_weekday = models.PositiveSmallIntegerField(
        _("visit plan due on (weekday)"), default=5, validators=[MaxValueValidator(6)]
    )
    visit_plan_deadline = models.TimeField(_("visit plan deadline"), default=datetime.time(12, 0))
    # an account whose last credit review is older than this is listed
    credit_review_days = models.PositiveSmallIntegerField(
        _("credit review interval (days)"), default=365, validators=[MinValueValidator(1)]
    )
    # the monthly expense cap per rank (经理, 副经理, 一般人员) and the meal allowance
    # (误餐费) per missed meal
    expense_cap_manager = models.DecimalField(
        _("monthly expense cap, manager"), default=Decimal("3000.00"), **MONEY
    )
    expense_cap_deputy = models.DecimalField(
        _("monthly expense cap, deputy manager"), default=Decimal("2000.00"), **MONEY
    )
    expense_cap_staff = models.DecimalField(
        _("monthly expense cap, staff"), default=Decimal("1000.00"), **MONEY
    )
    meal_allowance = models.DecimalField(
        _("meal allowance per missed meal"), default=Decimal("20.00"), **MONEY
    )
    # branches are grouped in regions (区域); the director's target splits by region
    region = models.CharField(_("region"), max_length=100, blank=True)
    # the manager explains a month whose actual differs from its target by more than
    # this percentage of the target
    target_variance_percent = models.DecimalField(
        _("variance needing an explanation (percent)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("10.00"),
        validators=[MinValueValidator(Decimal("0.00")), MaxValueValidator(Decimal("100.00"))],
    )

    class Meta:
        verbose_name = _("office")
        verbose_name_plural = _("offices")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(holding_fee__gte=0)
                & models.Q(minimum_deposit__gte=0)
                & models.Q(fine_step__gte=0),
                name="office_money_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(protection_days__gte=1) & models.Q(hold_hours__gte=1),
                name="office_periods_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(expense_cap_manager__gte=0)
                & models.Q(expense_cap_deputy__gte=0)
                & models.Q(expense_cap_staff__gte=0)
                & models.Q(meal_allowance__gte=0),
                name="office_expense_settings_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)


@pghistory.track(exclude=["password", "last_login"])
class User(AbstractUser):
    """A member of staff. Roles are group memberships; data is scoped to `offices`."""

    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    offices = models.ManyToManyField(
        Office, related_name="members", blank=True, verbose_name=_("offices")
    )

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.display_name or self.username

    def _load_access(self) -> None:
        """The user's role names and offices, in one query: nearly every request asks for
        both (issue 8: one round trip fewer on every page and endpoint)."""
        if not self.is_active or not self.pk:
            self._roles_cache, self._member_office_ids = set(), set()
            return
        groups = self.groups.through.objects.filter(user_id=OuterRef("pk"))
        offices = self.offices.through.objects.filter(user_id=OuterRef("pk"))
        names, office_ids = (
            type(self)
            .objects.filter(pk=self.pk)
            .values_list(
                ArraySubquery(groups.values("group__name")),
                ArraySubquery(offices.values("office_id")),
            )
            .get()
        )
        self._roles_cache = {name for name in names if name in Role.values}
        self._member_office_ids = set(office_ids)

    @property
    def roles(self) -> set[str]:
        """The user's role names; cached per instance."""
        if not hasattr(self, "_roles_cache"):
            if "groups" in getattr(self, "_prefetched_objects_cache", {}):
                self._roles_cache = {g.name for g in self.groups.all() if g.name in Role.values}
            else:
                self._load_access()
        return self._roles_cache

    @property
    def member_office_ids(self) -> set[int]:
        """The offices the user is a member of; cached per instance."""
        if not hasattr(self, "_member_office_ids"):
            self._load_access()
        return self._member_office_ids

    @property
    def role_labels(self) -> list[str]:
        return [label for value, label in Role.choices if value in self.roles]

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))


class TokenUse(models.Model):
    """When an API token (DRF's authtoken) was last used: a token idle longer than
    settings.API_TOKEN_IDLE_DAYS is refused and deleted (issue 13). Written at most once an
    hour per token (staff.api.authentication), not on every request; a token without a row
    counts from its creation."""

    token = models.OneToOneField(
        "authtoken.Token",
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="use",
        verbose_name=_("token"),
    )
    last_used_at = models.DateTimeField(_("last used"))

    class Meta:
        verbose_name = _("API token use")
        verbose_name_plural = _("API token uses")

    def __str__(self) -> str:
        return f"{self.token_id[:8]}… {self.last_used_at:%Y-%m-%d %H:%M}"
