"""Writes of the front desk. Each runs in one transaction and locks, in this order, the
household, then the day's roster, then the duty states (by primary key)."""

from .calls import call_register, referral_register
from .common import local_date
from .overrides import (
    RESEARCH_ACTORS,
    visit_reassign,
    visit_receive_on_behalf,
    visit_research_step,
)
from .roster import duty_status_set, roster_set
from .visits import visit_register

__all__ = [
    "RESEARCH_ACTORS",
    "call_register",
    "duty_status_set",
    "local_date",
    "referral_register",
    "roster_set",
    "visit_reassign",
    "visit_receive_on_behalf",
    "visit_register",
    "visit_research_step",
]
