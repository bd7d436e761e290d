"""The pages of collection notices and statements of account (R-15.2, R-15.6): who sees which
list and counts, finance's generate form and the progress that stops asking when done, a
statement sent, answered item by item (rows added one at a time) and resolved, the PDF; each
page refused to the wrong role (403), the other branch and the other salesperson (404)."""

import re
from decimal import Decimal

import pytest
import time_machine

from contracts.factories import NOW
from receivables import tasks
from receivables.choices import RunStatus, StatementStatus
from receivables.factories import issued_invoice
from receivables.models import CollectionNotice, Statement, StatementDifference, StatementRun
from receivables.services import statements
from receivables.services.dunning import dunning_run
from staff.choices import Role
from staff.factories import UserFactory

from .statement_fixtures import at

pytestmark = pytest.mark.django_db

TODAY = at("2026-07-02", 10)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def invoice(shipped, finance):
    return issued_invoice(shipped, now=NOW, ship=False)


@pytest.fixture
def statement(invoice, finance, office):
    run = statements.statement_run_start(actor=finance, office=office, period="2026H1", now=TODAY)
    statements.statements_generate(run_id=run.pk, now=TODAY)
    return Statement.objects.get()


@pytest.fixture
def sent(statement, salesperson):
    return statements.statement_send(statement=statement, actor=salesperson, now=TODAY)


@pytest.fixture
def disputed(sent, salesperson):
    return statements.statement_answer(
        statement=sent,
        actor=salesperson,
        agreed=False,
        differences=[
            statements.DifferenceInput(item="发票 A", amount="100.00"),
            statements.DifferenceInput(item="发票 B", amount="-20.00"),
        ],
        now=TODAY,
    )


@pytest.fixture
def other_finance(other_office):
    return UserFactory(username="finance-riverside", roles=[Role.FINANCE], offices=[other_office])


# ---------------------------------------------------------------- the index and its counts


def test_finance_sees_the_branch_s_counts_and_may_make_statements(client, disputed, finance):
    client.force_login(finance)
    r = client.get("/receivables/statements/?period=2026H1")
    assert r.status_code == 200
    text = _text(r)
    assert "往来对账" in text or "对账单" in text
    counts = {
        key: re.search(rf'id="count-{key}"><dt>[^<]*</dt><dd>(\d+)</dd>', text).group(1)
        for key in ("generated", "sent", "agreed", "disputed", "resolved")
    }
    assert counts == {
        "generated": "1",
        "sent": "1",
        "agreed": "0",
        "disputed": "1",
        "resolved": "0",
    }
    assert "华东机械有限公司" in text and "2,250.00" in text
    assert 'id="generate-link"' in text


def test_a_salesperson_sees_only_their_own(client, statement, salesperson, other_salesperson):
    client.force_login(salesperson)
    mine = _text(client.get("/receivables/statements/?period=2026H1"))
    assert f'id="statement-{statement.pk}"' in mine
    assert 'id="generate-link"' not in mine
    client.force_login(other_salesperson)
    theirs = _text(client.get("/receivables/statements/?period=2026H1"))
    assert f'id="statement-{statement.pk}"' not in theirs
    assert re.search(r'id="count-generated"><dt>[^<]*</dt><dd>0</dd>', theirs)


def test_the_index_defaults_to_the_last_half_ended(client, statement, finance):
    client.force_login(finance)
    text = _text(client.get("/receivables/statements/"))
    assert "2026年上半年" in text
    assert f'id="statement-{statement.pk}"' in text


def test_the_index_is_refused_outside_the_branch(
    client, statement, office, warehouse, other_manager
):
    client.force_login(warehouse)
    assert client.get("/receivables/statements/").status_code == 403
    client.force_login(other_manager)
    assert client.get(f"/receivables/statements/?office={office.pk}").status_code == 404
    client.logout()
    assert client.get("/receivables/statements/").status_code == 302


def test_the_index_query_count_does_not_grow_with_rows(
    client, statement, finance, django_assert_max_num_queries
):
    client.force_login(finance)
    with django_assert_max_num_queries(14):
        assert client.get("/receivables/statements/?period=2026H1").status_code == 200


# ---------------------------------------------------------------- generating


def test_finance_generates_and_follows_the_progress(
    client, invoice, finance, office, monkeypatch, django_capture_on_commit_callbacks
):
    queued = []
    monkeypatch.setattr(tasks, "queue_generation", queued.append)
    client.force_login(finance)
    form = client.get("/receivables/statements/generate/")
    assert form.status_code == 200
    assert 'value="2026H1"' in form.content.decode()
    assert 'value="2026H2"' not in form.content.decode()  # not ended

    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(
            "/receivables/statements/generate/", {"office": office.pk, "period": "2026H1"}
        )
    run = StatementRun.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/receivables/statements/runs/{run.pk}/"
    assert queued == [run.pk]  # the task is queued once the request has committed

    bar = client.get(r["Location"], HTTP_HX_REQUEST="true")
    assert bar.status_code == 200
    assert 'hx-trigger="every 1s"' in bar.content.decode()  # queued: it asks again
    assert "<html" not in bar.content.decode()  # the fragment alone

    tasks.generate_statements(run.pk, now=TODAY.isoformat())
    page = client.get(r["Location"])
    text = _text(page)
    assert "<html" in page.content.decode() and 'data-status="done"' in text
    done = client.get(r["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert 'data-status="done"' in done and "hx-trigger" not in done  # it stops asking
    assert 'id="to-statements"' in text
    assert Statement.objects.filter(run=run).count() == 1


def test_a_second_start_goes_to_the_run_in_progress(client, invoice, finance, office):
    client.force_login(finance)
    data = {"office": office.pk, "period": "2026H1"}
    first = client.post("/receivables/statements/generate/", data)
    second = client.post("/receivables/statements/generate/", data)
    assert StatementRun.objects.count() == 1
    assert second["Location"] == first["Location"]


def test_a_half_not_ended_is_not_offered_and_refused(client, invoice, finance, office):
    client.force_login(finance)
    r = client.post("/receivables/statements/generate/", {"office": office.pk, "period": "2026H2"})
    assert r.status_code == 422
    assert not StatementRun.objects.exists()


def test_only_finance_generates(client, invoice, salesperson, manager, office):
    for who in (salesperson, manager):
        client.force_login(who)
        assert client.get("/receivables/statements/generate/").status_code == 403
        data = {"office": office.pk, "period": "2026H1"}
        assert client.post("/receivables/statements/generate/", data).status_code == 403
    assert not StatementRun.objects.exists()


def test_a_run_is_seen_by_its_branch_only(
    client, statement, finance, manager, salesperson, other_finance
):
    run = StatementRun.objects.get()
    url = f"/receivables/statements/runs/{run.pk}/"
    for who, status in ((finance, 200), (manager, 200), (salesperson, 403), (other_finance, 404)):
        client.force_login(who)
        assert client.get(url).status_code == status, who


# ---------------------------------------------------------------- a statement


def test_the_statement_page_per_role(
    client, statement, salesperson, other_salesperson, manager, other_manager
):
    url = f"/receivables/statements/{statement.pk}/"
    client.force_login(salesperson)
    text = _text(client.get(url))
    assert 'id="send-statement"' in text
    assert re.search(r'id="statement-closing">2,250.00<', text)
    client.force_login(manager)
    text = _text(client.get(url))
    assert "2,250.00" in text and 'id="send-statement"' not in text
    for stranger in (other_salesperson, other_manager):
        client.force_login(stranger)
        assert client.get(url).status_code == 404
        assert client.get(f"{url}pdf/").status_code == 404


def test_the_pdf_for_whoever_sees_the_statement(client, statement, salesperson, finance):
    for who in (salesperson, finance):
        client.force_login(who)
        r = client.get(f"/receivables/statements/{statement.pk}/pdf/")
        assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
        assert r.content.startswith(b"%PDF")
        assert r["Content-Disposition"] == (
            f'attachment; filename="statement-2026H1-{statement.pk}.pdf"'
        )


def test_sent_by_the_salesperson_not_by_the_manager(client, statement, salesperson, manager):
    url = f"/receivables/statements/{statement.pk}/send/"
    client.force_login(manager)
    assert client.post(url).status_code == 403
    statement.refresh_from_db()
    assert statement.status == StatementStatus.DRAFT
    client.force_login(salesperson)
    r = client.post(url)
    assert r.status_code == 302
    statement.refresh_from_db()
    assert statement.status == StatementStatus.SENT


def _answer(client, statement, data):
    return client.post(f"/receivables/statements/{statement.pk}/answer/", data)


def test_an_answer_on_a_statement_not_sent_is_refused_on_the_page(client, statement, salesperson):
    client.force_login(salesperson)
    r = _answer(client, statement, {"agreed": "1"})
    assert r.status_code == 302
    follow = _text(client.get(r["Location"]))
    assert "只有已发出且尚未回复的对账单才能登记客户的回复" in follow
    statement.refresh_from_db()
    assert statement.status == StatementStatus.DRAFT


def test_signed_back_from_the_page(client, sent, salesperson):
    client.force_login(salesperson)
    assert 'id="answer-agreed"' in _text(client.get(f"/receivables/statements/{sent.pk}/"))
    assert _answer(client, sent, {"agreed": "1"}).status_code == 302
    sent.refresh_from_db()
    assert sent.status == StatementStatus.AGREED


def test_disputed_items_added_row_by_row(client, sent, salesperson):
    client.force_login(salesperson)
    one = {"rows": "1", "diff-0-item": "发票 10000001", "diff-0-amount": "120.00"}
    added = _answer(client, sent, {**one, "add": "1"})
    assert added.status_code == 200
    text = _text(added)
    assert 'id="diff-row-1"' in text and 'value="发票 10000001"' in text
    assert not StatementDifference.objects.exists()  # adding a row saves nothing

    bad = _answer(client, sent, {**one, "rows": "2", "diff-1-item": "运费", "diff-1-amount": "0"})
    assert bad.status_code == 422
    assert "不能为零" in _text(bad)
    sent.refresh_from_db()
    assert (sent.status, StatementDifference.objects.count()) == (StatementStatus.SENT, 0)

    good = {**one, "rows": "3", "diff-1-item": "运费", "diff-1-amount": "-35.5", "diff-1-note": ""}
    assert _answer(client, sent, good).status_code == 302  # the blank third row is skipped
    sent.refresh_from_db()
    assert sent.status == StatementStatus.DISPUTED
    rows = list(StatementDifference.objects.order_by("pk").values_list("item", "amount"))
    assert rows == [("发票 10000001", Decimal("120.00")), ("运费", Decimal("-35.50"))]


def test_someone_else_cannot_answer(client, sent, other_salesperson, manager):
    client.force_login(manager)
    assert _answer(client, sent, {"agreed": "1"}).status_code == 403
    client.force_login(other_salesperson)
    assert _answer(client, sent, {"agreed": "1"}).status_code == 404
    sent.refresh_from_db()
    assert sent.status == StatementStatus.SENT


def test_differences_resolved_by_finance_and_the_manager(
    client, disputed, finance, manager, salesperson
):
    first, second = disputed.differences.order_by("pk")
    client.force_login(salesperson)
    url = f"/receivables/statements/differences/{first.pk}/resolve/"
    assert client.post(url, {f"resolve-{first.pk}-resolution": "好"}).status_code == 403
    client.force_login(finance)
    page = _text(client.get(f"/receivables/statements/{disputed.pk}/"))
    assert f'id="resolve-{first.pk}"' in page
    assert client.post(url, {f"resolve-{first.pk}-resolution": ""}).status_code == 422
    assert client.post(url, {f"resolve-{first.pk}-resolution": "已更正"}).status_code == 302
    client.force_login(manager)
    url = f"/receivables/statements/differences/{second.pk}/resolve/"
    assert client.post(url, {f"resolve-{second.pk}-resolution": "尾差"}).status_code == 302
    disputed.refresh_from_db()
    assert disputed.status == StatementStatus.RESOLVED
    first.refresh_from_db()
    assert (first.resolution, first.resolved_by) == ("已更正", finance)


# ---------------------------------------------------------------- collection notices


@pytest.fixture
def notice(invoice):
    dunning_run(now=at("2026-04-20", 8))
    return CollectionNotice.objects.get()


def test_notices_per_role(client, notice, salesperson, other_salesperson, manager, warehouse):
    client.force_login(salesperson)
    text = _text(client.get("/receivables/notices/"))
    assert f'id="notice-{notice.pk}"' in text and "2,250.00" in text
    assert 'id="to-sign"' in text  # one waits for their signature
    client.force_login(manager)
    assert f'id="notice-{notice.pk}"' in _text(client.get("/receivables/notices/"))
    client.force_login(other_salesperson)
    assert f'id="notice-{notice.pk}"' not in _text(client.get("/receivables/notices/?show=all"))
    assert client.get(f"/receivables/notices/{notice.pk}/").status_code == 404
    client.force_login(warehouse)
    assert client.get("/receivables/notices/").status_code == 403


def test_the_notice_page_and_its_signature(client, notice, salesperson, manager, invoice):
    url = f"/receivables/notices/{notice.pk}/"
    client.force_login(manager)
    text = _text(client.get(url))
    assert invoice.number in text and 'id="sign-notice"' not in text
    assert client.post(f"{url}sign/").status_code == 403
    client.force_login(salesperson)
    text = _text(client.get(url))
    assert 'id="sign-notice"' in text and ">11<" in text  # due 9 April: 11 days on the 20th
    assert client.post(f"{url}sign/").status_code == 302
    notice.refresh_from_db()
    assert notice.signed_by == salesperson
    assert 'id="sign-notice"' not in _text(client.get(url))
    second = client.post(f"{url}sign/")  # once only: a message, nothing changes
    assert second.status_code == 302
    notice.refresh_from_db()
    assert notice.signed_at == TODAY


def test_no_run_left_queued_by_a_refused_start(client, invoice, finance, office):
    # a bad period posted by hand never creates a run
    client.force_login(finance)
    r = client.post("/receivables/statements/generate/", {"office": office.pk, "period": "x"})
    assert r.status_code == 422
    assert not StatementRun.objects.filter(status=RunStatus.QUEUED).exists()
