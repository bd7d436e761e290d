"""R-8: the approval chain of every document type, declared here and nowhere else.

A step names a role and, where it applies only sometimes, a condition: a pure function of the
document. Documents that are not built yet answer the conditions through the methods named
below (`approval_amount`, `below_floor`, `over_credit`, `over_cap`); a document without the
method is taken not to meet the condition.
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from staff.choices import Role

from .choices import DocumentType as T

Condition = Callable[[object], bool]


def _ask(document, name: str) -> bool:
    method = getattr(document, name, None)
    return bool(method()) if callable(method) else False


def is_major(document) -> bool:
    """R-8.5: the amount is at least the office's major threshold."""
    amount = getattr(document, "approval_amount", None)
    if not callable(amount):
        return False
    return Decimal(amount()) >= document.office.major_threshold


def below_floor(document) -> bool:
    """R-10.2: a line is priced below its floor price."""
    return _ask(document, "below_floor")


def over_credit(document) -> bool:
    """R-9.5: the document would take the account's exposure above its credit limit."""
    return _ask(document, "over_credit")


def over_cap(document) -> bool:
    """R-16.3: over the person's monthly cap or the budget."""
    return _ask(document, "over_cap")


@dataclass(frozen=True)
class Step:
    role: str
    condition: Condition | None = None
    label: Promise | str = ""

    def applies(self, document) -> bool:
        return self.condition is None or self.condition(document)


# The roles' own labels are the first part's (a 案场's 销售经理); on the documents of the
# second part the same groups are the branch manager and the head of the sales department
# (RULES.md, roles of the second part).
SALES_ROLE_NAMES = {
    Role.SALESPERSON: pgettext_lazy("sales department", "Salesperson"),
    Role.MANAGER: pgettext_lazy("sales department", "Branch manager"),
    Role.DIRECTOR: pgettext_lazy("sales department", "Head of sales department"),
    Role.FINANCE: pgettext_lazy("sales department", "Finance department"),
}


def role_name(role: str) -> str:
    """A role in the words of the sales department: 分部经理, 销售部经理 …"""
    if role in SALES_ROLE_NAMES:
        return str(SALES_ROLE_NAMES[role])
    return str(Role(role).label) if role in Role.values else role


def step_words(role: str, label: str = "") -> str:
    return f"{role_name(role)}（{label}）" if label else role_name(role)


CHAINS: dict[str, list[Step]] = {
    T.ACCOUNT: [Step(Role.MANAGER)],
    T.GRADE: [Step(Role.MANAGER)],
    T.ENQUIRY: [
        Step(Role.MANAGER),
        Step(Role.EXECUTIVE, is_major, _("major business")),
    ],
    T.QUOTE: [
        Step(Role.MANAGER),
        Step(Role.DIRECTOR, below_floor, _("below the floor price")),
        Step(Role.EXECUTIVE, is_major, _("major business")),
    ],
    T.SALES_CONTRACT: [
        Step(Role.MANAGER),
        Step(Role.DIRECTOR, over_credit, _("over the credit limit")),
        Step(Role.EXECUTIVE, is_major, _("major business")),
    ],
    T.DEMAND_REQUEST: [Step(Role.MANAGER), Step(Role.DIRECTOR)],
    T.RETURN: [
        Step(Role.MANAGER),
        Step(Role.TECHNICIAN, label=_("inspection of the goods")),
        Step(Role.DIRECTOR),
    ],
    T.INVOICE_REQUEST: [Step(Role.MANAGER)],
    T.COLLECTION_REQUEST: [Step(Role.MANAGER), Step(Role.FINANCE)],
    T.WRITE_OFF: [Step(Role.DIRECTOR), Step(Role.EXECUTIVE)],
    T.EXPENSE_BUDGET: [Step(Role.MANAGER), Step(Role.DIRECTOR, over_cap, _("over the cap"))],
    T.EXPENSE_CLAIM: [Step(Role.MANAGER), Step(Role.DIRECTOR, over_cap, _("over the cap"))],
    T.SPECIAL_FEE: [
        Step(Role.MANAGER),
        Step(Role.EXECUTIVE, label=_("form of payment")),
    ],
    T.WORK_PLAN: [Step(Role.MANAGER)],
}

# these roles decide in any office; the others only in the document's office
ANY_OFFICE = {Role.DIRECTOR, Role.EXECUTIVE}


def applicable_steps(document_type: str, document) -> list[tuple[int, Step, bool]]:
    """Every step of the chain with its index and whether it applies to this document."""
    return [(i, s, s.applies(document)) for i, s in enumerate(CHAINS[document_type])]


def step_text(step: Step) -> str:
    return step_words(step.role, str(step.label))


def describe(document_type: str, document) -> str:
    """What the page shows: "This document needs: manager → director (below the floor)"."""
    steps = [
        str(step_text(s)) for _i, s, applies in applicable_steps(document_type, document) if applies
    ]
    return _g("This document needs: %(steps)s") % {"steps": " → ".join(steps)}
