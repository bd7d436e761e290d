"""Contract pages (R-12.1, R-12.3, R-12.4): the list, the editor (direct or from a won quote,
with the deviations from the quote), the contract page with its approval chain, submit,
cancel with a confirmation, fulfil and close, and the scan's download."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.exceptions import ValidationError

from accounts.models import Account
from accounts.selectors import account_exposure
from approvals.chains import describe
from approvals.choices import DocumentType
from approvals.templatetags.approval_words import approval_step
from common.errors import DomainError
from common.views import run_and_report
from shipping.fulfilment import contract_fulfilment
from staff.choices import Role
from staff.permissions import may, may_in_any_office, office_ids_of

from . import services
from .choices import AMENDABLE, EDITABLE, ContractStatus
from .forms import CancelForm, LineFormSet, NewContractForm, ScanForm, TermsForm
from .models import SalesContract
from .selectors import contracts_visible_to, lines_with_quote, may_edit, quote_lines_dropped

S = ContractStatus
BLANK_ROWS = 3
MORE_ROWS = 3
LIST_LIMIT = 200


def _contract_or_404(user, pk: int) -> SalesContract:
    return get_object_or_404(
        contracts_visible_to(user).select_related(
            "office", "account", "quote", "owner", "author", "filed_by", "cancelled_by"
        ),
        pk=pk,
    )


def _may_read(user) -> bool:
    return user.has_role(Role.DIRECTOR, Role.EXECUTIVE) or may_in_any_office(user, "contracts.view")


@login_required
@require_GET
def contract_list(request):
    """The contracts the user may see: a salesperson's own, the branch's for the others."""
    if not _may_read(request.user):
        raise PermissionDenied
    qs = contracts_visible_to(request.user).select_related("account", "owner", "office")
    status = request.GET.get("status", "")
    if status in S.values:
        qs = qs.filter(status=status)
    context = {
        "contracts": qs.order_by("-created_at", "-pk")[:LIST_LIMIT],
        "status": status,
        "statuses": S.choices,
        "may_create": may_in_any_office(request.user, "contracts.create"),
    }
    return render(request, "contracts/list.html", context)


# ---------------------------------------------------------------- the editor


def _my_accounts(user):
    """R-9.2: the approved accounts the salesperson owns or deputises, in branches where they
    draft contracts."""
    offices = [o for o in office_ids_of(user) if user.has_role(Role.SALESPERSON)]
    return (
        Account.objects.filter(office_id__in=offices, status="approved")
        .filter(Q(owner=user) | Q(deputy=user))
        .order_by("name", "pk")
    )


def _an_id(raw) -> int | None:
    """An id as a client sends it: ASCII digits only ("²" and "１" are digits to Python)."""
    raw = str(raw or "")
    return int(raw) if re.fullmatch(r"[0-9]{1,18}", raw) else None


def _quote_for(request, raw):
    from quotes.selectors import quotes_visible_to

    pk = _an_id(raw)
    if pk is None:
        raise Http404
    return get_object_or_404(
        quotes_visible_to(request.user).select_related("account", "office"), pk=pk
    )


def _rows(initial: list[dict], minimum: int) -> list[dict]:
    """The lines, then empty rows: at least `minimum` rows, and one empty row at least."""
    return initial + [{} for _ in range(max(1, minimum - len(initial)))]


def _plain(quantity):
    """3.000 → 3, 2.500 → 2.5: a quantity as people write it."""
    return f"{quantity.normalize():f}" if quantity is not None else None


def _quote_line_initial(quote) -> list[dict]:
    return [
        {
            "product": ql.product_id,
            "quantity": _plain(ql.quantity),
            "unit_price": ql.unit_price,
            "quote_line": ql.pk,
        }
        for ql in quote.lines.order_by("pk")
    ]


def _contract_line_initial(contract) -> list[dict]:
    return [
        {
            "product": line.product_id,
            "quantity": _plain(line.quantity),
            "unit_price": line.unit_price,
            "quote_line": line.quote_line_id,
        }
        for line in contract.lines.order_by("pk")
    ]


def _more_rows(data):
    """The "more lines" button: the same form with more empty rows, nothing saved."""
    data = data.copy()
    try:
        total = int(data.get("lines-TOTAL_FORMS", "0"))
    except ValueError:
        total = 0
    data["lines-TOTAL_FORMS"] = str(min(total + MORE_ROWS, 200))
    return data


def _line_inputs(formset, quote) -> tuple[list[services.LineInput], list[int]]:
    """The filled rows as the service's lines, and the row index of each."""
    quote_lines = {ql.pk: ql for ql in quote.lines.all()} if quote is not None else {}
    lines, rows = [], []
    for index, form in enumerate(formset.forms):
        data = form.cleaned_data
        if not data or not data.get("product"):
            continue
        quote_line = quote_lines.get(data.get("quote_line"))
        lines.append(
            services.LineInput(
                product=data["product"],
                quantity=data["quantity"],
                unit_price=data["unit_price"],
                quote_line=quote_line,
            )
        )
        rows.append(index)
    return lines, rows


def _errors_to_forms(exc: ValidationError, form, formset, rows: list[int]) -> None:
    detail = exc.detail if isinstance(exc.detail, dict) else {None: exc.detail}
    for field, errors in detail.items():
        if field == "lines" and errors and isinstance(errors[0], dict):
            for position, problems in enumerate(errors):
                if position >= len(rows):
                    break
                line_form = formset.forms[rows[position]]
                for name, messages_ in (problems or {}).items():
                    target = name if name in line_form.fields else None
                    line_form.add_error(target, [str(m) for m in messages_])
            continue
        if field == "lines":
            formset_errors = [str(e) for e in errors]
            form.add_error(None, formset_errors)
            continue
        target = field if field in form.fields else None
        form.add_error(target, [str(e) for e in errors])


def _quote_lines_by_id(quote) -> dict:
    if quote is None:
        return {}
    return {ql.pk: ql for ql in quote.lines.select_related("product")}


def _quote_problem(quote) -> str:
    """Why no contract can be made from this quote (lost, expired, not won, made), or ""."""
    try:
        services.check_quote(quote, quote.account)
    except DomainError as exc:
        return str(exc.detail)
    except ValidationError as exc:
        return " ".join(str(e) for errors in exc.detail.values() for e in errors)
    return ""


def _editor(request, *, form, formset, quote, contract=None, status=200, problem=""):
    refs = _quote_lines_by_id(quote)
    for line_form in formset.forms:  # each row shows the quote's line it came from
        line_form.quote_ref = refs.get(_an_id(line_form["quote_line"].value()))
    return render(
        request,
        "contracts/editor.html",
        {
            "form": form,
            "formset": formset,
            "quote": quote,
            "contract": contract,
            "problem": problem,
            "amending": contract is not None and contract.status in AMENDABLE,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def contract_new(request):
    """R-12.1: a new contract or phone order; `?quote=` makes it from a won quote."""
    if not may_in_any_office(request.user, "contracts.create"):
        raise PermissionDenied
    accounts = _my_accounts(request.user)
    raw_quote = request.GET.get("quote") or request.POST.get("quote")
    quote = _quote_for(request, raw_quote) if raw_quote else None
    if quote is not None:
        accounts = accounts.filter(pk=quote.account_id)
    data = request.POST if request.method == "POST" else None
    more = data is not None and "more" in data
    if more:
        data = _more_rows(data)
    initial = {"account": quote.account_id} if quote is not None else {}
    form = NewContractForm(data, accounts=accounts, initial=initial)
    lines_initial = _quote_line_initial(quote) if quote is not None else []
    formset = LineFormSet(
        data, prefix="lines", initial=None if data else _rows(lines_initial, BLANK_ROWS)
    )
    if data is None or more:
        problem = _quote_problem(quote) if quote is not None else ""
        return _editor(request, form=form, formset=formset, quote=quote, problem=problem)
    if form.is_valid() & formset.is_valid():
        terms = dict(form.cleaned_data)
        account = terms.pop("account")
        lines, rows = _line_inputs(formset, quote)
        try:
            contract = services.contract_create(
                actor=request.user,
                account=account,
                quote=quote,
                lines=lines,
                now=timezone.now(),
                **terms,
            )
        except ValidationError as exc:
            _errors_to_forms(exc, form, formset, rows)
        except DomainError as exc:
            form.add_error(None, str(exc.detail))
            return _editor(request, form=form, formset=formset, quote=quote, status=409)
        except ApiPermissionDenied as exc:
            raise PermissionDenied from exc
        else:
            messages.success(request, _("Draft saved. Submit it for approval when it is ready."))
            return redirect("contracts:detail", contract.pk)
    return _editor(request, form=form, formset=formset, quote=quote, status=422)


@login_required
@require_http_methods(["GET", "POST"])
def contract_edit(request, pk: int):
    """R-8.2, R-8.3: a draft is edited; a signed contract's change goes back for approval."""
    contract = _contract_or_404(request.user, pk)
    if not may_edit(request.user, contract):
        raise PermissionDenied
    if contract.status not in EDITABLE | AMENDABLE:
        messages.error(
            request, _("This contract is waiting for approval or finished and cannot be changed.")
        )
        return redirect("contracts:detail", contract.pk)
    quote = contract.quote
    data = request.POST if request.method == "POST" else None
    more = data is not None and "more" in data
    if more:
        data = _more_rows(data)
    terms_initial = {name: getattr(contract, name) for name in services.TERM_FIELDS}
    form = TermsForm(data, initial=terms_initial)
    initial = _contract_line_initial(contract)
    formset = LineFormSet(
        data, prefix="lines", initial=None if data else _rows(initial, BLANK_ROWS)
    )
    if data is None or more:
        return _editor(request, form=form, formset=formset, quote=quote, contract=contract)
    if form.is_valid() & formset.is_valid():
        lines, rows = _line_inputs(formset, quote)
        try:
            services.contract_update(
                contract=contract,
                actor=request.user,
                lines=lines,
                now=timezone.now(),
                **form.cleaned_data,
            )
        except ValidationError as exc:
            _errors_to_forms(exc, form, formset, rows)
        except DomainError as exc:
            form.add_error(None, str(exc.detail))
            return _editor(
                request, form=form, formset=formset, quote=quote, contract=contract, status=409
            )
        except ApiPermissionDenied as exc:
            raise PermissionDenied from exc
        else:
            messages.success(request, _("Changes saved."))
            return redirect("contracts:detail", contract.pk)
    return _editor(request, form=form, formset=formset, quote=quote, contract=contract, status=422)


# ---------------------------------------------------------------- the contract page


def _actions(user, contract: SalesContract) -> dict:
    editable = may_edit(user, contract)
    manager = may(user, "contracts.cancel", contract.office)
    unsigned = not contract.number and contract.status in EDITABLE
    return {
        "may_edit": editable and contract.status in EDITABLE | AMENDABLE,
        "may_submit": editable and contract.status in EDITABLE,
        "may_cancel": contract.status in {S.DRAFT, S.REJECTED, S.SIGNED}
        and (manager or (editable and unsigned)),
        "may_fulfil": manager and contract.status == S.SIGNED,
        "may_close": manager and contract.status == S.FULFILLED,
        "may_file": may(user, "contracts.file", contract.office)
        and bool(contract.number)
        and contract.filed_at is None
        and contract.status in {S.SIGNED, S.FULFILLED, S.CLOSED, S.CANCELLED},
    }


def _approval_rows(contract: SalesContract) -> list:
    """The current round's steps, each named as the sales department names it."""
    rows = list(contract.approvals().select_related("decided_by"))
    for row in rows:
        row.words = approval_step(row)
    return rows


def _chain(contract: SalesContract, rows: list) -> str:
    """The "This document needs: …" line: a submitted contract's round as it was set when
    it was submitted; a draft's, what submitting it now would need (chains.describe)."""
    if rows:
        steps = " → ".join(row.words for row in rows if row.state != "skipped")
        return _("This document needs: %(steps)s") % {"steps": steps}
    return describe(DocumentType.SALES_CONTRACT, contract)


@login_required
@require_GET
def contract_detail(request, pk: int):
    contract = _contract_or_404(request.user, pk)
    approvals = _approval_rows(contract)
    fulfilment = contract_fulfilment(request.user, contract)
    actions = _actions(request.user, contract)
    # shipping fulfils a contract when its last goods leave; the manager's button is
    # for one whose figures are complete and that is still signed
    actions["may_fulfil"] = actions["may_fulfil"] and bool(fulfilment and fulfilment["complete"])
    context = {
        "contract": contract,
        "lines": lines_with_quote(contract),
        "dropped": quote_lines_dropped(contract),
        "approvals": approvals,
        "chain": _chain(contract, approvals),
        "exposure": account_exposure(contract.account),
        "events": contract.events.select_related("actor").order_by("at", "pk"),
        "scan_form": ScanForm(),
        # ordered, requested, shipped, confirmed, returned per line, once signed
        "fulfilment": fulfilment,
        **actions,
    }
    return render(request, "contracts/detail.html", context)


def _run(request, contract, action, success: str):
    return run_and_report(
        request, action, success=success, back=reverse("contracts:detail", args=[contract.pk])
    )


@login_required
@require_POST
def contract_submit(request, pk: int):
    contract = _contract_or_404(request.user, pk)
    if not may_edit(request.user, contract):
        raise PermissionDenied
    return _run(
        request,
        contract,
        lambda: services.contract_submit(contract=contract, actor=request.user, now=timezone.now()),
        _("Submitted for approval."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def contract_cancel(request, pk: int):
    """R-12.4: a confirmation page with the reason, then the cancellation."""
    contract = _contract_or_404(request.user, pk)
    manager = may(request.user, "contracts.cancel", contract.office)
    if not manager and not (may_edit(request.user, contract) and not contract.number):
        raise PermissionDenied  # a signed contract is the manager's to cancel
    if not _actions(request.user, contract)["may_cancel"]:
        messages.error(request, _("This contract cannot be cancelled now."))
        return redirect("contracts:detail", contract.pk)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.contract_cancel(
                contract=contract,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                now=timezone.now(),
            )
        except ApiPermissionDenied as exc:
            raise PermissionDenied from exc
        except ValidationError as exc:
            form.add_error("reason", [str(e) for e in exc.detail.get("reason", [])] or None)
        except DomainError as exc:
            form.add_error(None, str(exc.detail))
        else:
            messages.success(request, _("The contract is cancelled."))
            return redirect("contracts:detail", contract.pk)
    status = 422 if request.method == "POST" else 200
    context = {"contract": contract, "form": form, "lines": lines_with_quote(contract)}
    return render(request, "contracts/cancel.html", context, status=status)


@login_required
@require_POST
def contract_fulfil(request, pk: int):
    contract = _contract_or_404(request.user, pk)
    if not may(request.user, "contracts.cancel", contract.office):
        raise PermissionDenied
    return _run(
        request,
        contract,
        lambda: services.contract_fulfil(contract=contract, actor=request.user, now=timezone.now()),
        _("The contract is fulfilled."),
    )


@login_required
@require_POST
def contract_close(request, pk: int):
    contract = _contract_or_404(request.user, pk)
    if not may(request.user, "contracts.cancel", contract.office):
        raise PermissionDenied
    return _run(
        request,
        contract,
        lambda: services.contract_close(contract=contract, actor=request.user, now=timezone.now()),
        _("The contract is closed."),
    )


@login_required
@require_GET
def contract_scan(request, pk: int):
    """R-12.2: the filed scan, only for who may see the contract (never a public path)."""
    contract = _contract_or_404(request.user, pk)
    if not contract.scan:
        raise Http404
    extension = contract.scan.name.rsplit(".", 1)[-1]
    try:
        handle = contract.scan.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"{contract.number}.{extension}",
        content_type=contract.scan_type or "application/octet-stream",
    )
    response["Cache-Control"] = "private, no-store"
    return response
