"""The front desk's pages and their htmx fragments (R-2, R-4.3): parse, call a service, render.

Every view picks its office through `may()`: `?office=<id>` (or the form's `office`) names one
of the user's offices, another office's id is a 404; without it the first office the user may
use for the action is taken. The same view returns a full page, or a fragment for htmx.
"""

from .board import board, duty_status, unassigned, visit_assign, visit_on_behalf, visit_research
from .desk import (
    call_register,
    counters,
    desk,
    desk_visits,
    lookup,
    referral_register,
    referrer_options,
    visit_register,
)
from .pages import ROLE_PAGES, director_page, manage_page, my_page, my_visits, roster

__all__ = [
    "ROLE_PAGES",
    "board",
    "call_register",
    "counters",
    "desk",
    "desk_visits",
    "director_page",
    "duty_status",
    "lookup",
    "manage_page",
    "my_page",
    "my_visits",
    "referral_register",
    "referrer_options",
    "roster",
    "unassigned",
    "visit_assign",
    "visit_on_behalf",
    "visit_research",
    "visit_register",
]
