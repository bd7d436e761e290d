"""Bad input everywhere, API side (issue 7): Schemathesis reads the OpenAPI schema the app
serves at /api/schema/ and fuzzes every operation in it, logged in (a DRF token) as each of
the roles that use the API every day, with valid input (positive) and input that breaks the
schema (negative). Every response must be a non-5xx the schema documents: a status code it
lists, its content type, a body matching its response schema, its headers.

Generated ids are mostly unknown, so about half the examples swap the ids in the path and in
the body for ids of real objects (of this office and of another one) to reach the code behind
the lookups; dates run to the first and last days of the calendar. Writes made by the fuzzed
requests are rolled back after each role.
"""

import dataclasses
import datetime
import os

import pytest
import schemathesis
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

from .fuzz_world import ROLES, build_world, requests_keep_the_connection, rolled_back

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
        for key, kind in BODY_POOLS.items():
            if key in case.body and pools.get(kind):
                one = st.sampled_from(pools[kind])
                value = case.body[key]
                case.body[key] = data.draw(
                    st.lists(one, max_size=3) if isinstance(value, list) else one
                )


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


@pytest.mark.parametrize("role", ROLES)
def test_every_operation_as_each_role_gives_no_5xx_and_keeps_to_the_schema(db, world, schema, role):
    headers = {"Authorization": f"Token {world['tokens'][role]}"}
    operations = _operations(schema)
    tally = Tally()
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
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


def test_the_schema_documents_the_errors_of_api_md(schema):
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
