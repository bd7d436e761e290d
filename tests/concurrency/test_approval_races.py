"""Races of the approval engine (R-8.1–R-8.3), real threads against PostgreSQL.

Every transition of approvals.services locks the document's row first (then the step's), so
that two people acting on one document are served one after the other and the second sees
what the first did:

- two approvers deciding the same step at once: exactly one decision lands, the other is
  refused with `not_pending` (409 over HTTP);
- a decision racing an edit that voids the approvals (R-8.3): whichever comes first, the
  document is never approved with a voided or undecided step;
- two submissions of the same draft: one round of steps, the other refused with `not_draft`.

Rounds are run unpaced (whoever gets there first) and paced (one side keeps its transaction
open a moment after its change, the other arrives meanwhile and must wait for the lock), so
that both orders are exercised every run.
"""

import datetime
import time
from collections import Counter

import pytest
from django.db import transaction
from rest_framework.test import APIClient

from accounts.factories import AccountFactory
from accounts.models import Account
from approvals import chains
from approvals.chains import Step
from approvals.choices import ApprovalState, DocumentStatus, DocumentType, EventKind
from approvals.models import Approval, ApprovalEvent
from approvals.services import approval_decide, approval_submit, approvals_void
from common.errors import DomainError
from staff.choices import Role
from staff.factories import UserFactory

from .harness import Outcome, run_together

pytestmark = pytest.mark.django_db(transaction=True)

HOLD = 0.3  # seconds the first side keeps its transaction (and the document's lock) open
HEAD_START = 0.1  # seconds the second side waits, so that it arrives while the lock is held
DECIDED = (EventKind.APPROVED, EventKind.REJECTED, EventKind.COMPLETED)


def describe(outcomes: list[Outcome]) -> str:
    return "; ".join(f"{i}: {o.error!r}" for i, o in enumerate(outcomes) if o.error)


@pytest.fixture
def two_steps(monkeypatch):
    """A new account approved by the manager, then by the director (a two-step chain, as a
    quote below its floor price has): the race on the second step, with the first decided."""
    monkeypatch.setitem(
        chains.CHAINS, DocumentType.ACCOUNT, [Step(Role.MANAGER), Step(Role.DIRECTOR)]
    )


@pytest.fixture
def people(office):
    return {
        "author": UserFactory(username="r-sp", roles=[Role.SALESPERSON], offices=[office]),
        "manager": UserFactory(username="r-ma1", roles=[Role.MANAGER], offices=[office]),
        "manager2": UserFactory(username="r-ma2", roles=[Role.MANAGER], offices=[office]),
        "director": UserFactory(username="r-di", roles=[Role.DIRECTOR], offices=[]),
    }


T0 = datetime.datetime(2026, 12, 1, 2, 0, tzinfo=datetime.UTC)


def _now(n: int = 0) -> datetime.datetime:
    return T0 + datetime.timedelta(minutes=n)


def _pending(office, people, n: int = 0) -> Account:
    account = AccountFactory(office=office, author=people["author"])
    approval_submit(document=account, actor=people["author"], now=_now(n))
    return Account.objects.get(pk=account.pk)


def _current(account) -> Approval:
    return account.approvals().get(state=ApprovalState.PENDING)


def assert_consistent(account: Account) -> None:
    """R-8.2, R-8.3: approved only with every live step approved or skipped; pending with
    exactly one pending step; a draft (voided) with no live step; and in the history, no
    decision after a void until the next submission."""
    account.refresh_from_db()
    live = list(account.approvals().values_list("state", flat=True))
    if account.status == DocumentStatus.APPROVED:
        assert live and all(s in (ApprovalState.APPROVED, ApprovalState.SKIPPED) for s in live)
    elif account.status == DocumentStatus.PENDING:
        assert live.count(ApprovalState.PENDING) == 1, live
    elif account.status == DocumentStatus.DRAFT:
        assert live == [], live
    assert Approval.objects.filter(
        document_type="account", document_id=account.pk, state=ApprovalState.PENDING, void=False
    ).count() == (1 if account.status == DocumentStatus.PENDING else 0)
    voided = False
    for kind in (
        ApprovalEvent.objects.filter(document_id=account.pk)
        .order_by("pk")
        .values_list("kind", flat=True)
    ):
        if kind == EventKind.SUBMITTED:
            voided = False
        elif kind == EventKind.VOIDED:
            voided = True
        elif kind in DECIDED:
            assert not voided, "a decision landed on a voided round"


def held(call, hold: bool):
    """Run `call` in a transaction kept open HOLD seconds after it (its locks with it)."""

    def run():
        with transaction.atomic():
            result = call()
            if hold:
                time.sleep(HOLD)
            return result

    return run


def late(call, wait: bool):
    def run():
        if wait:
            time.sleep(HEAD_START)
        return call()

    return run


# ---------------------------------------------------------------- two approvers, one step


@pytest.mark.parametrize("decisions", [("approve", "approve"), ("approve", "reject")])
def test_two_managers_deciding_the_same_step_one_decision_lands(office, people, decisions):
    """R-8.1: the branch's two managers open the same inbox entry and both click: one decision
    is kept, the other is told the step no longer waits (not_pending), nothing doubled."""
    for n in range(10):
        account = _pending(office, people, n)
        step = _current(account)

        def decide(who, decision, step=step, n=n):
            return lambda: approval_decide(
                approval=step,
                actor=people[who],
                decision=decision,
                comment="不同意" if decision == "reject" else "",
                now=_now(n + 1),
            )

        outcomes = run_together([decide("manager", decisions[0]), decide("manager2", decisions[1])])
        errors = [o.error for o in outcomes if o.error is not None]
        assert len(errors) == 1, describe(outcomes)
        assert isinstance(errors[0], DomainError) and errors[0].code == "not_pending"
        step.refresh_from_db()
        winner = next(i for i, o in enumerate(outcomes) if o.error is None)
        assert step.decided_by == people[("manager", "manager2")[winner]]
        assert step.state == ("approved" if decisions[winner] == "approve" else "rejected")
        events = ApprovalEvent.objects.filter(document_id=account.pk, kind__in=DECIDED[:2])
        assert events.count() == 1
        account.refresh_from_db()
        assert account.status == step.state  # approved or rejected, once
        assert_consistent(account)


def test_three_approvers_over_http_one_200_the_others_409(office, people, two_steps):
    """The same over the API: the director decides the second step, two managers the first;
    on the first step exactly one 200, the others 409 not_pending."""
    account = _pending(office, people)
    step = _current(account)

    def post(who):
        def call():
            api = APIClient()
            api.force_authenticate(people[who])
            return api.post(
                f"/api/v1/approvals/{step.pk}/decide/", {"decision": "approve"}, format="json"
            )

        return call

    outcomes = run_together([post("manager"), post("manager2"), post("manager")])
    assert [o.error for o in outcomes] == [None] * 3, describe(outcomes)
    answers = Counter(
        (o.value.status_code, o.value.json().get("code") if o.value.status_code != 200 else None)
        for o in outcomes
    )
    assert answers == {(200, None): 1, (409, "not_pending"): 2}
    assert Approval.objects.filter(document_id=account.pk, decided_by__isnull=False).count() == 1
    account.refresh_from_db()
    assert account.status == DocumentStatus.PENDING  # the director's step is now pending
    assert _current(account).role == Role.DIRECTOR
    assert_consistent(account)


# ---------------------------------------------------------------- a decision against a void


@pytest.mark.parametrize("steps", ["one", "two"])
def test_a_decision_racing_a_void_never_leaves_an_approved_document_with_an_open_step(
    office, people, monkeypatch, steps
):
    """R-8.3: the salesperson changes the terms (the approvals are voided, the document is a
    draft again) while the approver approves the last step. Either the approval lands first
    and the void then returns the approved document to draft, or the void comes first and the
    decision is refused (not_pending); never approved with a voided or undecided step."""
    if steps == "two":
        monkeypatch.setitem(
            chains.CHAINS, DocumentType.ACCOUNT, [Step(Role.MANAGER), Step(Role.DIRECTOR)]
        )
    rounds = ["race"] * 8 + ["decision first"] * 4 + ["void first"] * 4
    seen: Counter = Counter()
    for n, mode in enumerate(rounds):
        account = _pending(office, people, n)
        decider = people["manager"]
        if steps == "two":  # the manager approved; the director's step is the one raced
            approval_decide(
                approval=_current(account), actor=decider, decision="approve", comment="",
                now=_now(n),
            )  # fmt: skip
            decider = people["director"]
        step = _current(account)
        decide = lambda step=step, decider=decider, n=n: approval_decide(  # noqa: E731
            approval=step, actor=decider, decision="approve", comment="", now=_now(n + 1)
        )
        void = lambda account=account, n=n: approvals_void(  # noqa: E731
            document=Account.objects.get(pk=account.pk),
            actor=people["author"],
            now=_now(n + 1),
            comment="改了付款条件",
        )
        outcomes = run_together(
            [
                late(held(decide, mode == "decision first"), mode == "void first"),
                late(held(void, mode == "void first"), mode == "decision first"),
            ]
        )
        decided, voided = outcomes
        assert voided.error is None, describe(outcomes)
        account.refresh_from_db()
        assert account.status == DocumentStatus.DRAFT  # the void always has the last word
        assert list(account.approvals()) == []
        if decided.error is None:
            seen["decided, then voided"] += 1
            kinds = list(
                ApprovalEvent.objects.filter(document_id=account.pk)
                .order_by("pk")
                .values_list("kind", flat=True)
            )
            assert kinds[-3:] == [EventKind.APPROVED, EventKind.COMPLETED, EventKind.VOIDED]
        else:
            assert isinstance(decided.error, DomainError), describe(outcomes)
            assert decided.error.code == "not_pending"
            seen["voided, decision refused"] += 1
            step.refresh_from_db()
            assert step.void and step.decided_by is None
        assert_consistent(account)
        if mode == "decision first":
            assert decided.error is None
        if mode == "void first":
            assert decided.error is not None
    assert set(seen) == {"decided, then voided", "voided, decision refused"}, seen


# ---------------------------------------------------------------- two submissions


@pytest.mark.parametrize("paced", [False, True])
def test_two_submissions_of_one_draft_make_one_round_of_steps(office, people, two_steps, paced):
    """R-8.1: a double click on "submit" (or the page and the app at once): one round of
    steps, the first pending; the second submission is refused (not_draft)."""
    for n in range(6):
        account = AccountFactory(office=office, author=people["author"])
        submit = lambda account=account, n=n: approval_submit(  # noqa: E731
            document=Account.objects.get(pk=account.pk), actor=people["author"], now=_now(n)
        )
        outcomes = run_together([held(submit, paced), late(submit, paced)])
        errors = [o.error for o in outcomes if o.error is not None]
        assert len(errors) == 1, describe(outcomes)
        assert isinstance(errors[0], DomainError) and errors[0].code == "not_draft"
        rows = Approval.objects.filter(document_type="account", document_id=account.pk)
        assert rows.count() == 2  # manager, director: once
        assert sorted(rows.values_list("step", "state")) == [(0, "pending"), (1, "waiting")]
        submitted = ApprovalEvent.objects.filter(document_id=account.pk, kind=EventKind.SUBMITTED)
        assert submitted.count() == 1
        account.refresh_from_db()
        assert account.status == DocumentStatus.PENDING
        assert_consistent(account)


def test_a_resubmission_racing_a_decision_on_the_old_round(office, people):
    """A rejected document resubmitted while a second approver still decides the rejected
    step: the decision is refused (the step was decided), the new round is the only live one."""
    account = _pending(office, people)
    old = _current(account)
    approval_decide(
        approval=old, actor=people["manager"], decision="reject", comment="信用代码核实不了",
        now=_now(1),
    )  # fmt: skip
    resubmit = lambda: approval_submit(  # noqa: E731
        document=Account.objects.get(pk=account.pk), actor=people["author"], now=_now(2)
    )
    decide = lambda: approval_decide(  # noqa: E731
        approval=old, actor=people["manager2"], decision="approve", comment="", now=_now(2)
    )
    submitted, decided = run_together([resubmit, decide])
    assert submitted.error is None, describe([submitted, decided])
    assert isinstance(decided.error, DomainError) and decided.error.code == "not_pending"
    account.refresh_from_db()
    assert account.status == DocumentStatus.PENDING
    assert _current(account).pk != old.pk
    assert_consistent(account)
