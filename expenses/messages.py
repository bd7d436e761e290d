"""The texts of the notifications of expenses (R-16.3), in the reader's language."""

from django.utils.translation import gettext as _

KINDS = (
    "expense_budget_approved",
    "expense_budget_rejected",
    "expense_claim_approved",
    "expense_claim_rejected",
    "expense_claim_to_pay",
    "expense_claim_paid",
)


def expense_text(kind: str, p: dict) -> str:
    values = {k: p.get(k, "") for k in ("number", "amount", "by")}
    texts = {
        "expense_budget_approved": _(
            "Your expense budget %(number)s (%(amount)s yuan) is approved: claims can be made "
            "against it."
        ),
        "expense_budget_rejected": _(
            "Your expense budget %(number)s is rejected; see the comment, change it and submit "
            "it again."
        ),
        "expense_claim_approved": _(
            "Your expense claim %(number)s (%(amount)s yuan) is approved; finance pays it."
        ),
        "expense_claim_rejected": _(
            "Your expense claim %(number)s is rejected; see the comment, change it and submit "
            "it again."
        ),
        "expense_claim_to_pay": _(
            "Expense claim %(number)s of %(by)s (%(amount)s yuan) is approved and waits to be paid."
        ),
        "expense_claim_paid": _("Your expense claim %(number)s (%(amount)s yuan) is paid."),
    }
    return texts.get(kind, kind) % values
