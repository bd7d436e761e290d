"""Reads of targets (R-17.1) and of actuals against them (R-17.2).

Every list goes through `targets_visible_to`; the grids and the actuals read a fixed number of
queries whatever the number of branches, people and months.
"""

import calendar
import datetime
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from staff.choices import Role
from staff.models import Office, User
from staff.permissions import office_ids_of

from . import rules
from .actuals import actuals
from .models import SalesTarget, TargetExplanation
from .rules import BRANCH_MONTH, BRANCH_YEAR, DEPARTMENT, REGION, SALESPERSON_MONTH
from .services import Split

LEADERSHIP = (Role.DIRECTOR, Role.EXECUTIVE)
MONTHS = list(range(1, 13))
ZERO = Decimal("0.00")


def targets_visible_to(user) -> QuerySet[SalesTarget]:
    """Leadership every target; a manager the branch's; a salesperson their own rows."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return SalesTarget.objects.none()
    qs = SalesTarget.objects.all()
    if user.has_role(*LEADERSHIP):
        return qs
    scope = Q(pk__in=[])
    if user.has_role(Role.MANAGER):
        scope |= Q(office_id__in=office_ids_of(user))
    if user.has_role(Role.SALESPERSON):
        scope |= Q(salesperson=user, office_id__in=office_ids_of(user))
    return qs.filter(scope)


def explanations_visible_to(user) -> QuerySet[TargetExplanation]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return TargetExplanation.objects.none()
    qs = TargetExplanation.objects.all()
    if user.has_role(*LEADERSHIP):
        return qs
    scope = Q(pk__in=[])
    if user.has_role(Role.MANAGER):
        scope |= Q(office_id__in=office_ids_of(user))
    if user.has_role(Role.SALESPERSON):
        scope |= Q(salesperson=user, office_id__in=office_ids_of(user))
    return qs.filter(scope)


def _sum(values) -> Decimal:
    return sum((v for v in values if v is not None), ZERO)


# ---------------------------------------------------------------- the director's year


def year_overview(year: int) -> dict:
    """R-17.1: the department's target, its regions and branches, and the branch × month
    grid, each with what is still unassigned. Three queries."""
    offices = list(Office.objects.order_by("region", "name", "pk"))
    rows = list(SalesTarget.objects.filter(year=year))
    split = Split(rows, {o.pk: o.region for o in offices})
    region_names = sorted({o.region for o in offices if o.region})
    region_names += sorted(
        {r.region for r in rows if r.office_id is None and r.region} - set(region_names)
    )

    def node(key):
        return {
            "amount": split.amount(key),
            "assigned": split.children_sum(key),
            "unassigned": split.unassigned(key),
        }

    branches = []
    for office in offices:
        months = [split.amount((BRANCH_MONTH, office.pk, m)) for m in MONTHS]
        branches.append(
            {
                "office": office,
                **node((BRANCH_YEAR, office.pk)),
                "months": months,
                "months_total": _sum(months),
            }
        )
    groups = []
    for name in region_names:
        members = [b for b in branches if b["office"].region == name]
        groups.append(
            {
                "region": name,
                **node((REGION, name)),
                "branches": members,
                "months": [_sum(b["months"][i] for b in members) for i in range(12)],
            }
        )
    loose = [b for b in branches if not b["office"].region]
    return {
        "year": year,
        "department": node((DEPARTMENT,)),
        "regions": groups,
        "loose": loose,
        "branches": branches,
        "month_totals": [_sum(b["months"][i] for b in branches) for i in range(12)],
        "grand_total": _sum(b["months_total"] for b in branches),
    }


# ---------------------------------------------------------------- a branch's salespeople


def salespeople_of(office: Office) -> QuerySet[User]:
    return (
        User.objects.filter(offices=office, groups__name=Role.SALESPERSON, is_active=True)
        .distinct()
        .order_by("display_name", "username")
    )


def branch_grid(office: Office, year: int, *, only: User | None = None) -> dict:
    """R-17.1: the branch's months and its salespeople × months, with what each month still
    has unassigned; `only` narrows the people to one salesperson (their own row). Three
    queries."""
    rows = list(SalesTarget.objects.filter(year=year, office=office))
    split = Split(rows, {office.pk: office.region})
    people = list(salespeople_of(office)) if only is None else [only]
    listed = {p.pk for p in people}
    extra = {r.salesperson_id for r in rows if r.salesperson_id} - listed
    if only is None and extra:  # people who left the branch but kept their targets
        people += list(User.objects.filter(pk__in=extra).order_by("display_name", "username"))
    grid = []
    for person in people:
        months = [split.amount((SALESPERSON_MONTH, office.pk, m, person.pk)) for m in MONTHS]
        grid.append({"person": person, "months": months, "total": _sum(months)})
    branch_months = [split.amount((BRANCH_MONTH, office.pk, m)) for m in MONTHS]
    assigned = [split.children_sum((BRANCH_MONTH, office.pk, m)) for m in MONTHS]
    return {
        "office": office,
        "year": year,
        "year_amount": split.amount((BRANCH_YEAR, office.pk)),
        "branch_months": branch_months,
        "branch_total": _sum(branch_months),
        "assigned": assigned,
        "assigned_total": _sum(assigned),
        "unassigned": [
            None if b is None else b - a for b, a in zip(branch_months, assigned, strict=True)
        ],
        "rows": grid,
    }


# ---------------------------------------------------------------- actuals against targets


def period_of(year: int, month: int | None) -> tuple[datetime.date, datetime.date]:
    if month is None:
        return datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    last = calendar.monthrange(year, month)[1]
    return datetime.date(year, month, 1), datetime.date(year, month, last)


def _figures(found: dict | None) -> dict:
    found = found or {}
    return {m: found.get(m, ZERO) for m in ("signed", "shipped", "invoiced", "collected")}


def _row(label: str, target, figures: dict, percent_limit, explained, *, month, over=True) -> dict:
    """`over`: the month has ended (a running month's variance is not final yet and needs no
    explanation until it is)."""
    diff, fraction = rules.variance(target, figures["signed"])
    required = (
        month is not None
        and over
        and rules.explanation_required(target, figures["signed"], percent_limit)
    )
    state = ""
    if required:
        state = _("Explained") if explained else _("Explanation required")
    return {
        "name": label,
        "target": target,
        **figures,
        "variance": diff,
        "variance_percent": fraction,
        "explanation": state,
        "required": required,
        "explained": bool(explained),
    }


def actuals_against_targets(
    office_ids: list[int],
    year: int,
    month: int | None,
    *,
    salesperson: User | None = None,
    with_regions: bool = False,
    today: datetime.date | None = None,
) -> dict:
    """R-17.2: per branch (and region), per salesperson, and in a whole year per branch and
    month: the target, the four actuals, the variance of signed against the target and whether
    an explanation is required and written. A fixed number of queries."""
    start, end = period_of(year, month)
    today = today or timezone.localdate()

    def over(m: int | None) -> bool:
        return m is not None and period_of(year, m)[1] < today

    offices = list(Office.objects.filter(pk__in=office_ids).order_by("region", "name", "pk"))
    office_ids = [o.pk for o in offices]
    targets = list(
        SalesTarget.objects.filter(year=year).filter(Q(office_id__in=office_ids) | Q(office=None))
    )
    notes = TargetExplanation.objects.filter(office_id__in=office_ids, year=year)
    if month is not None:
        notes = notes.filter(month=month)
    if salesperson is not None:
        notes = notes.filter(salesperson=salesperson)
    explained = {(n.office_id, n.salesperson_id, n.month): n for n in notes}
    sp_id = salesperson.pk if salesperson is not None else None

    def target_of(office_id, person_id=None):
        if person_id is None and month is None:
            found = [
                t.amount
                for t in targets
                if t.office_id == office_id and t.salesperson_id is None and t.month is None
            ]
        else:
            found = [
                t.amount
                for t in targets
                if t.office_id == office_id
                and t.salesperson_id == person_id
                and t.month is not None
                and (month is None or t.month == month)
            ]
        return _sum(found) if found else None

    branches = []
    if salesperson is None:
        by_office = {
            r["office"]: r
            for r in actuals(office_ids=office_ids, start=start, end=end, by=("office",))
        }
        for office in offices:
            branches.append(
                {
                    **_row(
                        office.name,
                        target_of(office.pk),
                        _figures(by_office.get(office.pk)),
                        office.target_variance_percent,
                        explained.get((office.pk, None, month)),
                        month=month,
                        over=over(month),
                    ),
                    "office": office,
                    "salesperson": None,
                    "month": month,
                }
            )
    regions = []
    if with_regions and salesperson is None:
        for name in sorted({o.region for o in offices if o.region}):
            members = [b for b in branches if b["office"].region == name]
            if month is None:
                found = [t.amount for t in targets if t.office_id is None and t.region == name]
                target = found[0] if found else None
            else:
                month_targets = [b["target"] for b in members if b["target"] is not None]
                target = _sum(month_targets) if month_targets else None
            figures = {
                m: _sum(b[m] for b in members)
                for m in ("signed", "shipped", "invoiced", "collected")
            }
            row = _row(name, target, figures, Decimal("100"), None, month=None)
            regions.append({**row, "explanation": ""})

    people_rows = actuals(
        office_ids=office_ids,
        start=start,
        end=end,
        by=("office", "salesperson"),
        salesperson_id=sp_id,
    )
    found = {(r["office"], r["salesperson"]): r for r in people_rows}
    keys = set(found)
    keys |= {
        (t.office_id, t.salesperson_id)
        for t in targets
        if t.salesperson_id is not None and (sp_id is None or t.salesperson_id == sp_id)
    }
    names = {r["salesperson"]: r["salesperson_name"] for r in people_rows}
    unnamed = {person for _office, person in keys if person not in names and person is not None}
    if unnamed:
        names |= {u.pk: str(u) for u in User.objects.filter(pk__in=unnamed)}
    office_by_id = {o.pk: o for o in offices}
    people = []
    for office_id, person_id in sorted(
        keys, key=lambda k: (office_by_id[k[0]].name, names.get(k[1]) or "", k[1] or 0)
    ):
        office = office_by_id[office_id]
        label = names.get(person_id) or _("(no salesperson)")
        people.append(
            {
                **_row(
                    label,
                    target_of(office_id, person_id),
                    _figures(found.get((office_id, person_id))),
                    office.target_variance_percent,
                    explained.get((office_id, person_id, month)),
                    month=month,
                    over=over(month),
                ),
                "office": office,
                "salesperson": person_id,
                "month": month,
            }
        )

    months = []
    if month is None and salesperson is None:
        by_month = {
            (r["office"], r["month"].month): r
            for r in actuals(office_ids=office_ids, start=start, end=end, by=("office", "month"))
        }
        for office in offices:
            for m in MONTHS:
                found_t = [
                    t.amount
                    for t in targets
                    if t.office_id == office.pk and t.salesperson_id is None and t.month == m
                ]
                months.append(
                    {
                        **_row(
                            f"{office.name} {m}",
                            found_t[0] if found_t else None,
                            _figures(by_month.get((office.pk, m))),
                            office.target_variance_percent,
                            explained.get((office.pk, None, m)),
                            month=m,
                            over=over(m),
                        ),
                        "office": office,
                        "salesperson": None,
                        "month": m,
                        "month_number": m,
                    }
                )
    return {"regions": regions, "branches": branches, "people": people, "months": months}


def explanations_missing(office_ids, year: int, month: int) -> list[dict]:
    """R-17.2: the month's variances that need the manager's explanation and have none: one
    dict per branch or salesperson (`office`, `office_name`, `salesperson` id or None,
    `person` the salesperson's name or "", `what`), for other reports' lists of who has not
    submitted what."""
    found = actuals_against_targets(list(office_ids), year, month)
    missing = []
    for row in found["branches"] + found["people"]:
        if row["required"] and not row["explained"]:
            is_person = row["salesperson"] is not None
            missing.append(
                {
                    "office": row["office"].pk,
                    "office_name": row["office"].name,
                    "salesperson": row["salesperson"],
                    "person": row["name"] if is_person else "",
                    "target": row["target"],
                    "signed": row["signed"],
                    "what": _(
                        "An explanation of the variance against the target for %(year)d-%(month)02d"
                    )
                    % {"year": year, "month": month},
                }
            )
    return missing
