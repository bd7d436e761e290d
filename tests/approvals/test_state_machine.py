"""The engine's invariants under random submits, decisions, edits and voids (R-8.1–R-8.3)."""

import datetime

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule
from rest_framework.exceptions import PermissionDenied, ValidationError

from accounts.factories import AccountFactory
from accounts.models import Account
from approvals.choices import ApprovalState, DocumentStatus, EventKind
from approvals.models import Approval, ApprovalEvent
from approvals.services import approval_decide, approval_submit, approvals_void, ensure_editable
from common.errors import DomainError
from staff.choices import Role
from staff.factories import OfficeFactory, UserFactory

NOW = datetime.datetime(2026, 12, 1, 2, 0, tzinfo=datetime.UTC)


class EngineMachine(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        office = OfficeFactory(code="sm-office")
        self.author = UserFactory(username="sm-sp", roles=[Role.SALESPERSON], offices=[office])
        self.users = [
            self.author,
            UserFactory(username="sm-ma", roles=[Role.MANAGER], offices=[office]),
            UserFactory(username="sm-ma2", roles=[Role.MANAGER], offices=[office]),
            UserFactory(username="sm-fi", roles=[Role.FINANCE], offices=[office]),
            UserFactory(username="sm-di", roles=[Role.DIRECTOR], offices=[]),
        ]
        self.account = AccountFactory(office=office, author=self.author)
        self.tick = 0

    def now(self):
        self.tick += 1
        return NOW + datetime.timedelta(minutes=self.tick)

    def doc(self):
        return Account.objects.get(pk=self.account.pk)

    @rule(by=st.integers(0, 4))
    def submit(self, by):
        try:
            approval_submit(document=self.doc(), actor=self.users[by], now=self.now())
        except DomainError:
            assert self.doc().status not in (DocumentStatus.DRAFT, DocumentStatus.REJECTED)

    @rule(by=st.integers(0, 4), reject=st.booleans(), which=st.integers(0, 5))
    def decide(self, by, reject, which):
        rows = list(Approval.objects.filter(document_id=self.account.pk).order_by("pk"))
        if not rows:
            return
        approval = rows[which % len(rows)]
        before = (approval.state, approval.void, self.doc().status)
        user = self.users[by]
        try:
            approval_decide(
                approval=approval,
                actor=user,
                decision="reject" if reject else "approve",
                comment="不行" if reject else "",
                now=self.now(),
            )
        except (DomainError, PermissionDenied, ValidationError):
            approval.refresh_from_db()
            assert (approval.state, approval.void, self.doc().status) == before
            return
        assert before == (ApprovalState.PENDING, False, DocumentStatus.PENDING)
        assert user.pk != self.author.pk

    @rule(by=st.integers(0, 4))
    def edit_or_void(self, by):
        doc = self.doc()
        try:
            ensure_editable(doc)
        except DomainError:
            approvals_void(document=doc, actor=self.users[by], now=self.now())
            assert self.doc().status == DocumentStatus.DRAFT

    @invariant()
    def never_approved_with_an_undecided_step(self):
        doc = self.doc()
        live = list(doc.approvals().values_list("state", flat=True))
        if doc.status == DocumentStatus.APPROVED:
            assert live and all(s in (ApprovalState.APPROVED, ApprovalState.SKIPPED) for s in live)
        if doc.status == DocumentStatus.PENDING:
            assert live.count(ApprovalState.PENDING) == 1

    @invariant()
    def never_decided_by_the_author(self):
        assert not Approval.objects.filter(
            document_id=self.account.pk, decided_by=self.author
        ).exists()
        assert not ApprovalEvent.objects.filter(
            document_id=self.account.pk, kind=EventKind.APPROVED, actor=self.author
        ).exists()


@pytest.mark.django_db
def test_engine_state_machine():
    from hypothesis.stateful import run_state_machine_as_test

    run_state_machine_as_test(
        EngineMachine,
        settings=settings(
            max_examples=25,
            stateful_step_count=15,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
