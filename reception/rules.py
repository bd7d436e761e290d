"""Pure rules of reception (R-2). No database here: easy to test row by row."""

import datetime
from dataclasses import dataclass, field

from .choices import DutyStatus, ResearchStatus, ResearchStep, SkipReason

# A second registration of the same customer within this window is a double submission.
DUPLICATE_WINDOW = datetime.timedelta(minutes=2)
MAX_PARTY_SIZE = 100


@dataclass(frozen=True)
class Seat:
    """One person on the day's roster, as the rotation sees them."""

    salesperson_id: int
    position: int  # 1-based, in the day's order
    status: str
    owed_turns: int


@dataclass
class Rotation:
    chosen: int | None  # salesperson id, or None when nobody is available
    pointer: int  # position of whose turn is next
    owed_turn_used: bool = False
    skipped: list[tuple[int, str]] = field(default_factory=list)
    owed_delta: dict[int, int] = field(default_factory=dict)


def rotate(seats: list[Seat], pointer: int) -> Rotation:
    """R-2.3: start at the pointer and walk the roster once.

    - available: receives the customer; with owed turns, one is used and the pointer stays
      on them, otherwise the pointer moves to the next person;
    - away for private reasons: loses this turn (no owed turn); move on;
    - away on business, or busy: skipped now, owed turns +1; move on;
    - nobody available: nobody receives, and nothing changes (the visit waits for the
      manager; no one is owed a turn for a customer the rotation never handed out).
    """
    ordered = sorted(seats, key=lambda s: s.position)
    if not ordered:
        return Rotation(chosen=None, pointer=pointer)
    positions = [s.position for s in ordered]
    start = positions.index(pointer) if pointer in positions else 0
    result = Rotation(chosen=None, pointer=pointer)
    for step in range(len(ordered)):
        seat = ordered[(start + step) % len(ordered)]
        if seat.status == DutyStatus.AVAILABLE:
            result.chosen = seat.salesperson_id
            if seat.owed_turns > 0:
                result.owed_turn_used = True
                result.owed_delta[seat.salesperson_id] = -1
                result.pointer = seat.position
            else:
                result.pointer = ordered[(start + step + 1) % len(ordered)].position
            return result
        if seat.status == DutyStatus.AWAY_PRIVATE:
            result.skipped.append((seat.salesperson_id, SkipReason.AWAY_PRIVATE))
        else:
            reason = SkipReason.BUSY if seat.status == DutyStatus.BUSY else SkipReason.AWAY_BUSINESS
            result.skipped.append((seat.salesperson_id, reason))
            result.owed_delta[seat.salesperson_id] = 1
    # nobody available: the walk changes nothing
    return Rotation(chosen=None, pointer=pointer, skipped=result.skipped)


def is_large_party(*, party_size: int, one_household: bool, limit: int) -> bool:
    """R-2.5: more than `limit` visitors who are not one household go to the manager."""
    return party_size > limit and not one_household


# the market-research steps, from status to status, and who takes each.
RESEARCH_TRANSITIONS: dict[str, dict[str, str]] = {
    ResearchStep.FLAG: {ResearchStatus.NONE: ResearchStatus.FLAGGED},
    ResearchStep.CONFIRM: {ResearchStatus.FLAGGED: ResearchStatus.CONFIRMED},
    ResearchStep.APPROVE: {ResearchStatus.CONFIRMED: ResearchStatus.APPROVED},
    ResearchStep.REJECT: {
        ResearchStatus.FLAGGED: ResearchStatus.REJECTED,
        ResearchStatus.CONFIRMED: ResearchStatus.REJECTED,
    },
}


def research_next(status: str, step: str) -> str | None:
    """The status after `step`, or None when the step is not allowed from `status`."""
    return RESEARCH_TRANSITIONS.get(step, {}).get(status)
