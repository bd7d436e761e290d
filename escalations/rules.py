"""Pure rules of the escalations (R-7.3, R-16.1, R-16.2)."""

from django.utils.text import Truncator

TITLE_LENGTH = 200  # Escalation.title


def subject_title(text: str) -> str:
    """The one line leadership's list shows for a subject: its first non-empty line,
    shortened to fit."""
    first = next((line.strip() for line in (text or "").splitlines() if line.strip()), "")
    return Truncator(first).chars(TITLE_LENGTH)
