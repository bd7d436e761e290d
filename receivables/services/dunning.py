"""Collection notices (应收账款催收单, R-15.2): the daily dunning job and the salesperson's
signature (传票签收).

The job looks at every branch in its own calendar. An invoice is overdue when its due date is
before the branch's today and something of it is still open (figures.with_open_amount). An
account with overdue invoices gets a notice for the day, listing each of them (open amount,
due date, days overdue), for its salesperson and the branch's managers, who are both told.

How often: an account is not sent a notice every morning. It gets a new one when
- it has never had one, or its latest is 7 days old or more (a weekly reminder), or
- an invoice has become overdue that its latest notice does not list.

Safe to run again: one notice per account and day (the unique (account, date) constraint,
inserted ON CONFLICT DO NOTHING), and the accounts noticed today are not due another one; two
runs at once take turns (common.history.job_context).
"""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from rest_framework.exceptions import PermissionDenied

from common.errors import DomainError
from common.history import job_context
from common.models import JobRun
from notifications.services import notify
from staff.choices import Role
from staff.models import Office

from .. import figures, rules
from ..models import CollectionNotice, Invoice, NoticeLine
from . import base

DUNNING = "receivables.dunning"
QUIET_DAYS = 7  # a reminder at most weekly, unless a new invoice falls overdue
NOTICE_KIND = "collection_notice"

_INSERT = """
INSERT INTO {table} (office_id, account_id, salesperson_id, date, total, created_at)
SELECT %(office)s, u.account_id, u.salesperson_id, %(day)s, u.total, %(now)s
FROM unnest(%(accounts)s::bigint[], %(people)s::bigint[], %(totals)s::numeric[])
     AS u(account_id, salesperson_id, total)
ON CONFLICT (account_id, date) DO NOTHING
RETURNING id, account_id
"""


def dunning_run(*, now: datetime.datetime) -> int:
    """R-15.2: the morning's collection notices in every branch. Returns how many were made;
    a JobRun records the run."""
    with transaction.atomic(), job_context(DUNNING):
        made = 0
        for office in Office.objects.order_by("pk"):
            made += _office_notices(office, now=now)
        JobRun.objects.create(name=DUNNING, ran_at=now, detail={"notices": made})
    return made


def _overdue_by_account(office, today: datetime.date) -> dict[int, list[tuple]]:
    """{account id: [(invoice id, open amount, due date), …]} of the branch's overdue
    invoices, oldest due first: one query."""
    invoices = figures.with_open_amount(
        Invoice.objects.filter(
            office=office, red_of__isnull=True, due_date__lt=today, date__lte=today
        )
    ).filter(open_amount__gt=0)
    found: dict[int, list[tuple]] = defaultdict(list)
    rows = invoices.order_by("account_id", "due_date", "pk").values_list(
        "account_id", "pk", "open_amount", "due_date"
    )
    for account_id, invoice_id, open_amount, due in rows:
        found[account_id].append((invoice_id, open_amount, due))
    return found


def _due_accounts(overdue: dict[int, list[tuple]], today: datetime.date) -> list[int]:
    """The accounts among `overdue` due a notice today (see the module's docstring): their
    latest notices and those notices' invoices in two queries."""
    latest = {
        account_id: (notice_id, day)
        for account_id, notice_id, day in CollectionNotice.objects.filter(account_id__in=overdue)
        .order_by("account_id", "-date", "-pk")
        .distinct("account_id")
        .values_list("account_id", "pk", "date")
    }
    listed: dict[int, set[int]] = defaultdict(set)
    lines = NoticeLine.objects.filter(notice_id__in=[n for n, _day in latest.values()])
    for notice_id, invoice_id in lines.values_list("notice_id", "invoice_id"):
        listed[notice_id].add(invoice_id)
    due = []
    for account_id, invoices in overdue.items():
        if account_id not in latest:
            due.append(account_id)
            continue
        notice_id, day = latest[account_id]
        if day >= today:
            continue  # noticed today already
        stale = (today - day).days >= QUIET_DAYS
        if stale or any(row[0] not in listed[notice_id] for row in invoices):
            due.append(account_id)
    return sorted(due)


def _office_notices(office, *, now) -> int:
    today = base.today(office, now)
    overdue = _overdue_by_account(office, today)
    due = _due_accounts(overdue, today)
    if not due:
        return 0
    from accounts.models import Account

    accounts = {a.pk: a for a in Account.objects.filter(pk__in=due).only("pk", "name", "owner_id")}
    due = [a for a in due if a in accounts]
    totals = [sum((row[1] for row in overdue[a]), Decimal("0.00")) for a in due]
    with connection.cursor() as cursor:
        cursor.execute(
            _INSERT.format(table=CollectionNotice._meta.db_table),
            {
                "office": office.pk,
                "day": today,
                "now": now,
                "accounts": due,
                "people": [accounts[a].owner_id for a in due],
                "totals": totals,
            },
        )
        made = dict((account_id, notice_id) for notice_id, account_id in cursor.fetchall())
    NoticeLine.objects.bulk_create(
        NoticeLine(
            notice_id=notice_id,
            invoice_id=invoice_id,
            open_amount=open_amount,
            due_date=due_date,
            days_overdue=rules.days_overdue(due_date, today),
        )
        for account_id, notice_id in made.items()
        for invoice_id, open_amount, due_date in overdue[account_id]
    )
    managers = list(
        get_user_model()
        .objects.filter(is_active=True, groups__name=Role.MANAGER, offices=office)
        .distinct()
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    total_of = dict(zip(due, totals, strict=True))
    for account_id, notice_id in made.items():
        account = accounts[account_id]
        params = {
            "account": account.name,
            "total": f"{total_of[account_id]:,.2f}",
            "count": len(overdue[account_id]),
        }
        url = reverse("receivables:notice", args=[notice_id])
        for recipient in dict.fromkeys([account.owner_id, *managers]):
            notify(kind=NOTICE_KIND, params=params, now=now, url=url, recipient_id=recipient)
    return len(made)


# ---------------------------------------------------------------- the salesperson signs


def may_sign_notice(user, notice: CollectionNotice) -> bool:
    return user.is_authenticated and user.pk == notice.salesperson_id


@transaction.atomic
def notice_sign(*, notice: CollectionNotice, actor, now: datetime.datetime) -> CollectionNotice:
    """R-15.2: the salesperson signs for the notice (传票签收), once."""
    notice = base.lock(notice)
    if not may_sign_notice(actor, notice):
        raise PermissionDenied(_("Only the salesperson it is addressed to signs for a notice."))
    if notice.signed_at is not None:
        raise DomainError(_("This notice was signed for already."), code="already_signed")
    notice.signed_at, notice.signed_by = now, actor
    notice.save(update_fields=["signed_at", "signed_by"])
    return notice
