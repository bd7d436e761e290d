"""Helpers that bring a work plan to a given state through the real services (R-17.3)."""

import datetime
from zoneinfo import ZoneInfo

from approvals.services import approval_decide

from . import services
from .choices import PlanKind

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 3, 4, 10, 0, tzinfo=SH)  # a Wednesday morning in the branch


def draft_plan(office, author, *, kind=PlanKind.WEEKLY, day=None, now=NOW):
    """A draft plan of the week (or month) holding `day` (default: next week at `now`)."""
    day = day or (now.astimezone(office.tzinfo).date() + datetime.timedelta(days=7))
    return services.work_plan_create(office=office, actor=author, kind=kind, day=day, now=now)


def pending_plan(office, author, **kwargs):
    plan = draft_plan(office, author, **kwargs)
    return services.work_plan_submit(plan=plan, actor=author, now=kwargs.get("now", NOW))


def approved_plan(office, author, manager, **kwargs):
    plan = pending_plan(office, author, **kwargs)
    step = plan.approvals().get(role="manager")
    return approval_decide(
        approval=step, actor=manager, decision="approve", comment="", now=kwargs.get("now", NOW)
    )
