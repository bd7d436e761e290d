"""Bad input everywhere, API side (issue 7): Schemathesis reads the OpenAPI schema the app
serves at /api/schema/ and fuzzes every operation in it, logged in (a DRF token) as each of
the roles that use the API every day, with valid input (positive) and input that breaks the
schema (negative). Every response must be a non-5xx the schema documents: a status code it
lists, its content type, a body matching its response schema, its headers.

Generated ids are mostly unknown, so about half the examples swap the ids in the path and in
the body for ids of real objects (of this office and of another one) to reach the code behind
the lookups; dates run to the first and last days of the calendar. Writes made by the fuzzed
requests are rolled back after each role.

Then what broke the API before (issue 13), on every operation it applies to: page numbers and
ids past any bigint, phones typed in other decimal digits (full-width, Arabic-Indic ...), and
JSON bodies nested 50,000 deep.
"""

import dataclasses
import datetime
import os
import re

import pytest
import schemathesis
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from .fuzz_world import API_ROLES, build_world, requests_keep_the_connection, rolled_back

# per operation, role and mode (positive, negative): 49 × 5 × 2 × 3 requests; FUZZ_EXAMPLES=30
# for a deeper local run
MAX_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", 3))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]
# dates anywhere in the calendar, its first and last day included (the edges overflow date maths)
schemathesis.openapi.format(
    "date",
    st.one_of(
        st.dates().map(datetime.date.isoformat),
        st.sampled_from(["0001-01-01", "9999-12-31", "1899-12-31", "3000-01-01"]),
    ),
)
HYPOTHESIS = settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)

# the kind of object a path segment before `{id}` or a body field names
PATH_POOLS = {
    "offices": "offices",
    "staff": "staff",
    "customers": "customers",
    "visits": "visits",
    "disputes": "disputes",
    "followups": "followups",
    "holds": "holds",
    "subscriptions": "subscriptions",
    "refunds": "refunds",
    "contracts": "contracts",
    "fines": "fines",
    # the second part
    "accounts": "accounts",
    "sales-contracts": "sales_contracts",
    "invoice-requests": "invoice_requests",
    "invoices": "invoices",
    "receipts": "receipts",
    "collection-requests": "collection_requests",
    "write-offs": "write_offs",
    "handovers": "handovers",
    "statements": "statements",
    # after-sales, complaints, expenses, special fees, penalties, escalations
    "after-sales": "service_requests",
    "complaints": "complaints",
    "expense-budgets": "expense_budgets",
    "expense-claims": "expense_claims",
    "special-fees": "special_fees",
    "penalties": "penalties",
    "escalations": "escalations",
    # the rest of the second part (issue 21): approvals, enquiries and quotes, shipping,
    # work plans, dealer disputes
    "approvals": "approvals",
    "enquiries": "enquiries",
    "enquiry-questions": "enquiry_questions",
    "quotes": "quotes",
    "demand-requests": "demand_requests",
    "outbound-orders": "outbound_orders",
    "confirmations": "confirmations",
    "returns": "returns",
    "work-plans": "work_plans",
    "dealer-disputes": "dealer_disputes",
}
BODY_POOLS = {
    "office": "offices",
    "offices": "offices",
    "customer": "customers",
    "member": "customers",
    "referrer": "customers",
    "unit": "units",
    "subscription": "subscriptions",
    "instalment": "instalments",
    "salesperson": "staff",
    "salespeople": "staff",
    "named_salesperson": "staff",
    "new_owner": "staff",
    "receiver": "staff",
    "ids": "notifications",
    # the second part: what a request, an invoice, a receipt or a statement names
    "account": "accounts",
    "contract": "sales_contracts",
    "request": "invoice_requests",
    "invoice": "invoices",
    "collection_request": "collection_requests",
    "handover": "handovers",
    "budget": "expense_budgets",
    "handler": "staff",
    "technician": "staff",
    "person": "staff",
    # issue 21: what the rest of the second part's bodies name, at the top or in their lines
    "owner": "staff",
    "deputy": "staff",
    "keeper": "staff",
    "staff": "staff",
    "dealer": "accounts",
    "other_dealer": "accounts",
    "contact": "contacts",
    "enquiry": "enquiries",
    "quote": "quotes",
    "quote_line": "quote_lines",
    "product": "products",
    "warehouse": "warehouses",
    "contract_line": "contract_lines",
    "demand_request": "demand_requests",
    "return": "returns",
}


@dataclasses.dataclass
class Tally:
    requests: int = 0
    server_errors: list = dataclasses.field(default_factory=list)
    violations: list = dataclasses.field(default_factory=list)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with rolled_back(django_db_blocker), requests_keep_the_connection():
        yield build_world()


@pytest.fixture(scope="module")
def schema(world):
    from salesoffice.wsgi import application

    return schemathesis.openapi.from_wsgi("/api/schema/", application)


def _operations(schema):
    return [result.ok() for result in schema.get_all_operations()]


def _real_ids(case, data, pools: dict) -> None:
    """Swap generated ids for ids of existing objects (some visible, some not)."""
    if not data.draw(st.booleans(), label="real ids"):
        return
    segments = case.operation.path.strip("/").split("/")
    for name in list(case.path_parameters or {}):
        if name == "date":
            near = st.integers(-3, 1).map(lambda n: timezone.localdate() + datetime.timedelta(n))
            edge = st.sampled_from([datetime.date.min, datetime.date.max])
            case.path_parameters[name] = data.draw(st.one_of(near, edge)).isoformat()
            continue
        before = segments[segments.index("{" + name + "}") - 1]
        pool = pools.get("offices" if name == "office_id" else PATH_POOLS.get(before, ""))
        if pool:
            case.path_parameters[name] = data.draw(st.sampled_from(pool), label=name)
    if isinstance(case.body, dict):
        _real_body_ids(case.body, data, pools)
        # and in its lines (a contract's, a request's, a confirmation's: product, contract line)
        for value in list(case.body.values()):
            if isinstance(value, list):
                for item in value:
                    if isinstance(item, dict):
                        _real_body_ids(item, data, pools)


def _real_body_ids(body: dict, data, pools: dict) -> None:
    for key, kind in BODY_POOLS.items():
        if key in body and pools.get(kind):
            one = st.sampled_from(pools[kind])
            value = body[key]
            body[key] = data.draw(st.lists(one, max_size=3) if isinstance(value, list) else one)


def _fuzz(operation, mode, headers, pools, tally: Tally) -> None:
    @HYPOTHESIS
    @given(case=operation.as_strategy(generation_mode=mode), data=st.data())
    def run(case, data):
        _real_ids(case, data, pools)
        response = case.call(headers=headers)
        tally.requests += 1
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except FailureGroup as group:
            where = tally.server_errors if response.status_code >= 500 else tally.violations
            titles = sorted({f"{f.title}: {f.message[:400]}" for f in group.exceptions})
            where.append(
                f"{operation.label} [{mode.value}] {response.status_code} {titles}: "
                f"{case.as_curl_command(headers=headers)}\n    {response.text[:300]}"
            )

    run()


LOGOUT = "/api/v1/auth/logout/"


def _modes(operation) -> tuple:
    """Both modes; only valid input for an operation that takes none (the logout: no input to
    break, so no negative example exists)."""
    raw = operation.definition.raw
    if not raw.get("parameters") and "requestBody" not in raw:
        return (GenerationMode.POSITIVE,)
    return (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)


@pytest.mark.parametrize("role", API_ROLES)
def test_every_operation_as_each_role_gives_no_5xx_and_keeps_to_the_schema(db, world, schema, role):
    headers = {"Authorization": f"Token {world['tokens'][role]}"}
    # the logout last: it ends the token the other operations are fuzzed with
    operations = sorted(_operations(schema), key=lambda op: op.path == LOGOUT)
    tally = Tally()
    for operation in operations:
        for mode in _modes(operation):
            _fuzz(operation, mode, headers, world["ids"], tally)

    figure = (
        f"schemathesis: {len(operations)} operations × 1 role ({role}), {tally.requests} "
        f"requests, server errors {len(tally.server_errors)}, "
        f"schema violations {len(tally.violations)}"
    )
    print(figure)
    problems = "\n".join(tally.server_errors + tally.violations)
    assert not tally.server_errors and not tally.violations, f"{figure}\n{problems}"
    assert len(operations) >= 45 and tally.requests >= len(operations) * 2, figure


def test_the_schema_documents_the_errors_of_api_md(db, schema):
    """What the fuzzing holds the responses to: every operation that needs a login lists 401 and
    403, every one that reads a body 400 (with its body's shape) and 415, every one that names
    an object 404 (API.md, conventions)."""
    missing = []
    for operation in _operations(schema):
        raw = operation.definition.raw
        codes = set(raw["responses"])
        wanted = {"401", "403"} if raw.get("security") and {} not in raw["security"] else set()
        if "requestBody" in raw:
            wanted |= {"400", "415"}
            if "content" not in raw["responses"]["400"]:
                missing.append(f"{operation.label}: 400 without a body")
        if "{" in operation.path:
            wanted.add("404")
        missing += [f"{operation.label}: {code}" for code in sorted(wanted - codes)]
    assert missing == []


# ---------------------------------------------------------------- what broke before (issue 13)

HUGE_NUMBERS = ["99999999999999999999", str(2**63), str(-(2**63) - 1), "9" * 5000]
OTHER_NUMBERS = ["0", "-1", "1e5", "1.5", "１３", "٣", "²"]


def _report(tally: Tally, label: str, case, response, headers) -> None:
    tally.requests += 1
    try:
        case.validate_response(response, checks=CHECKS, headers=headers)
    except FailureGroup as group:
        where = tally.server_errors if response.status_code >= 500 else tally.violations
        titles = sorted({f"{f.title}: {f.message[:300]}" for f in group.exceptions})
        where.append(f"{label} {response.status_code} {titles}\n    {response.text[:300]}")


def _assert_clean(tally: Tally, what: str, at_least: int) -> None:
    figure = (
        f"{what}: {tally.requests} requests, server errors {len(tally.server_errors)}, "
        f"schema violations {len(tally.violations)}"
    )
    print(figure)
    problems = "\n".join(tally.server_errors + tally.violations)
    assert not tally.server_errors and not tally.violations, f"{figure}\n{problems}"
    assert tally.requests >= at_least, figure


def _integer_query_parameters(operation) -> list[str]:
    parameters = operation.definition.raw.get("parameters", [])
    return [
        p["name"]
        for p in parameters
        if p["in"] == "query" and p.get("schema", {}).get("type") == "integer"
    ]


@pytest.mark.parametrize("role", ["manager", "salesperson"])
def test_huge_page_numbers_and_ids_in_every_query(db, world, schema, role):
    """`?page=99999999999999999999` was a 500 on every list (an OFFSET past bigint); every
    integer a list takes in its query (`page`, `office`, `salesperson` ...) gets the numbers no
    bigint holds and the other bad ones: a documented 4xx or an empty list, never a 500."""
    headers = {"Authorization": f"Token {world['tokens'][role]}"}
    tally = Tally()
    lists = [op for op in _operations(schema) if op.method.upper() == "GET" and "{" not in op.path]
    for operation in lists:
        for name in _integer_query_parameters(operation):
            for value in HUGE_NUMBERS + OTHER_NUMBERS:
                case = operation.Case(query={name: value})
                response = case.call(headers=headers)
                _report(tally, f"{operation.label} ?{name}={value[:30]}", case, response, headers)
    _assert_clean(tally, f"bad numbers in queries ({role})", len(lists) * len(HUGE_NUMBERS))


UNICODE_PHONES = [
    "１３９００１３９０００",  # full-width
    "١٣٩٠٠١٣٩٠٠١",  # Arabic-Indic
    "۱۳۹۰۰۱۳۹۰۰۲",  # Extended Arabic-Indic (Persian)
    "१३९ ००१३ ९००३",  # Devanagari, spaced
    "+８６ １３９-００１３-９００４",
    "①③⑨⓪⓪①③⑨⓪⓪⑤",  # circled: not decimal digits, not a phone
]


def _phone_operations(schema) -> list:
    """Operations that take a phone: in the JSON body, or as `phone` / `q` in the query."""
    found = []
    for operation in _operations(schema):
        raw = operation.definition.raw
        body = raw.get("requestBody", {}).get("content", {}).get("application/json", {})
        ref = body.get("schema", {}).get("$ref", "")
        properties = {}
        if ref:
            properties = schema.raw_schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
            properties = properties.get("properties", {})
        query = {p["name"] for p in raw.get("parameters", []) if p["in"] == "query"}
        if "phone" in properties or {"phone", "q"} & query:
            found.append(operation)
    return found


# what the desk and a salesperson usually send besides the phone: most examples get through
# to the customer records
USUAL = {"name": "王先生", "source_channel": "passing", "party_size": 2, "kind": "customer"}


def _fuzz_phones(operation, headers, pools, tally: Tally) -> None:
    """Valid examples of the operation (real ids, the first office), the phone swapped for
    one typed in other digits: in the body of a write, as `phone` and `q` of a look-up."""
    posting = operation.method.upper() == "POST"

    @settings(HYPOTHESIS, max_examples=len(UNICODE_PHONES) * 2)
    @given(case=operation.as_strategy(generation_mode=GenerationMode.POSITIVE), data=st.data())
    def run(case, data):
        phone = data.draw(st.sampled_from(UNICODE_PHONES), label="phone")
        if posting and isinstance(case.body, dict):
            _real_ids(case, data, pools)
            case.body["phone"] = phone
            if data.draw(st.booleans(), label="usual fields"):
                case.body.update({k: v for k, v in USUAL.items() if k in case.body})
            if "office" in case.body and pools["offices"]:
                case.body["office"] = pools["offices"][0]
        elif not posting:
            case.query = {**(case.query or {}), "phone": phone, "q": phone}
        response = case.call(headers=headers)
        _report(tally, f"{operation.label} phone={phone}", case, response, headers)

    run()


@pytest.mark.parametrize("role", ["secretary", "salesperson"])
def test_unicode_digits_in_every_phone(db, world, schema, role):
    """A full-width or Arabic-Indic phone passed the normalization, failed the database's
    CHECK and was taken for a duplicate race: a 500 at the desk (POST /visits/), on own
    registration (POST /customers/) and in the look-ups. Every operation that takes a phone,
    with the real office and ids, the phone typed in each kind of digits."""
    headers = {"Authorization": f"Token {world['tokens'][role]}"}
    tally = Tally()
    operations = _phone_operations(schema)
    assert {op.path for op in operations} >= {"/api/v1/visits/", "/api/v1/customers/"}

    for operation in operations:
        _fuzz_phones(operation, headers, world["ids"], tally)
    _assert_clean(tally, f"unicode phones ({role})", len(operations) * len(UNICODE_PHONES))


DEEP = 50_000
DEEP_BODIES = {
    "arrays": "[" * DEEP + "]" * DEEP,
    "objects": '{"a":' * DEEP + "1" + "}" * DEEP,
    "in a field": '{"phone": "13800138000", "note": ' + "[" * DEEP + "]" * DEEP + "}",
}
DEPTH_MESSAGE = "The request body is nested too deeply."


def _path_with_ids(operation, pools: dict) -> str:
    """The operation's path with the first real object of each kind (today for a date)."""
    path = operation.path
    segments = path.strip("/").split("/")
    for name in re.findall(r"{(\w+)}", path):
        before = segments[segments.index("{" + name + "}") - 1]
        pool = pools.get("offices" if name == "office_id" else PATH_POOLS.get(before, "")) or [1]
        value = timezone.localdate().isoformat() if name == "date" else pool[0]
        path = path.replace("{" + name + "}", str(value))
    return path


@pytest.mark.parametrize("role", API_ROLES)
def test_deeply_nested_json_bodies(db, world, schema, role):
    """A JSON body nested 50,000 deep made the decoder recurse until RecursionError (a 500).
    Every operation that reads a body, as each role: refused with a 400 and a message (or
    a 401/403/404/405 its view decides before reading the body), never a 5xx."""
    client = Client(raise_request_exception=False)
    headers = {"HTTP_AUTHORIZATION": f"Token {world['tokens'][role]}", "HTTP_ACCEPT_LANGUAGE": "en"}
    with_body = [
        op for op in _operations(schema) if "requestBody" in op.definition.raw and op.path != LOGOUT
    ]
    server_errors, refused = [], 0
    for operation in with_body:
        path = _path_with_ids(operation, world["ids"])
        for kind, body in DEEP_BODIES.items():
            method = getattr(client, operation.method.lower())
            response = method(path, body, content_type="application/json", **headers)
            if response.status_code >= 500:
                server_errors.append(f"{operation.label} [{kind}] {response.status_code}")
            elif response.status_code == 400:
                assert response.json() == {"detail": DEPTH_MESSAGE}, (operation.label, kind)
                refused += 1
            else:
                # an upload (multipart only, R-16 photos) refuses JSON unread: 415
                content = operation.definition.raw["requestBody"].get("content", {})
                unread = () if "application/json" in content else (415,)
                assert response.status_code in (401, 403, 404, 405, 409, *unread), (
                    operation.label,
                    kind,
                    response.status_code,
                )
    print(f"deep JSON ({role}): {len(with_body) * len(DEEP_BODIES)} requests, {refused} refused")
    assert server_errors == []
    assert refused >= len(DEEP_BODIES)  # the parser, not only the permissions, answered
