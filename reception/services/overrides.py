"""Managers' overrides (R-2.4) and market research (R-2.6)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from attribution import services as claims
from common.errors import DomainError
from leads import services as leads
from notifications.services import notify
from staff.choices import Role
from staff.models import User

from .. import rules
from ..choices import ResearchStatus, ResearchStep, Rule
from ..models import DutyState, Visit, VisitEvent
from .common import _require_salesperson

# ---------------------------------------------------------------- overrides and market research


@transaction.atomic
def visit_reassign(*, visit: Visit, salesperson: User, reason: str, actor: User, now) -> Visit:
    """R-2.4: only a manager overrides an assignment, with a written reason, kept on record."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Write the reason.")]})
    _require_salesperson(salesperson, visit.office, "salesperson")
    household = leads.household_lock(household_id=visit.customer.household_id)
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    previous = visit.assigned_to
    if previous is not None and previous.pk == salesperson.pk:
        raise DomainError(_("The visit is already assigned to this salesperson."), code="unchanged")
    if visit.claim is not None and visit.started_claim:
        claims.claim_transfer(
            claim=visit.claim, new_owner=salesperson, now=now, actor=actor, reason=reason
        )
    elif visit.claim is None:
        active = claims.claim_held(household=household, now=now)  # or a deal
        if active is None:
            visit.claim = claims.claim_start(
                household=household,
                owner=salesperson,
                now=now,
                actor=actor,
                detail={"rule": "manager"},
            )
            visit.started_claim = True
        else:
            visit.claim = active
    visit.assigned_to, visit.rule, visit.unassigned_reason = salesperson, Rule.MANAGER, ""
    visit.save(update_fields=["assigned_to", "rule", "unassigned_reason", "claim", "started_claim"])
    VisitEvent.objects.create(
        visit=visit,
        kind="override",
        at=now,
        actor=actor,
        detail={"reason": reason, "from": previous.pk if previous else None, "to": salesperson.pk},
    )
    params = {"customer": str(visit.customer), "party_size": visit.party_size, "rule": Rule.MANAGER}
    notify(
        recipient=salesperson,
        kind="visit_assigned",
        params=params,
        url=f"/w/my/?office={visit.office_id}",
        now=now,
    )
    return visit


RESEARCH_ACTORS = {
    ResearchStep.FLAG: Role.SALESPERSON,
    ResearchStep.CONFIRM: Role.SECRETARY,
    ResearchStep.APPROVE: Role.DIRECTOR,
    ResearchStep.REJECT: Role.DIRECTOR,
}


@transaction.atomic
def visit_research_step(*, visit: Visit, step: str, actor: User, now) -> Visit:
    """R-2.6: the receiving salesperson flags, the secretary confirms, the director approves
    (then the salesperson is owed one turn) or rejects."""
    if step not in ResearchStep.values:
        raise ValidationError({"step": [_("Unknown step.")]})
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    if not actor.has_role(RESEARCH_ACTORS[step]) or (
        step == ResearchStep.FLAG and visit.assigned_to_id != actor.pk
    ):
        raise DomainError(_("You cannot take this step."), code="forbidden_step")
    after = rules.research_next(visit.research_status, step)
    if after is None:
        raise DomainError(_("This step is not possible now."), code="invalid_transition")
    before, visit.research_status = visit.research_status, after
    visit.save(update_fields=["research_status"])
    VisitEvent.objects.create(
        visit=visit,
        kind=f"research_{step}",
        at=now,
        actor=actor,
        detail={"from": before, "to": after},
    )
    if after == ResearchStatus.APPROVED and visit.assigned_to is not None:
        state, _created = DutyState.objects.select_for_update().get_or_create(
            office=visit.office, salesperson=visit.assigned_to
        )
        DutyState.objects.filter(pk=state.pk).update(owed_turns=F("owed_turns") + 1)
        notify(
            recipient=visit.assigned_to,
            kind="research_approved",
            params={"customer": str(visit.customer)},
            url=f"/w/my/?office={visit.office_id}",
            now=now,
        )
    return visit


@transaction.atomic
def visit_receive_on_behalf(*, visit: Visit, receiver: User, actor: User, now) -> Visit:
    """R-5.4: when the owner is absent, a colleague, the manager or the secretary receives the
    customer on the owner's behalf. Credit stays with the owner: the visit stays assigned to
    them, the claim is theirs, and they are told who stood in."""
    visit = (
        Visit.objects.select_for_update(of=("self",)).select_related("assigned_to").get(pk=visit.pk)
    )
    if visit.assigned_to is None:
        raise DomainError(_("The visit waits for the manager: assign it first."), code="unassigned")
    if receiver.pk == visit.assigned_to_id:
        raise ValidationError({"receiver": [_("The owner is the one to stand in for.")]})
    member = receiver.is_active and receiver.offices.filter(pk=visit.office_id).exists()
    if not (member and receiver.has_role(Role.SALESPERSON, Role.MANAGER, Role.SECRETARY)):
        raise ValidationError({"receiver": [_("Not a colleague of this office.")]})
    before = visit.received_on_behalf_by_id
    visit.received_on_behalf_by = receiver
    visit.save(update_fields=["received_on_behalf_by"])
    VisitEvent.objects.create(
        visit=visit,
        kind="on_behalf",
        at=now,
        actor=actor,
        detail={"receiver": receiver.pk, "owner": visit.assigned_to_id, "before": before},
    )
    notify(
        recipient=visit.assigned_to,
        kind="received_on_behalf",
        params={"customer": str(visit.customer), "receiver": str(receiver)},
        url=f"/w/my/?office={visit.office_id}",
        now=now,
    )
    return visit
