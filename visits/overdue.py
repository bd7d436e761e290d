"""Overdue accounts (R-9.8): an approved account with a grade whose last visit is older than
its grade's interval (R-9.3). Computed in the database from the visit records, so that a list,
a count and the morning job agree and scale with the branch:

- `opened`: the day the account was created, in its branch's calendar;
- `last_visit`: its latest visit (selectors.with_last_visit: a call is not a visit);
- `due`: `last_visit` (or `opened`, never visited) + the interval — rules.due_on;
- `days_overdue`: today in the branch's calendar − `due` — rules.days_overdue; overdue from
  the day after the due day (tests/visits/test_overdue.py checks the SQL against the rules).
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import (
    Case,
    DateField,
    DateTimeField,
    F,
    Func,
    IntegerField,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import Account
from accounts.selectors import accounts_visible_to
from approvals.choices import DocumentStatus
from common.history import job_context
from common.models import JobRun
from notifications.models import Notification
from notifications.services import notify
from staff.choices import Role
from staff.models import Office, User

from .selectors import with_last_visit


def _local_date(moment) -> Cast:
    """The branch's calendar day of a moment: PostgreSQL's timezone(zone, timestamptz)."""
    return Cast(
        Func(F("office__timezone"), moment, function="timezone", output_field=DateTimeField()),
        DateField(),
    )


def _interval() -> Case:
    """R-9.3: the branch's visit interval for the account's grade."""
    return Case(
        When(grade="A", then=F("office__visit_interval_a")),
        When(grade="B", then=F("office__visit_interval_b")),
        When(grade="C", then=F("office__visit_interval_c")),
        output_field=IntegerField(),
    )


def with_due(accounts: QuerySet[Account], *, now: datetime.datetime) -> QuerySet[Account]:
    """Annotate `last_visit`, `opened`, `interval`, `due`, `today` and `days_overdue` (which is
    negative or zero while the account is not overdue)."""
    qs = with_last_visit(accounts).annotate(
        opened=_local_date(F("created_at")),
        today=_local_date(Value(now, output_field=DateTimeField())),
        interval=_interval(),
    )
    qs = qs.annotate(
        due=Func(
            Coalesce(F("last_visit"), F("opened")),
            F("interval"),
            template="(%(expressions)s)",
            arg_joiner=" + ",  # date + integer: a date in PostgreSQL
            output_field=DateField(),
        )
    )
    return qs.annotate(
        days_overdue=Func(
            F("today"),
            F("due"),
            template="(%(expressions)s)",
            arg_joiner=" - ",  # date - date: whole days
            output_field=IntegerField(),
        )
    )


def overdue(accounts: QuerySet[Account], *, now: datetime.datetime) -> QuerySet[Account]:
    """R-9.8: the approved graded accounts among `accounts` that are overdue at `now`, the
    longest overdue first. An account without a grade has no interval and is never overdue."""
    qs = with_due(
        accounts.filter(status=DocumentStatus.APPROVED, grade__isnull=False), now=now
    ).filter(days_overdue__gt=0)
    return qs.select_related("office", "owner", "deputy").order_by("-days_overdue", "name", "pk")


def overdue_visible_to(user, *, now: datetime.datetime, office=None) -> QuerySet[Account]:
    """The overdue accounts the user sees (R-9.1): a salesperson's own and deputised, the
    branches a manager manages (one of them with `office`), every branch for the director."""
    accounts = accounts_visible_to(user)
    if office is not None:
        accounts = accounts.filter(office=office)
    return overdue(accounts, now=now)


@dataclass(frozen=True)
class Age:
    """A band of the aged list (R-9.8: "the overdue list ages them")."""

    key: str
    label: Promise
    low: int  # days overdue, inclusive
    high: int | None  # inclusive; None: no upper bound

    def holds(self, days: int) -> bool:
        return days >= self.low and (self.high is None or days <= self.high)


AGES = (
    Age("month", _("Overdue more than 30 days"), 31, None),
    Age("weeks", _("Overdue 8 to 30 days"), 8, 30),
    Age("week", _("Overdue up to 7 days"), 1, 7),
)


def aged(accounts) -> list[tuple[Age, list]]:
    """The accounts (longest overdue first) in their age bands, each band with its accounts;
    empty bands left out."""
    bands: dict[Age, list] = {age: [] for age in AGES}
    for account in accounts:
        bands[next(age for age in AGES if age.holds(account.days_overdue))].append(account)
    return [(age, rows) for age, rows in bands.items() if rows]


# ---------------------------------------------------------------- the morning job

FLAG = "accounts.flag_overdue_visits"
OWNER_KIND = "visits_overdue"
MANAGER_KIND = "branch_visits_overdue"


def overdue_notify(*, now: datetime.datetime) -> int:
    """R-9.8: each morning, one notification to each owner of overdue accounts (how many, and
    by how many days the longest) and one to each manager of a branch with overdue accounts
    (the branch's count), never one per account. Safe to run again: who was told today (in the
    branch's calendar) is not told again; two runs at once take turns (job_context).
    Returns the number of notifications sent."""
    with transaction.atomic(), job_context(FLAG):
        rows = overdue(Account.objects.all(), now=now).values_list(
            "owner_id", "owner__is_active", "office_id", "days_overdue", "today"
        )
        owners: dict[int, dict] = {}
        branches: dict[int, dict] = {}
        for owner, active, office, days, today in rows.order_by():
            for key, bucket in ((office, branches), (owner if active else None, owners)):
                if key is None:
                    continue
                entry = bucket.setdefault(key, {"count": 0, "days": 0, "day": today.isoformat()})
                entry["count"] += 1
                entry["days"] = max(entry["days"], days)
        sent = 0
        for owner, params in owners.items():
            sent += _tell(owner, OWNER_KIND, params, reverse("accounts:overdue"), now)
        for manager, params in _managers_of(branches).items():
            sent += _tell(manager, MANAGER_KIND, params, reverse("accounts:overdue"), now)
        JobRun.objects.create(
            name=FLAG,
            ran_at=now,
            detail={"accounts": sum(b["count"] for b in branches.values()), "sent": sent},
        )
    return sent


def _managers_of(branches: dict[int, dict]) -> dict[int, dict]:
    """Each active manager of the branches, with their branches' counts added up."""
    found: dict[int, dict] = {}
    offices = Office.objects.filter(pk__in=branches).order_by("name", "pk")
    for office in offices:
        branch = branches[office.pk]
        managers = User.objects.filter(is_active=True, groups__name=Role.MANAGER, offices=office)
        for manager in managers.distinct().order_by("pk"):
            entry = found.setdefault(
                manager.pk, {"count": 0, "days": 0, "day": branch["day"], "offices": []}
            )
            entry["count"] += branch["count"]
            entry["days"] = max(entry["days"], branch["days"])
            entry["offices"].append(office.name)
    return found


def _tell(recipient_id: int, kind: str, params: dict, url: str, now) -> int:
    already = Notification.objects.filter(
        recipient_id=recipient_id, kind=kind, params__day=params["day"]
    ).exists()
    if already:
        return 0
    notify(recipient_id=recipient_id, kind=kind, params=params, url=url, now=now)
    return 1
