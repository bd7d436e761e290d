"""Targets through the real service (R-17.1), for the tests."""

import datetime
from decimal import Decimal

from . import services

NOW = datetime.datetime(2026, 3, 10, 2, 0, tzinfo=datetime.UTC)


def set_target(actor, amount, *, year=2026, now=NOW, **level):
    """`set_target(director, "1000")` the department's; `office=`, `month=`, `region=`,
    `salesperson=` name the level."""
    return services.target_set(
        year=year, amount=Decimal(str(amount)), actor=actor, now=now, **level
    )
