"""The ownership pages (R-3, R-4, R-5): parse, call a service, render.

Every page checks role and office: `?office=<id>` (or the form's `office`) names one of the
user's offices, another office's id or object is a 404; a role that may not use the page a 403.
The salesperson's page is phone first; the same views return a fragment for htmx.
"""

from .customers import customer_detail, dispute_open, household_link
from .disputes import dispute_detail, dispute_list, dispute_rule
from .manage import claims, reassign
from .my import followup, my_customers, register

__all__ = [
    "claims",
    "customer_detail",
    "dispute_detail",
    "dispute_list",
    "dispute_open",
    "dispute_rule",
    "followup",
    "household_link",
    "my_customers",
    "reassign",
    "register",
]
