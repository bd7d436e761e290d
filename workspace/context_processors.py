from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from staff.choices import Role
from staff.permissions import may, may_in_any_office

from .roles import work_pages_for

# the roles with at least one page on the reports index (reports.views.index)
REPORT_READERS = (
    Role.SALESPERSON,
    Role.SECRETARY,
    Role.MANAGER,
    Role.DIRECTOR,
    Role.EXECUTIVE,
    Role.ASSISTANT,
)

# the roles that decide a step of some approval chain (approvals.chains)
APPROVERS = (Role.MANAGER, Role.DIRECTOR, Role.EXECUTIVE, Role.TECHNICIAN, Role.FINANCE)


# the roles whose work involves products and prices
PRODUCT_READERS = (
    Role.SALESPERSON,
    Role.MANAGER,
    Role.DIRECTOR,
    Role.EXECUTIVE,
    Role.FINANCE,
    Role.CLERK,
    Role.WAREHOUSE,
    Role.TECHNICIAN,
    Role.PURCHASING,
)


# the sales department's pages, each for who holds its permission in some
# office: (permission, label, URL name)
SALES_PAGES = (
    ("visits.plan", _("My visit plan"), "visits:plan"),
    ("visits.view_plans", _("Visit plans"), "visits:plans"),
    ("contracts.pipeline", _("My pipeline"), "contracts:pipeline"),
    ("contracts.branch_pipeline", _("Branch pipeline"), "contracts:branch_pipeline"),
    ("contracts.filing", _("Filing queue"), "contracts:filing"),
    ("quotes.answer", _("Questions to my department"), "quotes:questions"),
    # the warehouse keeper's queue: the clerk's and the
    # manager's follow-up lists (late first orders, backorders, unconfirmed shipments)
    ("shipping.queue", _("Warehouse queue"), "shipping:queue"),
    ("shipping.follow", _("Shipping follow-up"), "shipping:late"),
    # the technician's returns (waiting for their inspection, or inspected by them)
    ("shipping.inspect", _("Returns to inspect"), "shipping:returns"),
)

# the roles that fill, approve or issue demand requests and outbound orders
SHIPPING_READERS = (Role.SALESPERSON, Role.MANAGER, Role.CLERK, Role.DIRECTOR)

# invoicing and receivables: a few entries per role, each a page that links on
# (a request to its invoice, an invoice to its receipts and ledger, a report to the others);
# finance's home is the receivables desk, the executive decides write-offs in the approvals
# inbox. (label, URL name, the roles that get the entry)
RECEIVABLES_PAGES = (
    (
        _("Invoice requests"),
        "receivables:requests",
        (Role.SALESPERSON, Role.MANAGER, Role.DIRECTOR),
    ),
    (
        _("Invoices"),
        "receivables:invoices",
        (Role.FINANCE, Role.CLERK, Role.MANAGER, Role.DIRECTOR),
    ),
    (_("Receipts"), "receivables:receipts", (Role.FINANCE,)),
    (_("Collection requests"), "receivables:collections", (Role.SALESPERSON,)),
    (_("Collection notices"), "receivables:notices", (Role.SALESPERSON,)),
    (_("Instruments handed over"), "receivables:handovers", (Role.FINANCE, Role.CLERK)),
    (_("Daily receipts check"), "receivables:daily_check", (Role.CLERK,)),
    (_("Receivables aging"), "receivables:report_aging", (Role.MANAGER, Role.DIRECTOR)),
    (
        _("Statements of account"),
        "receivables:statements",
        (Role.SALESPERSON, Role.FINANCE, Role.MANAGER, Role.DIRECTOR),
    ),
)


# after-sales, complaints, expenses, special fees, escalations: (label, URL name, the
# roles that get the entry); each block is edited only by the helper that owns it
R16_PAGES: tuple = (
    # BEGIN escalations
    # the one list of what offices escalated to company leadership
    (_("Escalations"), "escalations:list", (Role.MANAGER, Role.DIRECTOR, Role.EXECUTIVE)),
    # END escalations
    # BEGIN aftersales
    (
        _("After-sales"),
        "aftersales:list",
        (
            Role.SALESPERSON,
            Role.MANAGER,
            Role.CLERK,
            Role.TECHNICIAN,
            Role.DIRECTOR,
            Role.EXECUTIVE,
        ),
    ),
    (
        _("Complaints and suggestions"),
        "aftersales:complaints",
        (Role.SALESPERSON, Role.MANAGER, Role.CLERK, Role.DIRECTOR, Role.EXECUTIVE),
    ),
    (
        _("Technician ratings"),
        "aftersales:ratings",
        (Role.TECHNICIAN, Role.MANAGER, Role.DIRECTOR, Role.EXECUTIVE),
    ),
    # END aftersales
    # BEGIN expenses
    (
        _("Expenses"),
        "expenses:home",
        (Role.SALESPERSON, Role.MANAGER, Role.CLERK, Role.FINANCE, Role.DIRECTOR, Role.EXECUTIVE),
    ),
    # END expenses
    # BEGIN specialfees
    (
        _("Special customer fees"),
        "specialfees:list",
        (Role.SALESPERSON, Role.MANAGER, Role.DIRECTOR, Role.EXECUTIVE, Role.FINANCE),
    ),
    # END specialfees
)

# targets, work plans, dealers: (label, URL name, roles); each block is edited only by
# the helper that owns it. The department's reports are on the reports index.
R17_PAGES: tuple = (
    # BEGIN targets
    (
        _("Targets"),
        "targets:home",
        (Role.SALESPERSON, Role.MANAGER, Role.DIRECTOR, Role.EXECUTIVE),
    ),
    # END targets
    # BEGIN workplans
    # the salesperson's weekly and monthly plans; the branch's for the manager
    (
        _("Work plans"),
        "workplans:list",
        (Role.SALESPERSON, Role.MANAGER, Role.DIRECTOR, Role.EXECUTIVE),
    ),
    # END workplans
    # BEGIN dealers
    # R-17.5: dealers' purchases, stock checks, receivables and disputes
    (
        _("Dealers"),
        "dealers:list",
        (Role.SALESPERSON, Role.MANAGER, Role.DIRECTOR, Role.EXECUTIVE),
    ),
    # END dealers
)


def navigation(request):
    """The menu: the user's work pages, then shared pages the user's roles may use. Worked
    out once per request: a page that renders a fragment with the request too (a blank
    form) asks again (issue 22)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = getattr(request, "_nav_items", None)
    if items is None:
        items = request._nav_items = _menu(user)
    active = active_url(request.path, [url for _label, url in items])
    return {
        "nav_items": [{"label": label, "url": url, "active": url == active} for label, url in items]
    }


def _menu(user) -> list[tuple]:
    """(label, url) of every page the user's roles and offices may use, in menu order."""
    items = [(p.title, reverse("workspace:page", args=[p.slug])) for p in work_pages_for(user)]
    if user.has_role(Role.SALESPERSON):
        items.append((_("My customers"), reverse("attribution:my")))
        items.append((_("Work diary"), reverse("reports:diary")))
    if user.has_role(Role.MANAGER, Role.DIRECTOR):
        items.append((_("Claims"), reverse("attribution:claims")))
        items.append((_("Disputes"), reverse("attribution:disputes")))
    if user.has_role(Role.MANAGER):
        items.append((_("Diaries"), reverse("reports:diaries")))
    if user.has_role(Role.SALESPERSON, Role.SECRETARY, Role.MANAGER, Role.DIRECTOR, Role.FINANCE):
        items.append((_("Units"), reverse("deals:board")))
    if user.has_role(*APPROVERS):
        items.append((_("Approvals"), reverse("approvals:inbox")))
    if may_in_any_office(user, "accounts.view"):
        items.append((_("Accounts"), reverse("accounts:list")))
    items += [
        (label, reverse(name))
        for permission, label, name in SALES_PAGES
        if may_in_any_office(user, permission)
    ]
    if user.has_role(Role.DIRECTOR, Role.EXECUTIVE, Role.FINANCE, Role.CLERK):
        items.append((_("Contracts"), reverse("contracts:list")))
    if user.has_role(*SHIPPING_READERS) and may_in_any_office(user, "contracts.view"):
        items.append((_("Demand requests"), reverse("shipping:requests")))
        items.append((_("Outbound orders"), reverse("shipping:orders")))
    items += [
        (label, reverse(name)) for label, name, roles in RECEIVABLES_PAGES if user.has_role(*roles)
    ]
    items += [(label, reverse(name)) for label, name, roles in R16_PAGES if user.has_role(*roles)]
    items += [(label, reverse(name)) for label, name, roles in R17_PAGES if user.has_role(*roles)]
    if user.has_role(*PRODUCT_READERS):
        items.append((_("Products"), reverse("catalog:list")))
    if user.has_role(Role.WAREHOUSE, Role.CLERK, Role.MANAGER, Role.DIRECTOR):
        items.append((_("Warehouse stock"), reverse("stock:page")))
    if user.has_role(*REPORT_READERS):
        items.append((_("Reports"), reverse("reports:index")))
    items.append((_("Regulations"), reverse("rules:index")))
    items.append((_("Offices"), reverse("workspace:offices")))
    if may(user, "staff.list"):
        items.append((_("Staff"), reverse("workspace:staff")))
    if user.is_staff:
        items.append((_("Administration"), reverse("admin:index")))
    return items


def _aliases() -> dict[str, str]:
    """Pages that are another menu entry's page under a second address: path prefix → the
    entry's URL."""
    return {reverse("finance:page"): reverse("workspace:page", args=["finance"])}


def active_url(path: str, urls: list[str]) -> str | None:
    """The one menu entry a page lights up: the entry whose URL is the longest prefix of the
    page's path (after the aliases), or none."""
    for prefix, url in _aliases().items():
        if path.startswith(prefix) and url in urls:
            path = url + path.removeprefix(prefix)
            break
    matching = [url for url in urls if path.startswith(url)]
    return max(matching, key=len, default=None)
