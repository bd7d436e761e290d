"""API.md `/statements/` (R-15.6): finance POSTs `{office, period}` and gets the run (202); the
list of a period's statements the user sees; a statement; send and answer by the account's
salesperson; every refusal a 400/403/404/409 that saves nothing."""

from decimal import Decimal

import pytest
import time_machine

from contracts.factories import NOW
from receivables.choices import StatementStatus
from receivables.factories import issued_invoice
from receivables.models import Statement, StatementDifference, StatementRun
from receivables.services import statements

from .statement_fixtures import at

pytestmark = pytest.mark.django_db

TODAY = at("2026-07-02", 10)
URL = "/api/v1/statements/"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def invoice(shipped, finance):
    return issued_invoice(shipped, now=NOW, ship=False)


@pytest.fixture
def statement(invoice, finance, office):
    run = statements.statement_run_start(actor=finance, office=office, period="2026H1", now=TODAY)
    statements.statements_generate(run_id=run.pk, now=TODAY)
    return Statement.objects.get()


def test_finance_starts_a_run(api, invoice, finance, office):
    api.force_authenticate(finance)
    r = api.post(URL, {"office": office.pk, "period": "2026H1"}, format="json")
    assert r.status_code == 202, r.content
    run = StatementRun.objects.get()
    assert r.json() == {
        "id": run.pk,
        "office": office.pk,
        "period": "2026H1",
        "status": "queued",
        "total": 0,
        "done": 0,
        "created": 0,
    }
    again = api.post(URL, {"office": office.pk, "period": "2026H1"}, format="json")
    assert again.status_code == 409
    assert again.json()["code"] == "run_live" and again.json()["run"] == run.pk
    assert StatementRun.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"period": "2026H2"}, 409, "period_not_ended"),
        ({"period": "2026H3"}, 400, None),
        ({"period": ""}, 400, None),
        ({}, 400, None),
    ],
)
def test_bad_runs_are_refused(api, invoice, finance, office, body, status, code):
    api.force_authenticate(finance)
    r = api.post(URL, {"office": office.pk, **body}, format="json")
    assert r.status_code == status, r.content
    if code:
        assert r.json()["code"] == code
    assert not StatementRun.objects.exists()


def test_only_finance_of_its_own_branch_starts_a_run(
    api, invoice, office, other_office, salesperson, manager, finance
):
    for who in (salesperson, manager):
        api.force_authenticate(who)
        assert api.post(URL, {"office": office.pk, "period": "2026H1"}).status_code == 403
    api.force_authenticate(finance)
    r = api.post(URL, {"office": other_office.pk, "period": "2026H1"}, format="json")
    assert r.status_code == 400 and "office" in r.json()
    assert not StatementRun.objects.exists()


def test_the_list_of_a_period(api, statement, salesperson, other_salesperson, finance):
    api.force_authenticate(finance)
    assert api.get(URL).status_code == 400  # a period is required
    r = api.get(URL, {"period": "2026H1"})
    assert r.status_code == 200
    rows = r.json()["results"]
    assert [(row["id"], row["status"], row["opening"], row["closing"]) for row in rows] == [
        (statement.pk, "draft", "0.00", "2250.00")
    ]
    assert rows[0]["differences"] == []
    assert api.get(URL, {"period": "2025H2"}).json()["results"] == []
    api.force_authenticate(salesperson)
    assert len(api.get(URL, {"period": "2026H1"}).json()["results"]) == 1
    api.force_authenticate(other_salesperson)
    assert api.get(URL, {"period": "2026H1"}).json()["results"] == []
    assert api.get(f"{URL}{statement.pk}/").status_code == 404


def test_send_and_answer_disputed(api, statement, salesperson, manager, finance):
    api.force_authenticate(salesperson)
    early = api.post(f"{URL}{statement.pk}/answer/", {"agreed": True}, format="json")
    assert early.status_code == 409 and early.json()["code"] == "not_sent"

    api.force_authenticate(manager)
    assert api.post(f"{URL}{statement.pk}/send/").status_code == 403
    api.force_authenticate(salesperson)
    sent = api.post(f"{URL}{statement.pk}/send/")
    assert sent.status_code == 200 and sent.json()["status"] == "sent"
    twice = api.post(f"{URL}{statement.pk}/send/")
    assert twice.status_code == 409 and twice.json()["code"] == "not_draft"

    body = {
        "agreed": False,
        "differences": [{"item": "发票 10000001", "amount": "-100.00", "note": "已付"}],
    }
    api.force_authenticate(finance)
    assert api.post(f"{URL}{statement.pk}/answer/", body, format="json").status_code == 403
    api.force_authenticate(salesperson)
    empty = api.post(f"{URL}{statement.pk}/answer/", {"agreed": False}, format="json")
    assert empty.status_code == 400
    assert not StatementDifference.objects.exists()
    r = api.post(f"{URL}{statement.pk}/answer/", body, format="json")
    assert r.status_code == 200, r.content
    assert r.json()["status"] == StatementStatus.DISPUTED
    assert [(d["item"], d["amount"]) for d in r.json()["differences"]] == [
        ("发票 10000001", "-100.00")
    ]
    assert StatementDifference.objects.get().amount == Decimal("-100.00")


def test_the_schema_documents_the_statements(client, db):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    text = schema.content.decode()
    for code in ("period_not_ended", "run_live", "not_sent", "not_draft"):
        assert code in text, code
