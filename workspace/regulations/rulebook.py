"""The regulations filled in with one office's settings, in the active language."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.urls import reverse
from django.utils.translation import get_language

from staff.models import Office

from .text import SECTIONS, Item, Section

ITEMS: dict[str, tuple[Section, Item]] = {
    item.number: (section, item) for section in SECTIONS for item in section.items
}
# the worked example of: a last contact on Monday 2026-03-02
EXAMPLE_CONTACT_DAY = datetime.date(2026, 3, 2)


@dataclass(frozen=True)
class Point:
    """One rule as a reader sees it: its text split into paragraphs and list points."""

    number: str
    anchor: str
    paragraphs: list[str]
    points: list[str]
    closing: list[str]


@dataclass(frozen=True)
class Chapter:
    number: int
    title: str
    anchor: str
    rules: list[Point]


def anchor(number: str) -> str:
    """ "3.2" → "r-3-2", the id of the rule on the regulations page."""
    return "r-" + number.replace(".", "-")


def _english() -> bool:
    return (get_language() or "").startswith("en")


def _money(value: Decimal) -> str:
    return f"{value:,.2f}"


def _clock(value: datetime.time) -> str:
    return value.strftime("%H:%M")


def office_values(office: Office) -> dict[str, object]:
    """The office's settings as the texts' placeholders show them: 500.00, 17:00, 7 …"""
    days = office.protection_days
    return {
        "large_party_size": office.large_party_size,
        "protection_days": days,
        "release_day": days + 1,
        "example_end": (EXAMPLE_CONTACT_DAY + datetime.timedelta(days=days)).isoformat(),
        "example_release": (EXAMPLE_CONTACT_DAY + datetime.timedelta(days=days + 1)).isoformat(),
        "warning_days": office.warning_days,
        "weekly_call_target": office.weekly_call_target,
        "holding_fee": _money(office.holding_fee),
        "hold_hours": office.hold_hours,
        "minimum_deposit": _money(office.minimum_deposit),
        "chase_days": office.chase_days,
        "diary_deadline": _clock(office.diary_deadline),
        "fine_step": _money(office.fine_step),
        "fine_step_2": _money(office.fine_step * 2),
        "fine_step_3": _money(office.fine_step * 3),
        "meeting_time": _clock(office.meeting_time),
        "weekly_report_day": str(office.get_weekly_report_weekday_display()),
        "report_deadline": _clock(office.report_deadline),
    }


def _point(item: Item, values: dict[str, object]) -> Point:
    text = (item.en if _english() else item.zh).format(**values)
    paragraphs, points, closing = [], [], []
    for line in text.split("\n"):
        if line.startswith("- "):
            points.append(line[2:])
        else:
            (closing if points else paragraphs).append(line)
    return Point(item.number, anchor(item.number), paragraphs, points, closing)


def rulebook(office: Office) -> list[Chapter]:
    """Every section of the regulations with `office`'s numbers, in the active language."""
    values = office_values(office)
    return [
        Chapter(
            section.number,
            section.en if _english() else section.zh,
            f"r-{section.number}",
            [_point(item, values) for item in section.items],
        )
        for section in SECTIONS
    ]


def section_title(number: str) -> str:
    """The title of the section rule `number` ("3.2") belongs to, in the active language.
    An unknown number is a mistake in a template: it raises KeyError."""
    section, _item = ITEMS[number]
    return section.en if _english() else section.zh


def rule_url(number: str, office: Office | None = None) -> str:
    """The link to rule `number` on the regulations page, for `office` when given (a template
    variable that is missing arrives as "", and gives the link without an office)."""
    if number not in ITEMS:
        raise KeyError(f"no rule {number} in the regulations")
    pk = getattr(office, "pk", None)
    query = f"?office={pk}" if pk else ""
    return f"{reverse('rules:index')}{query}#{anchor(number)}"
