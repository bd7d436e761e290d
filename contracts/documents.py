"""Sales contracts and phone/fax orders as approval documents (R-8, R-12.1, R-12.3)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from approvals.choices import DocumentType
from approvals.registry import register

from . import services
from .choices import ContractStatus
from .models import SalesContract


def _serialize(contract):
    from .api.serializers import SalesContractSerializer

    return SalesContractSerializer(contract).data


def summary(contract: SalesContract) -> str:
    return _("%(kind)s for %(account)s, %(total)s (%(owner)s)") % {
        "kind": contract.get_kind_display(),
        "account": contract.account.name,
        "total": f"{contract.total:,.2f}",
        "owner": contract.owner,
    }


register(
    DocumentType.SALES_CONTRACT,
    SalesContract,
    serialize=_serialize,
    summary=summary,
    url=lambda c: reverse("contracts:detail", args=[c.pk]),
    on_approved=services.contract_signed,
    on_rejected=services.contract_rejected,
    approved_status=ContractStatus.SIGNED,
)
