"""Reads of special customer fees (R-16.4): every list and page goes through
fees_visible_to.

The author, owner or deputy salesperson sees their accounts' fees (never a peer's); the
branch manager the branch's; the director and the company's leadership every branch's;
finance the approved (and paid) fees of their branch, to pay them. Nobody else sees any."""

from django.db.models import Q, QuerySet

from approvals.choices import ApprovalState
from staff.choices import Role
from staff.permissions import office_ids_of

from .choices import FeeStatus
from .models import SpecialFee

LEADERSHIP = (Role.DIRECTOR, Role.EXECUTIVE)


def fees_visible_to(user) -> QuerySet[SpecialFee]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return SpecialFee.objects.none()
    qs = SpecialFee.objects.all()
    if user.has_role(*LEADERSHIP):
        return qs
    offices = office_ids_of(user)
    scope = Q(pk__in=[])
    if user.has_role(Role.MANAGER):
        scope |= Q(office_id__in=offices)
    if user.has_role(Role.FINANCE):
        scope |= Q(office_id__in=offices, status__in=[FeeStatus.APPROVED, FeeStatus.PAID])
    if user.has_role(Role.SALESPERSON):
        scope |= Q(office_id__in=offices) & (
            Q(author=user) | Q(account__owner=user) | Q(account__deputy=user)
        )
    return qs.filter(scope)


def step_of(fee: SpecialFee, role: str):
    """The current round's step of `role`, or None."""
    return next((a for a in fee.approvals() if a.role == role), None)


def manager_approved(fee: SpecialFee) -> bool:
    """R-16.4: the branch manager's step of the current round is approved."""
    step = step_of(fee, Role.MANAGER)
    return step is not None and step.state == ApprovalState.APPROVED


def executive_step_pending(fee: SpecialFee):
    """The executive's step while it waits for the decision, or None."""
    if fee.status != FeeStatus.PENDING:
        return None
    step = step_of(fee, Role.EXECUTIVE)
    return step if step is not None and step.state == ApprovalState.PENDING else None
