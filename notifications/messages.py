"""The text of each kind of notification, rendered in the reader's language at read time."""

import datetime
from collections.abc import Callable, Iterable

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from leads.rules import mask_phone

from .models import Notification


def stored_customer(notification: Notification) -> str:
    """The customer as the notification stored them when it was sent: a name, or a phone."""
    params = notification.params if isinstance(notification.params, dict) else {}
    return str(params.get("customer") or "")


def is_phone(text: str) -> bool:
    """A customer stored as their phone: normalized, digits only (R-1.1)."""
    return text.isascii() and text.isdigit()


def shown_customer(notification: Notification, names: dict[str, str] | None = None) -> str:
    """The customer as the reader may see them now: `names` from
    notifications.selectors.customer_names; without it, a stored phone is masked (API.md,
    visibility: never shown in full to someone who may no longer see it)."""
    stored = stored_customer(notification)
    if names is not None and stored in names:
        return names[stored]
    return mask_phone(stored) if is_phone(stored) else stored


def shown_params(notification: Notification, names: dict[str, str] | None = None) -> dict:
    """The stored parameters with the customer as the reader may see them now."""
    params = dict(notification.params) if isinstance(notification.params, dict) else {}
    if "customer" in params:
        params["customer"] = shown_customer(notification, names)
    return params


def claims_expiring_text(params: dict) -> str:
    """R-3.5's morning warning: how many claims end soon, how many today, and the earliest
    last protected day (inclusive, R-3.2). Notices stored before the day was kept say less."""
    count = params.get("count", 0)
    if not params.get("through"):
        return _("The protection of %(count)s of your customers ends soon: follow them up.") % {
            "count": count
        }
    day = date_format(
        datetime.date.fromisoformat(params["through"]),
        pgettext("the last protected day", "F j"),
    )
    values = {"count": count, "day": day, "today": params.get("today", 0)}
    if values["today"]:
        return (
            _(
                "The protection of %(count)s of your customers ends soon, the first protected "
                "through %(day)s (inclusive), %(today)s of them today: follow them up."
            )
            % values
        )
    return (
        _(
            "The protection of %(count)s of your customers ends soon, the first protected "
            "through %(day)s (inclusive): follow them up."
        )
        % values
    )


def visits_overdue_text(kind: str, params: dict) -> str:
    """R-9.8's morning notice: an owner's overdue accounts, or a manager's branches'."""
    values = {"count": params.get("count", 0), "days": params.get("days", 0)}
    if kind == "branch_visits_overdue":
        separator = pgettext("between the names of a list", ", ")
        values["offices"] = separator.join(str(o) for o in params.get("offices", []))
        return (
            ngettext(
                "%(offices)s: %(count)s account is overdue for a visit, by %(days)s days.",
                "%(offices)s: %(count)s accounts are overdue for a visit, the longest by "
                "%(days)s days.",
                values["count"],
            )
            % values
        )
    return (
        ngettext(
            "%(count)s of your accounts is overdue for a visit, by %(days)s days: visit it soon.",
            "%(count)s of your accounts are overdue for a visit, the longest by %(days)s days: "
            "visit them soon.",
            values["count"],
        )
        % values
    )


# Apps that build on this one register the texts of their own kinds at ready() (R-16 …):
# kind -> text(kind, params), rendered in the reader's language like the ones above.
KIND_TEXTS: dict[str, Callable[[str, dict], str]] = {}


def register_texts(kinds: Iterable[str], text: Callable[[str, dict], str]) -> None:
    for kind in kinds:
        KIND_TEXTS[kind] = text


def render(notification: Notification, names: dict[str, str] | None = None) -> str:
    """The notification's text; the customer it names as in `shown_customer`."""
    p = shown_params(notification, names)
    match notification.kind:
        case "visit_assigned":
            return _("New visit: %(customer)s, party of %(party)s. %(why)s") % {
                "customer": p.get("customer", ""),
                "party": p.get("party_size", 1),
                "why": explain_rule(p.get("rule", "")),
            }
        case "call_put_through":
            return _("Call from your customer %(customer)s put through to you.") % {
                "customer": p.get("customer", "")
            }
        case "visit_waiting":
            return _("A visit waits for you to assign it: %(customer)s, party of %(party)s.") % {
                "customer": p.get("customer", ""),
                "party": p.get("party_size", 1),
            }
        case "research_approved":
            return _("Market-research visit of %(customer)s approved: you are owed one turn.") % {
                "customer": p.get("customer", "")
            }
        case "claims_expiring":
            return claims_expiring_text(p)
        case "dispute_ruled":
            return _("The dispute on %(customer)s has been ruled.") % {
                "customer": p.get("customer", "")
            }
        case "dispute_opened":
            return _("%(claimant)s opened a dispute on %(customer)s: rule on it.") % {
                "claimant": p.get("claimant", ""),
                "customer": p.get("customer", ""),
            }
        case "claim_assigned":
            return _("The manager assigned %(customer)s to you: the customer is yours.") % {
                "customer": p.get("customer", "")
            }
        case "received_on_behalf":
            return _("%(receiver)s received your customer %(customer)s for you.") % {
                "receiver": p.get("receiver", ""),
                "customer": p.get("customer", ""),
            }
        case "daily_counts_compiled":
            return _("The front desk's counts of %(date)s are compiled (%(office)s).") % {
                "date": p.get("date", ""),
                "office": p.get("office", ""),
            }
        case "problem_escalated":
            return _("A problem was escalated to leadership at %(office)s: %(problem)s") % {
                "office": p.get("office", ""),
                "problem": p.get("problem", ""),
            }
        case "approval_late":
            return _("Waiting for approval for more than a working day: %(document)s") % {
                "document": p.get("document", "")
            }
        # an account given to another salesperson, with the manager's reason
        case "account_assigned":
            return _("The manager gave you the account %(account)s: %(reason)s") % {
                "account": p.get("account", ""),
                "reason": p.get("reason", ""),
            }
        case "account_reassigned":
            return _("The manager gave your account %(account)s to %(owner)s: %(reason)s") % {
                "account": p.get("account", ""),
                "owner": p.get("owner", ""),
                "reason": p.get("reason", ""),
            }
        case "account_deputy":
            return _("You are now the deputy of the account %(account)s.") % {
                "account": p.get("account", "")
            }
        case "visits_overdue" | "branch_visits_overdue":
            return visits_overdue_text(notification.kind, p)
        case "visit_plan_submitted" | "visit_plan_confirmed" | "visit_plan_changed":
            return visit_plan_text(notification.kind, p)
        # the bid decision, and questions on an enquiry and their answers
        case "enquiry_bid":
            return _("The manager decided to bid on the enquiry of %(account)s.") % {
                "account": p.get("account", "")
            }
        case "enquiry_no_bid":
            return _("The manager decided not to bid on the enquiry of %(account)s.") % {
                "account": p.get("account", "")
            }
        case "enquiry_question":
            return _("%(asked_by)s asks your department about the enquiry of %(account)s.") % {
                "asked_by": p.get("asked_by", ""),
                "account": p.get("account", ""),
            }
        case "enquiry_answer":
            return _("%(answered_by)s answered your question on the enquiry of %(account)s.") % {
                "answered_by": p.get("answered_by", ""),
                "account": p.get("account", ""),
            }
        # a contract signed (to its salesperson, and to the branch's clerks
        # who file it the same day), or rejected back to its salesperson
        case "contract_signed":
            return _("Your contract %(number)s with %(account)s is signed.") % {
                "number": p.get("number", ""),
                "account": p.get("account", ""),
            }
        case "contract_to_file":
            return _(
                "Contract %(number)s with %(account)s is signed: file it with its scan today."
            ) % {
                "number": p.get("number", ""),
                "account": p.get("account", ""),
            }
        case "contract_rejected":
            return _("%(by)s rejected your contract with %(account)s: %(comment)s") % {
                "by": p.get("by", ""),
                "account": p.get("account", ""),
                "comment": p.get("comment", ""),
            }
        # demand requests, outbound orders and returns, each to the person of the next
        # step (the clerk issues, the warehouse keeper ships) and back to the salesperson
        case "demand_to_issue":
            return _(
                "Demand request %(number)s of %(account)s is approved: issue its outbound order."
            ) % {"number": p.get("number", ""), "account": p.get("account", "")}
        case "demand_approved":
            return _("Your demand request %(number)s for %(account)s is approved.") % {
                "number": p.get("number", ""),
                "account": p.get("account", ""),
            }
        case "demand_rejected":
            return _("%(by)s rejected your demand request %(number)s: %(comment)s") % {
                "by": p.get("by", ""),
                "number": p.get("number", ""),
                "comment": p.get("comment", ""),
            }
        case "outbound_to_ship":
            if p.get("red"):
                return _(
                    "Red outbound order %(number)s: receive the goods of %(account)s back "
                    "into %(warehouse)s."
                ) % {
                    "number": p.get("number", ""),
                    "account": p.get("account", ""),
                    "warehouse": p.get("warehouse", ""),
                }
            return _("Outbound order %(number)s for %(account)s: pick it from %(warehouse)s.") % {
                "number": p.get("number", ""),
                "account": p.get("account", ""),
                "warehouse": p.get("warehouse", ""),
            }
        case "goods_shipped":
            if p.get("done"):
                return _("Outbound order %(number)s for %(account)s has shipped in full.") % {
                    "number": p.get("number", ""),
                    "account": p.get("account", ""),
                }
            return _("Part of outbound order %(number)s for %(account)s has shipped.") % {
                "number": p.get("number", ""),
                "account": p.get("account", ""),
            }
        case "return_to_issue":
            return _(
                "Return %(number)s of %(account)s is approved: issue its red outbound order."
            ) % {"number": p.get("number", ""), "account": p.get("account", "")}
        case "return_approved":
            return _("Your return %(number)s for %(account)s is approved.") % {
                "number": p.get("number", ""),
                "account": p.get("account", ""),
            }
        case "return_rejected":
            if p.get("refused"):
                return _(
                    "%(by)s found the goods of return %(number)s not genuine: the return is "
                    "refused. %(comment)s"
                ) % {
                    "by": p.get("by", ""),
                    "number": p.get("number", ""),
                    "comment": p.get("comment", ""),
                }
            return _("%(by)s rejected your return %(number)s: %(comment)s") % {
                "by": p.get("by", ""),
                "number": p.get("number", ""),
                "comment": p.get("comment", ""),
            }
        # invoices, collection, handovers, notices and statements
        case (
            "invoice_to_issue"
            | "invoice_request_rejected"
            | "invoice_issued"
            | "collection_confirmed"
            | "collection_rejected"
            | "collection_received"
            | "handover_to_sign"
            | "collection_notice"
            | "statement_disputed"
            | "statement_agreed"
            | "unpaid_report_checked"
        ):
            return receivables_text(notification.kind, p)
    if notification.kind in KIND_TEXTS:
        return KIND_TEXTS[notification.kind](notification.kind, p)
    return notification.kind


def explain_rule(rule: str) -> str:
    return {
        "owner": _("Your customer (active claim)."),
        "named": _("The customer asked for you."),
        "referral": _("Referred by your customer."),
        "rotation": _("Your turn in the rotation."),
        "manager": _("Assigned by the manager."),
    }.get(rule, "")


def visit_plan_text(kind: str, params: dict) -> str:
    """R-9.6: a plan submitted (to the manager), confirmed or changed by the manager (to the
    salesperson); the week named by its first day."""
    try:
        week = date_format(
            datetime.date.fromisoformat(str(params.get("week", ""))),
            pgettext("the first day of a visit plan's week", "F j"),
        )
    except ValueError:
        week = ""
    values = {
        "week": week,
        "salesperson": params.get("salesperson", ""),
        "manager": params.get("manager", ""),
    }
    if kind == "visit_plan_submitted" and params.get("late"):
        return _("%(salesperson)s submitted the visit plan of the week of %(week)s, late.") % values
    if kind == "visit_plan_submitted":
        return (
            _("%(salesperson)s submitted the visit plan of the week of %(week)s: review it.")
            % values
        )
    if kind == "visit_plan_confirmed":
        return _("%(manager)s confirmed your visit plan of the week of %(week)s.") % values
    return _("%(manager)s changed your visit plan of the week of %(week)s.") % values


def receivables_text(kind: str, p: dict) -> str:
    """R-14, R-15: each to the person of the next step and back to the salesperson."""
    from receivables.choices import PaymentMethod  # the app that sends these builds on this one

    values = {
        k: p.get(k, "")
        for k in (
            "number",
            "account",
            "amount",
            "by",
            "comment",
            "invoice",
            "due",
            "kind",
            "count",
            "period",
            "total",
        )
    }
    if values["kind"] in PaymentMethod.values:  # stored as its code, said in the reader's words
        values["kind"] = PaymentMethod(values["kind"]).label
    texts = {
        "invoice_to_issue": _(
            "Invoice request %(number)s of %(account)s (%(amount)s yuan) is approved: issue "
            "the invoice."
        ),
        "invoice_request_rejected": _(
            "%(by)s rejected your invoice request %(number)s: %(comment)s"
        ),
        "invoice_issued": _(
            "Invoice %(invoice)s for %(account)s (%(amount)s yuan) is issued, due %(due)s: "
            "have the customer sign for it."
        ),
        "collection_confirmed": _(
            "Your collection request %(number)s for %(account)s is confirmed: tell the customer."
        ),
        "collection_rejected": _("%(by)s rejected your collection request %(number)s: %(comment)s"),
        "collection_received": _(
            "Finance recorded %(amount)s yuan from %(account)s against your collection request "
            "%(number)s."
        ),
        "handover_to_sign": _(
            "%(by)s received a %(kind)s of %(amount)s yuan from %(account)s: sign for it today."
        ),
        "collection_notice": _(
            "Collection notice for %(account)s: %(total)s yuan overdue on %(count)s invoices. "
            "Sign for it and chase the payment."
        ),
        "statement_disputed": _(
            "%(account)s disputed its statement of account for %(period)s: resolve the differences."
        ),
        "statement_agreed": _("%(account)s signed back its statement of account for %(period)s."),
        "unpaid_report_checked": _("Finance checked your unpaid report of %(period)s."),
    }
    return texts[kind] % values
