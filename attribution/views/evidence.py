"""The household's timeline (attribution.timeline) as people read it: a translated label and a
few translated lines per entry, the office's local time (R-5.6 evidence)."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from leads.models import SourceChannel
from staff.models import Office, User

from ..choices import ClaimEventKind, Decision, FollowUpKind, Relation
from ..timeline import household_timeline

CONTACT, CLAIM, ALERT = "contact", "claim", "alert"


def _labels() -> dict[str, str]:
    labels = {
        "registration": _("Registration"),
        "visit": _("Visit"),
        "visit_override": _("Visit reassigned by the manager"),
        "visit_research_flag": _("Market research: flagged"),
        "visit_research_confirm": _("Market research: confirmed"),
        "visit_research_approve": _("Market research: approved"),
        "visit_research_reject": _("Market research: rejected"),
        "call": _("Call"),
        "followup": _("Follow-up"),
        "collision": _("Collision: registration refused"),
        "household_link": _("Family member linked"),
        "dispute_opened": _("Dispute opened"),
        "dispute_ruled": _("Dispute ruled"),
    }
    labels.update({f"claim_{value}": str(label) for value, label in ClaimEventKind.choices})
    return labels


def _category(kind: str) -> str:
    if kind.startswith("claim_"):
        return CLAIM
    if kind in ("collision", "dispute_opened", "dispute_ruled", "visit_override"):
        return ALERT
    return CONTACT


def _choice(choices, value) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value or "")


def _rule(value: str) -> str:
    from reception.choices import Rule  # the desk's rules name how a claim started

    if value == "own_registration":
        return _("Registered by the salesperson themselves")
    return _choice(Rule, value)


class _Names:
    """Users and customers named by id in the entries' details: one query each."""

    USER_KEYS = ("previous_owner", "from", "to", "owner_kept")

    def __init__(self, entries: list[dict], customers: dict[int, object]):
        ids = {
            e["detail"].get(key)
            for e in entries
            for key in self.USER_KEYS
            if isinstance(e["detail"].get(key), int)
        }
        self.users = {u.pk: str(u) for u in User.objects.filter(pk__in=ids)} if ids else {}
        self.customers = customers
        codes = {e["detail"].get("channel") for e in entries if e["kind"] == "registration"}
        self.channels = (
            {c.code: str(c) for c in SourceChannel.objects.filter(code__in=codes)} if codes else {}
        )

    def user(self, pk) -> str:
        return self.users.get(pk, f"#{pk}") if pk is not None else "—"

    def customer(self, pk) -> str:
        c = self.customers.get(pk)
        return (c.name or c.phone) if c is not None else f"#{pk}"


def _reason(d: dict, key: str = "reason") -> str:
    return _("Reason: %(reason)s") % {"reason": d.get(key, "")}


def _if(condition, text_fn) -> str | None:
    return text_fn() if condition else None


def _customer_line(d: dict, names: _Names) -> str:
    return _("Customer: %(name)s") % {"name": names.customer(d.get("customer"))}


# One function per kind of entry: the lines under its label (None lines are left out).
_LINES = {
    "registration": lambda d, n: [
        _customer_line(d, n),
        _("Source: %(channel)s") % {"channel": n.channels.get(d.get("channel"), "")},
    ],
    "visit": lambda d, n: [
        _customer_line(d, n),
        _if(
            d.get("assigned_to"),
            lambda: (
                _("Received by %(who)s (%(rule)s)")
                % {"who": d["assigned_to"], "rule": _rule(d.get("rule", ""))}
            ),
        ),
        _if(d.get("named"), lambda: _("The customer named %(named)s.") % {"named": d["named"]}),
        _("party of %(n)s") % {"n": d.get("party_size", 1)},
    ],
    "visit_override": lambda d, n: [
        _("From %(old)s to %(new)s") % {"old": n.user(d.get("from")), "new": n.user(d.get("to"))},
        _reason(d),
    ],
    "call": lambda d, n: [
        d.get("content", ""),
        _if(
            d.get("put_through_to"),
            lambda: _("Put through to %(who)s.") % {"who": d["put_through_to"]},
        ),
    ],
    "followup": lambda d, n: [
        f"{_choice(FollowUpKind, d.get('followup_kind'))}: {d.get('note', '')}",
        _if(d.get("voided"), lambda: _("Voided: %(reason)s") % {"reason": d.get("void_reason")}),
    ],
    "collision": lambda d, n: [_customer_line(d, n)],
    "household_link": lambda d, n: [
        _("%(member)s (%(relation)s) of %(customer)s")
        % {
            "member": n.customer(d.get("member")),
            "relation": _choice(Relation, d.get("relation")),
            "customer": n.customer(d.get("customer")),
        }
    ],
    "dispute_opened": lambda d, n: [
        _reason(d),
        _if(d.get("automatic"), lambda: _("Opened by the system: households linked.")),
    ],
    "dispute_ruled": lambda d, n: [
        _choice(Decision, d.get("decision")),
        _if(d.get("new_owner"), lambda: _("New owner: %(who)s") % {"who": d["new_owner"]}),
        _reason(d),
    ],
}


def _lines(entry: dict, names: _Names) -> list[str]:
    kind, detail = entry["kind"], entry["detail"]
    if kind.startswith("claim_"):
        return _claim_lines(kind, detail, names)
    lines = _LINES.get(kind, lambda d, n: [])(detail, names)
    return [line for line in lines if line]


def _claim_lines(kind: str, d: dict, names: _Names) -> list[str]:
    lines = [_("Owner: %(who)s") % {"who": d.get("owner") or "—"}]
    if d.get("rule"):
        lines.append(_rule(d["rule"]))
    reason = d.get("reason")
    if reason == "protection_ended":
        lines.append(_("Protection ended: no qualifying contact in time."))
    elif reason == "contact_voided":
        lines.append(_("A follow-up was voided."))
    elif reason:
        lines.append(_("Reason: %(reason)s") % {"reason": reason})
    if d.get("previous_owner") is not None:
        lines.append(_("Previous owner: %(who)s") % {"who": names.user(d["previous_owner"])})
    if kind == "claim_merged" and d.get("owner_kept") is not None:
        lines.append(_("Kept by %(who)s") % {"who": names.user(d["owner_kept"])})
    return lines


def evidence(household, customers: dict[int, object]) -> list[dict]:
    """Every entry of the household's timeline, oldest first, ready for a template."""
    entries = household_timeline(household)
    names = _Names(entries, customers)
    labels = _labels()
    return [
        {
            "at": e["at"],
            "kind": e["kind"],
            "label": labels.get(e["kind"], e["kind"]),
            "category": _category(e["kind"]),
            "actor": e["actor"],
            "lines": _lines(e, names),
        }
        for e in entries
    ]


def days_involving(
    entries: list[dict], people: list, office: Office, also: datetime.datetime | None = None
) -> list[datetime.date]:
    """The office-local days on which these people did something recorded about the household
    (the days whose diaries matter, R-5.6)."""
    who = {str(p) for p in people if p is not None}
    days = {timezone.localtime(e["at"], office.tzinfo).date() for e in entries if e["actor"] in who}
    if also is not None:
        days.add(timezone.localtime(also, office.tzinfo).date())
    return sorted(days)
