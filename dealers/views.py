"""Dealers' pages (R-17.5): the list of the dealers the user sees, and a dealer's page with
its purchases against last year, its stock checks, its receivable and its disputes, where the
salesperson records, helps, escalates or settles a dispute and the manager settles an
escalated one. A dealer the user may not see is a 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.exceptions import ValidationError

from accounts.selectors import accounts_visible_to
from common.errors import DomainError
from receivables.selectors import may_see_account_ledger

from . import selectors, services
from .choices import DisputeStatus
from .forms import DisputeForm, EscalateForm, HelpForm, SettleForm
from .models import DealerDispute

LIST_LIMIT = 300


def _reader(user) -> None:
    if not user.has_role(*selectors.READERS):
        raise PermissionDenied


def _today(office=None):
    tz = office.tzinfo if office is not None else None
    return timezone.localtime(timezone.now(), tz).date()


@login_required
@require_GET
def dealer_list(request):
    user = request.user
    _reader(user)
    rows = selectors.dealer_list(user, today=_today(), limit=LIST_LIMIT)
    return render(
        request,
        "dealers/list.html",
        {"rows": rows, "year": _today().year, "limited": len(rows) >= LIST_LIMIT},
    )


def _dealer_or_404(user, account_id: int):
    _reader(user)
    return get_object_or_404(
        selectors.dealers_visible_to(user).select_related("office", "owner", "deputy"),
        pk=account_id,
    )


def _others(user, dealer):
    return list(
        selectors.dealers_visible_to(user)
        .filter(office=dealer.office_id)
        .exclude(pk=dealer.pk)
        .order_by("name", "pk")[:LIST_LIMIT]
    )


def _detail(request, dealer, *, forms=None, status=200):
    user = request.user
    today = _today(dealer.office)
    rows = selectors.purchases_by_month(dealer, year=today.year, until=today)
    disputes = selectors.disputes_of(dealer)
    forms = forms or {}
    for d in disputes:
        d.moves = services.actions_for(user, d)
        d.help_form = forms.get((d.pk, "help")) or HelpForm(prefix=f"h{d.pk}")
        d.escalate_form = forms.get((d.pk, "escalate")) or EscalateForm(prefix=f"e{d.pk}")
        d.settle_form = forms.get((d.pk, "settle")) or SettleForm(prefix=f"s{d.pk}")
    may_record = services.may_record(user, dealer)
    context = {
        "dealer": dealer,
        "year": today.year,
        "purchases": rows,
        "totals": selectors.totals_of(rows),
        "stock": selectors.stock_lines(dealer),
        "receivable": selectors.receivable_of(dealer, today),
        "ledger_link": may_see_account_ledger(user, dealer),
        "account_link": accounts_visible_to(user).filter(pk=dealer.pk).exists(),
        "disputes": disputes,
        "may_record": may_record,
        "dispute_form": forms.get("new")
        or (DisputeForm(others=_others(user, dealer)) if may_record else None),
        "statuses": DisputeStatus,
    }
    return render(request, "dealers/detail.html", context, status=status)


@login_required
@require_GET
def dealer_detail(request, account_id: int):
    return _detail(request, _dealer_or_404(request.user, account_id))


def _refused(form, exc) -> int:
    """A service's refusal onto the form: 409 for a state conflict, 400 for bad input."""
    if isinstance(exc, DomainError):
        form.add_error(None, str(exc.detail))
        return 409
    detail = exc.detail if isinstance(exc.detail, dict) else {None: exc.detail}
    for field, errors in detail.items():
        for error in errors if isinstance(errors, list) else [errors]:
            form.add_error(field if field in form.fields else None, str(error))
    return 400


def _run(request, dealer, form, key, action, success: str):
    """Validate the form, run the service; its refusal re-renders the page (400/409)."""
    if form.is_valid():
        try:
            action(form.cleaned_data)
        except ApiPermissionDenied as exc:
            raise PermissionDenied from exc
        except (ValidationError, DomainError) as exc:
            status = _refused(form, exc)
            return _detail(request, dealer, forms={key: form}, status=status)
        messages.success(request, success)
        return redirect("dealers:detail", dealer.pk)
    return _detail(request, dealer, forms={key: form}, status=400)


@login_required
@require_POST
def dispute_new(request, account_id: int):
    user = request.user
    dealer = _dealer_or_404(user, account_id)
    if not services.may_record(user, dealer):
        raise PermissionDenied
    others = _others(user, dealer)
    form = DisputeForm(request.POST, others=others)

    def record(data):
        other = next((d for d in others if d.pk == data["other_dealer"]), None)
        services.dispute_record(
            actor=user,
            dealer=dealer,
            other_dealer=other,
            description=data["description"],
            now=timezone.now(),
        )

    return _run(request, dealer, form, "new", record, _("The dispute is recorded."))


def _dispute_or_404(user, pk: int) -> DealerDispute:
    _reader(user)
    return get_object_or_404(
        selectors.disputes_visible_to(user).select_related("office", "dealer", "dealer__office"),
        pk=pk,
    )


def _move(request, pk, *, form_class, prefix, key, allowed, service, field, success):
    user = request.user
    dispute = _dispute_or_404(user, pk)
    if not allowed(user, dispute):
        raise PermissionDenied
    form = form_class(request.POST, prefix=f"{prefix}{dispute.pk}")
    forms_key = (dispute.pk, key)

    def act(data):
        service(dispute=dispute, actor=user, now=timezone.now(), **{field: data[field]})

    dealer = _dealer_or_404(user, dispute.dealer_id)
    response = _run(request, dealer, form, forms_key, act, success)
    if response.status_code == 302:
        return redirect(reverse("dealers:detail", args=[dealer.pk]) + f"#dispute-{dispute.pk}")
    return response


@login_required
@require_POST
def dispute_help(request, pk: int):
    return _move(
        request,
        pk,
        form_class=HelpForm,
        prefix="h",
        key="help",
        allowed=services.may_help,
        service=services.dispute_help,
        field="note",
        success=_("You are helping settle the dispute."),
    )


@login_required
@require_POST
def dispute_escalate(request, pk: int):
    return _move(
        request,
        pk,
        form_class=EscalateForm,
        prefix="e",
        key="escalate",
        allowed=services.may_escalate,
        service=services.dispute_escalate,
        field="reason",
        success=_("The dispute is escalated: the branch manager is told."),
    )


@login_required
@require_POST
def dispute_settle(request, pk: int):
    return _move(
        request,
        pk,
        form_class=SettleForm,
        prefix="s",
        key="settle",
        allowed=lambda user, d: d.status == DisputeStatus.SETTLED or services.may_settle(user, d),
        service=services.dispute_settle,
        field="resolution",
        success=_("The dispute is settled."),
    )
