"""The approvals inbox page (R-8.4): cards that work on a phone, approve or reject in place."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.exceptions import ValidationError

from common.errors import DomainError

from . import services
from .api.views import _approval_or_404
from .chains import describe
from .permissions import may_decide
from .registry import REGISTRY
from .selectors import document_of, inbox_for


@login_required
@require_GET
def inbox(request):
    items = inbox_for(request.user, now=timezone.now())
    for item in items:
        approval, document = item["approval"], item["document"]
        entry = REGISTRY[approval.document_type]
        item["summary"] = entry.summary(document)
        item["url"] = entry.url(document)
        item["chain"] = describe(approval.document_type, document)
    return render(request, "approvals/inbox.html", {"items": items})


@login_required
@require_POST
def decide(request, pk: int):
    approval = _approval_or_404(pk)
    if not may_decide(request.user, approval, document_of(approval)):
        raise PermissionDenied
    try:
        services.approval_decide(
            approval=approval,
            actor=request.user,
            decision=request.POST.get("decision", ""),
            comment=request.POST.get("comment", ""),
            now=timezone.now(),
        )
    except ApiPermissionDenied as exc:
        raise PermissionDenied from exc
    except ValidationError:
        messages.error(request, _("Say why the document is rejected."))
    except DomainError as exc:
        messages.error(request, str(exc.detail))
    else:
        messages.success(request, _("Decision recorded."))
    return redirect("approvals:inbox")
