"""Pure rules of expenses (R-16.3): no database."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from .choices import Rank

ZERO = Decimal("0.00")
CLAIM_FIGURES = ("total", "budget_amount", "budget_claimed", "month_claimed", "cap")
BUDGET_FIGURES = ("amount", "others", "cap")


def cap_for(office, rank: str) -> Decimal:
    """R-16.3: the office's monthly cap for a rank (经理 / 副经理 / 一般人员)."""
    return {
        Rank.MANAGER: office.expense_cap_manager,
        Rank.DEPUTY: office.expense_cap_deputy,
        Rank.STAFF: office.expense_cap_staff,
    }[rank]


def default_rank(*, is_manager: bool) -> str:
    """R-16.3: without a rank set by the manager, the office's manager is a manager and
    anyone else staff."""
    return Rank.MANAGER if is_manager else Rank.STAFF


def month_of(day: datetime.date) -> datetime.date:
    """The first day of the month `day` is in."""
    return day.replace(day=1)


def add_months(month: datetime.date, n: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + n
    return datetime.date(index // 12, index % 12 + 1, 1)


def meal_amount(meals: int, allowance: Decimal) -> Decimal:
    """R-16.3: a fixed allowance per missed meal (误餐费)."""
    return (Decimal(meals) * allowance).quantize(Decimal("0.01"))


def over_monthly_cap(*, amount: Decimal, others: Decimal, cap: Decimal) -> bool:
    """R-16.3 (R-8 table): the director decides when this and the others of the month come to
    more than the cap; exactly the cap is within it."""
    return amount + others > cap


@dataclass(frozen=True)
class ClaimCapFigures:
    """Why a claim goes to the director (R-16.3): the budget's remainder and the month's cap."""

    total: Decimal
    budget_amount: Decimal
    budget_claimed: Decimal  # the budget's other pending, approved and paid claims
    month_claimed: Decimal  # the author's other pending, approved and paid claims of the month
    cap: Decimal

    def as_json(self) -> dict:
        return {k: str(getattr(self, k)) for k in CLAIM_FIGURES}

    @classmethod
    def from_json(cls, data: dict | None) -> "ClaimCapFigures | None":
        if not data or any(k not in data for k in CLAIM_FIGURES):
            return None
        return cls(**{k: Decimal(data[k]) for k in CLAIM_FIGURES})

    @property
    def budget_left(self) -> Decimal:
        return self.budget_amount - self.budget_claimed

    @property
    def month_left(self) -> Decimal:
        return self.cap - self.month_claimed

    @property
    def over_budget(self) -> bool:
        return self.total > self.budget_left

    @property
    def over_month(self) -> bool:
        return over_monthly_cap(amount=self.total, others=self.month_claimed, cap=self.cap)


@dataclass(frozen=True)
class BudgetCapFigures:
    amount: Decimal
    others: Decimal  # the author's other pending, approved and closed budgets of the month
    cap: Decimal

    def as_json(self) -> dict:
        return {k: str(getattr(self, k)) for k in BUDGET_FIGURES}

    @classmethod
    def from_json(cls, data: dict | None) -> "BudgetCapFigures | None":
        if not data or any(k not in data for k in BUDGET_FIGURES):
            return None
        return cls(**{k: Decimal(data[k]) for k in BUDGET_FIGURES})

    @property
    def over(self) -> bool:
        return over_monthly_cap(amount=self.amount, others=self.others, cap=self.cap)


@dataclass(frozen=True)
class MonthFigures:
    """A person's month (R-16.3): the cap, what is used (approved and paid claims), what waits
    (pending claims) and what is left."""

    cap: Decimal
    used: Decimal
    pending: Decimal

    @property
    def left(self) -> Decimal:
        return self.cap - self.used - self.pending

    @property
    def over(self) -> bool:
        return self.used + self.pending > self.cap
