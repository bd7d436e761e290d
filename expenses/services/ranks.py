"""Ranks (R-16.3): the branch manager (or the director) sets each person's rank, which sets
their monthly cap."""

from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework.exceptions import PermissionDenied, ValidationError

from staff.permissions import may

from ..choices import Rank
from ..models import StaffRank
from . import base


@transaction.atomic
def rank_set(*, actor, office, user, rank: str, now) -> StaffRank:
    if not may(actor, "expenses.manage", office):
        raise PermissionDenied(_("The branch manager sets the ranks."))
    if not user.offices.filter(pk=office.pk).exists():
        raise ValidationError({"user": [_("Not a member of this branch.")]})
    rank = base.choice(rank, "rank", Rank)
    row, _created = StaffRank.objects.update_or_create(
        office=office, user=user, defaults={"rank": rank, "set_by": actor, "set_at": now}
    )
    return row
