"""Special customer fees as approval documents (R-8, R-16.4): the branch manager, then the
company's leadership, whose step decides the form of payment (on_step)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from approvals.choices import DocumentType
from approvals.registry import register

from . import services
from .models import SpecialFee


def serialize(fee: SpecialFee) -> dict:
    from .api.serializers import SpecialFeeSerializer

    return SpecialFeeSerializer(fee).data


def summary(fee: SpecialFee) -> str:
    return _("Special fee %(number)s for %(account)s: %(kind)s, %(amount)s yuan") % {
        "number": fee.number,
        "account": fee.account.name,
        "kind": fee.get_kind_display(),
        "amount": f"{fee.amount:,.2f}",
    }


register(
    DocumentType.SPECIAL_FEE,
    SpecialFee,
    serialize=serialize,
    summary=summary,
    url=lambda fee: reverse("specialfees:detail", args=[fee.pk]),
    on_step=services.special_fee_step_decided,
    on_approved=services.special_fee_approved,
    on_rejected=services.special_fee_rejected,
)
