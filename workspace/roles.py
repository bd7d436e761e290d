"""Each role's work page and the navigation a user sees: only what their roles may use."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from staff.choices import Role


@dataclass(frozen=True)
class WorkPage:
    role: str
    slug: str
    title: Promise
    intro: Promise
    coming: Promise | str = ""  # what will appear on a page whose queue is not built yet
    links: tuple[tuple[Promise, str], ...] = ()  # (label, URL name) of pages the role works on


# In the order a user with several roles lands on them.
WORK_PAGES: list[WorkPage] = [
    WorkPage(
        Role.SECRETARY,
        "desk",
        _("Reception desk"),
        _("Register walk-ins and hotline calls; the system assigns each customer a salesperson."),
    ),
    WorkPage(
        Role.SALESPERSON,
        "my",
        _("My day"),
        _("Today's visits assigned to you, your notifications and the rotation board."),
    ),
    WorkPage(
        Role.MANAGER,
        "manage",
        _("Office management"),
        _("Roster, assignments, claims, disputes, diaries and reports of your office."),
    ),
    WorkPage(
        Role.DIRECTOR,
        "director",
        _("All offices"),
        _("Approvals, weekly reports and every office's figures."),
    ),
    WorkPage(
        Role.ASSISTANT,
        "channels",
        _("Front-desk counts and channels"),
        _("The front desk's daily counts and the evaluation of advertising channels."),
    ),
    WorkPage(
        Role.FINANCE,
        "finance",
        _("Finance"),
        _(
            "The receivables desk: receipts to allocate, instruments to sign for, invoices to "
            "issue and disputed statements; and the sales office's holding fees, deposits, "
            "refunds to pay and payments against contracts."
        ),
    ),
    WorkPage(
        Role.CLERK,
        "clerk",
        _("Contracts and orders"),
        _(
            "Contracts to archive, outbound orders, instruments to hand to finance and the "
            "day's receipts checked with finance."
        ),
        _(
            "Your lists are linked above: contracts to archive, outbound orders to prepare, "
            "cheques and bills to hand to finance the same day, and the day's receipts and "
            "queried invoices to check with finance."
        ),
        links=(
            (_("Filing queue"), "contracts:filing"),
            (_("Outbound orders"), "shipping:orders"),
            (_("Instruments handed over"), "receivables:handovers"),
            (_("Daily receipts check"), "receivables:daily_check"),
            (_("Warehouse stock"), "stock:page"),
            # the branch's after-sales requests and complaints
            (_("After-sales"), "aftersales:list"),
            (_("Complaints and suggestions"), "aftersales:complaints"),
        ),
    ),
    WorkPage(
        Role.WAREHOUSE,
        "warehouse",
        _("Warehouse"),
        _("Goods to ship and returns to receive."),
        _(
            "Your queue will appear here: approved outbound orders to ship and returns to "
            "receive, as the sales department's order-to-cash work reaches you."
        ),
        links=((_("Warehouse stock"), "stock:page"),),
    ),
    WorkPage(
        Role.EXECUTIVE,
        "leadership",
        _("Company leadership"),
        _(
            "Major business, write-offs and special fees waiting for your decision, and what "
            "the branches escalated to leadership."
        ),
        _("The documents waiting for your decision are in your approvals inbox."),
        links=(
            (_("Approvals"), "approvals:inbox"),
            (_("Write-offs"), "receivables:write_offs"),
            # leadership's list, the special fees and the after-sales service
            (_("Escalations"), "escalations:list"),
            (_("Special customer fees"), "specialfees:list"),
            (_("After-sales"), "aftersales:list"),
        ),
    ),
    WorkPage(
        Role.TECHNICIAN,
        "technical",
        _("Technical department"),
        _("Returned goods to inspect, technical questions on bids and after-sales service."),
        _("The returns waiting for your inspection are in your approvals inbox."),
        links=(
            (_("After-sales"), "aftersales:list"),
            (_("Technician ratings"), "aftersales:ratings"),
            (_("Approvals"), "approvals:inbox"),
        ),
    ),
    WorkPage(
        Role.PURCHASING,
        "purchasing",
        _("Purchasing department"),
        _("Material prices and lead times asked for bids."),
        _("Questions from salespeople on material prices and lead times will appear here."),
    ),
]
PAGES_BY_SLUG = {p.slug: p for p in WORK_PAGES}


def work_pages_for(user) -> list[WorkPage]:
    return [p for p in WORK_PAGES if user.has_role(p.role)]
