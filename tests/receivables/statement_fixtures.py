"""Helpers of the dunning and statement tests (R-15.2, R-15.6): shipped contracts for more
accounts of the branch, and moments in the branch's calendar (Asia/Shanghai)."""

import datetime
from zoneinfo import ZoneInfo

from contracts.factories import NOW, approved_account, line, signed
from shipping.factories import ship_everything

SH = ZoneInfo("Asia/Shanghai")


def at(day: datetime.date | str, hour: int = 9) -> datetime.datetime:
    """A moment on a day of the branch's calendar."""
    if isinstance(day, str):
        day = datetime.date.fromisoformat(day)
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=SH)


def shipped_contract(office, salesperson, product, approvers, *, name, quantity="10", now=NOW):
    """A new approved account of the salesperson with a signed contract of `quantity` motors
    at 100.00, shipped in full."""
    account = approved_account(office, salesperson, name=name)
    contract = signed(account, salesperson, [line(product, quantity)], approvers, now=now)
    ship_everything(contract, now=now, people=approvers)
    contract.refresh_from_db()
    return contract
