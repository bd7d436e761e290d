"""Pages of special customer fees (R-16.4): the list, a new fee, and the fee's page with what
each person does there: the salesperson submits, withdraws and records the promise; the
company's leadership chooses the form of payment and approves or rejects; finance pays."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.exceptions import ValidationError

from accounts.models import Account
from accounts.selectors import accounts_visible_to
from approvals.choices import Decision
from approvals.permissions import may_decide
from common.errors import DomainError
from common.views import run_and_report
from contracts.selectors import contracts_visible_to
from receivables.invoice_pages import approval_rows, flatten
from staff.choices import Role
from staff.permissions import may_in_any_office

from . import selectors, services
from .choices import OPEN, FeeStatus, PaymentForm
from .forms import FeeForm, PayForm, PaymentFormForm
from .models import SpecialFee

LIST_LIMIT = 200
READERS = (Role.SALESPERSON, Role.MANAGER, Role.DIRECTOR, Role.EXECUTIVE, Role.FINANCE)


def _reader(user) -> None:
    if not user.has_role(*READERS):
        raise PermissionDenied


@login_required
@require_GET
def fee_list(request):
    """The fees the user sees, newest first, `?status=`."""
    user = request.user
    _reader(user)
    qs = selectors.fees_visible_to(user).select_related("account", "office", "author")
    status = request.GET.get("status", "")
    if status in FeeStatus.values:
        qs = qs.filter(status=status)
    context = {
        "fees": qs.order_by("-created_at", "-pk")[:LIST_LIMIT],
        "status": status,
        "statuses": FeeStatus.choices,
        "may_create": may_in_any_office(user, "specialfees.create"),
    }
    return render(request, "specialfees/list.html", context)


def _accounts(user):
    """The approved accounts the user may ask a fee for."""
    qs = accounts_visible_to(user).filter(status="approved").select_related("office")
    return [a for a in qs.order_by("name", "pk")[:LIST_LIMIT] if services.may_author(user, a)]


@login_required
@require_http_methods(["GET", "POST"])
def fee_new(request):
    """R-16.4: a new fee, saved as a draft or submitted at once to the branch manager."""
    user = request.user
    if not may_in_any_office(user, "specialfees.create"):
        raise PermissionDenied
    accounts = _accounts(user)
    contracts = list(
        contracts_visible_to(user)
        .filter(account__in=[a.pk for a in accounts])
        .select_related("account")
        .order_by("-pk")[:LIST_LIMIT]
    )
    data = request.POST if request.method == "POST" else None
    initial = {"account": request.GET.get("account", "")}
    form = FeeForm(data, accounts=accounts, contracts=contracts, initial=initial)
    if data is None:
        return render(request, "specialfees/new.html", {"form": form})
    status = 400
    if form.is_valid():
        cleaned = form.cleaned_data
        account = Account.objects.select_related("office").get(pk=cleaned["account"])
        contract = next((c for c in contracts if c.pk == cleaned["contract"]), None)
        try:
            fee = services.special_fee_create(
                actor=user,
                account=account,
                contract=contract,
                kind=cleaned["kind"],
                amount=cleaned["amount"],
                purpose=cleaned["purpose"],
                now=timezone.now(),
            )
        except ApiPermissionDenied as exc:
            raise PermissionDenied from exc
        except ValidationError as exc:
            detail = exc.detail if isinstance(exc.detail, dict) else {None: exc.detail}
            for field, errors in detail.items():
                form.add_error(field if field in form.fields else None, flatten(errors))
        else:
            if "submit" in data:
                return run_and_report(
                    request,
                    lambda: services.special_fee_submit(fee=fee, actor=user, now=timezone.now()),
                    success=_("Saved and submitted: the branch manager decides first."),
                    back=reverse("specialfees:detail", args=[fee.pk]),
                )
            messages.success(request, _("Draft saved. Submit it for approval when it is ready."))
            return redirect("specialfees:detail", fee.pk)
    return render(request, "specialfees/new.html", {"form": form}, status=status)


def _fee_or_404(user, pk: int) -> SpecialFee:
    _reader(user)
    return get_object_or_404(
        selectors.fees_visible_to(user).select_related(
            "account", "contract", "office", "author", "promised_by", "payment_form_by", "paid_by"
        ),
        pk=pk,
    )


def _detail(request, fee, *, decide_form=None, pay_form=None, status=200):
    user = request.user
    rows, chain = approval_rows(fee)
    pending = next((a for a in rows if a.state == "pending"), None)
    executive_step = selectors.executive_step_pending(fee)
    salesperson = services.is_salesperson_of(user, fee)
    manager_ok = selectors.manager_approved(fee)
    may_choose = executive_step is not None and may_decide(user, executive_step, fee)
    context = {
        "fee": fee,
        "approvals": rows,
        "chain": chain,
        "manager_approved": manager_ok,
        "may_submit": salesperson and fee.status in OPEN,
        "may_withdraw": salesperson and fee.status in OPEN,
        "may_promise": salesperson
        and fee.promised_at is None
        and manager_ok
        and fee.status in (FeeStatus.PENDING, FeeStatus.APPROVED, FeeStatus.PAID),
        "may_decide": pending is not None
        and pending.role != Role.EXECUTIVE
        and may_decide(user, pending, fee),
        "may_choose": may_choose,
        "may_pay": fee.status == FeeStatus.APPROVED and services.may_pay(user, fee),
        "decide_form": decide_form
        or PaymentFormForm(initial={"payment_form": fee.payment_form, "note": fee.payment_note}),
        "pay_form": pay_form or PayForm(),
        "offset": fee.payment_form == PaymentForm.OFFSET,
        "contract_link": fee.contract_id is not None
        and contracts_visible_to(user).filter(pk=fee.contract_id).exists(),
    }
    return render(request, "specialfees/detail.html", context, status=status)


@login_required
@require_GET
def fee_detail(request, pk: int):
    return _detail(request, _fee_or_404(request.user, pk))


def _run(request, fee, action, success: str):
    return run_and_report(
        request, action, success=success, back=reverse("specialfees:detail", args=[fee.pk])
    )


def _salesperson_only(user, fee) -> None:
    if not services.is_salesperson_of(user, fee):
        raise PermissionDenied


@login_required
@require_POST
def fee_submit(request, pk: int):
    fee = _fee_or_404(request.user, pk)
    _salesperson_only(request.user, fee)
    return _run(
        request,
        fee,
        lambda: services.special_fee_submit(fee=fee, actor=request.user, now=timezone.now()),
        _("Submitted: the branch manager decides first."),
    )


@login_required
@require_POST
def fee_cancel(request, pk: int):
    fee = _fee_or_404(request.user, pk)
    _salesperson_only(request.user, fee)
    return _run(
        request,
        fee,
        lambda: services.special_fee_cancel(fee=fee, actor=request.user, now=timezone.now()),
        _("The fee is withdrawn."),
    )


@login_required
@require_POST
def fee_promise(request, pk: int):
    """R-16.4: the promise to the customer, once the branch manager has approved."""
    fee = _fee_or_404(request.user, pk)
    _salesperson_only(request.user, fee)
    return _run(
        request,
        fee,
        lambda: services.special_fee_promise(fee=fee, actor=request.user, now=timezone.now()),
        _("The promise to the customer is recorded."),
    )


def _refusal(form, exc) -> int:
    """A service's refusal onto the form: its status (400 bad input, 409 a conflict)."""
    if isinstance(exc, DomainError):
        form.add_error(None, str(exc.detail))
        return 409
    detail = exc.detail if isinstance(exc.detail, dict) else {None: exc.detail}
    for field, errors in detail.items():
        form.add_error(field if field in form.fields else None, flatten(errors))
    return 400


@login_required
@require_POST
def fee_decide(request, pk: int):
    """R-16.4: the company's leadership chooses the form of payment and approves, or rejects
    with the reason, in one transaction."""
    user = request.user
    fee = _fee_or_404(user, pk)
    step = selectors.executive_step_pending(fee)
    if not user.has_role(Role.EXECUTIVE) or (step is not None and not may_decide(user, step, fee)):
        raise PermissionDenied
    form = PaymentFormForm(request.POST)
    decision = Decision.REJECT if "reject" in request.POST else Decision.APPROVE
    if not form.is_valid():
        return _detail(request, fee, decide_form=form, status=400)
    try:
        services.special_fee_executive_decide(
            fee=fee,
            actor=user,
            decision=decision,
            payment_form=form.cleaned_data["payment_form"],
            note=form.cleaned_data["note"],
            now=timezone.now(),
        )
    except ApiPermissionDenied as exc:
        raise PermissionDenied from exc
    except (ValidationError, DomainError) as exc:
        if isinstance(exc, ValidationError) and "note" in getattr(exc, "detail", {}):
            form.add_error("note", _("Say why the fee is rejected."))
            return _detail(request, fee, decide_form=form, status=400)
        return _detail(request, fee, decide_form=form, status=_refusal(form, exc))
    if decision == Decision.REJECT:
        messages.success(request, _("Rejected: the fee goes back to its salesperson."))
    else:
        messages.success(request, _("Approved with the form of payment: finance pays it."))
    return redirect("specialfees:detail", fee.pk)


@login_required
@require_POST
def fee_pay(request, pk: int):
    """R-16.4: finance pays the approved fee in the chosen form, once."""
    user = request.user
    fee = _fee_or_404(user, pk)
    if not services.may_pay(user, fee):
        raise PermissionDenied
    form = PayForm(request.POST)
    if not form.is_valid():
        return _detail(request, fee, pay_form=form, status=400)
    try:
        services.special_fee_pay(
            fee=fee, actor=user, reference=form.cleaned_data["reference"], now=timezone.now()
        )
    except ApiPermissionDenied as exc:
        raise PermissionDenied from exc
    except (ValidationError, DomainError) as exc:
        fee.refresh_from_db()
        return _detail(request, fee, pay_form=form, status=_refusal(form, exc))
    messages.success(request, _("The fee is recorded as paid."))
    return redirect("specialfees:detail", fee.pk)
