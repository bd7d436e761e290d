"""The text of the `escalated` notification, rendered in the reader's language (R-7.3, R-16.1)."""

from django.utils.translation import gettext as _

from .choices import Source


def source_label(code: str) -> str:
    """The source's translated name; a code no longer known is shown as stored."""
    try:
        return str(Source(code).label)
    except ValueError:
        return code


def escalated_text(kind: str, params: dict) -> str:
    return _("%(source)s escalated by %(office)s: %(title)s") % {
        "source": source_label(str(params.get("source", ""))),
        "office": params.get("office", ""),
        "title": params.get("title", ""),
    }
