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

from attribution.models import Claim, Dispute, FollowUp, HouseholdLink
from deals.models import Contract, Hold, Payment, Project, Refund, Subscription, Unit
from leads.models import Customer, SourceChannel
from reception.models import Call, DutyState, Referral, Roster, RosterEntry, Visit
from reports.models import DayOff, Fine, Meeting, MeetingProblem, PeriodReport, WorkDiary

from .fuzz_world import ROLES, build_world, rolled_back

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


# ---------------------------------------------------------------- running them


@dataclasses.dataclass
class Tally:
    submits: int = 0
    rejected: int = 0
    server_errors: list = dataclasses.field(default_factory=list)
    changed: list = dataclasses.field(default_factory=list)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with rolled_back(django_db_blocker):
        yield build_world()


def _state(form: Form, t: dict):
    counts = {model.__name__: model.objects.count() for model in form.models}
    if form.watch is None:
        return counts, None
    model, pk = form.watch(t)
    return counts, model.objects.filter(pk=pk).values().first()


def _rejected(response) -> bool:
    """A 4xx, or a redirect back with an error message (the finance page's actions)."""
    if 400 <= response.status_code < 500:
        return True
    shown = getattr(response.wsgi_request, "_messages", None) or []
    return response.status_code == 302 and any(m.level == messages.ERROR for m in shown)


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


@pytest.mark.parametrize("role", [*ROLES, "anonymous"])
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


PAGE_APPS = [
    "reception",
    "attribution",
    "deals",
    "finance",
    "reports",
    "workspace",
    "notifications",
]


def _page_views():
    """(URL name, view function) of every page of the page apps."""
    for included in get_resolver().url_patterns:
        if isinstance(included, URLResolver) and included.namespace in PAGE_APPS:
            for pattern in included.url_patterns:
                name = f"{included.namespace}:{pattern.name}"
                yield name, inspect.unwrap(pattern.callback)


def test_every_page_that_takes_a_post_is_fuzzed(world):
    """The table above misses no form: every view of the page apps whose code reads a POST
    is the target of one of FORMS."""
    fuzzed = {resolve(form.url(world["targets"])).view_name for form in FORMS}
    posting = {name for name, view in _page_views() if "POST" in inspect.getsource(view)}
    assert len(posting) >= 30, posting
    assert posting - fuzzed == set()
    assert {form.role for form in FORMS} == {*ROLES, "anonymous"}


DEEP_JSON = "[" * 50_000 + "]" * 50_000


@pytest.mark.parametrize("role", [*ROLES, "anonymous"])
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
