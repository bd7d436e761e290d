"""Budget pages (R-16.3): a new budget, a budget with its approvals, its claims, submit and
close."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.exceptions import ValidationError

from approvals.permissions import may_decide
from common.errors import DomainError
from staff.models import Office
from staff.permissions import may, office_ids_of

from . import rules, selectors
from .choices import BudgetStatus
from .forms import BudgetForm
from .pages import approval_rows, budget_or_404, errors_onto, run
from .services import budgets

OPEN = (BudgetStatus.DRAFT, BudgetStatus.REJECTED)


def _spending_offices(user) -> list[Office]:
    return [
        o
        for o in Office.objects.filter(pk__in=office_ids_of(user)).order_by("name")
        if may(user, "expenses.spend", o)
    ]


@login_required
@require_http_methods(["GET", "POST"])
def budget_new(request):
    """R-16.3: a budget of one's own for a month (事先提交费用预算), saved as a draft or
    submitted at once."""
    user = request.user
    offices = _spending_offices(user)
    if not offices:
        raise PermissionDenied
    data = request.POST if request.method == "POST" else None
    form = BudgetForm(data, offices=offices, initial={"month": f"{timezone.localdate():%Y-%m}"})
    if data is None:
        return render(request, "expenses/budget_form.html", {"form": form})
    status = 400
    if form.is_valid():
        office = next(o for o in offices if o.pk == form.cleaned_data["office"])
        month = form.cleaned_data["month"].strip()
        try:
            made = budgets.budget_create(
                actor=user,
                office=office,
                month=f"{month}-01" if len(month) == 7 else month,
                purpose=form.cleaned_data["purpose"],
                category=form.cleaned_data["category"],
                amount=form.cleaned_data["amount"],
                now=timezone.now(),
            )
        except ApiPermissionDenied as exc:
            raise PermissionDenied from exc
        except ValidationError as exc:
            errors_onto(form, exc)
        except DomainError as exc:
            form.add_error(None, str(exc.detail))
            status = 409
        else:
            if "submit" in data:
                run(
                    request,
                    lambda: budgets.budget_submit(budget=made, actor=user, now=timezone.now()),
                    _("Saved and submitted: the branch manager decides."),
                )
            else:
                messages.success(request, _("Draft saved. Submit it for approval when ready."))
            return redirect("expenses:budget", made.pk)
    return render(request, "expenses/budget_form.html", {"form": form}, status=status)


@login_required
@require_GET
def budget_detail(request, pk: int):
    user = request.user
    budget = budget_or_404(user, pk)
    rows, chain = approval_rows(budget)
    pending = next((a for a in rows if a.state == "pending"), None)
    author = user.pk == budget.author_id
    if budget.status in OPEN:
        figures = selectors.budget_cap_figures(budget)
    else:
        figures = rules.BudgetCapFigures.from_json(budget.figures_at_submit)
    claimed = selectors.budget_claimed(budget)
    context = {
        "budget": budget,
        "approvals": rows,
        "chain": chain,
        "cap": figures,
        "figures_live": budget.status in OPEN,
        "claimed": claimed,
        "left": budget.amount - claimed,
        "claims": selectors.claims_visible_to(user)
        .filter(budget=budget)
        .select_related("author")
        .order_by("-created_at", "-pk"),
        "may_decide": pending is not None and may_decide(user, pending, budget),
        "may_submit": author and budget.status in OPEN,
        "may_close": budget.status == BudgetStatus.APPROVED and budgets.may_close(user, budget),
        "may_claim": author and budget.status == BudgetStatus.APPROVED,
    }
    return render(request, "expenses/budget_detail.html", context)


@login_required
@require_POST
def budget_submit(request, pk: int):
    budget = budget_or_404(request.user, pk)
    if request.user.pk != budget.author_id:
        raise PermissionDenied
    run(
        request,
        lambda: budgets.budget_submit(budget=budget, actor=request.user, now=timezone.now()),
        _("Submitted: the branch manager decides."),
    )
    return redirect("expenses:budget", budget.pk)


@login_required
@require_POST
def budget_close(request, pk: int):
    budget = budget_or_404(request.user, pk)
    if not budgets.may_close(request.user, budget):
        raise PermissionDenied
    run(
        request,
        lambda: budgets.budget_close(budget=budget, actor=request.user, now=timezone.now()),
        _("The budget is closed: no more claims against it."),
    )
    return redirect("expenses:budget", budget.pk)
