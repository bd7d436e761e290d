"""Bad input everywhere, page side (issue 7): every form of the pages, submitted by a user
allowed to submit it, with Hypothesis-generated input: text with control characters, huge
strings, any unicode, SQL- and HTML-looking strings, numbers out of range, impossible dates,
missing fields, several values where one is expected, wrong types. The page never answers
500; it takes the input or shows what is wrong (200, 302, or 4xx with errors on the form), and
a rejected submit (4xx) leaves the affected tables and the object it was about as they were.

The search boxes, period pickers and pagers (GET forms) get the same treatment: never a 500.

And what broke before (issue 13): page numbers past any bigint (an edge of every field),
phones typed in other decimal digits (full-width, Arabic-Indic), a JSON body nested 50,000
deep posted to every form.
"""

import dataclasses
import inspect
import io
import os
from collections.abc import Callable

import openpyxl
import pytest
from django.contrib import messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLResolver, get_resolver, resolve
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from accounts.models import Account, AccountAssignment, Contact, GradeChange
from approvals.models import Approval
from attribution.models import Claim, Dispute, FollowUp, HouseholdLink
from catalog.models import Product, ProductPrice
from contracts.models import ContractLine, ContractRegister, SalesContract
from deals.models import Contract, Hold, Payment, Project, Refund, Subscription, Unit
from leads.models import Customer, SourceChannel
from quotes.models import Enquiry, EnquiryLine, EnquiryQuestion, Quote, QuoteLine
from receivables.models import (
    Allocation,
    CollectionNotice,
    CollectionRequest,
    Handover,
    Invoice,
    InvoiceRequest,
    InvoiceRequestLine,
    LedgerLine,
    Receipt,
    Statement,
    StatementDifference,
    StatementRun,
    UnpaidReport,
    WriteOff,
)
from receivables.models import Refund as ReceivableRefund
from reception.models import Call, DutyState, Referral, Roster, RosterEntry, Visit
from reports.models import DayOff, Fine, Meeting, MeetingProblem, PeriodReport, WorkDiary
from shipping.models import (
    Confirmation,
    ConfirmationLine,
    DemandLine,
    DemandRequest,
    FirstOrderDelay,
    OutboundLine,
    OutboundOrder,
    ReturnLine,
    ReturnRequest,
    Shipment,
    ShipmentLine,
)
from stock.models import StockBalance, StockMove, Warehouse
from tests.contracts.fuzz_fixtures import contract_targets
from tests.quotes.fuzz_fixtures import quote_targets
from tests.receivables.fuzz_fixtures import receivables_targets
from tests.security.fuzz_r16 import r16_forms, r16_targets

# BEGIN r17
from tests.security.fuzz_r17 import r17_forms, r17_targets

# END r17
from tests.shipping.fuzz_fixtures import shipping_targets
from visits.models import DealerStock, PlannedVisit, VisitPlan, VisitRecord

from .fuzz_world import ROLES, build_world, rolled_back

FORM_ROLES = [*ROLES, "clerk"]  # the branch's clerk files contracts
# the branch's salesperson (rep1) and technician: demand requests, returns, inspections
FORM_ROLES += ["rep", "technician"]
# the branch's manager and the executive: after-sales, fees and penalties
FORM_ROLES += ["bmanager", "executive"]
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", 10))  # per form; more for a deeper local run
HYPOTHESIS = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
MISSING = object()

# ---------------------------------------------------------------- bad input

NASTY = [
    "' OR '1'='1",
    "1; DROP TABLE leads_customer; --",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "{{ request.user.password }}",
    "{% debug %}",
    "%s%s%n",
    "../../../../etc/passwd",
    "\x00",
    "a\x00b",
    "\u202e\u200b\ufeff",
    "𝕳𝖊𝖑𝖑𝖔 👪",
    "null",
    "None",
    "true",
    "[]",
    "{}",
    " ",
    "\t\r\n",
]
NUMBERS = [
    "0",
    "-1",
    "-0",
    "1e309",
    "1e30",
    "-1e30",
    "1E+20",
    "NaN",
    "Infinity",
    "-Infinity",
    "0.001",
    "12345678901234567890.12",
    "9" * 40,
    "1,000",
    "１２３",
    "0x1F",
    "²",
    "①",
    "٣",
    "2147483648",
    "9223372036854775808",
    "-9223372036854775809",
]
DATES = [
    "0001-01-01",
    "9999-12-31",
    "0000-00-00",
    "2026-02-30",
    "2026-13-01",
    "2026-11-27T25:61:00",
    "27/11/2026",
    "2026/11/27",
    "2026-W48",
    "99999-01-01",
    "-2026-01-01",
]


# tried on every form whatever the draw: the values that broke pages before (issues 7, 13)
HUGE = "99999999999999999999"
EDGES = [
    "0001-01-01",
    "9999-12-31",
    "a\x00b",
    "1e30",
    "²",
    "/\r\nSet-Cookie: x=1",
    "长" * 5001,
    HUGE,
    "１３８００１３８０００",
]
# phones typed with other decimal digits: full-width, Arabic-Indic, Devanagari (issue 13)
UNICODE_PHONES = ["１３９１２３４５６７８", "١٣٩١٢٣٤٥٦٧٩", "+٨٦ ١٣٩-١٢٣٤-٥٦٨٠", "१३९१२३४५६८१"]


def text() -> st.SearchStrategy[str]:
    huge = st.builds(
        lambda s, n: (s or "长") * n, st.text(max_size=3), st.sampled_from([101, 5001, 100_000])
    )
    control = st.text(st.characters(categories=["Cc", "Cf", "Zl", "Zp"]), min_size=1, max_size=8)
    return st.one_of(st.text(max_size=30), control, huge, st.sampled_from(NASTY))


def number() -> st.SearchStrategy[str]:
    return st.one_of(
        st.integers(min_value=-(10**20), max_value=10**20).map(str),
        st.decimals(allow_nan=True, allow_infinity=True, places=None).map(str),
        st.floats().map(repr),
        st.sampled_from(NUMBERS),
    )


def date() -> st.SearchStrategy[str]:
    return st.one_of(st.dates().map(lambda d: d.isoformat()), st.sampled_from(DATES))


def garbage() -> st.SearchStrategy[str]:
    return st.one_of(text(), number(), date())


def ids(values) -> st.SearchStrategy[str]:
    """A real id (of this office or another) or anything else."""
    return st.one_of(st.sampled_from(values).map(str), number(), text())


def choice(values) -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(values), garbage())


def field(good: st.SearchStrategy) -> st.SearchStrategy:
    """A field: its usual kind of value, garbage, several values, or left out."""
    one = st.one_of(good, garbage())
    return st.one_of(one, one, one, st.just(MISSING), st.lists(one, min_size=2, max_size=3))


# ---------------------------------------------------------------- the forms


@dataclasses.dataclass
class Form:
    name: str
    role: str
    url: Callable[[dict], str]
    fields: Callable[[dict], dict]  # targets -> {name: strategy}
    models: tuple = ()  # tables whose rows a rejected submit must leave alone
    watch: Callable[[dict], tuple] | None = None  # (model, pk) of the object acted on
    method: str = "post"


def _office(t):
    return st.just(str(t["office"]))  # field() adds garbage, lists and leaving it out


def _salespeople(t):
    return ids(t["salespeople"])


def _line_fields(t, price: bool = True) -> dict:
    """Two rows of lines (R-11.3): product, quantity and unit price, and the row buttons."""
    fields = {"rows": number(), "add": choice(["1"]), "remove": number()}
    for i in (0, 1):
        fields[f"line-{i}-product"] = ids(t["quote_products"])
        fields[f"line-{i}-quantity"] = number()
        if price:
            fields[f"line-{i}-unit_price"] = number()
    return fields


def _quote_header(t) -> dict:
    return {
        "account": ids(t["quote_accounts"]),
        "kind": choice(["quote", "bid"]),
        "enquiry": ids([t["enquiry"]]),
    }


def _quote_fields(t) -> dict:
    return {
        "valid_until": date(),
        "delivery_terms": text(),
        "payment_terms": text(),
        "discount_reason": text(),
        "submit": choice(["1"]),
        **_line_fields(t),
    }


def _phone():
    return st.one_of(
        st.from_regex(r"\A1[3-9][0-9]{9}\Z"),
        st.sampled_from(["+86 138-0000-1111", "110", ""]),
        st.sampled_from(UNICODE_PHONES),
    )


def _xlsx() -> st.SearchStrategy:
    """An Excel file with the import's header and a few rows of fuzzed cells, or garbage."""
    cell = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(10**20), max_value=10**20),
        st.floats(allow_nan=True, allow_infinity=False),
        garbage().map(lambda s: "".join(c for c in s if c.isprintable())[:200]),
    )
    header = ["项目", "楼栋", "房号", "楼层", "户型", "面积", "朝向", "表价"]

    def workbook(rows) -> bytes:
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(header)
        for row in rows:
            sheet.append(row)
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()

    good = st.lists(st.lists(cell, min_size=8, max_size=8), min_size=1, max_size=4).map(workbook)
    raw = st.one_of(good, st.binary(max_size=200), st.just(b"PK\x03\x04" + b"\x00" * 40))
    return st.builds(
        lambda content, name: SimpleUploadedFile(name or "x", content),
        raw,
        st.sampled_from(["units.xlsx", "units.xls", "../../x.xlsx", "", "单元.xlsx"]),
    )


def _scan() -> st.SearchStrategy:
    """A contract's scan (R-12.2): a PDF or image header, or anything else, any name."""
    content = st.one_of(
        st.binary(max_size=200),
        st.binary(max_size=100).map(lambda b: b"%PDF-1.4\n" + b),
        st.binary(max_size=100).map(lambda b: b"\xff\xd8\xff" + b),
        st.just(b""),
    )
    name = st.sampled_from(["scan.pdf", "photo.jpg", "../../x.pdf", "", "扫描件.png"])
    return st.builds(lambda c, n: SimpleUploadedFile(n or "x", c), content, name)


def _contract_fields(t) -> dict:
    """A contract's terms and two rows of lines (R-12.1), and the "more rows" button."""
    fields = {
        "kind": choice(["contract", "phone_order"]),
        "delivery_date": date(),
        "delivery_place": text(),
        "advance_percent": number(),
        "payment_basis": choice(["after_invoice", "after_delivery"]),
        "payment_terms_days": number(),
        "invoice_before_delivery": choice(["on"]),
        "lines-TOTAL_FORMS": number(),
        "lines-INITIAL_FORMS": number(),
        "more": choice(["1"]),
    }
    for i in (0, 1):
        fields[f"lines-{i}-product"] = ids(t["contract_products"])
        fields[f"lines-{i}-quantity"] = number()
        fields[f"lines-{i}-unit_price"] = number()
        fields[f"lines-{i}-quote_line"] = number()
    return fields


FORMS = [
    # the front desk: secretary
    Form(
        "reception: visit",
        "secretary",
        lambda t: "/reception/visits/",
        lambda t: {
            "office": _office(t),
            "phone": _phone(),
            "name": text(),
            "party_size": number(),
            "source_channel": ids(list(range(1, 10))),
            "one_household": choice(["on", "true", "false"]),
            "idempotency_key": text(),
            "named_salesperson": _salespeople(t),
            "referrer": ids(t["customers"]),
        },
        (Visit, Customer, Claim),
    ),
    Form(
        "reception: call",
        "secretary",
        lambda t: "/reception/calls/",
        lambda t: {
            "office": _office(t),
            "kind": choice(["customer", "non_customer"]),
            "phone": _phone(),
            "name": text(),
            "caller": text(),
            "content": text(),
            "source_channel": ids(list(range(1, 10))),
        },
        (Call, Customer),
    ),
    Form(
        "reception: referral",
        "secretary",
        lambda t: "/reception/referrals/",
        lambda t: {
            "office": _office(t),
            "phone": _phone(),
            "name": text(),
            "referrer": ids(t["customers"]),
        },
        (Referral, Customer),
    ),
    Form(
        "reception: duty status",
        "secretary",
        lambda t: "/reception/duty-status/",
        lambda t: {
            "office": _office(t),
            "salesperson": _salespeople(t),
            "status": choice(["available", "busy", "away_private", "away_business"]),
            "next": text(),
        },
        (DutyState,),
    ),
    Form(
        "reception: market research",
        "salesperson",
        lambda t: f"/reception/visits/{t['visit_of_sales1']}/research/",
        lambda t: {"step": choice(["flag", "confirm", "approve", "reject"]), "next": text()},
        (Visit,),
        lambda t: (Visit, t["visit_of_sales1"]),
    ),
    Form(
        "reception: on behalf",
        "secretary",
        lambda t: f"/reception/visits/{t['visit']}/on-behalf/",
        lambda t: {"receiver": _salespeople(t), "next": text()},
        (Visit,),
        lambda t: (Visit, t["visit"]),
    ),
    Form(
        "reception: assign",
        "manager",
        lambda t: f"/reception/visits/{t['visit']}/assign/",
        lambda t: {
            f"v{t['visit']}-salesperson": _salespeople(t),
            f"v{t['visit']}-reason": text(),
            "next": text(),
        },
        (Visit, Claim),
        lambda t: (Visit, t["visit"]),
    ),
    Form(
        "reception: roster",
        "manager",
        lambda t: "/reception/roster/",
        lambda t: {
            "office": _office(t),
            "date": date(),
            **{f"pos_{pk}": number() for pk in t["salespeople"]},
        },
        (Roster, RosterEntry),
    ),
    # ownership
    Form(
        "attribution: register",
        "salesperson",
        lambda t: "/attribution/my/register/",
        lambda t: {
            "office": _office(t),
            "phone": _phone(),
            "name": text(),
            "source_channel": ids(list(range(1, 10))),
        },
        (Customer, Claim),
    ),
    Form(
        "attribution: follow-up",
        "salesperson",
        lambda t: f"/attribution/claims/{t['claim']}/followups/",
        lambda t: {
            f"c{t['claim']}-kind": choice(["call", "visit", "message", "meeting"]),
            f"c{t['claim']}-note": text(),
            f"c{t['claim']}-next_step": text(),
            f"c{t['claim']}-customer": ids(t["customers"]),
        },
        (FollowUp,),
        lambda t: (Claim, t["claim"]),
    ),
    Form(
        "attribution: reassign released",
        "manager",
        lambda t: f"/attribution/claims/{t['released_claim']}/reassign/",
        lambda t: {
            f"r{t['released_claim']}-salesperson": _salespeople(t),
            f"r{t['released_claim']}-reason": text(),
        },
        (Claim,),
        lambda t: (Claim, t["released_claim"]),
    ),
    Form(
        "attribution: household link",
        "salesperson",
        lambda t: f"/attribution/customers/{t['customer']}/household/",
        lambda t: {"phone": _phone(), "relation": choice(["spouse", "parent", "child"])},
        (HouseholdLink, Dispute),
    ),
    Form(
        "attribution: open dispute",
        "salesperson",
        lambda t: f"/attribution/customers/{t['customer']}/disputes/",
        lambda t: {"reason": text()},
        (Dispute,),
    ),
    Form(
        "attribution: rule dispute",
        "manager",
        lambda t: f"/attribution/disputes/{t['dispute']}/rule/",
        lambda t: {
            "decision": choice(["keep", "move"]),
            "new_owner": _salespeople(t),
            "reason": text(),
        },
        (Claim,),
        lambda t: (Dispute, t["dispute"]),
    ),
    # units, holds, deposits
    Form(
        "deals: hold",
        "salesperson",
        lambda t: f"/deals/units/{t['unit_available']}/hold/",
        lambda t: {"hold-customer": ids(t["customers"]), "hold-fee": number()},
        (Hold, Refund),
        lambda t: (Unit, t["unit_available"]),
    ),
    Form(
        "deals: subscribe",
        "salesperson",
        lambda t: f"/deals/units/{t['unit_available']}/subscribe/",
        lambda t: {"sub-customer": ids(t["customers"]), "sub-deposit": number()},
        (Subscription, Hold),
        lambda t: (Unit, t["unit_available"]),
    ),
    Form(
        "deals: convert hold",
        "salesperson",
        lambda t: f"/deals/units/{t['unit_held']}/convert/",
        lambda t: {"conv-deposit": number()},
        (Subscription,),
        lambda t: (Unit, t["unit_held"]),
    ),
    Form(
        "deals: withdraw",
        "manager",
        lambda t: f"/deals/units/{t['unit_subscribed']}/withdraw/",
        lambda t: {"wd-confirm": choice(["on", "true", "1"])},
        (Refund,),
        lambda t: (Unit, t["unit_subscribed"]),
    ),
    Form(
        "deals: import units",
        "manager",
        lambda t: "/deals/import/",
        lambda t: {"office": _office(t), "file": st.one_of(_xlsx(), text())},
        (Unit, Project),
    ),
    Form(
        "deals: release hold",
        "salesperson",
        lambda t: f"/deals/units/{t['unit_held']}/release/",
        lambda t: {"hold": text()},  # takes nothing: whatever comes is ignored
        (Hold, Refund),
        lambda t: (Unit, t["unit_held"]),
    ),
    Form(
        "notifications: mark all read",
        "salesperson",
        lambda t: "/notifications/read/",
        lambda t: {"ids": number()},
    ),
    # finance
    Form(
        "finance: refund paid",
        "finance",
        lambda t: f"/finance/refunds/{t['refund']}/pay/",
        lambda t: {"next": text()},
        (Refund,),
    ),
    Form(
        "finance: payment",
        "finance",
        lambda t: f"/finance/contracts/{t['contract']}/payments/",
        lambda t: {"amount": number(), "instalment": ids(t["instalments"]), "next": text()},
        (Payment,),
        lambda t: (Contract, t["contract"]),
    ),
    # reports
    Form(
        "reports: diary",
        "salesperson",
        lambda t: "/reports/diary/",
        lambda t: {"office": _office(t), "date": date(), "feedback": text(), "problems": text()},
        (WorkDiary,),
        lambda t: (WorkDiary, t["diary"]),
    ),
    Form(
        "reports: diary reply",
        "manager",
        lambda t: f"/reports/diaries/{t['diary']}/reply/",
        lambda t: {f"d{t['diary']}-manager_reply": text()},
        (WorkDiary,),
        lambda t: (WorkDiary, t["diary"]),
    ),
    Form(
        "reports: waive fine",
        "manager",
        lambda t: f"/reports/fines/{t['fine']}/waive/",
        lambda t: {f"f{t['fine']}-reason": text()},
        (Fine,),
        lambda t: (Fine, t["fine"]),
    ),
    Form(
        "reports: days off",
        "manager",
        lambda t: "/reports/days-off/",
        lambda t: {
            "office": _office(t),
            "month": st.one_of(st.from_regex(r"\A\d{4}-\d{2}\Z"), garbage()),
            **{
                f"c{pk}_2026{day:04d}": choice(["", "leave", "rest"])
                for pk in t["salespeople"][:2]
                for day in (1101, 1115, 1130)
            },
        },
        (DayOff,),
    ),
    Form(
        "reports: minutes",
        "secretary",
        lambda t: "/reports/meeting/minutes/",
        lambda t: {"office": _office(t), "date": date(), "minutes": text()},
        (Meeting,),
    ),
    Form(
        "reports: meeting problem",
        "secretary",
        lambda t: "/reports/meeting/problems/",
        lambda t: {
            "office": _office(t),
            "date": date(),
            "text": text(),
            "raised_by": _salespeople(t),
            "escalate": choice(["on", "1"]),
        },
        (MeetingProblem, Meeting),
    ),
    Form(
        "reports: escalate problem",
        "secretary",
        lambda t: f"/reports/meeting/problems/{t['problem_open']}/escalate/",
        lambda t: {"next": text()},
        (MeetingProblem,),
    ),
    Form(
        "reports: close escalation",
        "director",
        lambda t: f"/reports/escalations/{t['problem_escalated']}/close/",
        lambda t: {f"p{t['problem_escalated']}-resolution": text()},
        (MeetingProblem,),
        lambda t: (MeetingProblem, t["problem_escalated"]),
    ),
    Form(
        "reports: my report",
        "salesperson",
        lambda t: "/reports/my-report/",
        lambda t: {
            "office": _office(t),
            "kind": choice(["weekly", "monthly", "team_weekly"]),
            "date": date(),
            "summary": text(),
            "problems": text(),
            "plan": text(),
        },
        (PeriodReport,),
    ),
    Form(
        "reports: team report",
        "manager",
        lambda t: "/reports/team-report/",
        lambda t: {
            "office": _office(t),
            "date": date(),
            "summary": text(),
            "problems": text(),
            "plan": text(),
        },
        (PeriodReport,),
    ),
    # weekly visit plans: targets from plan_targets below
    Form(
        "visits: plan a visit",
        "salesperson",
        lambda t: "/visits/plan/lines/",
        lambda t: {
            "office": _office(t),
            "account": ids(t["plan_accounts"]),
            "day": date(),
            "purpose": text(),
        },
        (VisitPlan, PlannedVisit),
    ),
    Form(
        "visits: the manager adds a visit",
        "manager",
        lambda t: f"/visits/plans/{t['plan_submitted']}/lines/",
        lambda t: {"account": ids(t["plan_accounts"]), "day": date(), "purpose": text()},
        (PlannedVisit,),
        lambda t: (VisitPlan, t["plan_submitted"]),
    ),
    Form(
        "visits: change a planned visit",
        "salesperson",
        lambda t: f"/visits/plan-lines/{t['plan_line']}/",
        lambda t: {f"l{t['plan_line']}-day": date(), f"l{t['plan_line']}-purpose": text()},
        (PlannedVisit,),
        lambda t: (PlannedVisit, t["plan_line"]),
    ),
    Form(
        "visits: remove a planned visit",
        "salesperson",
        lambda t: f"/visits/plan-lines/{t['plan_line']}/remove/",
        lambda t: {"next": text()},
        (PlannedVisit,),
    ),
    Form(
        "visits: submit a plan",
        "salesperson",
        lambda t: f"/visits/plans/{t['plan_draft']}/submit/",
        lambda t: {"next": text(), "late": choice(["0", "false"])},
        (VisitPlan,),
        lambda t: (VisitPlan, t["plan_draft"]),
    ),
    Form(
        "visits: confirm a plan",
        "manager",
        lambda t: f"/visits/plans/{t['plan_submitted']}/confirm/",
        lambda t: {"next": text()},
        (VisitPlan,),
        lambda t: (VisitPlan, t["plan_submitted"]),
    ),
    Form(
        "visits: what became of a planned visit",
        "salesperson",
        lambda t: f"/visits/plan-lines/{t['plan_current_line']}/outcome/",
        lambda t: {
            f"o{t['plan_current_line']}-outcome": choice(["missed", "replaced", "done"]),
            f"o{t['plan_current_line']}-reason": text(),
        },
        (PlannedVisit,),
        lambda t: (PlannedVisit, t["plan_current_line"]),
    ),
    # visit records (R-9.7): targets from record_targets below (sales1's dealer and customer,
    # a colleague's account and another office's, refused)
    Form(
        "visits: log a visit",
        "salesperson",
        lambda t: "/visits/new/",
        lambda t: {
            "account": ids(t["record_accounts"]),
            "next": text(),
            "date": date(),
            "kind": choice(["first", "return", "call"]),
            "contact": ids(t["record_contacts"]),
            "quality_feedback": text(),
            "demand": text(),
            "new_products": text(),
            "stock-TOTAL_FORMS": number(),
            "stock-INITIAL_FORMS": number(),
            "stock-0-product": ids(t["products"]),
            "stock-0-quantity": number(),
            "stock-0-note": text(),
            "stock-1-product": ids(t["products"]),
            "stock-1-quantity": number(),
        },
        (VisitRecord, DealerStock, PlannedVisit),
    ),
    # accounts and deciding from the inbox: targets from account_targets
    *[
        Form(
            f"accounts: edit ({role})",
            role,
            lambda t: f"/accounts/{t['account']}/edit/",
            lambda t: {
                "name": text(),
                "kind": choice(["customer", "dealer", "government"]),
                "address": text(),
                "payment_habits": text(),
                "deputy": _salespeople(t),
                "credit_limit": number(),
                "last_credit_review": date(),
                "resubmit": choice(["1"]),
                "contacts-TOTAL_FORMS": number(),
                "contacts-INITIAL_FORMS": number(),
                "contacts-0-id": ids(t["contacts"]),
                "contacts-0-name": text(),
                "contacts-0-phone": _phone(),
                "contacts-0-email": text(),
                "contacts-0-primary": choice(["on"]),
                "contacts-0-DELETE": choice(["on"]),
                "contacts-1-name": text(),
                "contacts-1-primary": choice(["on"]),
            },
            (Account, Contact, AccountAssignment),
            lambda t: (Account, t["account"]),
        )
        for role in ("salesperson", "manager")
    ],
    *[
        Form(
            f"accounts: grade ({role})",
            role,
            lambda t: f"/accounts/{t['account']}/grade/",
            lambda t: {"grade": choice(["A", "B", "C"]), "reason": text()},
            (Account, GradeChange),
            lambda t: (Account, t["account"]),
        )
        for role in ("salesperson", "manager")
    ],
    Form(
        "accounts: new",
        "salesperson",
        lambda t: "/accounts/new/",
        lambda t: {
            "office": _office(t),
            "name": text(),
            "credit_code": choice(["91350100000000019X", "91110000000000011A"]),
            "kind": choice(["customer", "dealer", "government"]),
            "region": text(),
            "credit_limit": number(),
        },
        (Account,),
    ),
    Form(
        "accounts: send again",
        "salesperson",
        lambda t: f"/accounts/{t['account_rejected']}/submit/",
        lambda t: {"next": text()},
        (Account, GradeChange),
        lambda t: (Account, t["account_rejected"]),
    ),
    Form(
        "accounts: reassign",
        "manager",
        lambda t: f"/accounts/{t['account']}/reassign/",
        lambda t: {
            "office": _office(t),
            "filter": _salespeople(t),
            f"a{t['account']}-owner": _salespeople(t),
            f"a{t['account']}-deputy": _salespeople(t),
            f"a{t['account']}-reason": text(),
        },
        (Account, AccountAssignment),
        lambda t: (Account, t["account"]),
    ),
    Form(
        "accounts: credit reviewed",
        "manager",
        lambda t: f"/accounts/{t['account']}/credit-reviewed/",
        lambda t: {"back": choice(["card", "list"])},
        (Account,),
        lambda t: (Account, t["account"]),
    ),
    Form(
        "approvals: decide",
        "manager",
        lambda t: f"/approvals/{t['account_step']}/decide/",
        lambda t: {"decision": choice(["approve", "reject"]), "comment": text()},
        (Account,),
        lambda t: (Approval, t["account_step"]),
    ),
    # enquiries and quotes: targets from tests/quotes/fuzz_fixtures.py
    *[
        Form(
            f"quotes: {what}",
            "salesperson",
            url,
            lambda t, new=new: {**(_quote_header(t) if new else {}), **_quote_fields(t)},
            (Quote, QuoteLine),
            None if new else (lambda t: (Quote, t["quote_draft"])),
        )
        for what, url, new in (
            ("new", lambda t: "/quotes/new/", True),
            ("preview", lambda t: "/quotes/preview/", True),
            ("edit", lambda t: f"/quotes/{t['quote_draft']}/edit/", False),
            ("edit preview", lambda t: f"/quotes/{t['quote_draft']}/preview/", False),
        )
    ],
    Form(
        "quotes: submit",
        "salesperson",
        lambda t: f"/quotes/{t['quote_draft']}/submit/",
        lambda t: {"next": text()},
        (Quote,),
        lambda t: (Quote, t["quote_draft"]),
    ),
    Form(
        "quotes: outcome",
        "salesperson",
        lambda t: f"/quotes/{t['quote_approved']}/outcome/",
        lambda t: {
            "result": choice(["won", "lost", "expired"]),
            "competitor": text(),
            "competitor_price": number(),
        },
        (Quote,),
        lambda t: (Quote, t["quote_approved"]),
    ),
    Form(
        "quotes: log an enquiry",
        "salesperson",
        lambda t: "/quotes/enquiries/new/",
        lambda t: {
            "account": ids(t["quote_accounts"]),
            "kind": choice(["enquiry", "tender"]),
            "source": text(),
            "received_on": date(),
            "deadline": date(),
            "estimated_amount": number(),
            "description": text(),
            **_line_fields(t, price=False),
            "submit": choice(["1"]),
        },
        (Enquiry, EnquiryLine),
    ),
    Form(
        "quotes: ask for the bid decision",
        "salesperson",
        lambda t: f"/quotes/enquiries/{t['enquiry']}/submit/",
        lambda t: {"next": text()},
        (Enquiry,),
        lambda t: (Enquiry, t["enquiry"]),
    ),
    Form(
        "quotes: ask a question",
        "salesperson",
        lambda t: f"/quotes/enquiries/{t['enquiry']}/ask/",
        lambda t: {"to": choice(["technician", "purchasing"]), "question": text()},
        (EnquiryQuestion,),
    ),
    # the answer is the technician's or purchasing's: the manager's is refused, whatever sent
    Form(
        "quotes: answer",
        "manager",
        lambda t: f"/quotes/questions/{t['question']}/answer/",
        lambda t: {"answer": text(), "back": choice(["enquiry"])},
        (EnquiryQuestion,),
        lambda t: (EnquiryQuestion, t["question"]),
    ),
    # products: the manager; stock: the branch's warehouse keeper
    Form(
        "catalog: new product",
        "manager",
        lambda t: "/products/new/",
        lambda t: {
            "code": text(),
            "name": text(),
            "specification": text(),
            "unit": text(),
            "tax_rate": number(),
            "list_price": number(),
            "floor_price": number(),
            "cost": number(),
            "effective_from": date(),
        },
        (Product, ProductPrice),
    ),
    Form(
        "catalog: new price",
        "manager",
        lambda t: f"/products/{t['product']}/",
        lambda t: {
            "effective_from": date(),
            "list_price": number(),
            "floor_price": number(),
            "cost": number(),
        },
        (ProductPrice,),
        lambda t: (Product, t["product"]),
    ),
    Form(
        "catalog: stop selling",
        "manager",
        lambda t: f"/products/{t['product']}/deactivate/",
        lambda t: {"active": text()},  # takes nothing: whatever comes is ignored
        (Product,),
    ),
    Form(
        "catalog: sell again",
        "manager",
        lambda t: f"/products/{t['product_inactive']}/reactivate/",
        lambda t: {"active": text()},
        (Product,),
    ),
    Form(
        "stock: receive goods",
        "warehouse",
        lambda t: "/stock/receive/",
        lambda t: {
            "office": st.just(str(t["branch"])),
            "warehouse": ids(t["warehouses"]),
            "product": ids(t["products"]),
            "quantity": number(),
            "supplier": text(),
            "reference": text(),
        },
        (StockMove, StockBalance),
    ),
    Form(
        "stock: adjust",
        "warehouse",
        lambda t: "/stock/adjust/",
        lambda t: {
            "office": st.just(str(t["branch"])),
            "warehouse": ids(t["warehouses"]),
            "product": ids(t["products"]),
            "quantity": number(),
            "reason": text(),
        },
        (StockMove, StockBalance),
    ),
    Form(
        "stock: new warehouse",
        "warehouse",
        lambda t: "/stock/warehouses/new/",
        lambda t: {
            "office": st.just(str(t["branch"])),
            "code": text(),
            "name": text(),
            "keeper": ids(t["keepers"]),
        },
        (Warehouse,),
    ),
    Form(
        "stock: import products and opening stock",
        "manager",
        lambda t: "/stock/import/",
        lambda t: {"office": _office(t), "file": st.one_of(_xlsx(), text())},
        (Product, ProductPrice, StockMove),
    ),
    # sales contracts: targets from tests/contracts/fuzz_fixtures.py
    Form(
        "contracts: new",
        "salesperson",
        lambda t: "/contracts/new/",
        lambda t: {
            "account": ids(t["contract_accounts"]),
            "quote": number(),
            **_contract_fields(t),
        },
        (SalesContract, ContractLine),
    ),
    Form(
        "contracts: edit",
        "salesperson",
        lambda t: f"/contracts/{t['contract_draft']}/edit/",
        lambda t: {"account": ids(t["contract_accounts"]), **_contract_fields(t)},
        (SalesContract, ContractLine),
        lambda t: (SalesContract, t["contract_draft"]),
    ),
    Form(
        "contracts: submit",
        "salesperson",
        lambda t: f"/contracts/{t['contract_draft']}/submit/",
        lambda t: {"next": text(), "status": text()},
        (SalesContract, Approval),
        lambda t: (SalesContract, t["contract_draft"]),
    ),
    *[
        Form(
            f"contracts: {what}",
            "manager",
            url,
            lambda t: {"reason": text(), "status": text()},
            (SalesContract, ContractLine),
            watch,
        )
        for what, url, watch in (
            (
                "cancel",
                lambda t: f"/contracts/{t['contract_signed']}/cancel/",
                lambda t: (SalesContract, t["contract_signed"]),
            ),
            (
                "fulfil",
                lambda t: f"/contracts/{t['contract_signed']}/fulfil/",
                lambda t: (SalesContract, t["contract_signed"]),
            ),
            (
                "close",
                lambda t: f"/contracts/{t['contract_fulfilled']}/close/",
                lambda t: (SalesContract, t["contract_fulfilled"]),
            ),
        )
    ],
    Form(
        "contracts: file",
        "clerk",
        lambda t: f"/contracts/{t['contract_to_file']}/file/",
        lambda t: {
            "office": st.just(str(t["branch_office"])),
            "scan": st.one_of(_scan(), text()),
            "back": choice(["detail"]),
        },
        (SalesContract,),
        lambda t: (SalesContract, t["contract_to_file"]),
    ),
    Form(
        "contracts: close the register",
        "clerk",
        lambda t: "/contracts/register/close/",
        lambda t: {"office": st.just(str(t["branch_office"])), "month": garbage()},
        (ContractRegister,),
    ),
    # shipping and returns: targets from tests/shipping/fuzz_fixtures.py, in the demo's
    # branch (workspace.demo_shipping)
    Form(
        "shipping: new demand request",
        "rep",
        lambda t: "/shipping/requests/new/",
        lambda t: {
            "contract": st.one_of(st.just(str(t["shipping_fresh"])), ids(t["shipping_contracts"])),
            **{f"q-{pk}": number() for pk in t["shipping_fresh_lines"]},
            "note": text(),
            "submit": choice(["1"]),
        },
        (DemandRequest, DemandLine, Approval),
    ),
    *[
        Form(
            f"shipping: {what} the demand request",
            "rep",
            (lambda a: lambda t: f"/shipping/requests/{t['request_draft']}/{a}/")(action),
            lambda t: {"status": text(), "next": text()},
            (DemandRequest, Approval),
            lambda t: (DemandRequest, t["request_draft"]),
        )
        for what, action in (("submit", "submit"), ("withdraw", "cancel"))
    ],
    Form(
        "shipping: issue the outbound order",
        "clerk",
        lambda t: f"/shipping/requests/{t['request_approved']}/issue/",
        lambda t: {"warehouse": ids(t["branch_warehouses"]), "note": text()},
        (OutboundOrder, OutboundLine),
        lambda t: (DemandRequest, t["request_approved"]),
    ),
    Form(
        "shipping: ship",
        "warehouse",
        lambda t: f"/shipping/orders/{t['order_partial']}/ship/",
        lambda t: {f"q-{pk}": number() for pk in t["order_lines"][t["order_partial"]]},
        (Shipment, ShipmentLine, OutboundLine, StockMove, StockBalance),
        lambda t: (OutboundOrder, t["order_partial"]),
    ),
    Form(
        "shipping: the customer's confirmation",
        "clerk",
        lambda t: f"/shipping/orders/{t['order_done']}/confirm/",
        lambda t: {
            **{f"q-{pk}": number() for pk in t["order_lines"][t["order_done"]]},
            "signed_by": text(),
            "signed_on": date(),
            "note": text(),
            "photo": st.one_of(_scan(), text()),
            "scan": st.one_of(_scan(), text()),
        },
        (Confirmation, ConfirmationLine),
        lambda t: (OutboundOrder, t["order_done"]),
    ),
    Form(
        "shipping: the scan of a confirmation",
        "clerk",
        lambda t: f"/shipping/confirmations/{t['confirmation_unscanned']}/attach/",
        lambda t: {"scan": st.one_of(_scan(), text())},
        (Confirmation,),
        lambda t: (Confirmation, t["confirmation_unscanned"]),
    ),
    Form(
        "shipping: why the first order is late",
        "clerk",
        lambda t: f"/shipping/late/{t['shipping_waiting']}/reason/",
        lambda t: {
            f"c{t['shipping_waiting']}-reason": text(),
            "office": st.just(str(t["branch_office"])),
        },
        (FirstOrderDelay,),
    ),
    Form(
        "shipping: new return",
        "rep",
        lambda t: "/shipping/returns/new/",
        lambda t: {
            "contract": ids(t["shipping_contracts"]),
            "kind": choice(["return", "exchange"]),
            "reason": text(),
            "lines-TOTAL_FORMS": number(),
            "lines-INITIAL_FORMS": number(),
            "lines-0-contract_line": ids(t["shipping_shipped_lines"]),
            "lines-0-specification": text(),
            "lines-0-quantity": number(),
        },
        (ReturnRequest, ReturnLine),
    ),
    *[
        Form(
            f"shipping: {action} the return",
            "rep",
            (lambda a: lambda t: f"/shipping/returns/{t['return_draft']}/{a}/")(action),
            lambda t: {"reason": text(), "status": text()},
            (ReturnRequest, ReturnLine, Approval),
            lambda t: (ReturnRequest, t["return_draft"]),
        )
        for action in ("submit", "cancel", "certificate")
    ],
    Form(
        "shipping: inspect the returned goods",
        "technician",
        lambda t: f"/shipping/returns/{t['return_inspection']}/inspect/",
        lambda t: {"genuine": choice(["yes", "no"]), "note": text()},
        (ReturnRequest, Approval),
        lambda t: (ReturnRequest, t["return_inspection"]),
    ),
    Form(
        "shipping: the red outbound order",
        "clerk",
        lambda t: f"/shipping/returns/{t['return_approved']}/red-order/",
        lambda t: {"warehouse": ids(t["branch_warehouses"])},
        (OutboundOrder, OutboundLine),
        lambda t: (ReturnRequest, t["return_approved"]),
    ),
    # the two forms anyone may post
    Form(
        "login",
        "anonymous",
        lambda t: "/accounts/login/",
        lambda t: {"username": st.sampled_from(["manager", "sales1"]), "password": text()},
    ),
    Form(
        "language",
        "anonymous",
        lambda t: "/i18n/setlang/",
        lambda t: {"language": choice(["zh-hans", "en"]), "next": text()},
    ),
    # search boxes and period pickers: read only
    *[
        Form(f"GET {path}", role, (lambda p: lambda t: p)(path), params, method="get")
        for path, role, params in [
            ("/offices/", "manager", lambda t: {"q": text()}),
            ("/reception/lookup/", "secretary", lambda t: {"office": _office(t), "q": text()}),
            (
                "/reception/referrer-options/",
                "secretary",
                lambda t: {"referrer_q": text(), "field": text()},
            ),
            ("/reception/roster/", "manager", lambda t: {"date": date()}),
            ("/deals/customers/", "salesperson", lambda t: {"q": text(), "field": text()}),
            ("/deals/export/", "manager", lambda t: {"project": number()}),
            ("/reception/lookup/", "secretary", lambda t: {"phone": text()}),
            ("/reception/board/", "secretary", lambda t: {"office": garbage()}),
            ("/notifications/badge/", "salesperson", lambda t: {"seen": text()}),
            (
                "/deals/board/",
                "salesperson",
                lambda t: {"office": _office(t), "project": text(), "status": text()},
            ),
            (
                "/attribution/claims/",
                "manager",
                lambda t: {
                    "owner": _salespeople(t),
                    "status": choice(["active", "released", "deal", "merged", "all"]),
                    "ending": number(),
                    "tab": text(),
                    "page": number(),
                },
            ),
            (
                "/attribution/my/",
                "salesperson",
                lambda t: {"tab": choice(["active", "deal", "released"]), "page": number()},
            ),
            ("/finance/", "finance", lambda t: {"date": date()}),
            ("/contracts/", "finance", lambda t: {"status": text()}),
            ("/contracts/new/", "salesperson", lambda t: {"quote": garbage()}),
            (
                "/contracts/register/",
                "manager",
                lambda t: {"office": _office(t), "month": garbage(), "format": choice(["xlsx"])},
            ),
            ("/contracts/register/pdf/", "manager", lambda t: {"month": garbage()}),
            ("/contracts/filing/", "manager", lambda t: {"office": garbage()}),
            ("/contracts/pipeline/branch/", "manager", lambda t: {"office": garbage()}),
            # shipping and returns: the lists and the pickers
            *[
                (path, "clerk", lambda t: {"status": text(), "contract": garbage()})
                for path in ("/shipping/requests/", "/shipping/orders/")
            ],
            ("/shipping/requests/new/", "clerk", lambda t: {"contract": garbage()}),
            ("/shipping/returns/", "rep", lambda t: {"status": text(), "kind": text()}),
            ("/shipping/returns/new/", "rep", lambda t: {"contract": garbage()}),
            ("/shipping/queue/", "warehouse", lambda t: {"office": garbage()}),
            *[
                (path, "clerk", lambda t: {"office": garbage()})
                for path in ("/shipping/late/", "/shipping/backorders/", "/shipping/unconfirmed/")
            ],
            (
                "/visits/",
                "manager",
                lambda t: {
                    "account": ids(t["record_accounts"]),
                    "salesperson": _salespeople(t),
                    "from": date(),
                    "to": date(),
                    "page": number(),
                },
            ),
            ("/visits/new/", "salesperson", lambda t: {"account": text(), "next": text()}),
            ("/accounts/overdue/", "manager", lambda t: {"office": _office(t)}),
            ("/accounts/", "salesperson", lambda t: {"scope": choice(["mine", "branch"])}),
            (
                "/accounts/assignment/",
                "manager",
                lambda t: {"office": _office(t), "salesperson": _salespeople(t), "page": number()},
            ),
            ("/reports/diary/", "salesperson", lambda t: {"date": date()}),
            ("/reports/diaries/", "manager", lambda t: {"date": date()}),
            ("/reports/fines/", "manager", lambda t: {"month": garbage()}),
            ("/reports/days-off/", "manager", lambda t: {"month": garbage()}),
            ("/reports/meeting/", "secretary", lambda t: {"date": date()}),
            (
                "/reports/my-report/",
                "salesperson",
                lambda t: {"kind": choice(["weekly", "monthly"]), "date": date()},
            ),
            ("/reports/team-report/", "manager", lambda t: {"date": date()}),
            (
                "/visits/plan/",
                "salesperson",
                lambda t: {"office": _office(t), "week": choice(["this", "next"])},
            ),
            ("/visits/plans/", "manager", lambda t: {"week": choice(["this", "next"])}),
            ("/visits/plan/status/", "salesperson", lambda t: {"office": garbage()}),
            *[
                (
                    path,
                    "manager",
                    lambda t: {
                        "period": choice(["day", "week", "month", "range"]),
                        "date": date(),
                        "start": date(),
                        "end": date(),
                        "format": choice(["xlsx", "pdf", "csv"]),
                    },
                )
                for path in (
                    "/reports/team/",
                    "/reports/front-desk/",
                    "/reports/channels/",
                    "/reports/dashboard/",
                )
            ],
        ]
    ],
]


# ---------------------------------------------------------------- invoicing and receivables

RV = "/receivables"


def _rv_receipt_fields(t) -> dict:
    return {
        "office": st.just(str(t["rv_branch"])),
        "account": ids(t["rv_accounts"]),
        "amount": number(),
        "method": choice(["transfer", "cheque", "acceptance_bill", "bank_draft", "cash"]),
        "date": date(),
        "reference": text(),
        "note": text(),
        "mode": choice(["oldest", "chosen", "keep"]),
        "collection_request": number(),
        "handover": number(),
        **{f"alloc-{pk}": number() for pk in t["rv_invoices"][:3]},
    }


def _rv_post(what, role, url, fields, models, watch=None) -> Form:
    return Form(f"receivables: {what}", role, url, fields, models, watch)


# targets from tests/receivables/fuzz_fixtures.py, in the demo's branch
RECEIVABLES_FORMS = [
    _rv_post(
        "new invoice request",
        "rep",
        lambda t: f"{RV}/requests/new/",
        lambda t: {
            "contract": st.one_of(st.just(str(t["rv_contract"])), number()),
            "invoice_type": choice(["ordinary", "vat_special"]),
            "buyer_name": text(),
            "buyer_tax_number": text(),
            "buyer_address_phone": text(),
            "buyer_bank_account": text(),
            "amount": number(),
            "note": text(),
            "submit": choice(["1"]),
        },
        (InvoiceRequest, InvoiceRequestLine, Approval),
    ),
    *[
        _rv_post(
            f"{action} the invoice request",
            "rep",
            (lambda a: lambda t: f"{RV}/requests/{t['rv_request_draft']}/{a}/")(action),
            lambda t: {"status": text(), "next": text()},
            (InvoiceRequest, Approval),
            lambda t: (InvoiceRequest, t["rv_request_draft"]),
        )
        for action in ("submit", "cancel")
    ],
    _rv_post(
        "issue the invoice",
        "finance",
        lambda t: f"{RV}/requests/{t['rv_request_approved']}/issue/",
        lambda t: {"number": text(), "date": date(), "amount": number()},
        (Invoice, LedgerLine, InvoiceRequest),
        lambda t: (InvoiceRequest, t["rv_request_approved"]),
    ),
    _rv_post(
        "the customer's signature",
        "rep",
        lambda t: f"{RV}/invoices/{t['rv_invoice']}/sign/",
        lambda t: {"signed_by": text(), "signed_on": date()},
        (Invoice,),
        lambda t: (Invoice, t["rv_invoice"]),
    ),
    _rv_post(
        "a question on the invoice",
        "rep",
        lambda t: f"{RV}/invoices/{t['rv_invoice']}/query/",
        lambda t: {"question": text()},
        (Invoice,),
        lambda t: (Invoice, t["rv_invoice"]),
    ),
    _rv_post(
        "the answer",
        "finance",
        lambda t: f"{RV}/invoices/{t['rv_invoice']}/answer/",
        lambda t: {"answer": text()},
        (Invoice,),
        lambda t: (Invoice, t["rv_invoice"]),
    ),
    _rv_post(
        "a red-letter invoice",
        "finance",
        lambda t: f"{RV}/invoices/{t['rv_invoice']}/red/",
        lambda t: {
            "amount": number(),
            "number": text(),
            "date": date(),
            "reason": text(),
            "return_request": number(),
            "confirmed": choice(["1"]),
        },
        (Invoice, LedgerLine),
        lambda t: (Invoice, t["rv_invoice"]),
    ),
    _rv_post(
        "propose a write-off",
        "finance",
        lambda t: f"{RV}/write-offs/new/",
        lambda t: {
            "invoice": st.one_of(st.just(str(t["rv_invoice"])), ids(t["rv_invoices"])),
            "amount": number(),
            "reason": text(),
            "submit": choice(["1"]),
        },
        (WriteOff, Approval),
    ),
    *[
        _rv_post(
            f"{action} the write-off",
            "finance",
            (lambda a: lambda t: f"{RV}/write-offs/{t['rv_write_off']}/{a}/")(action),
            lambda t: {"status": text()},
            (WriteOff, Approval),
            lambda t: (WriteOff, t["rv_write_off"]),
        )
        for action in ("submit", "cancel")
    ],
    _rv_post(
        "record a receipt",
        "finance",
        lambda t: f"{RV}/receipts/new/",
        _rv_receipt_fields,
        (Receipt, Allocation, LedgerLine),
    ),
    _rv_post(
        "allocate a receipt",
        "finance",
        lambda t: f"{RV}/receipts/{t['rv_receipt_open']}/allocate/",
        lambda t: {
            "mode": choice(["oldest", "chosen"]),
            **{f"alloc-{pk}": number() for pk in t["rv_invoices"][:3]},
        },
        (Allocation,),
        lambda t: (Receipt, t["rv_receipt_open"]),
    ),
    _rv_post(
        "reverse a receipt",
        "finance",
        lambda t: f"{RV}/receipts/{t['rv_receipt']}/reverse/",
        lambda t: {"reason": text()},
        (Receipt, Allocation, LedgerLine),
        lambda t: (Receipt, t["rv_receipt"]),
    ),
    _rv_post(
        "refund a credit",
        "finance",
        lambda t: f"{RV}/refunds/new/",
        lambda t: {
            "office": st.just(str(t["rv_branch"])),
            "account": ids(t["rv_accounts"]),
            "amount": number(),
            "method": choice(["transfer", "cash"]),
            "date": date(),
            "note": text(),
        },
        (ReceivableRefund, LedgerLine),
    ),
    _rv_post(
        "new collection request",
        "rep",
        lambda t: f"{RV}/collections/new/",
        lambda t: {
            "account": ids(t["rv_accounts"]),
            "expected_amount": number(),
            "method": choice(["transfer", "cheque", "cash"]),
            "expected_date": date(),
            "note": text(),
            "submit": choice(["1"]),
        },
        (CollectionRequest, Approval),
    ),
    *[
        _rv_post(
            f"{action} the collection request",
            "rep",
            (lambda a, k: lambda t: f"{RV}/collections/{t[k]}/{a}/")(action, key),
            lambda t: {"status": text(), "next": text()},
            (CollectionRequest, Approval),
            (lambda k: lambda t: (CollectionRequest, t[k]))(key),
        )
        for action, key in (
            ("submit", "rv_collection_draft"),
            ("cancel", "rv_collection_draft"),
            ("told", "rv_collection_confirmed"),
        )
    ],
    _rv_post(
        "hand over a cheque",
        "rep",
        lambda t: f"{RV}/handovers/new/",
        lambda t: {
            "account": ids(t["rv_accounts"]),
            "kind": choice(["cheque", "acceptance_bill", "bank_draft", "cash", "transfer"]),
            "amount": number(),
            "instrument_number": text(),
            "note": text(),
        },
        (Handover,),
    ),
    _rv_post(
        "sign for a handover",
        "finance",
        lambda t: f"{RV}/handovers/{t['rv_handover']}/sign/",
        lambda t: {"next": text()},
        (Handover,),
        lambda t: (Handover, t["rv_handover"]),
    ),
    _rv_post(
        "sign for a notice",
        "rep",
        lambda t: f"{RV}/notices/{t['rv_notice']}/sign/",
        lambda t: {"next": text()},
        (CollectionNotice,),
        lambda t: (CollectionNotice, t["rv_notice"]),
    ),
    _rv_post(
        "make statements",
        "finance",
        lambda t: f"{RV}/statements/generate/",
        lambda t: {"office": st.just(str(t["rv_branch"])), "period": garbage()},
        (StatementRun, Statement),
    ),
    *[
        _rv_post(
            f"{action} the statement",
            "rep",
            (lambda a: lambda t: f"{RV}/statements/{t['rv_statement']}/{a}/")(action),
            lambda t: {
                "agreed": choice(["1", "0"]),
                "rows": number(),
                "add": choice(["1"]),
                "remove": number(),
                **{f"diff-{i}-{f}": garbage() for i in (0, 1) for f in ("item", "amount", "note")},
            },
            (Statement, StatementDifference),
            lambda t: (Statement, t["rv_statement"]),
        )
        for action in ("send", "answer")
    ],
    _rv_post(
        "resolve a difference",
        "finance",
        lambda t: f"{RV}/statements/differences/{t['rv_difference']}/resolve/",
        lambda t: {f"resolve-{t['rv_difference']}-resolution": text()},
        (StatementDifference, Statement),
        lambda t: (StatementDifference, t["rv_difference"]),
    ),
    _rv_post(
        "submit the unpaid report",
        "rep",
        lambda t: f"{RV}/reports/unpaid/submit/",
        lambda t: {
            "office": st.just(str(t["rv_branch"])),
            "kind": choice(["week", "ten_days"]),
            "date": date(),
            "note": text(),
        },
        (UnpaidReport,),
    ),
    _rv_post(
        "check the unpaid report",
        "finance",
        lambda t: f"{RV}/reports/unpaid/{t['rv_unpaid']}/check/",
        lambda t: {"note": text()},
        (UnpaidReport,),
        lambda t: (UnpaidReport, t["rv_unpaid"]),
    ),
    # the lists, pickers and reports (GET)
    *[
        Form(f"GET {path}", role, (lambda p: lambda t: p)(path), params, method="get")
        for path, role, params in [
            (f"{RV}/requests/", "finance", lambda t: {"status": text()}),
            (f"{RV}/requests/new/", "rep", lambda t: {"contract": garbage()}),
            (
                f"{RV}/invoices/",
                "finance",
                lambda t: {"open": text(), "overdue": text(), "account": garbage()},
            ),
            (f"{RV}/write-offs/new/", "finance", lambda t: {"invoice": garbage()}),
            (
                f"{RV}/receipts/",
                "finance",
                lambda t: {
                    "unallocated": text(),
                    "method": text(),
                    "account": garbage(),
                    "from": date(),
                    "to": date(),
                    "q": text(),
                },
            ),
            (
                f"{RV}/receipts/new/",
                "finance",
                lambda t: {"account": garbage(), "collection": garbage(), "handover": garbage()},
            ),
            (f"{RV}/", "finance", lambda t: {"office": garbage()}),
            (f"{RV}/check/", "finance", lambda t: {"office": garbage(), "date": date()}),
            (f"{RV}/notices/", "rep", lambda t: {"show": text(), "page": number()}),
            (
                f"{RV}/statements/",
                "finance",
                lambda t: {"office": garbage(), "period": garbage(), "status": text()},
            ),
            *[
                (
                    f"{RV}/reports/{name}/",
                    "finance",
                    lambda t: {
                        "office": garbage(),
                        "as_of": date(),
                        "period": choice(["day", "week", "month", "range"]),
                        "date": date(),
                        "start": date(),
                        "end": date(),
                        "format": choice(["xlsx", "json"]),
                    },
                )
                for name in ("aging", "journal", "collections", "collection-rate")
            ],
            (
                f"{RV}/reports/unpaid/",
                "rep",
                lambda t: {"kind": text(), "date": date(), "format": choice(["xlsx"])},
            ),
        ]
    ],
]
FORMS += RECEIVABLES_FORMS
FORMS.append(
    Form(
        "GET the ledger",
        "finance",
        lambda t: f"{RV}/ledger/{t['rv_account']}/",
        lambda t: {"from": date(), "to": date(), "cursor": text()},
        method="get",
    )
)


# ---------------------------------------------------------------- running them


FORMS += r16_forms(Form)  # after-sales, complaints, expenses, fees, penalties
# BEGIN r17
FORMS += r17_forms(Form)  # targets, work plans, dealer disputes
# END r17


@dataclasses.dataclass
class Tally:
    submits: int = 0
    rejected: int = 0
    server_errors: list = dataclasses.field(default_factory=list)
    changed: list = dataclasses.field(default_factory=list)


def plan_targets(world: dict) -> dict:
    """R-9.6: sales1's draft of next week and plan of this week, sales2's submitted plan
    (tests/visits/plan_fixtures.py), and accounts of theirs and of another office's."""
    from django.utils import timezone

    from staff.models import Office, User
    from tests.visits.plan_fixtures import account_of, plan_world

    office = Office.objects.get(pk=world["targets"]["office"])
    users = world["users"]
    p = plan_world(
        office=office,
        a=users["salesperson"],
        b=User.objects.get(username="sales2"),
        manager=users["manager"],
        now=timezone.now(),
    )
    river = Office.objects.get(code="riverside")
    elsewhere = account_of(river, User.objects.get(username="sales-riverside"))
    return {
        "plan_draft": p["draft"].pk,
        "plan_line": p["draft_line"].pk,
        "plan_submitted": p["submitted"].pk,
        "plan_current_line": p["current_line"].pk,
        "plan_accounts": [p["a_spare"].pk, p["b_spare"].pk, elsewhere.pk],
    }


def account_targets(world: dict) -> dict:
    """R-9.1: sales1's approved account (with a contact), rejected account, and a pending one
    whose step the manager decides."""
    from accounts.factories import AccountFactory
    from approvals.services import approval_submit
    from staff.models import Office

    office = Office.objects.get(pk=world["targets"]["office"])
    sales1 = world["users"]["salesperson"]
    account = AccountFactory(office=office, author=sales1, status="approved")
    contact = Contact.objects.create(account=account, name="张经理", primary=True)
    rejected = AccountFactory(office=office, author=sales1, status="rejected")
    pending = AccountFactory(office=office, author=sales1)
    approval_submit(document=pending, actor=sales1, now=account.created_at)
    return {
        "account": account.pk,
        "contacts": [contact.pk],
        "account_rejected": rejected.pk,
        "account_step": pending.approvals().get().pk,
    }


def record_targets(world: dict) -> dict:
    """R-9.7: sales1's dealer (graded, overdue, with a contact) and customer, sales2's account
    and another office's (both refused: 404)."""
    import datetime

    from accounts.factories import AccountFactory
    from staff.models import Office, User

    office = Office.objects.get(pk=world["targets"]["office"])
    sales1 = world["users"]["salesperson"]
    old = datetime.datetime(2026, 1, 5, tzinfo=datetime.UTC)
    dealer = AccountFactory(
        office=office, author=sales1, kind="dealer", grade="A", status="approved", created_at=old
    )
    customer = AccountFactory(office=office, author=sales1, status="approved", created_at=old)
    theirs = AccountFactory(
        office=office, author=User.objects.get(username="sales2"), status="approved"
    )
    river = Office.objects.get(code="riverside")
    elsewhere = AccountFactory(
        office=river, author=User.objects.get(username="sales-riverside"), status="approved"
    )
    contacts = [
        Contact.objects.create(account=dealer, name="王总", primary=True).pk,
        Contact.objects.create(account=theirs, name="李总", primary=True).pk,
    ]
    return {
        "record_accounts": [dealer.pk, customer.pk, theirs.pk, elsewhere.pk],
        "record_contacts": contacts,
    }


def stock_targets(world: dict) -> dict:
    """R-10: the demo branch, its warehouses and one of another office (refused), the
    products (one no longer sold), the staff as keepers (only the branch's keeper is taken)."""
    from staff.models import Office, User

    river = Office.objects.get(code="riverside")
    Warehouse.objects.create(office=river, code="WH-R", name="江畔仓库")
    return {
        "branch": Office.objects.get(code="demo-branch").pk,
        "warehouses": list(Warehouse.objects.order_by("pk").values_list("pk", flat=True)),
        "products": list(Product.objects.order_by("pk").values_list("pk", flat=True)),
        "product": Product.objects.filter(active=True).earliest("pk").pk,
        "product_inactive": Product.objects.filter(active=False).earliest("pk").pk,
        "keepers": list(User.objects.order_by("pk").values_list("pk", flat=True)[:40]),
    }


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with rolled_back(django_db_blocker):
        built = build_world()
        built["targets"] |= plan_targets(built)
        built["targets"] |= account_targets(built)
        built["targets"] |= quote_targets(built)
        built["targets"] |= stock_targets(built)
        built["targets"] |= record_targets(built)
        built["targets"] |= contract_targets(built)
        built["targets"] |= shipping_targets(built)
        built["targets"] |= receivables_targets(built)
        built["targets"] |= r16_targets(built)  # R-16: after the receivables' (rep's) targets
        # BEGIN r17
        built["targets"] |= r17_targets(built)  # targets, work plans, dealer disputes
        # END r17
        yield built


def _state(form: Form, t: dict):
    counts = {model.__name__: model.objects.count() for model in form.models}
    if form.watch is None:
        return counts, None
    model, pk = form.watch(t)
    return counts, model.objects.filter(pk=pk).values().first()


def _rejected(response) -> bool:
    """A 4xx, or a redirect back with an error message (the finance page's actions). Only the
    messages this request added count: an earlier redirect's, never shown, are still in the
    client's cookie (a success after a refusal is not a refusal)."""
    if 400 <= response.status_code < 500:
        return True
    storage = getattr(response.wsgi_request, "_messages", None)
    added = getattr(storage, "_queued_messages", None) or []
    return response.status_code == 302 and any(m.level == messages.ERROR for m in added)


def _submit(client: Client, form: Form, url: str, data: dict, htmx: bool):
    headers = {"HX-Request": "true"} if htmx else {}
    if form.method == "get":
        return client.get(url, data, headers=headers)
    return client.post(url, data, headers=headers)


def _edges(fields: dict):
    """Besides the generated examples: every field at once set to each of the EDGES."""

    def decorate(test):
        for value in EDGES:
            test = example(raw=dict.fromkeys(fields, value), htmx=False)(test)
        return test

    return decorate


def _fuzz(form: Form, client: Client, t: dict, tally: Tally) -> None:
    url = form.url(t)
    strategies = form.fields(t)
    data_strategy = st.fixed_dictionaries({k: field(v) for k, v in strategies.items()})

    @HYPOTHESIS
    @given(raw=data_strategy, htmx=st.booleans())
    @_edges(strategies)
    def run(raw, htmx):
        data = {k: v for k, v in raw.items() if v is not MISSING}
        with transaction.atomic():
            before = _state(form, t)
            response = _submit(client, form, url, data, htmx)
            tally.submits += 1
            if response.status_code >= 500:
                tally.server_errors.append(f"{form.name} {response.status_code}: {data!r:.400}")
            elif _rejected(response):
                tally.rejected += 1
                after = _state(form, t)
                if after != before:
                    tally.changed.append(f"{form.name} {response.status_code}: {before} → {after}")
            transaction.set_rollback(True)  # each example starts from the same data

    run()


@pytest.mark.parametrize("role", [*FORM_ROLES, "anonymous"])
def test_every_form_of_the_role_survives_bad_input(db, world, role):
    forms = [form for form in FORMS if form.role == role]
    client = Client(raise_request_exception=False)
    if role != "anonymous":
        client.force_login(world["users"][role])
    tally = Tally()
    for form in forms:
        _fuzz(form, client, world["targets"], tally)

    figure = (
        f"form fuzz ({role}): {len(forms)} forms × {EXAMPLES} examples (+{len(EDGES)} edge "
        f"cases each), {tally.submits} "
        f"submits ({tally.rejected} rejected), server errors {len(tally.server_errors)}, "
        f"rows changed on rejection {len(tally.changed)}"
    )
    print(figure)
    problems = "\n".join(tally.server_errors + tally.changed)
    assert not tally.server_errors and not tally.changed, f"{figure}\n{problems}"
    assert tally.submits >= len(forms) * EXAMPLES // 2, figure


# the URL namespaces that are not the application's pages: Django's admin (its own forms)
NOT_PAGES = {"admin"}


def _page_views():
    """(URL name, view function) of every page of every app (issue 21: a new app's pages, as
    R-17's targets, work plans and dealers, are found without being listed)."""
    for included in get_resolver().url_patterns:
        if isinstance(included, URLResolver) and included.namespace not in (None, *NOT_PAGES):
            for pattern in included.url_patterns:
                name = f"{included.namespace}:{pattern.name}"
                yield name, inspect.unwrap(pattern.callback)


def test_every_page_that_takes_a_post_is_fuzzed(db, world):
    """The table above misses no form: every view of the page apps whose code reads a POST
    is the target of one of FORMS."""
    fuzzed = {resolve(form.url(world["targets"])).view_name for form in FORMS}
    posting = {name for name, view in _page_views() if "POST" in inspect.getsource(view)}
    assert len(posting) >= 30, posting
    assert posting - fuzzed == set()
    assert {form.role for form in FORMS} == {*FORM_ROLES, "anonymous"}


DEEP_JSON = "[" * 50_000 + "]" * 50_000


@pytest.mark.parametrize("role", [*FORM_ROLES, "anonymous"])
def test_a_deeply_nested_json_body_to_every_form(db, world, role):
    """Pages read forms, not JSON; a JSON body nested 50,000 deep (which made the API's
    decoder recurse until a 500) is still no 500 on any of them (issue 13)."""
    client = Client(raise_request_exception=False)
    if role != "anonymous":
        client.force_login(world["users"][role])
    forms = [form for form in FORMS if form.role == role and form.method == "post"]
    errors = []
    for form in forms:
        response = client.post(
            form.url(world["targets"]), DEEP_JSON, content_type="application/json"
        )
        if response.status_code >= 500:
            errors.append(f"{form.name} {response.status_code}")
    assert errors == []


def _with_phone(t: dict, phone: str) -> dict[str, dict]:
    """The forms that take a phone, filled in as the desk or a salesperson would."""
    channel = SourceChannel.objects.get(code="passing").pk
    person = {"office": t["office"], "phone": phone, "name": "王先生"}
    return {
        "reception: visit": {
            **person,
            "party_size": "2",
            "source_channel": channel,
            "idempotency_key": f"unicode-{phone}",
        },
        "reception: call": {**person, "kind": "customer", "content": "问价格", "caller": "王先生"},
        "reception: referral": {**person, "referrer": t["customers"][0]},
        "attribution: register": {**person, "source_channel": channel},
        "attribution: household link": {"phone": phone, "relation": "spouse"},
    }


@pytest.mark.parametrize("phone", UNICODE_PHONES)
def test_phones_typed_in_other_digits_on_every_form_that_takes_one(db, world, phone):
    """A phone in full-width or Arabic-Indic digits was taken by the forms, refused by the
    database's CHECK and taken for a duplicate race: a 500 (issue 13). Every form that takes
    a phone, filled in as usual: never a 500, and what is stored is ASCII digits."""
    clients = {}
    for role in ("secretary", "salesperson"):
        clients[role] = Client(raise_request_exception=False)
        clients[role].force_login(world["users"][role])
    t = world["targets"]
    by_name = {form.name: form for form in FORMS}
    errors, stored = [], 0
    for name, data in _with_phone(t, phone).items():
        form = by_name[name]
        with transaction.atomic():
            response = clients[form.role].post(form.url(t), data)
            if response.status_code >= 500:
                errors.append(f"{name} {response.status_code}")
            assert not Customer.objects.exclude(phone__regex=r"^[0-9]+$").exists()
            stored += Customer.objects.filter(phone__endswith=phone_digits(phone)).exists()
            transaction.set_rollback(True)
    assert errors == []
    assert stored >= 2  # the visit and the registration, at least, reached the customers


def phone_digits(phone: str) -> str:
    """The phone's last eight digits in ASCII."""
    digits = "".join(str(int(c)) for c in phone if c.isdecimal())
    return digits[-8:]
