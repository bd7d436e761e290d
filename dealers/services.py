"""Writes of dealer disputes (R-17.5): one transaction per move, the dispute's row locked, an
event row with every move, the branch manager told of an escalation.

Who: the dealer's salesperson (its owner or deputy) or the branch manager records a dispute;
the salesperson helps settle it, settles it while helping, or escalates it; the branch manager
(or the director) settles an escalated one. A move not in choices.TRANSITIONS is a 409
(`invalid_transition`); the wrong person a 403; a missing text a 400."""

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from rest_framework.exceptions import PermissionDenied, ValidationError

from accounts.choices import Kind
from accounts.models import Account
from common.errors import DomainError
from notifications.services import notify
from staff.choices import Role
from staff.models import User
from staff.permissions import manages, may

from . import rules
from .choices import DisputeAction, DisputeStatus
from .models import DealerDispute, DisputeEvent

MAX_TEXT = 2000


def _text(value, field: str, *, required: bool) -> str:
    value = value.strip() if isinstance(value, str) else ("" if value is None else str(value))
    if "\x00" in value:
        raise ValidationError({field: [_("Remove the control characters.")]})
    if required and not value:
        raise ValidationError({field: [_("This field is required.")]})
    if len(value) > MAX_TEXT:
        raise ValidationError({field: [_("Keep it under %(n)d characters.") % {"n": MAX_TEXT}]})
    return value


# ---------------------------------------------------------------- who


def is_salesperson_of(user, dealer: Account) -> bool:
    """The dealer's owner or deputy, still a salesperson of its branch."""
    return user.pk in {dealer.owner_id, dealer.deputy_id} and may(
        user, "dealers.record_dispute", dealer.office
    )


def may_record(user, dealer: Account) -> bool:
    return is_salesperson_of(user, dealer) or (
        manages(user, dealer.office) and may(user, "dealers.record_dispute", dealer.office)
    )


def may_help(user, dispute: DealerDispute) -> bool:
    return is_salesperson_of(user, dispute.dealer)


def may_escalate(user, dispute: DealerDispute) -> bool:
    return is_salesperson_of(user, dispute.dealer)


def may_settle(user, dispute: DealerDispute) -> bool:
    """While the salesperson helps: they (or the manager); once escalated: the manager only."""
    if dispute.status == DisputeStatus.ESCALATED:
        return manages(user, dispute.office)
    return is_salesperson_of(user, dispute.dealer) or manages(user, dispute.office)


def actions_for(user, dispute: DealerDispute) -> set[str]:
    """The moves `user` may make on the dispute now (the page shows their buttons)."""
    moves = {
        DisputeStatus.HELPING: may_help,
        DisputeStatus.ESCALATED: may_escalate,
        DisputeStatus.SETTLED: may_settle,
    }
    return {
        target
        for target, allowed in moves.items()
        if rules.may_move(dispute.status, target) and allowed(user, dispute)
    }


# ---------------------------------------------------------------- the moves


def _lock(dispute: DealerDispute) -> DealerDispute:
    return (
        DealerDispute.objects.select_for_update(of=("self",))
        .select_related("office", "dealer", "dealer__office")
        .get(pk=dispute.pk)
    )


def _event(dispute, *, action, before: str, actor, now, note: str = "") -> None:
    DisputeEvent.objects.create(
        dispute=dispute,
        action=action,
        from_status=before,
        to_status=dispute.status,
        actor=actor,
        at=now,
        note=note,
    )


def _move(dispute: DealerDispute, target: str) -> str:
    if not rules.may_move(dispute.status, target):
        raise DomainError(
            _("This dispute is %(status)s: it cannot move there.")
            % {"status": dispute.get_status_display()},
            code="invalid_transition",
        )
    before = dispute.status
    dispute.status = target
    return before


def _url(dispute: DealerDispute) -> str:
    return reverse("dealers:detail", args=[dispute.dealer_id]) + f"#dispute-{dispute.pk}"


@transaction.atomic
def dispute_record(
    *, actor, dealer: Account, other_dealer: Account | None = None, description: str, now
) -> DealerDispute:
    """R-17.5: a dispute of a dealer, recorded by its salesperson or the branch manager."""
    dealer = Account.objects.select_related("office").get(pk=dealer.pk)
    if not may_record(actor, dealer):
        raise PermissionDenied(_("The dealer's salesperson or the branch manager records it."))
    if dealer.kind != Kind.DEALER:
        raise ValidationError({"dealer": [_("Choose a dealer.")]})
    if other_dealer is not None and (
        other_dealer.pk == dealer.pk or other_dealer.kind != Kind.DEALER
    ):
        raise ValidationError({"other_dealer": [_("Choose another dealer.")]})
    description = _text(description, "description", required=True)
    dispute = DealerDispute.objects.create(
        office=dealer.office,
        dealer=dealer,
        other_dealer=other_dealer,
        description=description,
        recorded_by=actor,
        recorded_at=now,
    )
    _event(dispute, action=DisputeAction.RECORDED, before="", actor=actor, now=now)
    return dispute


@transaction.atomic
def dispute_help(*, dispute: DealerDispute, actor, note: str, now) -> DealerDispute:
    """R-17.5: the salesperson takes the dispute in hand, saying how they help settle it."""
    dispute = _lock(dispute)
    if not may_help(actor, dispute):
        raise PermissionDenied(_("The dealer's salesperson helps settle it."))
    note = _text(note, "note", required=True)
    before = _move(dispute, DisputeStatus.HELPING)
    dispute.help_note = note
    dispute.save(update_fields=["status", "help_note"])
    _event(dispute, action=DisputeAction.HELPING, before=before, actor=actor, now=now, note=note)
    return dispute


@transaction.atomic
def dispute_escalate(*, dispute: DealerDispute, actor, reason: str, now) -> DealerDispute:
    """R-17.5: the salesperson cannot settle it: the branch manager takes it over and is told."""
    dispute = _lock(dispute)
    if not may_escalate(actor, dispute):
        raise PermissionDenied(_("The dealer's salesperson escalates it."))
    reason = _text(reason, "reason", required=True)
    before = _move(dispute, DisputeStatus.ESCALATED)
    dispute.escalation_reason, dispute.escalated_by, dispute.escalated_at = reason, actor, now
    dispute.save(update_fields=["status", "escalation_reason", "escalated_by", "escalated_at"])
    _event(
        dispute, action=DisputeAction.ESCALATED, before=before, actor=actor, now=now, note=reason
    )
    managers = (
        User.objects.filter(is_active=True, groups__name=Role.MANAGER, offices=dispute.office_id)
        .exclude(pk=actor.pk)
        .distinct()
        .order_by("pk")
    )
    params = {"dealer": dispute.dealer.name, "by": str(actor), "reason": reason}
    for manager in managers:
        notify(
            kind="dealer_dispute_escalated",
            params=params,
            now=now,
            url=_url(dispute),
            recipient=manager,
        )
    return dispute


@transaction.atomic
def dispute_settle(*, dispute: DealerDispute, actor, resolution: str, now) -> DealerDispute:
    """R-17.5: settled, with how: by the salesperson while helping, by the branch manager once
    escalated (the salesperson who escalated it is told)."""
    dispute = _lock(dispute)
    if dispute.status == DisputeStatus.SETTLED or not rules.may_move(
        dispute.status, DisputeStatus.SETTLED
    ):
        _move(dispute, DisputeStatus.SETTLED)  # raises invalid_transition
    if not may_settle(actor, dispute):
        if dispute.status == DisputeStatus.ESCALATED:
            raise PermissionDenied(_("The branch manager settles an escalated dispute."))
        raise PermissionDenied(_("The dealer's salesperson or the branch manager settles it."))
    resolution = _text(resolution, "resolution", required=True)
    escalated = dispute.status == DisputeStatus.ESCALATED
    before = _move(dispute, DisputeStatus.SETTLED)
    dispute.resolution, dispute.settled_by, dispute.settled_at = resolution, actor, now
    dispute.save(update_fields=["status", "resolution", "settled_by", "settled_at"])
    _event(
        dispute, action=DisputeAction.SETTLED, before=before, actor=actor, now=now, note=resolution
    )
    if escalated and dispute.escalated_by_id and dispute.escalated_by_id != actor.pk:
        notify(
            kind="dealer_dispute_settled",
            params={"dealer": dispute.dealer.name, "by": str(actor), "resolution": resolution},
            now=now,
            url=_url(dispute),
            recipient_id=dispute.escalated_by_id,
        )
    return dispute
