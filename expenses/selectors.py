"""Reads of expenses (R-16.3): who sees which budgets and claims, a person's rank and cap, the
figures that decide the director's step, and a person's (or the branch's) month.

Who sees what: the author their own; the branch manager the branch's and a director every
branch's; finance the office's approved and paid claims (to pay) and its budgets, read only;
the executive all, read only. Nobody else sees any."""

import datetime
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum

from staff.choices import Role
from staff.models import Office, User
from staff.permissions import office_ids_of

from . import rules
from .choices import BUDGET_HOLDING, CLAIM_HOLDING, CLAIM_USED, BudgetStatus, ClaimStatus
from .models import ExpenseBudget, ExpenseClaim, StaffRank

READERS = (
    Role.SALESPERSON,
    Role.MANAGER,
    Role.CLERK,
    Role.FINANCE,
    Role.DIRECTOR,
    Role.EXECUTIVE,
)
# a budget's amount keeps counting against the month once it is closed (R-16.3: closing a
# budget and opening another does not get round the cap)
BUDGET_COUNTED = (*BUDGET_HOLDING, BudgetStatus.CLOSED)


def may_read(user) -> bool:
    """Whoever has a reason to open the expense pages at all."""
    return bool(
        getattr(user, "is_authenticated", False) and user.is_active and user.has_role(*READERS)
    )


def _managed_offices(user) -> set[int]:
    if user.has_role(Role.DIRECTOR):
        return office_ids_of(user)
    if user.has_role(Role.MANAGER):
        return set(user.member_office_ids)
    return set()


def _finance_offices(user) -> set[int]:
    return set(user.member_office_ids) if user.has_role(Role.FINANCE) else set()


def budgets_visible_to(user) -> QuerySet[ExpenseBudget]:
    if not may_read(user):
        return ExpenseBudget.objects.none()
    if user.has_role(Role.EXECUTIVE, Role.DIRECTOR):
        return ExpenseBudget.objects.all()
    offices = _managed_offices(user) | _finance_offices(user)
    return ExpenseBudget.objects.filter(Q(author=user) | Q(office_id__in=offices))


def claims_visible_to(user) -> QuerySet[ExpenseClaim]:
    if not may_read(user):
        return ExpenseClaim.objects.none()
    if user.has_role(Role.EXECUTIVE, Role.DIRECTOR):
        return ExpenseClaim.objects.all()
    scope = Q(author=user) | Q(office_id__in=_managed_offices(user))
    finance = _finance_offices(user)
    if finance:
        scope |= Q(office_id__in=finance, status__in=CLAIM_USED)
    return ExpenseClaim.objects.filter(scope)


def rank_of(user, office: Office) -> str:
    """R-16.3: the rank the manager set, else manager for the office's manager, else staff."""
    found = StaffRank.objects.filter(office=office, user=user).values_list("rank", flat=True)
    rank = next(iter(found), None)
    if rank:
        return rank
    is_manager = user.has_role(Role.MANAGER) and office.pk in user.member_office_ids
    return rules.default_rank(is_manager=is_manager)


def cap_of(user, office: Office) -> Decimal:
    return rules.cap_for(office, rank_of(user, office))


def _sum(qs, field: str) -> Decimal:
    return qs.aggregate(t=Sum(field))["t"] or rules.ZERO


def budget_cap_figures(budget: ExpenseBudget) -> rules.BudgetCapFigures:
    """R-16.3: the budget against the author's other budgets of its month and their cap."""
    others = ExpenseBudget.objects.filter(
        office_id=budget.office_id,
        author_id=budget.author_id,
        month=budget.month,
        status__in=BUDGET_COUNTED,
    ).exclude(pk=budget.pk)
    return rules.BudgetCapFigures(
        amount=budget.amount,
        others=_sum(others, "amount"),
        cap=cap_of(budget.author, budget.office),
    )


def month_claims(*, office_id: int, author_id: int, month: datetime.date) -> QuerySet:
    """A person's claims of a month: those against their budgets of that month."""
    return ExpenseClaim.objects.filter(
        office_id=office_id, author_id=author_id, budget__month=month
    )


def claim_cap_figures(claim: ExpenseClaim) -> rules.ClaimCapFigures:
    """R-16.3: the claim's total against what is left of its budget (its other pending,
    approved and paid claims aside) and against the author's cap for the budget's month."""
    budget = claim.budget
    budget_claims = ExpenseClaim.objects.filter(budget_id=budget.pk, status__in=CLAIM_HOLDING)
    month = month_claims(
        office_id=claim.office_id, author_id=claim.author_id, month=budget.month
    ).filter(status__in=CLAIM_HOLDING)
    return rules.ClaimCapFigures(
        total=claim.total,
        budget_amount=budget.amount,
        budget_claimed=_sum(budget_claims.exclude(pk=claim.pk), "total"),
        month_claimed=_sum(month.exclude(pk=claim.pk), "total"),
        cap=cap_of(claim.author, claim.office),
    )


def budget_claimed(budget: ExpenseBudget) -> Decimal:
    """What the budget's pending, approved and paid claims come to."""
    return _sum(ExpenseClaim.objects.filter(budget=budget, status__in=CLAIM_HOLDING), "total")


def month_figures(user, office: Office, month: datetime.date) -> rules.MonthFigures:
    claims = month_claims(office_id=office.pk, author_id=user.pk, month=month)
    used = _sum(claims.filter(status__in=CLAIM_USED), "total")
    pending = _sum(claims.filter(status=ClaimStatus.PENDING), "total")
    return rules.MonthFigures(cap=cap_of(user, office), used=used, pending=pending)


def office_month(office: Office, month: datetime.date) -> list[dict]:
    """The branch's people for the manager (R-16.3): each one's cap, used, pending and left for
    the month, who is over. The claims are summed in one GROUP BY query."""
    sums = {
        row["author_id"]: row
        for row in ExpenseClaim.objects.filter(office=office, budget__month=month)
        .values("author_id")
        .annotate(
            used=Sum("total", filter=Q(status__in=CLAIM_USED)),
            pending=Sum("total", filter=Q(status=ClaimStatus.PENDING)),
        )
        .order_by()
    }
    people = list(
        User.objects.filter(
            Q(offices=office, groups__name__in=(Role.SALESPERSON, Role.MANAGER, Role.CLERK))
            | Q(pk__in=list(sums)),
            is_active=True,
        )
        .prefetch_related("groups")
        .distinct()
        .order_by("username")
    )
    ranks = dict(
        StaffRank.objects.filter(office=office, user__in=people).values_list("user_id", "rank")
    )
    rows = []
    for person in people:
        rank = ranks.get(person.pk) or rules.default_rank(is_manager=Role.MANAGER in person.roles)
        found = sums.get(person.pk, {})
        figures = rules.MonthFigures(
            cap=rules.cap_for(office, rank),
            used=found.get("used") or rules.ZERO,
            pending=found.get("pending") or rules.ZERO,
        )
        rows.append({"person": person, "rank": rank, "figures": figures})
    return rows
