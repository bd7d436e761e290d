"""The texts of the after-sales and complaint notifications, in the reader's language."""

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

REQUEST_KINDS = (
    "aftersales_new",
    "aftersales_confirmed",
    "aftersales_rejected",
    "aftersales_filed",
    "aftersales_resolved",
    "aftersales_closed",
    "aftersales_instruction",
)
COMPLAINT_KINDS = ("complaint_new", "complaint_assigned", "complaint_replied")


def _feedback(code: str) -> str:
    if code == "suggestion":
        return pgettext("customer feedback", "Suggestion")
    return pgettext("customer feedback", "Complaint")


def text(kind: str, params: dict) -> str:
    p = {"number": params.get("number", ""), "account": params.get("account", "")}
    match kind:
        case "aftersales_new":
            return _("After-sales request %(number)s of %(account)s: confirm it.") % p
        case "aftersales_confirmed":
            return _("After-sales request %(number)s of %(account)s is confirmed: file it.") % p
        case "aftersales_rejected":
            return _("After-sales request %(number)s of %(account)s was rejected: %(reason)s") % {
                **p,
                "reason": params.get("reason", ""),
            }
        case "aftersales_filed":
            return _("After-sales request %(number)s of %(account)s: contact the customer.") % p
        case "aftersales_resolved":
            return _("After-sales request %(number)s of %(account)s is resolved.") % p
        case "aftersales_closed":
            return _(
                "After-sales request %(number)s of your account %(account)s is done: %(result)s"
            ) % {**p, "result": params.get("result", "")}
        case "aftersales_instruction":
            return _(
                "%(by)s gave an instruction on after-sales request %(number)s of %(account)s."
            ) % {**p, "by": params.get("by", "")}
        case "complaint_new":
            return _("%(kind)s %(number)s of %(account)s: name its handler.") % {
                **p,
                "kind": _feedback(params.get("kind", "")),
            }
        case "complaint_assigned":
            return _("You handle %(kind)s %(number)s of %(account)s: reply to the customer.") % {
                **p,
                "kind": _feedback(params.get("kind", "")),
            }
        case "complaint_replied":
            return _("%(kind)s %(number)s of %(account)s was replied to.") % {
                **p,
                "kind": _feedback(params.get("kind", "")),
            }
    return kind
