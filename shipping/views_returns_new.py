"""The page of a new return or exchange (R-13.5): the contract's salesperson records the
customer's request against the contract, one row per contract line with what may still be
returned (shipped − returning, shipping.progress); the service's errors land on their row."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.exceptions import ValidationError

from common.errors import DomainError
from contracts.selectors import contracts_visible_to
from staff.permissions import may, may_in_any_office

from . import progress, services
from .forms_returns import ReturnForm, ReturnLineFormSet
from .selectors import contract_for_shipping

LIST_LIMIT = 200


def _an_id(raw) -> int | None:
    raw = str(raw or "")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 19 else None


def _my_contracts(user):
    """The open contracts (signed or fulfilled) of which the user is the salesperson."""
    return (
        contracts_visible_to(user)
        .filter(status__in=services.OPEN_CONTRACT)
        .filter(Q(owner=user) | Q(account__owner=user) | Q(account__deputy=user))
        .exclude(number="")
        .select_related("account", "office")
        .order_by("-signed_at", "-pk")
    )


def _rows_initial(figures) -> list[dict]:
    return [
        {"contract_line": p.line.pk, "specification": p.line.product.specification} for p in figures
    ]


def _line_inputs(formset) -> tuple[list[services.LineInput], list[int]]:
    """The rows with a quantity as the service's lines, and the row index of each (a row
    left empty, or at zero, is not returned)."""
    lines, rows = [], []
    for index, form in enumerate(formset.forms):
        data = form.cleaned_data
        if not data or data.get("quantity") in (None, 0):
            continue
        lines.append(
            services.LineInput(
                contract_line=data["contract_line"],
                quantity=data["quantity"],
                specification=data.get("specification") or "",
            )
        )
        rows.append(index)
    return lines, rows


def _errors_to_forms(exc: ValidationError, form, formset, rows: list[int]) -> None:
    """The service's errors on the row they belong to; the others on the form."""
    detail = exc.detail if isinstance(exc.detail, dict) else {None: exc.detail}
    for field, errors in detail.items():
        if field == "lines" and errors and isinstance(errors[0], dict):
            for position, problems in enumerate(errors):
                if position >= len(rows):
                    break
                line_form = formset.forms[rows[position]]
                for name, texts in (problems or {}).items():
                    target = name if name in ("quantity", "specification") else None
                    line_form.add_error(target, [str(t) for t in texts])
            continue
        target = field if field in form.fields else None
        form.add_error(target, [str(e) for e in errors])


def _new_page(request, *, contract, form, formset, figures, problem="", status=200):
    by_line = {p.line.pk: p for p in figures}
    for line_form in formset.forms:  # each row shows its contract line and what is left
        line_form.figures = by_line.get(_an_id(line_form["contract_line"].value()))
    context = {
        "contract": contract,
        "form": form,
        "formset": formset,
        "problem": problem,
    }
    return render(request, "shipping/return_new.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def return_new(request):
    """R-13.5: the contract's salesperson records the customer's return or exchange; without
    `?contract=` the page lists the user's contracts to choose from."""
    if not may_in_any_office(request.user, "shipping.return"):
        raise PermissionDenied
    raw = request.GET.get("contract") or request.POST.get("contract")
    if not raw:
        contracts = _my_contracts(request.user)[:LIST_LIMIT]
        return render(request, "shipping/return_choose.html", {"contracts": contracts})
    pk = _an_id(raw)
    contract = contract_for_shipping(request.user, pk) if pk else None
    if contract is None:
        raise Http404
    if not (
        may(request.user, "shipping.return", contract.office)
        and services.is_contract_salesperson(request.user, contract)
    ):
        raise PermissionDenied
    figures = progress.contract_progress(contract)
    problem = ""
    if contract.status not in services.OPEN_CONTRACT:
        problem = _("Only a signed contract takes returns; this one is %(status)s.") % {
            "status": contract.get_status_display()
        }
    data = request.POST if request.method == "POST" else None
    form = ReturnForm(data)
    formset = ReturnLineFormSet(
        data, prefix="lines", initial=None if data else _rows_initial(figures)
    )
    if data is None:
        return _new_page(
            request, contract=contract, form=form, formset=formset, figures=figures, problem=problem
        )
    valid = form.is_valid() & formset.is_valid()
    lines, rows = _line_inputs(formset) if formset.is_valid() else ([], [])
    if formset.is_valid() and not lines:
        form.add_error(None, _("Enter the quantity returned on at least one line."))
        valid = False
    if valid:
        try:
            ret = services.return_create(
                actor=request.user,
                contract=contract,
                lines=lines,
                reason=form.cleaned_data["reason"],
                kind=form.cleaned_data["kind"],
                now=timezone.now(),
            )
        except ValidationError as exc:
            _errors_to_forms(exc, form, formset, rows)
        except DomainError as exc:
            form.add_error(None, str(exc.detail))
            return _new_page(
                request, contract=contract, form=form, formset=formset, figures=figures, status=409
            )
        except ApiPermissionDenied as exc:
            raise PermissionDenied from exc
        else:
            messages.success(request, _("Recorded. Submit it for approval when it is ready."))
            return redirect("shipping:return", ret.pk)
    return _new_page(
        request, contract=contract, form=form, formset=formset, figures=figures, status=422
    )
