"""Why a visit went to whom (R-2.4), as one sentence in the reader's language.

Built only from the visit's stored fields, so that the desk page, the manager's pages and the
API show the same explanation and it never changes after the fact.
"""

from django.utils.translation import gettext as _

from .choices import DutyStatus, Rule, SkipReason, UnassignedReason


def skipped_ids(visits) -> set[int]:
    """The salespeople named in the `skipped` lists of these visits (to fetch names in bulk)."""
    return {row["salesperson"] for visit in visits for row in visit.skipped or []}


def names_of(ids) -> dict[int, str]:
    """Display names of these users, in one query."""
    from staff.models import User

    ids = set(ids)
    if not ids:
        return {}
    users = User.objects.filter(pk__in=ids).only("pk", "username", "display_name")
    return {u.pk: str(u) for u in users}


def _label(choices, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def explain(visit, *, names: dict[int, str] | None = None) -> str:
    """R-2.4: the rule that applied, who received the customer, who was skipped and why,
    whether an owed turn was used, why nobody was assigned, and whom the customer named.

    `names` maps the skipped salespeople's ids to names; a list passes them in bulk (see
    `names_of`) so that explaining a page of visits costs no query per row.
    """
    if names is None:
        names = names_of(skipped_ids([visit]))
    who = str(visit.assigned_to) if visit.assigned_to_id else ""
    match visit.rule:
        case Rule.OWNER:
            parts = [_("%(who)s receives the customer: they hold the active claim.") % {"who": who}]
        case Rule.NAMED:
            parts = [
                _(
                    "%(who)s receives the customer: the customer named them and nobody held "
                    "an active claim, so no rotation turn was used."
                )
                % {"who": who}
            ]
        case Rule.REFERRAL:
            parts = [
                _("%(who)s receives the customer: referred by %(referrer)s, their customer.")
                % {"who": who, "referrer": str(visit.referrer) if visit.referrer_id else "?"}
            ]
        case Rule.ROTATION:
            parts = [_("%(who)s receives the customer: next in the rotation.") % {"who": who}]
        case Rule.MANAGER:
            parts = [_("%(who)s receives the customer: assigned by the manager.") % {"who": who}]
        case _:  # unassigned (the wildcard binds nothing: `_` stays gettext)
            parts = [
                _("Nobody receives the customer yet (%(reason)s); the manager assigns the visit.")
                % {"reason": _label(UnassignedReason, visit.unassigned_reason)}
            ]
    if visit.owed_turn_used:
        parts.append(_("One of their owed turns was used."))
    if visit.skipped:
        # Owed turns were given only when the rotation handed the customer to someone;
        # otherwise say only what each person was doing.
        reasons = SkipReason if visit.rule == Rule.ROTATION else DutyStatus
        people = "; ".join(
            _("%(name)s, %(reason)s")
            % {
                "name": names.get(row["salesperson"], f"#{row['salesperson']}"),
                "reason": _label(reasons, row["reason"]),
            }
            for row in visit.skipped
        )
        parts.append(_("Skipped: %(people)s.") % {"people": people})
    if visit.named_salesperson_id and visit.named_salesperson_id != visit.assigned_to_id:
        parts.append(_("The customer named %(named)s.") % {"named": str(visit.named_salesperson)})
    return " ".join(parts)
