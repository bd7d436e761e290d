"""R-15.6: the half-yearly statements of account. One per account with a balance at the end of
the half or any movement in it, opening and closing as the ledger says; made again, nothing
new; sent by the salesperson, signed back or disputed item by item, each difference resolved
by finance or the manager; every refusal saves nothing; the PDF reads back its closing
balance."""

import datetime
import re
from decimal import Decimal
from io import BytesIO

import pytest
from django.utils import translation
from pypdf import PdfReader
from rest_framework.exceptions import PermissionDenied, ValidationError

from common.errors import DomainError
from contracts.factories import NOW, approved_account
from notifications.models import Notification
from receivables import figures
from receivables.choices import RunStatus, StatementStatus
from receivables.factories import issued_invoice, received
from receivables.models import Statement, StatementDifference, StatementRun
from receivables.pdf import statement_pdf
from receivables.services import statements
from receivables.services.statements import DifferenceInput

from .statement_fixtures import at, shipped_contract

pytestmark = pytest.mark.django_db

H1 = ("2026H1", datetime.date(2026, 1, 1), datetime.date(2026, 6, 30))
H2 = ("2026H2", datetime.date(2026, 7, 1), datetime.date(2026, 12, 31))
AFTER_H1 = at("2026-07-02")
AFTER_H2 = at("2027-01-04")


@pytest.fixture
def books(shipped, office, salesperson, other_salesperson, product, approvers, finance):
    """Five accounts of the branch, each invoiced on 10 March (H1):
    - main: 2,250.00, 1,000.00 received on 1 August (H2);
    - kept: 1,000.00 never paid (a balance in H2, no movement);
    - paid: 1,000.00 paid on 15 July (movement in H2, nothing left);
    - closed: 1,000.00 paid on 10 March (neither in H2);
    - idle: an account with no ledger at all."""
    issued_invoice(shipped, now=NOW, ship=False)
    accounts = {"main": shipped.account}
    for key, name in (("kept", "长江电器"), ("paid", "黄河建材"), ("closed", "珠江五金")):
        contract = shipped_contract(office, other_salesperson, product, approvers, name=name)
        issued_invoice(contract, now=NOW, ship=False)
        accounts[key] = contract.account
    received(accounts["main"], "1000.00", now=at("2026-08-01"))
    received(accounts["paid"], "1000.00", now=at("2026-07-15"))
    received(accounts["closed"], "1000.00", now=NOW)
    accounts["idle"] = approved_account(office, salesperson, name="闲置客户")
    return accounts


def _start(finance, office, period, now):
    return statements.statement_run_start(actor=finance, office=office, period=period, now=now)


def _generate(finance, office, period, now, batch=2):
    run = _start(finance, office, period, now)
    return statements.statements_generate(run_id=run.pk, now=now, batch=batch)


def _made(period):
    return {s.account_id: s for s in Statement.objects.filter(period=period)}


def test_first_half_opening_and_closing_against_the_ledger(books, finance, office):
    run = _generate(finance, office, "2026H1", AFTER_H1)
    assert (run.status, run.total, run.done, run.created) == (RunStatus.DONE, 4, 4, 4)
    made = _made("2026H1")
    assert set(made) == {books[k].pk for k in ("main", "kept", "paid", "closed")}
    main = made[books["main"].pk]
    assert (main.opening, main.debits, main.credits, main.closing) == (
        Decimal("0.00"),
        Decimal("2250.00"),
        Decimal("0.00"),
        Decimal("2250.00"),
    )
    closed = made[books["closed"].pk]  # invoiced and paid inside the half: movement
    assert (closed.debits, closed.credits, closed.closing) == (
        Decimal("1000.00"),
        Decimal("1000.00"),
        Decimal("0.00"),
    )
    for statement in made.values():
        assert statement.status == StatementStatus.DRAFT
        assert (statement.start, statement.end) == H1[1:]
        assert statement.run == run


def test_second_half_includes_balance_only_and_movement_only_not_neither(books, finance, office):
    run = _generate(finance, office, "2026H2", AFTER_H2)
    # four accounts have a ledger by the end of the half: each looked at, three qualify
    assert (run.status, run.total, run.done, run.created) == (RunStatus.DONE, 4, 4, 3)
    made = _made("2026H2")
    assert set(made) == {books["main"].pk, books["kept"].pk, books["paid"].pk}
    expected = {
        "main": ("2250.00", "0.00", "1000.00", "1250.00"),
        "kept": ("1000.00", "0.00", "0.00", "1000.00"),  # only a balance
        "paid": ("1000.00", "0.00", "1000.00", "0.00"),  # only movement
    }
    _period, start, end = H2
    for key, figures_expected in expected.items():
        s = made[books[key].pk]
        assert (s.opening, s.debits, s.credits, s.closing) == tuple(
            Decimal(v) for v in figures_expected
        ), key
        # the ledger's balance before the half and at its end
        assert s.opening == figures.balance(books[key].pk, start - datetime.timedelta(days=1))
        assert s.closing == figures.balance(books[key].pk, end)


def test_made_again_makes_nothing_new(books, finance, office):
    _generate(finance, office, "2026H2", AFTER_H2)
    before = list(Statement.objects.order_by("pk").values_list("pk", "closing", "generated_at"))
    again = _generate(finance, office, "2026H2", AFTER_H2 + datetime.timedelta(days=1))
    assert (again.status, again.created) == (RunStatus.DONE, 0)
    assert again.total == 1  # only the account that qualified for none is looked at again
    after = list(Statement.objects.order_by("pk").values_list("pk", "closing", "generated_at"))
    assert after == before


def test_a_line_posted_after_the_statement_does_not_change_it(books, finance, office):
    _generate(finance, office, "2026H2", AFTER_H2)
    kept = Statement.objects.get(account=books["kept"], period="2026H2")
    # a receipt entered in January, dated back into the half
    received(books["kept"], "300.00", now=at("2027-01-10"), date=datetime.date(2026, 12, 20))
    with translation.override("zh-hans"):
        text = _pdf_text(kept)
    assert _closing_in(text) == Decimal("1000.00")  # the statement as it was made


def test_the_run_is_refused_before_the_half_ends_and_twice_at_once(books, finance, office):
    with pytest.raises(DomainError) as early:
        _start(finance, office, "2026H2", at("2026-12-31", 23))
    assert early.value.code == "period_not_ended"
    assert not StatementRun.objects.exists()

    first = _start(finance, office, "2026H2", AFTER_H2)  # queued, not yet run
    with pytest.raises(DomainError) as twice:
        _start(finance, office, "2026H2", AFTER_H2)
    assert (twice.value.code, twice.value.extra) == ("run_live", {"run": first.pk})
    assert StatementRun.objects.count() == 1
    # another half of the same branch may run beside it
    assert _start(finance, office, "2026H1", AFTER_H2).period == "2026H1"


@pytest.mark.parametrize("period", ["2026H3", "2026", "", "H1-2026", "2026h1"])
def test_a_period_that_is_not_a_half_year_is_refused(books, finance, office, period):
    with pytest.raises(ValidationError):
        _start(finance, office, period, AFTER_H2)
    assert not StatementRun.objects.exists()


def test_only_finance_of_the_branch_makes_statements(
    books, office, other_office, salesperson, manager, other_manager
):
    for who in (salesperson, manager):
        with pytest.raises(PermissionDenied):
            _start(who, office, "2026H1", AFTER_H1)
    from staff.choices import Role
    from staff.factories import UserFactory

    elsewhere = UserFactory(username="fin-river", roles=[Role.FINANCE], offices=[other_office])
    with pytest.raises(PermissionDenied):
        _start(elsewhere, office, "2026H1", AFTER_H1)
    assert not StatementRun.objects.exists()


def test_a_failure_marks_the_run_failed_and_keeps_what_was_made(
    books, finance, office, monkeypatch
):
    real = statements._batch
    calls = []

    def second_fails(run_id, now, size):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("the database went away")
        return real(run_id, now, size)

    monkeypatch.setattr(statements, "_batch", second_fails)
    run = _start(finance, office, "2026H1", AFTER_H1)
    with pytest.raises(RuntimeError):
        statements.statements_generate(run_id=run.pk, now=AFTER_H1, batch=2)
    run.refresh_from_db()
    assert (run.status, run.done, run.created) == (RunStatus.FAILED, 2, 2)
    assert run.error == "the database went away"
    assert Statement.objects.filter(period="2026H1").count() == 2

    monkeypatch.setattr(statements, "_batch", real)
    again = _generate(finance, office, "2026H1", AFTER_H1)  # a failed run is not live
    assert (again.status, again.total, again.created) == (RunStatus.DONE, 2, 2)
    assert Statement.objects.filter(period="2026H1").count() == 4


# ---------------------------------------------------------------- send, answer, resolve


@pytest.fixture
def statement(books, finance, office):
    _generate(finance, office, "2026H2", AFTER_H2)
    return Statement.objects.get(account=books["main"], period="2026H2")


LATER = at("2027-01-06")


def _state(statement):
    statement.refresh_from_db()
    return statement.status, statement.differences.count()


def test_sent_then_signed_back(statement, salesperson, finance, manager):
    sent = statements.statement_send(statement=statement, actor=salesperson, now=LATER)
    assert (sent.status, sent.sent_by, sent.sent_at) == (StatementStatus.SENT, salesperson, LATER)
    with pytest.raises(DomainError) as again:
        statements.statement_send(statement=statement, actor=salesperson, now=LATER)
    assert again.value.code == "not_draft"

    agreed = statements.statement_answer(
        statement=statement, actor=salesperson, agreed=True, now=LATER
    )
    assert (agreed.status, agreed.answered_by) == (StatementStatus.AGREED, salesperson)
    told = Notification.objects.filter(kind="statement_agreed")
    assert set(told.values_list("recipient", flat=True)) == {finance.pk, manager.pk}
    assert told.first().params == {
        "account": statement.account.name,
        "period": "2026-07-01 – 2026-12-31",
    }
    with pytest.raises(DomainError) as twice:
        statements.statement_answer(statement=statement, actor=salesperson, agreed=True, now=LATER)
    assert twice.value.code == "not_sent"


def test_an_answer_on_a_statement_not_sent_is_refused(statement, salesperson):
    with pytest.raises(DomainError) as refused:
        statements.statement_answer(
            statement=statement,
            actor=salesperson,
            agreed=False,
            differences=[DifferenceInput(item="发票 0001", amount="100.00")],
            now=LATER,
        )
    assert refused.value.code == "not_sent"
    assert _state(statement) == (StatementStatus.DRAFT, 0)


def test_only_the_account_s_salesperson_sends_and_answers(
    statement, salesperson, other_salesperson, manager, finance
):
    for who in (other_salesperson, manager, finance):
        with pytest.raises(PermissionDenied):
            statements.statement_send(statement=statement, actor=who, now=LATER)
    assert _state(statement) == (StatementStatus.DRAFT, 0)
    statements.statement_send(statement=statement, actor=salesperson, now=LATER)
    for who in (other_salesperson, manager, finance):
        with pytest.raises(PermissionDenied):
            statements.statement_answer(statement=statement, actor=who, agreed=True, now=LATER)
    assert _state(statement) == (StatementStatus.SENT, 0)


@pytest.mark.parametrize(
    "differences",
    [
        [],
        [DifferenceInput(item="", amount="10.00")],
        [DifferenceInput(item="发票 0001", amount="0")],
        [DifferenceInput(item="发票 0001", amount="1.005")],
        [DifferenceInput(item="发票 0001", amount="abc")],
        [DifferenceInput(item="好", amount="5.00"), DifferenceInput(item="x" * 201, amount="5")],
    ],
    ids=["none", "no-item", "zero", "three-decimals", "not-a-number", "item-too-long"],
)
def test_a_dispute_needs_its_items(statement, salesperson, differences):
    statements.statement_send(statement=statement, actor=salesperson, now=LATER)
    with pytest.raises(ValidationError):
        statements.statement_answer(
            statement=statement,
            actor=salesperson,
            agreed=False,
            differences=differences,
            now=LATER,
        )
    assert _state(statement) == (StatementStatus.SENT, 0)
    assert not Notification.objects.filter(kind="statement_disputed").exists()


def test_disputed_item_by_item_then_resolved(statement, salesperson, finance, manager):
    statements.statement_send(statement=statement, actor=salesperson, now=LATER)
    disputed = statements.statement_answer(
        statement=statement,
        actor=salesperson,
        agreed=False,
        differences=[
            DifferenceInput(item="收款 SK-0001", amount="-200.00", note="客户称已付 1,200.00"),
            DifferenceInput(item="发票 10000001", amount="50.5"),
        ],
        now=LATER,
    )
    assert disputed.status == StatementStatus.DISPUTED
    rows = list(disputed.differences.order_by("pk").values_list("item", "amount", "note"))
    assert rows == [
        ("收款 SK-0001", Decimal("-200.00"), "客户称已付 1,200.00"),
        ("发票 10000001", Decimal("50.50"), ""),
    ]
    told = Notification.objects.filter(kind="statement_disputed")
    assert set(told.values_list("recipient", flat=True)) == {finance.pk, manager.pk}

    first, second = disputed.differences.order_by("pk")
    with pytest.raises(PermissionDenied):
        statements.difference_resolve(
            difference=first, actor=salesperson, resolution="已核对", now=LATER
        )
    with pytest.raises(ValidationError):
        statements.difference_resolve(difference=first, actor=finance, resolution=" ", now=LATER)
    statements.difference_resolve(
        difference=first, actor=finance, resolution="收款单日期差异，已说明", now=LATER
    )
    assert _state(statement)[0] == StatementStatus.DISPUTED  # one still open
    with pytest.raises(DomainError) as twice:
        statements.difference_resolve(difference=first, actor=manager, resolution="再次", now=LATER)
    assert twice.value.code == "already_resolved"

    statements.difference_resolve(difference=second, actor=manager, resolution="尾差", now=LATER)
    statement.refresh_from_db()
    assert (statement.status, statement.resolved_at) == (StatementStatus.RESOLVED, LATER)
    first.refresh_from_db()
    assert (first.resolved_by, first.resolution) == (finance, "收款单日期差异，已说明")
    with pytest.raises(DomainError) as closed:
        statements.difference_resolve(difference=second, actor=manager, resolution="x", now=LATER)
    assert closed.value.code == "not_disputed"


def test_a_difference_of_another_branch_is_not_resolved_here(statement, salesperson, other_manager):
    statements.statement_send(statement=statement, actor=salesperson, now=LATER)
    statements.statement_answer(
        statement=statement,
        actor=salesperson,
        agreed=False,
        differences=[DifferenceInput(item="发票", amount="1.00")],
        now=LATER,
    )
    with pytest.raises(PermissionDenied):
        statements.difference_resolve(
            difference=StatementDifference.objects.get(),
            actor=other_manager,
            resolution="不是我的",
            now=LATER,
        )
    assert StatementDifference.objects.get().resolved_at is None


# ---------------------------------------------------------------- the PDF


def _pdf_text(statement) -> str:
    content = statement_pdf(statement)
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages)


def _closing_in(text: str) -> Decimal:
    found = re.search(r"期末余额\s*(-?[\d,]+\.\d\d)", text)
    assert found, text
    return Decimal(found.group(1).replace(",", ""))


def test_the_pdf_reads_back_its_closing_balance(statement, books):
    with translation.override("zh-hans"):
        text = _pdf_text(statement)
    assert _closing_in(text) == figures.balance(books["main"].pk, H2[2]) == Decimal("1250.00")
    for expected in ("往来账目核对", books["main"].name, "2026-07-01", "2026-12-31", "2,250.00"):
        assert expected in text, expected
    assert re.search(r"期初余额\s*2,250\.00", text), text
    # the receipt of 1 August with the balance after it
    assert re.search(r"2026-08-01\s+收款 SK-\S+\s+1,000\.00\s+1,250\.00", text), text
