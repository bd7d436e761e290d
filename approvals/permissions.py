"""R-8.1: who may decide a step."""

from staff.permissions import is_member

from .chains import ANY_OFFICE
from .registry import party_ids


def may_decide(user, approval, document) -> bool:
    """The step's role in the document's office (director and executive: any office), and
    not the document's author or owner."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if not user.has_role(approval.role):
        return False
    if approval.role not in ANY_OFFICE and not is_member(user, approval.office):
        return False
    return user.pk not in party_ids(document)
