"""Demand requests and returns as approval documents (R-8, R-13.1, R-13.5)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from approvals.choices import DocumentType
from approvals.registry import register

from . import services
from .models import DemandRequest, ReturnRequest


def _serialize_request(request):
    from .api.serializers import DemandRequestSerializer

    return DemandRequestSerializer(request).data


def _serialize_return(ret):
    from .api.serializers import ReturnSerializer

    return ReturnSerializer(ret).data


def request_summary(request: DemandRequest) -> str:
    return _("Demand request %(number)s for %(account)s (contract %(contract)s)") % {
        "number": request.number,
        "account": request.contract.account.name,
        "contract": request.contract.number,
    }


def return_summary(ret: ReturnRequest) -> str:
    return _("%(kind)s %(number)s for %(account)s (contract %(contract)s)") % {
        "kind": ret.get_kind_display(),
        "number": ret.number,
        "account": ret.contract.account.name,
        "contract": ret.contract.number,
    }


register(
    DocumentType.DEMAND_REQUEST,
    DemandRequest,
    serialize=_serialize_request,
    summary=request_summary,
    url=lambda r: reverse("shipping:request", args=[r.pk]),
    on_approved=services.request_approved,
    on_rejected=services.request_rejected,
)

register(
    DocumentType.RETURN,
    ReturnRequest,
    serialize=_serialize_return,
    summary=return_summary,
    url=lambda r: reverse("shipping:return", args=[r.pk]),
    on_approved=services.return_approved,
    on_rejected=services.return_rejected,
    on_step=services.return_step_decided,
)
