"""Which sources can be escalated, and what closing one from leadership's list does to its
subject (R-7.3, R-16.1, R-16.2). Each source app registers itself in its AppConfig.ready().

`on_close(*, subject_id: int, resolution: str, by, now)` runs in the transaction of
`escalation_close`, before the escalation's own row is locked: a source locks its subject
first, then the escalation (the order every path takes, so two closes never deadlock).
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class SourceEntry:
    source: str
    on_close: Callable[..., object] | None
    closable_from_list: bool
    decorate: Callable[[list], None] | None = None


_SOURCES: dict[str, SourceEntry] = {}


def register_source(
    source: str,
    *,
    on_close: Callable[..., object] | None = None,
    closable_from_list: bool,
    decorate: Callable[[list], None] | None = None,
) -> None:
    """Declare a source. `closable_from_list=False`: its escalations close with their subject
    (escalations.services.escalation_close_subject), never from leadership's list.
    `decorate(escalations)`: optional, sets display attributes on the list's escalations of
    this source in one query (a meeting problem's late flag)."""
    _SOURCES[str(source)] = SourceEntry(str(source), on_close, closable_from_list, decorate)


def entry(source: str) -> SourceEntry:
    """The registered source; an unregistered one is closable from the list with no hook."""
    return _SOURCES.get(str(source)) or SourceEntry(str(source), None, True)
