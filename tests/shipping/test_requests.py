"""Demand requests through their services (R-13.1, R-8): within what the contract has left to
request, against a product of the contract, by the contract's salesperson or the branch's clerk;
the branch manager then the director approve, and nobody decides their own; a refused request
saves nothing."""

from decimal import Decimal

import pytest
from rest_framework.exceptions import PermissionDenied, ValidationError

from approvals.services import approval_decide
from common.errors import DomainError
from contracts import services as contract_services
from contracts.factories import NOW, approved_account, draft, line, make_product, signed
from notifications.models import Notification
from shipping import progress, services
from shipping.factories import approved_request, decide_all, row_counts
from shipping.models import DemandRequest
from shipping.services import LineInput
from staff.choices import Role
from staff.factories import UserFactory

pytestmark = pytest.mark.django_db


def ask(contract, actor, *lines, **extra):
    return services.request_create(
        actor=actor,
        contract=contract,
        lines=[LineInput(product=p, quantity=Decimal(q)) for p, q in lines],
        now=NOW,
        **extra,
    )


def left(contract) -> dict[str, Decimal]:
    return {p.line.product.code: p.left_to_request for p in progress.contract_progress(contract)}


@pytest.fixture
def other_clerk(other_office):
    return UserFactory(username="clerk-riverside", roles=[Role.CLERK], offices=[other_office])


# ---------------------------------------------------------------- what is left


def test_requests_up_to_what_the_contract_has_left(contract, salesperson, clerk, product, cable):
    first = ask(contract, salesperson, (product, "6"), (cable, "100"))
    assert first.number == "XQ-2026-0001" and first.status == "draft"
    assert [(dl.product, dl.quantity) for dl in first.lines.order_by("pk")] == [
        (product, Decimal("6.000")),
        (cable, Decimal("100.000")),
    ]
    assert (first.author, first.owner, first.office) == (salesperson, salesperson, contract.office)
    assert left(contract) == {"DJ-100": Decimal("4"), "DL-200": Decimal("0")}
    second = ask(contract, clerk, (product, "4"))  # the branch's clerk requests too
    assert (second.number, second.author, second.owner) == ("XQ-2026-0002", clerk, salesperson)
    assert left(contract) == {"DJ-100": 0, "DL-200": 0}


@pytest.mark.parametrize(
    ("given", "field"),
    [
        ([("product", "10.001")], "quantity"),  # over what is left
        ([("product", "10"), ("cable", "100.5")], "quantity"),
        ([("product", "0")], "quantity"),
        ([("product", "-1")], "quantity"),
        ([("product", "1.0001")], "quantity"),  # more than 3 decimals
        ([("product", "1"), ("product", "1")], "product"),  # a contract line twice
        ([("stranger", "1")], "product"),  # not on the contract
    ],
)
def test_a_request_over_what_is_left_or_off_the_contract_saves_nothing(
    contract, salesperson, product, cable, manager, given, field
):
    products = {"product": product, "cable": cable, "stranger": make_product(manager, "QT-9")}
    before = row_counts()
    with pytest.raises(ValidationError) as refused:
        ask(contract, salesperson, *[(products[k], q) for k, q in given])
    errors = refused.value.detail["lines"]
    assert any(field in e for e in errors), errors
    assert row_counts() == before


def test_the_message_says_how_much_is_left(contract, salesperson, product):
    ask(contract, salesperson, (product, "7"))
    with pytest.raises(ValidationError) as refused:
        ask(contract, salesperson, (product, "4"))
    (message,) = refused.value.detail["lines"][0]["quantity"]
    assert "3" in str(message) and "台" in str(message)


def test_no_lines_is_refused(contract, salesperson):
    with pytest.raises(ValidationError) as refused:
        services.request_create(actor=salesperson, contract=contract, lines=[], now=NOW)
    assert "lines" in refused.value.detail
    assert DemandRequest.objects.count() == 0


def test_a_product_on_two_lines_is_named_by_its_line(account, salesperson, product, approvers):
    contract = signed(
        account, salesperson, [line(product, "2"), line(product, "3", "90.00")], approvers
    )
    with pytest.raises(ValidationError) as refused:
        ask(contract, salesperson, (product, "1"))
    assert "contract_line" in refused.value.detail["lines"][0]
    second = contract.lines.order_by("pk")[1]
    made = services.request_create(
        actor=salesperson,
        contract=contract,
        lines=[LineInput(contract_line=second, quantity=Decimal("3"))],
        now=NOW,
    )
    assert made.lines.get().contract_line == second
    with pytest.raises(ValidationError):  # its 3 are requested; the first line's 2 are left
        services.request_create(
            actor=salesperson,
            contract=contract,
            lines=[LineInput(contract_line=second, quantity=Decimal("1"))],
            now=NOW,
        )


def test_a_cancelled_request_frees_its_quantities(contract, salesperson, product):
    made = ask(contract, salesperson, (product, "10"))
    services.request_cancel(request=made, actor=salesperson, now=NOW)
    made.refresh_from_db()
    assert (made.status, made.cancelled_by, made.cancelled_at) == ("cancelled", salesperson, NOW)
    assert left(contract)["DJ-100"] == 10
    ask(contract, salesperson, (product, "10"))


@pytest.mark.parametrize("state", ["draft", "pending", "cancelled", "fulfilled_then_closed"])
def test_only_a_signed_contract_takes_requests(
    account, salesperson, product, manager, approvers, state
):
    if state in ("draft", "pending"):
        contract = draft(account, salesperson, [line(product)])
    else:
        contract = signed(account, salesperson, [line(product)], approvers)
    if state == "pending":
        contract_services.contract_submit(contract=contract, actor=salesperson, now=NOW)
    elif state == "cancelled":
        contract_services.contract_cancel(contract=contract, actor=manager, reason="取消", now=NOW)
    elif state == "fulfilled_then_closed":
        from shipping.factories import ship_everything

        ship_everything(contract, now=NOW, people=approvers)
        contract_services.contract_close(contract=contract, actor=manager, now=NOW)
    contract.refresh_from_db()
    before = row_counts()
    with pytest.raises(DomainError) as refused:
        ask(contract, salesperson, (product, "1"))
    assert refused.value.code == "contract_not_signed"
    assert row_counts() == before


# ---------------------------------------------------------------- who requests


def test_a_salesperson_may_not_request_goods_on_a_colleagues_contract(
    contract, other_salesperson, product
):
    """Abuse: another salesperson of the branch, who does not own the account."""
    before = row_counts()
    with pytest.raises(PermissionDenied):
        ask(contract, other_salesperson, (product, "1"))
    assert row_counts() == before


def test_the_account_deputy_requests_for_the_owner(account, contract, other_salesperson, product):
    account.deputy = other_salesperson
    account.save(update_fields=["deputy"])
    made = ask(contract, other_salesperson, (product, "1"))
    assert (made.author, made.owner) == (other_salesperson, contract.owner)


@pytest.mark.parametrize("who", ["manager", "warehouse", "finance", "other_clerk", "director"])
def test_only_the_salesperson_or_the_branchs_clerk_requests(request, contract, product, who):
    actor = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        ask(contract, actor, (product, "1"))
    assert DemandRequest.objects.count() == 0


def test_a_colleague_may_not_submit_or_withdraw_the_request(
    contract, salesperson, other_salesperson, product
):
    made = ask(contract, salesperson, (product, "1"))
    with pytest.raises(PermissionDenied):
        services.request_submit(request=made, actor=other_salesperson, now=NOW)
    with pytest.raises(PermissionDenied):
        services.request_cancel(request=made, actor=other_salesperson, now=NOW)
    made.refresh_from_db()
    assert made.status == "draft"


# ---------------------------------------------------------------- approvals


def test_the_branch_manager_then_the_director_approve(
    contract, salesperson, clerk, product, manager, director
):
    made = ask(contract, salesperson, (product, "5"))
    made = services.request_submit(request=made, actor=salesperson, now=NOW)
    chain = [(a.role, a.state) for a in made.approvals().order_by("step")]
    assert chain == [("manager", "pending"), ("director", "waiting")]
    step = made.approvals().get(state="pending")
    made = approval_decide(approval=step, actor=manager, decision="approve", comment="", now=NOW)
    assert made.status == "pending"
    step = made.approvals().get(state="pending")
    assert step.role == "director"
    made = approval_decide(approval=step, actor=director, decision="approve", comment="", now=NOW)
    made.refresh_from_db()
    assert (made.status, made.approved_at) == ("approved", NOW)
    told = Notification.objects.filter(params__number=made.number)
    assert set(told.values_list("kind", "recipient")) == {
        ("demand_to_issue", clerk.pk),
        ("demand_approved", salesperson.pk),
    }


def test_a_salesperson_does_not_approve_their_own_request(
    office, product, manager, director, approvers
):
    """R-8.1 (abuse): a salesperson who is also a manager of the branch owns the account; their
    own request waits for another manager."""
    boss = UserFactory(
        username="sales-manager", roles=[Role.SALESPERSON, Role.MANAGER], offices=[office]
    )
    account = approved_account(office, boss, name="自营客户")
    contract = signed(account, boss, [line(product)], [manager, director])
    made = ask(contract, boss, (product, "1"))
    services.request_submit(request=made, actor=boss, now=NOW)
    step = made.approvals().get(state="pending")
    with pytest.raises(PermissionDenied):
        approval_decide(approval=step, actor=boss, decision="approve", comment="", now=NOW)
    step.refresh_from_db()
    assert (step.state, step.decided_by) == ("pending", None)
    assert decide_all(made, [manager, director], now=NOW).status == "approved"


def test_the_clerk_who_wrote_the_request_does_not_decide_it(office, contract, product, director):
    """R-8.1: its author neither (a clerk who is also a manager)."""
    clerk_manager = UserFactory(
        username="clerk-manager", roles=[Role.CLERK, Role.MANAGER], offices=[office]
    )
    made = ask(contract, clerk_manager, (product, "1"))
    services.request_submit(request=made, actor=clerk_manager, now=NOW)
    step = made.approvals().get(state="pending")
    with pytest.raises(PermissionDenied):
        approval_decide(approval=step, actor=clerk_manager, decision="approve", comment="", now=NOW)


def test_a_manager_of_another_branch_does_not_decide(contract, salesperson, product, other_manager):
    made = ask(contract, salesperson, (product, "1"))
    services.request_submit(request=made, actor=salesperson, now=NOW)
    step = made.approvals().get(state="pending")
    with pytest.raises(PermissionDenied):
        approval_decide(approval=step, actor=other_manager, decision="approve", comment="", now=NOW)


def test_a_rejected_request_goes_back_with_the_comment_and_may_be_sent_again(
    contract, salesperson, product, manager, director
):
    made = ask(contract, salesperson, (product, "5"))
    services.request_submit(request=made, actor=salesperson, now=NOW)
    step = made.approvals().get(state="pending")
    approval_decide(approval=step, actor=manager, decision="reject", comment="数量太多", now=NOW)
    made.refresh_from_db()
    assert made.status == "rejected"
    note = Notification.objects.get(kind="demand_rejected")
    assert (note.recipient, note.params["comment"]) == (salesperson, "数量太多")
    assert left(contract)["DJ-100"] == 5  # a rejected request still holds its quantities
    services.request_submit(request=made, actor=salesperson, now=NOW)
    assert decide_all(made, [manager, director], now=NOW).status == "approved"


def test_withdrawing_by_state(contract, salesperson, product, manager, director):
    """Its author withdraws a draft or rejected request; a pending one nobody; an approved one
    not issued the branch manager only; an issued one nobody."""
    pending = ask(contract, salesperson, (product, "2"))
    services.request_submit(request=pending, actor=salesperson, now=NOW)
    for who in (salesperson, manager):
        with pytest.raises(DomainError) as refused:
            services.request_cancel(request=pending, actor=who, now=NOW)
        assert refused.value.code == "not_cancellable"
    approved = approved_request(
        contract, [(product, "3")], now=NOW, requester=salesperson, people=[manager, director]
    )
    with pytest.raises(DomainError):
        services.request_cancel(request=approved, actor=salesperson, now=NOW)
    done = services.request_cancel(request=approved, actor=manager, now=NOW)
    assert (done.status, done.cancelled_by) == ("cancelled", manager)
    assert left(contract)["DJ-100"] == 8  # 10 − the pending 2


def test_a_request_of_a_contract_cancelled_meanwhile_is_not_submitted(
    contract, salesperson, product, manager
):
    made = ask(contract, salesperson, (product, "2"))
    contract_services.contract_cancel(contract=contract, actor=manager, reason="取消", now=NOW)
    made.refresh_from_db()
    assert made.status == "cancelled"  # ended with its contract
    with pytest.raises(DomainError):
        services.request_submit(request=made, actor=salesperson, now=NOW)


def test_a_signed_contract_with_requests_is_not_amended(contract, salesperson, product):
    """R-8.3, R-13.1: once goods are requested the contract's lines and terms stay as they
    were approved (the requests name its lines); the amendment is refused, nothing changes."""
    services.request_create(
        actor=salesperson,
        contract=contract,
        lines=[LineInput(product=product, quantity=Decimal("1"))],
        now=NOW,
    )
    with pytest.raises(DomainError) as refused:
        contract_services.contract_update(
            contract=contract, actor=salesperson, lines=[line(product, "3")], now=NOW
        )
    assert refused.value.code == "requested"
    contract.refresh_from_db()
    assert contract.status == "signed"
    assert [ln.quantity for ln in contract.lines.filter(product=product)] == [Decimal("10.000")]
