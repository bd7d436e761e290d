"""R-8 table, R-8.5, R-10.2: a quote's and an enquiry's approval steps at the boundaries."""

import datetime
from decimal import Decimal

import pytest

from approvals.choices import ApprovalState
from quotes import services

from .conftest import NOW, TODAY, line

pytestmark = pytest.mark.django_db
D = Decimal


def _steps(document):
    return [(a.role, a.state) for a in document.approvals()]


@pytest.mark.parametrize(
    ("quantity", "unit_price", "expected"),
    [
        # just under the major threshold (500,000.00): the manager alone
        (
            "4999.99",
            "100.00",
            [("manager", "pending"), ("director", "skipped"), ("executive", "skipped")],
        ),
        # at the threshold: the executive last
        (
            "5000",
            "100.00",
            [("manager", "pending"), ("director", "skipped"), ("executive", "waiting")],
        ),
        # at the floor price (80.00) is not below it: the manager alone
        (
            "10",
            "80.00",
            [("manager", "pending"), ("director", "skipped"), ("executive", "skipped")],
        ),
        # a cent below the floor: the director too
        (
            "10",
            "79.99",
            [("manager", "pending"), ("director", "waiting"), ("executive", "skipped")],
        ),
        # both: below the floor and major
        (
            "7000",
            "79.99",
            [("manager", "pending"), ("director", "waiting"), ("executive", "waiting")],
        ),
    ],
)
def test_quote_chain_at_the_boundaries(
    make_quote, product, salesperson, quantity, unit_price, expected
):
    extra = {"discount_reason": "批量采购"} if D(unit_price) < D("100") else {}
    quote = make_quote(line(product, quantity, unit_price), **extra)
    services.quote_submit(quote=quote, actor=salesperson, now=NOW)
    assert _steps(quote) == expected


def test_the_threshold_is_the_offices_setting(make_quote, product, salesperson, office):
    """R-8.5: the threshold is a per-office setting."""
    office.major_threshold = D("1000.00")
    office.save()
    quote = make_quote(line(product, "10", "100.00"))  # 1,000.00: at the threshold
    services.quote_submit(quote=quote, actor=salesperson, now=NOW)
    assert _steps(quote)[-1] == ("executive", ApprovalState.WAITING)


@pytest.mark.parametrize(
    ("amount", "executive"),
    [("499999.99", ApprovalState.SKIPPED), ("500000.00", ApprovalState.WAITING)],
)
def test_bid_decision_chain_by_estimated_amount(account, product, salesperson, amount, executive):
    """R-11.1, R-8.5: the executive decides a major enquiry after the manager."""
    enquiry = services.enquiry_log(
        actor=salesperson,
        account=account,
        lines=[{"product": product, "quantity": D("1")}],
        source="招标网",
        received_on=TODAY,
        deadline=TODAY + datetime.timedelta(days=20),
        estimated_amount=D(amount),
        now=NOW,
    )
    services.enquiry_submit(enquiry=enquiry, actor=salesperson, now=NOW)
    assert _steps(enquiry) == [("manager", ApprovalState.PENDING), ("executive", executive)]
