"""Was the rotation exactly fair under load? Read back from the database after the run.

The load registers only new customers (phones 19<run id>…) with every salesperson available,
so R-2.3 must hand them out in roster order, one each in turn. Claims are created under the
roster's row lock, so in each office the claims' ids follow the order the rotation was
walked: the salespeople, read in claim-id order, must follow the roster cyclically, and
nobody can have received two more than anybody else.
"""

from collections import Counter

from django.db.models import Q

from reception.models import RosterEntry, Visit


def check(run_ids: list[int], today) -> dict:
    if not run_ids:
        return {"fair": False, "visits": 0, "offices": {}}
    phones = Q()
    for run in run_ids:
        phones |= Q(customer__phone__startswith=f"19{run % 1000:03d}")
    visits = (
        Visit.objects.filter(phones)
        .order_by("office_id", "claim_id")
        .values_list("office_id", "assigned_to_id", "rule")
    )
    by_office: dict[int, list[int]] = {}
    rules = Counter()
    for office, assigned, rule in visits:
        rules[rule] += 1
        if rule == "rotation":
            by_office.setdefault(office, []).append(assigned)
    offices, fair = {}, rules.keys() <= {"rotation"} and bool(by_office)
    for office, sequence in by_office.items():
        roster = list(
            RosterEntry.objects.filter(roster__office_id=office, roster__date=today)
            .order_by("position")
            .values_list("salesperson_id", flat=True)
        )
        start = roster.index(sequence[0]) if sequence[0] in roster else 0
        cyclic = all(s == roster[(start + k) % len(roster)] for k, s in enumerate(sequence))
        counts = Counter(sequence)
        received = [counts.get(s, 0) for s in roster]
        spread = max(received) - min(received)
        offices[office] = {
            "visits": len(sequence),
            "salespeople": len(roster),
            "min": min(received),
            "max": max(received),
            "in_roster_order": cyclic,
        }
        fair = fair and cyclic and spread <= 1
    return {"fair": fair, "visits": sum(rules.values()), "rules": dict(rules), "offices": offices}
