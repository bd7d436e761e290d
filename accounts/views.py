"""Account pages (R-9.1–R-9.5): the list (mine / branch), the card, the new account form."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods
from rest_framework.exceptions import ValidationError

from common.errors import DomainError
from staff.models import Office
from staff.permissions import may, may_in_any_office, office_ids_of

from . import services
from .forms import AccountForm
from .selectors import account_exposure, accounts_visible_to, credit_reviews_due, may_edit


@login_required
@require_GET
def account_list(request):
    if not may_in_any_office(request.user, "accounts.view"):
        raise PermissionDenied
    scope = request.GET.get("scope", "mine")
    qs = accounts_visible_to(request.user).select_related("owner", "office")
    if scope == "mine":
        qs = qs.filter(owner=request.user) | qs.filter(deputy=request.user)
    today = timezone.localdate()
    context = {
        "accounts": qs.order_by("name", "pk")[:200],
        "scope": scope,
        "reviews": credit_reviews_due(request.user, today=today)[:50],
        "may_create": may_in_any_office(request.user, "accounts.create"),
    }
    return render(request, "accounts/list.html", context)


@login_required
@require_GET
def account_card(request, pk: int):
    account = get_object_or_404(
        accounts_visible_to(request.user).select_related("owner", "deputy", "office"), pk=pk
    )
    context = {
        "account": account,
        "contacts": account.contacts.all(),
        "approvals": account.approvals(),
        "history": services.grade_history(account),
        "exposure": account_exposure(account),
        "may_edit": may_edit(request.user, account),
    }
    return render(request, "accounts/card.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def account_new(request):
    if not may_in_any_office(request.user, "accounts.create"):
        raise PermissionDenied
    offices = Office.objects.filter(pk__in=office_ids_of(request.user))
    offices = offices.filter(
        pk__in=[o.pk for o in offices if may(request.user, "accounts.create", o)]
    )
    form = AccountForm(request.POST or None, offices=offices)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            account = services.account_create(
                actor=request.user, office=data.pop("office"), now=timezone.now(), **data
            )
        except ValidationError as exc:
            for field, errors in exc.detail.items():
                form.add_error(field if field in form.fields else None, [str(e) for e in errors])
        except DomainError as exc:
            form.add_error("credit_code", str(exc.detail))
        else:
            return redirect("accounts:card", account.pk)
    return render(request, "accounts/new.html", {"form": form})
