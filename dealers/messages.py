"""The texts of the dealer dispute notifications (R-17.5), registered with
notifications.messages at ready() and rendered in the reader's language."""

from django.utils.translation import gettext as _

KINDS = ("dealer_dispute_escalated", "dealer_dispute_settled")


def dispute_text(kind: str, p: dict) -> str:
    values = {k: p.get(k, "") for k in ("dealer", "by", "reason", "resolution")}
    texts = {
        "dealer_dispute_escalated": _(
            "%(by)s escalated a dispute of the dealer %(dealer)s to you: %(reason)s"
        ),
        "dealer_dispute_settled": _(
            "%(by)s settled the dispute of the dealer %(dealer)s: %(resolution)s"
        ),
    }
    return texts[kind] % values
