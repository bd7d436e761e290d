"""Writes of targets (R-17.1) and of the explanations of their variances (R-17.2).

Every write of a year's targets runs under one transaction-level advisory lock per year, so
two concurrent writes of a split are serialised: the second reads the first's rows and cannot
take the children past their parent together with it. Rows are written first and the split is
checked after, inside the same transaction: a write that leaves any parent below its children
raises `over_parent` and the transaction (a whole uploaded file included) is rolled back.
"""

from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace

from django.db import connection, transaction
from django.utils.translation import gettext as _
from rest_framework.exceptions import PermissionDenied, ValidationError

from common.errors import DomainError
from staff.choices import Role
from staff.models import Office, User
from staff.permissions import may

from . import rules
from .models import SalesTarget, TargetExplanation
from .rules import BRANCH_MONTH, BRANCH_YEAR, DEPARTMENT, REGION, SALESPERSON_MONTH

LOCK_NAMESPACE = 7017  # pg_advisory_xact_lock(namespace, year): one lock per target year
MAX_REGION = 100
MAX_TEXT = 4000

BAD_NUMBER = {
    "year": lambda: _("Enter a year from 2000 to 2100."),
    "month": lambda: _("Enter a month from 1 to 12, or leave it empty for the whole year."),
    "amount": lambda: _(
        "Enter an amount of at least zero and under 1,000,000,000,000 yuan, with at most 2 "
        "decimals."
    ),
}


@dataclass
class Entry:
    """One target to write, checked: what `targets_apply` takes."""

    year: int
    region: str
    office: Office | None
    salesperson: User | None
    month: int | None
    amount: Decimal
    level: str


def regions() -> list[str]:
    """The regions some branch belongs to (Office.region)."""
    return sorted(
        set(Office.objects.exclude(region="").values_list("region", flat=True).distinct())
    )


def _number(clean, value, field: str):
    try:
        return clean(value)
    except rules.BadNumber as exc:
        raise ValidationError({exc.field: [BAD_NUMBER[exc.field]()]}) from None


def entry_check(
    *, year, region="", office=None, salesperson=None, month=None, amount, actor, known_regions
) -> Entry:
    """The numbers, the level, who may set it and whom it names (400 or 403)."""
    year = _number(rules.clean_year, year, "year")
    month = _number(rules.clean_month, month, "month")
    amount = _number(rules.clean_amount, amount, "amount")
    region = (region or "").strip() if isinstance(region, str) else ""
    if len(region) > MAX_REGION:
        raise ValidationError({"region": [_("Choose one of the regions of the branches.")]})
    try:
        level = rules.level_of(
            region=region,
            office=office is not None,
            salesperson=salesperson is not None,
            month=month,
        )
    except ValueError as exc:
        message = (
            _("A salesperson's target is a month of their branch: name the branch and the month.")
            if str(exc) == "salesperson"
            else _("A month's target is set per branch: name the branch.")
        )
        raise ValidationError({str(exc): [message]}) from None
    if level == SALESPERSON_MONTH:
        if not may(actor, "targets.set_branch", office):
            raise PermissionDenied(_("The branch's manager splits its targets by salesperson."))
        if not (
            office.pk in salesperson.member_office_ids and salesperson.has_role(Role.SALESPERSON)
        ):
            raise ValidationError({"salesperson": [_("Choose a salesperson of this branch.")]})
    elif not may(actor, "targets.set_company"):
        raise PermissionDenied(
            _("The sales director sets the year's, regions' and branches' targets.")
        )
    if office is not None:
        if region and region != office.region:
            raise ValidationError({"region": [_("A branch's target is in the branch's region.")]})
        region = office.region
    elif level == REGION and region not in known_regions:
        raise ValidationError({"region": [_("Choose one of the regions of the branches.")]})
    return Entry(year, region, office, salesperson, month, amount, level)


def _lock_years(years) -> None:
    with connection.cursor() as cursor:
        for year in sorted(years):
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE, year])


def _lookup(entry: Entry) -> dict:
    if entry.office is None:
        return {"year": entry.year, "region": entry.region, "office": None}
    return {"year": entry.year, "office": entry.office}


@transaction.atomic
def targets_apply(*, entries: list[Entry], actor, now) -> list[SalesTarget]:
    """Write checked entries (insert or update) in one transaction, then check every split
    they touch: nothing is saved when one of them would leave a parent below its children."""
    if not entries:
        return []
    _lock_years({e.year for e in entries})
    saved = []
    for entry in entries:
        row = SalesTarget.objects.filter(
            **_lookup(entry), salesperson=entry.salesperson, month=entry.month
        ).first()
        if row is None:
            row = SalesTarget(
                year=entry.year,
                office=entry.office,
                salesperson=entry.salesperson,
                month=entry.month,
            )
        elif row.amount == entry.amount and row.region == entry.region:
            saved.append(row)
            continue
        row.region, row.amount, row.set_by, row.set_at = entry.region, entry.amount, actor, now
        row.save()
        saved.append(row)
    for year in sorted({e.year for e in entries}):
        _check_splits(year, [e for e in entries if e.year == year])
    return saved


def target_set(
    *, year, region="", office=None, salesperson=None, month=None, amount, actor, now
) -> SalesTarget:
    """R-17.1: set one target (insert or update). The director sets the department's, a
    region's, a branch's year and its months; the branch's manager its salespeople's months."""
    entry = entry_check(
        year=year,
        region=region,
        office=office,
        salesperson=salesperson,
        month=month,
        amount=amount,
        actor=actor,
        known_regions=regions(),
    )
    return targets_apply(entries=[entry], actor=actor, now=now)[0]


# ---------------------------------------------------------------- the splits of a year


class Split:
    """A year's rows as a tree: each row's parent and the sum of each row's children."""

    def __init__(self, rows: list[SalesTarget], office_regions: dict[int, str]):
        self.rows = rows
        self.region_of = office_regions
        self.by_key: dict[tuple, SalesTarget] = {self.key(r): r for r in rows}
        self.sums: dict[tuple, Decimal] = {}
        for row in rows:
            parent = self.parent_key(row)
            if parent is not None:
                self.sums[parent] = self.sums.get(parent, Decimal("0.00")) + row.amount

    @staticmethod
    def key(row) -> tuple:
        if row.office_id is None:
            return (DEPARTMENT,) if not row.region else (REGION, row.region)
        if row.salesperson_id is not None:
            return (SALESPERSON_MONTH, row.office_id, row.month, row.salesperson_id)
        if row.month is None:
            return (BRANCH_YEAR, row.office_id)
        return (BRANCH_MONTH, row.office_id, row.month)

    def parent_key(self, row) -> tuple | None:
        key = self.key(row)
        if key[0] == REGION:
            return (DEPARTMENT,)
        if key[0] == BRANCH_YEAR:
            region = self.region_of.get(row.office_id, "")
            return (REGION, region) if region else (DEPARTMENT,)
        if key[0] == BRANCH_MONTH:
            return (BRANCH_YEAR, row.office_id)
        if key[0] == SALESPERSON_MONTH:
            return (BRANCH_MONTH, row.office_id, row.month)
        return None

    def children_sum(self, key: tuple) -> Decimal:
        return self.sums.get(key, Decimal("0.00"))

    def amount(self, key: tuple) -> Decimal | None:
        row = self.by_key.get(key)
        return None if row is None else row.amount

    def unassigned(self, key: tuple) -> Decimal | None:
        amount = self.amount(key)
        return None if amount is None else amount - self.children_sum(key)


def split_of(year: int) -> Split:
    rows = list(SalesTarget.objects.filter(year=year))
    return Split(rows, dict(Office.objects.values_list("pk", "region")))


def _check_splits(year: int, entries: list[Entry]) -> None:
    split = split_of(year)
    for entry in entries:
        key = Split.key(_probe(entry))
        amount = split.amount(key)
        if split.children_sum(key) > amount:
            raise DomainError(
                _("%(what)s cannot be lowered to %(amount)s: its splits already add up to %(sum)s.")
                % {
                    "what": describe(entry),
                    "amount": f"{amount:,.2f}",
                    "sum": f"{split.children_sum(key):,.2f}",
                },
                code="over_parent",
            )
        parent = split.parent_key(_probe(entry))
        if parent is None:
            continue
        limit = split.amount(parent)
        if limit is None:
            raise DomainError(_parent_missing(entry), code="parent_missing")
        if split.children_sum(parent) > limit:
            raise DomainError(
                _(
                    "%(what)s is refused: with it the splits add up to %(sum)s, more than the "
                    "%(limit)s of the target above it."
                )
                % {
                    "what": describe(entry),
                    "sum": f"{split.children_sum(parent):,.2f}",
                    "limit": f"{limit:,.2f}",
                },
                code="over_parent",
                extra={"parent": str(limit), "children": str(split.children_sum(parent))},
            )


def _probe(entry: Entry) -> SimpleNamespace:
    """The entry shaped like a row, for Split's keys."""
    return SimpleNamespace(
        office_id=entry.office.pk if entry.office else None,
        salesperson_id=entry.salesperson.pk if entry.salesperson else None,
        region=entry.region,
        month=entry.month,
    )


def _parent_missing(entry: Entry) -> str:
    if entry.level == REGION or (entry.level == BRANCH_YEAR and not entry.region):
        return _("Set the department's year target first.")
    if entry.level == BRANCH_YEAR:
        return _("Set the region's year target first.")
    if entry.level == BRANCH_MONTH:
        return _("Set the branch's year target first.")
    return _("Set the branch's target for that month first.")


def describe(entry: Entry) -> str:
    """The target in words, for the messages."""
    if entry.level == DEPARTMENT:
        return _("The department's target for %(year)d") % {"year": entry.year}
    if entry.level == REGION:
        return _("The target of region %(region)s") % {"region": entry.region}
    if entry.level == BRANCH_YEAR:
        return _("The year target of %(office)s") % {"office": entry.office.name}
    if entry.level == BRANCH_MONTH:
        return _("The target of %(office)s for month %(month)d") % {
            "office": entry.office.name,
            "month": entry.month,
        }
    return _("The target of %(person)s for month %(month)d") % {
        "person": str(entry.salesperson),
        "month": entry.month,
    }


# ---------------------------------------------------------------- explanations


@transaction.atomic
def explanation_write(
    *, office, salesperson=None, year, month, text, actor, now
) -> TargetExplanation:
    """R-17.2: the branch's manager (or the director) explains a month's variance of the
    branch or of one of its salespeople; writing again replaces the text."""
    if not may(actor, "targets.explain", office):
        raise PermissionDenied(_("The branch's manager explains its variances."))
    year = _number(rules.clean_year, year, "year")
    month = _number(rules.clean_month, month, "month")
    if month is None:
        raise ValidationError({"month": [BAD_NUMBER["month"]()]})
    text = text.strip() if isinstance(text, str) else ""
    if not text or "\x00" in text or len(text) > MAX_TEXT:
        raise ValidationError(
            {"text": [_("Write the explanation, at most %(n)d characters.") % {"n": MAX_TEXT}]}
        )
    if salesperson is not None and office.pk not in salesperson.member_office_ids:
        raise ValidationError({"salesperson": [_("Choose a salesperson of this branch.")]})
    row, _created = TargetExplanation.objects.select_for_update().get_or_create(
        office=office,
        salesperson=salesperson,
        year=year,
        month=month,
        defaults={"text": text, "written_by": actor, "written_at": now},
    )
    if not _created:
        row.text, row.written_by, row.written_at = text, actor, now
        row.save(update_fields=["text", "written_by", "written_at"])
    return row
