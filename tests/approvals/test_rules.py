"""R-8.4, R-13.2: working days per office calendar; R-8 chains as data."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest

from approvals import chains
from approvals.rules import add_working_days, is_late, working_days_between

D = datetime.date
FRI, SAT, SUN, MON, TUE = (D(2026, 12, 4) + datetime.timedelta(days=i) for i in range(5))


@pytest.mark.parametrize(
    ("start", "end", "off", "on", "expected"),
    [
        (FRI, MON, set(), set(), 1),  # the weekend does not count
        (FRI, TUE, set(), set(), 2),
        (FRI, TUE, {MON}, set(), 1),  # a holiday
        (FRI, MON, set(), {SAT}, 2),  # a worked Saturday
        (MON, MON, set(), set(), 0),
        (TUE, MON, set(), set(), 0),
    ],
)
def test_working_days_between(start, end, off, on, expected):
    assert working_days_between(start, end, off=off, on=on) == expected


@pytest.mark.parametrize(
    ("start", "days", "off", "on", "expected"),
    [
        (FRI, 1, set(), set(), MON),
        (FRI, 2, set(), set(), TUE),
        (FRI, 1, {MON}, set(), TUE),
        (FRI, 1, set(), {SAT}, SAT),
        (SAT, 1, set(), set(), MON),
    ],
)
def test_add_working_days(start, days, off, on, expected):
    assert add_working_days(start, days, off=off, on=on) == expected


@pytest.mark.parametrize(
    ("since", "today", "off", "expected"),
    [
        (FRI, MON, set(), False),  # Friday's step is late Tuesday, not Monday
        (FRI, TUE, set(), True),
        (FRI, TUE, {MON}, False),  # Monday a holiday: late Wednesday
        (MON, TUE, set(), False),
        (MON, D(2026, 12, 9), set(), True),
    ],
)
def test_is_late(since, today, off, expected):
    assert is_late(since, today, off=off, on=set()) is expected


def _doc(amount="0", below=False, over=False):
    return SimpleNamespace(
        office=SimpleNamespace(major_threshold=Decimal("500000.00")),
        approval_amount=lambda: Decimal(amount),
        below_floor=lambda: below,
        over_credit=lambda: over,
    )


@pytest.mark.parametrize(
    ("document_type", "doc", "roles"),
    [
        ("account", _doc(), ["manager"]),
        ("grade", _doc(), ["manager"]),
        ("quote", _doc("499999.99"), ["manager"]),
        ("quote", _doc("500000.00"), ["manager", "executive"]),  # at least
        ("quote", _doc("100", below=True), ["manager", "director"]),
        ("quote", _doc("600000", below=True), ["manager", "director", "executive"]),
        ("sales_contract", _doc("1", over=True), ["manager", "director"]),
        ("sales_contract", _doc("500000"), ["manager", "executive"]),
        ("enquiry", _doc("500000"), ["manager", "executive"]),
        ("demand_request", _doc(), ["manager", "director"]),
        ("return", _doc(), ["manager", "technician", "director"]),
        ("invoice_request", _doc(), ["manager"]),
        ("collection_request", _doc(), ["manager", "finance"]),
        ("write_off", _doc(), ["director", "executive"]),
        ("expense_claim", _doc(), ["manager"]),
        ("special_fee", _doc(), ["manager", "executive"]),
        ("work_plan", _doc(), ["manager"]),
    ],
)
def test_chain_steps(document_type, doc, roles):
    applying = [s.role for _i, s, applies in chains.applicable_steps(document_type, doc) if applies]
    assert applying == roles


def test_every_inbox_document_type_has_a_chain():
    from approvals.choices import DocumentType

    assert set(chains.CHAINS) == set(DocumentType.values)


def test_describe_names_the_applicable_steps():
    from django.utils import translation

    with translation.override("zh-hans"):
        text = chains.describe("quote", _doc("100", below=True))
    # the sales department's words for the manager and director groups (roles of the second part)
    assert text == "此单需要：分部经理 → 销售部经理（低于底价）"
