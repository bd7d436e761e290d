"""What waits for a role on its work page from after-sales, complaints, expenses, special fees
and escalations (R-16): a count per queue with the link to the page that lists it, and for the
technician the requests themselves. Each queue reads through its app's selector (the lists a
user may see), so a count never names what the user could not open; a few queries per page,
whatever the number of rows."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from staff.choices import Role
from staff.permissions import office_ids_of

TECHNICIAN_ROWS = 50  # requests listed on the technician's page; the rest behind the link


@dataclass(frozen=True)
class Queue:
    """One thing waiting: how many, and where they are listed."""

    key: str  # the element's id on the page
    label: Promise
    count: int
    url: str
    rows: list[Any] = field(default_factory=list)  # the items themselves, where shown


def _url(name: str, **params) -> str:
    query = urlencode(params)
    return f"{reverse(name)}?{query}" if query else reverse(name)


def technician_queues(user) -> list[Queue]:
    """R-16.1: the after-sales requests filed to the technical department of the technician's
    offices that nobody took or that were assigned to them, and the ones they contacted the
    customer about and have yet to resolve."""
    from aftersales.choices import RequestState as S
    from aftersales.selectors import requests_visible_to

    offices = office_ids_of(user)
    mine = requests_visible_to(user).filter(office_id__in=offices)
    waiting = mine.filter(
        Q(state=S.FILED, technician__isnull=True) | Q(state=S.FILED, technician=user)
    )
    contacted = mine.filter(state=S.CONTACTED, technician=user)

    def rows(qs):
        return list(
            qs.select_related("account", "office", "technician").order_by("filed_at", "pk")[
                :TECHNICIAN_ROWS
            ]
        )

    listed_waiting, listed_contacted = rows(waiting), rows(contacted)
    return [
        Queue(
            "queue-aftersales-filed",
            _("After-sales requests waiting for the first contact"),
            len(listed_waiting) if len(listed_waiting) < TECHNICIAN_ROWS else waiting.count(),
            _url("aftersales:list", state=S.FILED),
            listed_waiting,
        ),
        Queue(
            "queue-aftersales-contacted",
            _("Customers contacted, result to record"),
            len(listed_contacted) if len(listed_contacted) < TECHNICIAN_ROWS else contacted.count(),
            _url("aftersales:list", state=S.CONTACTED),
            listed_contacted,
        ),
    ]


def executive_queues(user) -> list[Queue]:
    """R-16.1, R-16.2: the open escalations on leadership's list; R-16.4: the special fees
    whose form of payment the executive decides (their step, in the approvals inbox)."""
    from approvals.choices import ApprovalState, DocumentType
    from approvals.models import Approval
    from escalations.selectors import open_count

    fees = Approval.objects.filter(
        document_type=DocumentType.SPECIAL_FEE,
        role=Role.EXECUTIVE,
        state=ApprovalState.PENDING,
        void=False,
    ).count()
    return [
        Queue(
            "queue-escalations",
            _("Escalations open"),
            open_count(user),
            reverse("escalations:list"),
        ),
        Queue(
            "queue-special-fees",
            _("Special fees waiting for your form of payment"),
            fees,
            reverse("approvals:inbox"),
        ),
    ]


def clerk_queues(user) -> list[Queue]:
    """R-16.1: the confirmed requests the clerk files to the technical department, and the
    resolved ones whose salesperson the clerk tells before closing them."""
    from aftersales.choices import RequestState as S
    from aftersales.selectors import requests_visible_to

    mine = requests_visible_to(user).filter(office_id__in=office_ids_of(user))
    counts = {
        row["state"]: row["n"]
        for row in mine.filter(state__in=[S.CONFIRMED, S.RESOLVED])
        .values("state")
        .annotate(n=Count("pk"))
        .order_by()
    }
    return [
        Queue(
            "queue-aftersales-to-file",
            _("After-sales requests to file to the technical department"),
            counts.get(S.CONFIRMED, 0),
            _url("aftersales:list", state=S.CONFIRMED),
        ),
        Queue(
            "queue-aftersales-to-close",
            _("After-sales requests resolved: tell the salesperson and close"),
            counts.get(S.RESOLVED, 0),
            _url("aftersales:list", state=S.RESOLVED),
        ),
    ]


def finance_queues(user) -> list[Queue]:
    """R-16.3: approved expense claims to pay; R-16.4: approved special fees, their form of
    payment decided, to pay (each only of finance's own offices)."""
    from expenses.choices import ClaimStatus
    from expenses.selectors import claims_visible_to
    from specialfees.choices import FeeStatus
    from specialfees.selectors import fees_visible_to

    offices = office_ids_of(user)
    claims = (
        claims_visible_to(user)
        .filter(office_id__in=offices, status=ClaimStatus.APPROVED)
        .exclude(author=user)
        .count()
    )
    fees = fees_visible_to(user).filter(office_id__in=offices, status=FeeStatus.APPROVED).count()
    return [
        Queue(
            "queue-expense-claims",
            _("Expense claims to pay"),
            claims,
            f"{reverse('expenses:home')}#claims-to-pay",
        ),
        Queue(
            "queue-special-fees-to-pay",
            _("Special fees to pay"),
            fees,
            _url("specialfees:list", status=FeeStatus.APPROVED),
        ),
    ]


QUEUES: dict[str, Callable[[Any], list[Queue]]] = {
    Role.TECHNICIAN: technician_queues,
    Role.EXECUTIVE: executive_queues,
    Role.CLERK: clerk_queues,
    Role.FINANCE: finance_queues,
}


def queues_for(role: str, user) -> list[Queue]:
    """The queues of one role's work page (none for the roles without R-16 work)."""
    reader = QUEUES.get(role)
    return reader(user) if reader else []
