"""The pipeline (issue 16): enquiries → quotes → contracts with their amounts and what each
waits on, for a salesperson (their own) and for a branch's manager (the branch's, by
salesperson)."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from approvals.chains import role_name
from approvals.choices import DocumentType
from approvals.models import Approval
from staff.choices import Role
from staff.permissions import may_in_any_office
from staff.places import place_for

from .choices import ContractStatus
from .selectors import contracts_visible_to

S = ContractStatus
OPEN_CONTRACTS = [S.DRAFT, S.PENDING, S.REJECTED, S.SIGNED]
LIMIT = 100  # per stage


@dataclass
class Item:
    kind: str  # enquiry, quote, contract
    title: str
    account: str
    amount: Decimal
    status: str
    waits_on: str
    yours: bool  # waits on the reader
    url: str
    owner: object = None
    date: datetime.date | None = None


@dataclass
class Stage:
    key: str
    title: str
    items: list[Item] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((i.amount for i in self.items), Decimal("0.00"))


def _url(name: str, pk: int) -> str:
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:  # a page of the quotes app not there (yet)
        return ""


def _pending_steps(document_type: str, ids: list[int]) -> dict[int, str]:
    """document id → the role of its step waiting for a decision."""
    if not ids:
        return {}
    rows = Approval.objects.filter(
        document_type=document_type, document_id__in=ids, void=False, state="pending"
    ).values_list("document_id", "role")
    return {doc: role for doc, role in rows}


def _waiting_for(role: str) -> str:
    return _("%(role)s to approve") % {"role": role_name(role)}


def _turn_of(owner, reader, what: str) -> str:
    """The salesperson's next step, said to them ("you") or to their manager (by name)."""
    if owner.pk == reader.pk:
        return _("you: %(what)s") % {"what": what}
    return _("%(who)s: %(what)s") % {"who": owner, "what": what}


def _enquiries(qs, today, reader) -> list[Item]:
    from quotes.models import Quote

    qs = (
        qs.filter(deadline__gte=today)
        .exclude(status="rejected")
        .annotate(quoted=Exists(Quote.objects.filter(enquiry=OuterRef("pk"))))
        .filter(quoted=False)
        .select_related("account", "owner")
        .order_by("deadline", "pk")[:LIMIT]
    )
    rows = list(qs)
    pending = _pending_steps(DocumentType.ENQUIRY, [e.pk for e in rows if e.status == "pending"])
    items = []
    for e in rows:
        if e.status == "pending":
            waits, yours = _waiting_for(pending.get(e.pk, Role.MANAGER)), False
        elif e.status == "approved":
            waits, yours = _turn_of(e.owner, reader, _("make the quote")), True
        else:
            waits, yours = _turn_of(e.owner, reader, _("submit it for the bid decision")), True
        items.append(
            Item(
                "enquiry",
                e.get_kind_display(),
                e.account.name,
                e.estimated_amount,
                e.get_status_display(),
                waits,
                yours,
                _url("quotes:enquiry", e.pk),
                e.owner,
                e.deadline,
            )
        )
    return items


def _quotes(qs, today, reader) -> list[Item]:
    qs = (
        qs.exclude(outcome__in=["lost", "expired"])
        .exclude(contracts__status__in=[s for s in S.values if s != S.CANCELLED])
        .select_related("account", "owner")
        .distinct()
        .order_by("valid_until", "pk")[:LIMIT]
    )
    rows = list(qs)
    pending = _pending_steps(DocumentType.QUOTE, [q.pk for q in rows if q.status == "pending"])
    items = []
    for q in rows:
        url = _url("quotes:detail", q.pk)
        if q.status == "pending":
            waits, yours = _waiting_for(pending.get(q.pk, Role.MANAGER)), False
        elif q.status in ("draft", "rejected"):
            waits, yours = _turn_of(q.owner, reader, _("submit it for approval")), True
        elif q.outcome == "won":
            waits, yours = _turn_of(q.owner, reader, _("make the contract")), True
            url = f"{reverse('contracts:new')}?quote={q.pk}"
        elif q.valid_until < today:
            waits, yours = _turn_of(q.owner, reader, _("record the outcome")), True
        else:
            waits = _("waiting for the customer's answer (valid until %(date)s)") % {
                "date": q.valid_until.isoformat()
            }
            yours = False
        items.append(
            Item(
                "quote",
                q.number or q.get_kind_display(),
                q.account.name,
                q.total,
                q.get_outcome_display() if q.outcome != "open" else q.get_status_display(),
                waits,
                yours,
                url,
                q.owner,
                q.valid_until,
            )
        )
    return items


def _contracts(qs, reader) -> list[Item]:
    rows = list(
        qs.filter(status__in=OPEN_CONTRACTS)
        .select_related("account", "owner")
        .order_by("-created_at", "-pk")[:LIMIT]
    )
    pending = _pending_steps(
        DocumentType.SALES_CONTRACT, [c.pk for c in rows if c.status == S.PENDING]
    )
    items = []
    for c in rows:
        if c.status == S.PENDING:
            waits, yours = _waiting_for(pending.get(c.pk, Role.MANAGER)), False
        elif c.status == S.DRAFT:
            waits, yours = _turn_of(c.owner, reader, _("submit it for approval")), True
        elif c.status == S.REJECTED:
            waits, yours = _turn_of(c.owner, reader, _("change it and submit again")), True
        elif c.filed_at is None:
            waits, yours = _("waiting for the clerk to file it"), False
        else:
            waits, yours = _("waiting for delivery"), False
        items.append(
            Item(
                "contract",
                c.number or c.get_kind_display(),
                c.account.name,
                c.total,
                c.get_status_display(),
                waits,
                yours,
                reverse("contracts:detail", args=[c.pk]),
                c.owner,
                c.signed_at.date() if c.signed_at else None,
            )
        )
    return items


def _stages(enquiries, quotes, contracts, today, reader) -> list[Stage]:
    return [
        Stage("enquiries", _("Enquiries"), _enquiries(enquiries, today, reader)),
        Stage("quotes", _("Quotes"), _quotes(quotes, today, reader)),
        Stage("contracts", _("Contracts"), _contracts(contracts, reader)),
    ]


def pipeline_for(user, *, now: datetime.datetime) -> list[Stage]:
    """A salesperson's own: the documents of the accounts they own or deputise."""
    from quotes.selectors import enquiries_visible_to, quotes_visible_to

    today = timezone.localdate(now)
    mine = Q(owner=user) | Q(account__owner=user) | Q(account__deputy=user)
    return _stages(
        enquiries_visible_to(user).filter(mine),
        quotes_visible_to(user).filter(mine),
        contracts_visible_to(user).filter(mine),
        today,
        user,
    )


def branch_pipeline(user, office, *, now: datetime.datetime) -> tuple[list[Stage], list[dict]]:
    """A branch's: its stages, and per salesperson the count and amount in each stage."""
    from quotes.selectors import enquiries_visible_to, quotes_visible_to

    today = timezone.localtime(now, office.tzinfo).date()
    stages = _stages(
        enquiries_visible_to(user).filter(office=office),
        quotes_visible_to(user).filter(office=office),
        contracts_visible_to(user).filter(office=office),
        today,
        user,
    )
    people: dict[int, dict] = defaultdict(dict)
    for stage in stages:
        for item in stage.items:
            row = people[item.owner.pk]
            row.setdefault("owner", item.owner)
            cell = row.setdefault(stage.key, {"count": 0, "amount": Decimal("0.00")})
            cell["count"] += 1
            cell["amount"] += item.amount
    rows = sorted(people.values(), key=lambda r: str(r["owner"]))
    return stages, rows


@login_required
@require_GET
def pipeline_page(request):
    if not may_in_any_office(request.user, "contracts.pipeline"):
        raise PermissionDenied
    stages = pipeline_for(request.user, now=timezone.now())
    return render(request, "contracts/pipeline.html", {"stages": stages})


@login_required
@require_GET
def branch_pipeline_page(request):
    place = place_for(request, "contracts.branch_pipeline")
    stages, people = branch_pipeline(request.user, place.office, now=timezone.now())
    context = {"place": place, "office": place.office, "stages": stages, "people": people}
    return render(request, "contracts/branch_pipeline.html", context)
