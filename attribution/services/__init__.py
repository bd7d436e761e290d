"""Writes of ownership. Callers that read-then-write a household's claims hold its row lock
(leads.services.household_lock); the expiry job locks claim rows through its UPDATE."""

from ..selectors import claim_held
from .claims import (
    CallerUnownedError,
    ClaimedError,
    claim_active,
    claim_mark_deal,
    claim_reassign_released,
    claim_record_contact,
    claim_start,
    claim_transfer,
    collision_record,
    customer_register_own,
    protection_end_for,
)
from .disputes import NoRelation, NotManager, dispute_open, dispute_rule, has_relation
from .expiry import claims_expire_stale, claims_warn_expiring
from .followups import NotYourCustomer, followup_log, followup_void
from .households import HeldElsewhere, household_link

__all__ = [
    "CallerUnownedError",
    "ClaimedError",
    "HeldElsewhere",
    "NoRelation",
    "NotManager",
    "NotYourCustomer",
    "claim_active",
    "claim_held",
    "claim_mark_deal",
    "claim_reassign_released",
    "claim_record_contact",
    "claim_start",
    "claim_transfer",
    "claims_expire_stale",
    "claims_warn_expiring",
    "collision_record",
    "customer_register_own",
    "dispute_open",
    "dispute_rule",
    "followup_log",
    "followup_void",
    "has_relation",
    "household_link",
    "protection_end_for",
]
