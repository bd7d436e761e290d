"""The evidence timeline of a household (R-5.6): everything recorded about it, oldest first.

One query per kind of record, whatever the household's size. Each entry is
`{at, kind, actor, detail}` (API.md, GET /customers/{id}/timeline/).
"""

from leads.models import Customer

from .models import ClaimEvent, Collision, Dispute, FollowUp, HouseholdLink
from .selectors import household_family


def _who(user) -> str | None:
    return str(user) if user is not None else None


def household_timeline(household) -> list[dict]:
    from reception.models import Call, Visit, VisitEvent  # reception builds on attribution

    family = household_family(household)
    customers = list(
        Customer.objects.filter(household__in=family).select_related(
            "registered_by", "source_channel"
        )
    )
    ids = [c.pk for c in customers]
    entries = [
        _entry(
            c.registered_at,
            "registration",
            c.registered_by,
            customer=c.pk,
            name=c.name,
            channel=c.source_channel.code,
        )
        for c in customers
    ]
    for v in Visit.objects.filter(customer__in=ids).select_related(
        "registered_by", "assigned_to", "named_salesperson"
    ):
        entries.append(
            _entry(
                v.at,
                "visit",
                v.registered_by,
                visit=v.pk,
                customer=v.customer_id,
                rule=v.rule,
                assigned_to=_who(v.assigned_to),
                named=_who(v.named_salesperson),
                party_size=v.party_size,
            )
        )
    for e in VisitEvent.objects.filter(visit__customer__in=ids).select_related("actor"):
        entries.append(
            _entry(e.at, f"visit_{e.kind}", e.actor, **{**e.detail, "visit": e.visit_id})
        )
    for c in Call.objects.filter(customer__in=ids).select_related("answered_by", "put_through_to"):
        entries.append(
            _entry(
                c.at,
                "call",
                c.answered_by,
                call=c.pk,
                content=c.content,
                put_through_to=_who(c.put_through_to),
            )
        )
    for f in FollowUp.objects.filter(customer__in=ids).select_related("author"):
        entries.append(
            _entry(
                f.at,
                "followup",
                f.author,
                followup=f.pk,
                followup_kind=f.kind,
                note=f.note,
                voided=f.voided_at is not None,
                void_reason=f.void_reason,
            )
        )
    for e in ClaimEvent.objects.filter(claim__household__in=family).select_related(
        "actor", "owner"
    ):
        entries.append(
            _entry(
                e.at,
                f"claim_{e.kind}",
                e.actor,
                **{**e.detail, "claim": e.claim_id, "owner": _who(e.owner)},
            )
        )
    for c in Collision.objects.filter(customer__in=ids).select_related("salesperson"):
        entries.append(_entry(c.at, "collision", c.salesperson, customer=c.customer_id))
    for link in HouseholdLink.objects.filter(customer__in=ids).select_related("by"):
        entries.append(
            _entry(
                link.at,
                "household_link",
                link.by,
                customer=link.customer_id,
                member=link.member_id,
                relation=link.relation,
            )
        )
    for d in Dispute.objects.filter(customer__in=ids).select_related(
        "opened_by", "ruled_by", "new_owner"
    ):
        entries.append(
            _entry(
                d.opened_at,
                "dispute_opened",
                d.opened_by,
                dispute=d.pk,
                reason=d.reason,
                automatic=d.automatic,
            )
        )
        if d.ruled_at:
            entries.append(
                _entry(
                    d.ruled_at,
                    "dispute_ruled",
                    d.ruled_by,
                    dispute=d.pk,
                    decision=d.decision,
                    reason=d.ruling_reason,
                    new_owner=_who(d.new_owner),
                )
            )
    entries.sort(key=lambda e: e["at"])
    return entries


def _entry(at, kind, actor, /, **detail) -> dict:
    # positional-only: a detail key named like a parameter ("kind", "at") cannot collide
    return {"at": at, "kind": kind, "actor": _who(actor), "detail": detail}
