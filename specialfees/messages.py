"""The texts of the notifications of special fees (R-16.4) and penalties (R-16.5), registered
with notifications.messages at ready() and rendered in the reader's language."""

from django.utils.translation import gettext as _

FEE_KINDS = (
    "special_fee_promisable",
    "special_fee_rejected",
    "special_fee_approved",
    "special_fee_to_pay",
    "special_fee_paid",
)
PENALTY_KINDS = ("penalty_recorded", "penalty_withdrawn")


def _form(code: str) -> str:
    from .choices import PaymentForm

    return str(PaymentForm(code).label) if code in PaymentForm.values else ""


def fee_text(kind: str, p: dict) -> str:
    values = {k: p.get(k, "") for k in ("number", "account", "amount", "by", "comment")}
    values["form"] = _form(p.get("form", ""))
    texts = {
        "special_fee_promisable": _(
            "%(by)s approved the special fee %(number)s of %(account)s (%(amount)s yuan): you "
            "may now promise it to the customer."
        ),
        "special_fee_rejected": _("%(by)s rejected your special fee %(number)s: %(comment)s"),
        "special_fee_approved": _(
            "Special fee %(number)s of %(account)s (%(amount)s yuan) is approved: %(form)s."
        ),
        "special_fee_to_pay": _(
            "Pay the special fee %(number)s of %(account)s: %(amount)s yuan, %(form)s."
        ),
        "special_fee_paid": _("Special fee %(number)s of %(account)s (%(amount)s yuan) is paid."),
    }
    return texts[kind] % values


def penalty_text(kind: str, p: dict) -> str:
    values = {k: p.get(k, "") for k in ("amount", "rule", "date", "by", "reason")}
    texts = {
        "penalty_recorded": _(
            "%(by)s recorded a penalty of %(amount)s yuan on %(date)s: %(rule)s."
        ),
        "penalty_withdrawn": _("%(by)s withdrew your penalty of %(amount)s yuan of %(date)s."),
    }
    return texts[kind] % values
