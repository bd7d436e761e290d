"""Accounts and grade changes as approval documents (R-8, R-9.2, R-9.3)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from approvals.choices import DocumentType
from approvals.registry import register

from . import services
from .models import Account, GradeChange


def _serialize_account(account):
    from .api.serializers import AccountSerializer

    return AccountSerializer(account).data


def _serialize_grade(change):
    from .api.serializers import GradeChangeSerializer

    return GradeChangeSerializer(change).data


register(
    DocumentType.ACCOUNT,
    Account,
    serialize=_serialize_account,
    summary=lambda a: _("New account: %(name)s (%(owner)s)") % {"name": a.name, "owner": a.owner},
    url=lambda a: reverse("accounts:card", args=[a.pk]),
    on_approved=services.account_approved,
)
register(
    DocumentType.GRADE,
    GradeChange,
    serialize=_serialize_grade,
    summary=lambda g: (
        _("Grade %(grade)s for %(account)s: %(reason)s")
        % {"grade": g.grade, "account": g.account.name, "reason": g.reason}
    ),
    url=lambda g: reverse("accounts:card", args=[g.account_id]),
    on_approved=services.grade_approved,
)
