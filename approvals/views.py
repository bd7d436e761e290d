"""The approvals inbox page (R-8.4): cards that work on a phone, approve or reject in place.

Each waiting step shows what its document is: a document type's app may give the inbox a
template `<app>/approval_<type>.html` (it gets `document`); without one, the document's summary
line is all. A decision made from the card (htmx) replaces the card with its outcome; without
JavaScript the form posts and comes back to the inbox with a message."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.shortcuts import redirect, render
from django.template.loader import select_template
from django.urls import reverse
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.exceptions import ValidationError

from common.errors import DomainError

from . import services
from .api.views import _approval_or_404
from .choices import Decision, DocumentStatus
from .permissions import may_decide
from .registry import REGISTRY
from .selectors import document_of, inbox_for, step_is_late
from .templatetags.approval_words import chain_words

INVALID = 422  # a rejection without its reason; htmx swaps it in (base.html)
CONFLICT = 409  # the step is no longer waiting (decided, voided)
GENERIC = "approvals/partials/document.html"
INBOX_PAGE = 25  # cards per page of the inbox


def _details_template(approval):
    entry = REGISTRY[approval.document_type]
    app = entry.model._meta.app_label
    return select_template([f"{app}/approval_{approval.document_type}.html", GENERIC])


def _prefetch(documents: list) -> None:
    """What the cards of a page show of their documents, fetched once per kind."""
    by_model: dict[type, list] = {}
    for document in documents:
        by_model.setdefault(type(document), []).append(document)
    for model, docs in by_model.items():
        names = {f.name for f in model._meta.get_fields()}
        lookups = [n for n in ("owner", "deputy", "author") if n in names]
        if "account" in names:
            lookups += ["account", "account__owner"]
        prefetch_related_objects(docs, *lookups)
        entry = REGISTRY.get(getattr(model, "approval_document_type", ""))
        if entry is not None and entry.prefetch is not None:
            entry.prefetch(docs)


def _item(approval, document, *, now, late=None) -> dict:
    entry = REGISTRY[approval.document_type]
    return {
        "approval": approval,
        "document": document,
        "late": step_is_late(approval, now) if late is None else late,
        "summary": entry.summary(document),
        "url": entry.url(document),
        "chain": chain_words(document),
        "details": _details_template(approval),
        "age": timesince(approval.waiting_since, now, depth=1) if approval.waiting_since else "",
    }


def _inbox(request, *, status: int = 200):
    now = timezone.now()
    found = inbox_for(request.user, now=now)
    # a page of cards at a time: each card reads its document's figures (issue 21)
    page = Paginator(found, INBOX_PAGE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    _prefetch([f["document"] for f in shown])
    items = [_item(f["approval"], f["document"], now=now, late=f["late"]) for f in shown]
    context = {"items": items, "page_obj": page}
    return render(request, "approvals/inbox.html", context, status=status)


@login_required
@require_GET
def inbox(request):
    return _inbox(request)


def _card(request, approval, *, status: int, error: str = "", done: str = "", comment=""):
    """One inbox card again, after a decision from it (htmx)."""
    document = document_of(approval)
    _prefetch([document])
    approval.refresh_from_db()
    context = {
        "item": _item(approval, document, now=timezone.now()),
        "error": error,
        "done": done,
        "comment": comment,
    }
    return render(request, "approvals/partials/item.html", context, status=status)


def _refused(request, text: str):
    """Not this user's step (or the document's own author): a 403 that says so, on the inbox
    (htmx is sent there: a refused fragment is not swapped in)."""
    messages.error(request, text)
    if request.htmx:
        response = _inbox(request, status=403)
        response["HX-Redirect"] = reverse("approvals:inbox")
        return response
    return _inbox(request, status=403)


@login_required
@require_POST
def decide(request, pk: int):
    """R-8.1, R-8.2: approve or reject the current step, with a comment (required to reject)."""
    approval = _approval_or_404(pk)
    if not may_decide(request.user, approval, document_of(approval)):
        return _refused(request, _("This step is not yours to decide."))
    decision = request.POST.get("decision", "")
    comment = request.POST.get("comment", "")
    try:
        document = services.approval_decide(
            approval=approval,
            actor=request.user,
            decision=decision,
            comment=comment,
            now=timezone.now(),
        )
    except ApiPermissionDenied:
        return _refused(request, _("This step is not yours to decide."))
    except ValidationError as exc:
        text = _("Say why the document is rejected.")
        if "decision" in getattr(exc, "detail", {}):
            text = _("Approve or reject.")
        return _answer(request, approval, status=INVALID, error=text, comment=comment)
    except DomainError as exc:
        return _answer(request, approval, status=CONFLICT, error=str(exc.detail))
    if decision == Decision.REJECT:
        done = _("Rejected: it goes back to its author with your comment.")
    elif document.status == DocumentStatus.PENDING:
        done = _("Approved: it goes on to the next step.")
    else:
        done = _("Approved.")
    return _answer(request, approval, status=200, done=done)


def _answer(request, approval, *, status: int, error: str = "", done: str = "", comment=""):
    """htmx: the card again. Without it: a decision goes back to the inbox (its message on
    top); a refusal shows the inbox at once with the message, and its status."""
    if request.htmx:
        return _card(request, approval, status=status, error=error, done=done, comment=comment)
    if error:
        messages.error(request, error)
        return _inbox(request, status=status)
    messages.success(request, done)
    return redirect("approvals:inbox")
