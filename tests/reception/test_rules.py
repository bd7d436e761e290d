"""R-2.3 rotation and R-2.5/R-2.6 rules, table-driven, each row naming its rule."""

import pytest

from reception.choices import ResearchStatus as RS
from reception.rules import Seat, is_large_party, research_next, rotate

A, B, C = 1, 2, 3
AV, BUSY, PRIV, BIZ = "available", "busy", "away_private", "away_business"


def seats(*rows):
    return [
        Seat(salesperson_id=sid, position=i, status=st, owed_turns=owed)
        for i, (sid, st, owed) in enumerate(rows, 1)
    ]


@pytest.mark.parametrize(
    "rule, roster, pointer, chosen, new_pointer, owed_used, skipped, owed_delta",
    [
        (
            "R-2.3 available at pointer receives, pointer moves on",
            seats((A, AV, 0), (B, AV, 0), (C, AV, 0)),
            1,
            A,
            2,
            False,
            [],
            {},
        ),
        (
            "R-2.3 last on roster receives, pointer wraps to first",
            seats((A, AV, 0), (B, AV, 0), (C, AV, 0)),
            3,
            C,
            1,
            False,
            [],
            {},
        ),
        (
            "R-2.3 owed turn used, pointer stays on them",
            seats((A, AV, 2), (B, AV, 0)),
            1,
            A,
            1,
            True,
            [],
            {A: -1},
        ),
        (
            "R-2.3 away private loses the turn, not owed",
            seats((A, PRIV, 0), (B, AV, 0), (C, AV, 0)),
            1,
            B,
            3,
            False,
            [(A, "away_private")],
            {},
        ),
        (
            "R-2.3 away on business is owed a turn",
            seats((A, BIZ, 0), (B, AV, 0), (C, AV, 0)),
            1,
            B,
            3,
            False,
            [(A, "away_business")],
            {A: 1},
        ),
        (
            "R-2.3 busy is owed a turn",
            seats((A, BUSY, 1), (B, AV, 0)),
            1,
            B,
            1,
            False,
            [(A, "busy")],
            {A: 1},
        ),
        (
            "R-2.3 several skipped before someone available",
            seats((A, BUSY, 0), (B, PRIV, 0), (C, AV, 0)),
            1,
            C,
            1,
            False,
            [(A, "busy"), (B, "away_private")],
            {A: 1},
        ),
        (
            "R-2.3 nobody available: nobody receives and nothing changes",
            seats((A, BUSY, 0), (B, PRIV, 0), (C, BIZ, 0)),
            2,
            None,
            2,
            False,
            [(B, "away_private"), (C, "away_business"), (A, "busy")],
            {},
        ),
        (
            "R-2.2 pointer off the roster starts at the first",
            seats((A, AV, 0), (B, AV, 0)),
            7,
            A,
            2,
            False,
            [],
            {},
        ),
    ],
)
def test_rotate(rule, roster, pointer, chosen, new_pointer, owed_used, skipped, owed_delta):
    result = rotate(roster, pointer)
    assert result.chosen == chosen, rule
    assert result.pointer == new_pointer, rule
    assert result.owed_turn_used is owed_used, rule
    assert [(s, str(r)) for s, r in result.skipped] == skipped, rule
    assert result.owed_delta == owed_delta, rule


def test_rotation_is_fair_over_many_customers():
    """R-2.3: with everyone available, n customers on a roster of k go n/k each, in order."""
    roster = seats((A, AV, 0), (B, AV, 0), (C, AV, 0))
    pointer, counts = 1, {A: 0, B: 0, C: 0}
    for _ in range(30):
        result = rotate(roster, pointer)
        counts[result.chosen] += 1
        pointer = result.pointer
    assert counts == {A: 10, B: 10, C: 10}


@pytest.mark.parametrize(
    "rule, size, one_household, large",
    [
        ("R-2.5 four visitors are not a large party", 4, False, False),
        ("R-2.5 five visitors not one household are", 5, False, True),
        ("R-2.5 five visitors of one household are not", 5, True, False),
    ],
)
def test_large_party(rule, size, one_household, large):
    assert is_large_party(party_size=size, one_household=one_household, limit=4) is large, rule


@pytest.mark.parametrize(
    "rule, status, step, after",
    [
        ("R-2.6 the salesperson flags", RS.NONE, "flag", RS.FLAGGED),
        ("R-2.6 the secretary confirms a flag", RS.FLAGGED, "confirm", RS.CONFIRMED),
        ("R-2.6 the director approves a confirmed visit", RS.CONFIRMED, "approve", RS.APPROVED),
        ("R-2.6 no approval before confirmation", RS.FLAGGED, "approve", None),
        ("R-2.6 no confirmation without a flag", RS.NONE, "confirm", None),
        ("R-2.6 a rejected visit stays rejected", RS.REJECTED, "approve", None),
        ("R-2.6 an approved visit cannot be flagged again", RS.APPROVED, "flag", None),
    ],
)
def test_research_transitions(rule, status, step, after):
    assert research_next(status, step) == after, rule
