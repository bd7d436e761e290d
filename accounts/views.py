"""Account pages (R-9.1–R-9.5): the list (mine / branch) with the credit reviews due, the card
(contacts, grades, owners over time, the approval), the new account and edit forms, and the
manager's assignment page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.exceptions import ValidationError

from approvals.choices import EDITABLE, DocumentStatus, DocumentType
from approvals.models import Approval
from common.errors import DomainError
from common.pagination import Paginator
from staff.models import Office
from staff.permissions import manages, may, may_in_any_office, office_ids_of
from staff.places import Place, place_for
from staff.selectors import offices_visible_to

from . import rules, services
from .forms import (
    AccountEditForm,
    AccountForm,
    ContactFormSet,
    GradeForm,
    ReassignForm,
    contacts_of,
)
from .models import Account
from .selectors import (
    account_exposure,
    account_load,
    accounts_visible_to,
    assignments_of,
    credit_reviews_due,
    grade_changes_of,
    may_edit,
    may_submit,
    salespeople_of,
)

INVALID = 422  # a form with errors
CONFLICT = 409  # a business rule refused it (DomainError)
ASSIGNMENT_PAGE_SIZE = 30


def _visible_account(request, pk: int) -> Account:
    qs = accounts_visible_to(request.user).select_related("office", "owner", "deputy", "author")
    return get_object_or_404(qs, pk=pk)


def _add_errors(form, exc: ValidationError, *, other: list | None = None) -> None:
    """A service's 400 onto the form: its fields' errors on them, the rest on the form (or in
    `other`, e.g. the contacts' list)."""
    detail = exc.detail if isinstance(exc.detail, dict) else {None: exc.detail}
    for field, errors in detail.items():
        texts = [str(e) for e in (errors if isinstance(errors, list) else [errors])]
        if field in form.fields:
            form.add_error(field, texts)
        elif other is not None:
            other.extend(texts)
        else:
            form.add_error(None, texts)


# ---------------------------------------------------------------- the list


@login_required
@require_GET
def account_list(request):
    if not may_in_any_office(request.user, "accounts.view"):
        raise PermissionDenied
    may_assign = may_in_any_office(request.user, "accounts.assign")
    scope = request.GET.get("scope") or ("branch" if may_assign else "mine")
    qs = accounts_visible_to(request.user).select_related("owner", "deputy", "office")
    if scope == "mine":
        qs = qs.filter(owner=request.user) | qs.filter(deputy=request.user)
    reviews = list(credit_reviews_due(request.user, today=timezone.localdate())[:50])
    for account in reviews:
        account.may_review = may(request.user, "accounts.manage_credit", account.office)
    context = {
        "accounts": qs.order_by("name", "pk")[:200],
        "scope": scope,
        "reviews": reviews,
        "may_create": may_in_any_office(request.user, "accounts.create"),
        "may_assign": may_assign,
    }
    return render(request, "accounts/list.html", context)


# ---------------------------------------------------------------- the card


def _grade_mode(user, account: Account) -> str | None:
    """R-9.3: "set" for the branch's manager (not their own account), "propose" for the owner,
    the deputy (and a manager of their own account); None for anyone else."""
    party = user.pk in {account.owner_id, account.deputy_id}
    manager = manages(user, account.office)
    if rules.grade_set_at_once(manages=manager, party=party):
        return "set"
    return "propose" if party else None


def _card(request, account: Account, *, grade_form=None, status: int = 200):
    changes = list(grade_changes_of(account))
    rejected = {c.pk: c for c in changes if c.status == DocumentStatus.REJECTED}
    for step in Approval.objects.filter(
        document_type=DocumentType.GRADE, document_id__in=rejected, state="rejected", void=False
    ).select_related("decided_by"):
        rejected[step.document_id].rejection = step
    pending = next((c for c in changes if c.status == DocumentStatus.PENDING), None)
    approvals = list(account.approvals().select_related("decided_by"))
    rejection = next((a for a in approvals if a.state == "rejected"), None)
    mode = _grade_mode(request.user, account)
    context = {
        "account": account,
        "contacts": account.contacts.all(),
        "approvals": approvals,
        "rejection": rejection if account.status == DocumentStatus.REJECTED else None,
        "grade_changes": changes,
        "pending_grade": pending,
        "grade_mode": mode if pending is None else None,
        "grade_form": grade_form or (GradeForm() if mode and pending is None else None),
        "assignments": list(assignments_of(account)),
        "exposure": account_exposure(account),
        "may_edit": may_edit(request.user, account) and account.status != DocumentStatus.PENDING,
        "may_submit": may_submit(request.user, account) and account.status in EDITABLE,
        "may_assign": may(request.user, "accounts.assign", account.office),
        "may_review": may(request.user, "accounts.manage_credit", account.office)
        and account.status != DocumentStatus.PENDING,
    }
    return render(request, "accounts/card.html", context, status=status)


@login_required
@require_GET
def account_card(request, pk: int):
    return _card(request, _visible_account(request, pk))


@login_required
@require_POST
def account_grade(request, pk: int):
    """R-9.3: the owner or deputy proposes a grade, the manager sets it."""
    account = _visible_account(request, pk)
    if not may_edit(request.user, account):
        raise PermissionDenied
    form = GradeForm(request.POST)
    if not form.is_valid():
        return _card(request, account, grade_form=form, status=INVALID)
    try:
        change = services.grade_propose(
            account=account, actor=request.user, now=timezone.now(), **form.cleaned_data
        )
    except ValidationError as exc:
        _add_errors(form, exc)
        return _card(request, account, grade_form=form, status=INVALID)
    except ApiPermissionDenied as exc:
        raise PermissionDenied from exc
    except DomainError as exc:
        form.add_error(None, str(exc.detail))
        return _card(request, account, grade_form=form, status=CONFLICT)
    if change.status == DocumentStatus.APPROVED:
        messages.success(request, _("The grade is set."))
    else:
        messages.success(request, _("The grade is proposed: it waits for the manager."))
    return redirect(reverse("accounts:card", args=[account.pk]) + "#grade")


@login_required
@require_POST
def account_submit(request, pk: int):
    """R-8.2: a rejected (or draft) account sent again for the manager's approval."""
    account = _visible_account(request, pk)
    if not may_submit(request.user, account):
        raise PermissionDenied
    try:
        services.account_submit(account=account, actor=request.user, now=timezone.now())
    except DomainError as exc:
        messages.error(request, str(exc.detail))
        return _card(request, account, status=CONFLICT)
    messages.success(request, _("The account is sent for approval again."))
    return redirect("accounts:card", account.pk)


# ---------------------------------------------------------------- new and edit


@login_required
@require_http_methods(["GET", "POST"])
def account_new(request):
    if not may_in_any_office(request.user, "accounts.create"):
        raise PermissionDenied
    offices = Office.objects.filter(pk__in=office_ids_of(request.user))
    offices = offices.filter(
        pk__in=[o.pk for o in offices if may(request.user, "accounts.create", o)]
    )
    credit = all(may(request.user, "accounts.manage_credit", o) for o in offices)
    form = AccountForm(request.POST or None, offices=offices, credit=credit)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            account = services.account_create(
                actor=request.user, office=data.pop("office"), now=timezone.now(), **data
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        except ApiPermissionDenied as exc:
            form.add_error(None, str(exc.detail))
        except DomainError as exc:
            form.add_error("credit_code", str(exc.detail))
        else:
            return redirect("accounts:card", account.pk)
    return render(request, "accounts/new.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def account_edit(request, pk: int):
    """R-9.1: the profile and contacts; the deputy (owner, manager), the credit limit and
    review (manager). A pending account is not edited (R-8.2): it says so, a POST is 409."""
    account = _visible_account(request, pk)
    if not may_edit(request.user, account):
        raise PermissionDenied
    context = {"account": account}
    if account.status == DocumentStatus.PENDING:
        return render(
            request,
            "accounts/edit.html",
            context,
            status=CONFLICT if request.method == "POST" else 200,
        )
    allowed = rules.editable_fields(
        owner=account.owner_id == request.user.pk,
        deputy=account.deputy_id == request.user.pk,
        manager=manages(request.user, account.office),
    )
    data = request.POST if request.method == "POST" else None
    form = AccountEditForm(
        data, instance=account, allowed=allowed, salespeople=salespeople_of(account.office)
    )
    formset = ContactFormSet(data, instance=account, prefix="contacts")
    contact_errors: list[str] = []
    status = 200
    if data is not None:
        status = INVALID
        if form.is_valid() and formset.is_valid():
            outcome = _save(request, account, form, formset, contact_errors)
            if outcome is None:
                return redirect("accounts:card", account.pk)
            status = outcome
    context.update(
        form=form,
        formset=formset,
        contact_errors=contact_errors,
        may_submit=may_submit(request.user, account) and account.status in EDITABLE,
    )
    return render(request, "accounts/edit.html", context, status=status)


def _save(request, account, form, formset, contact_errors) -> int | None:
    """The edit through the service (and a submission when asked); None when done, else the
    status of the page shown again."""
    fields = {name: form.cleaned_data.get(name) for name in form.fields}
    now = timezone.now()
    try:
        services.account_update(
            account=account,
            actor=request.user,
            contacts=contacts_of(formset),
            now=now,
            **fields,
        )
        if "resubmit" in request.POST and may_submit(request.user, account):
            services.account_submit(account=account, actor=request.user, now=now)
            messages.success(request, _("Saved and sent for approval again."))
            return None
    except ValidationError as exc:
        _add_errors(form, exc, other=contact_errors)
        return INVALID
    except ApiPermissionDenied as exc:
        raise PermissionDenied from exc
    except DomainError as exc:
        form.add_error(None, str(exc.detail))
        return CONFLICT
    messages.success(request, _("Saved."))
    return None


@login_required
@require_POST
def account_credit_reviewed(request, pk: int):
    """R-9.5: the manager marks the account's credit reviewed today."""
    account = _visible_account(request, pk)
    if not may(request.user, "accounts.manage_credit", account.office):
        raise PermissionDenied
    try:
        services.account_credit_reviewed(account=account, actor=request.user, now=timezone.now())
    except DomainError as exc:
        messages.error(request, str(exc.detail))
        return _card(request, account, status=CONFLICT)
    messages.success(
        request, _("The credit of %(account)s is marked reviewed today.") % {"account": account}
    )
    if request.POST.get("back") == "card":
        return redirect("accounts:card", account.pk)
    return redirect(reverse("accounts:list") + "#credit-reviews")


# ---------------------------------------------------------------- assignment


def _assignment(request, place, *, bound: dict | None = None, status: int = 200):
    office = place.office
    salespeople = list(salespeople_of(office))
    load = account_load(office)
    raw = request.POST.get("filter") if request.method == "POST" else request.GET.get("salesperson")
    chosen = next((row["person"] for row in load if str(row["person"].pk) == raw), None)
    qs = Account.objects.filter(office=office).select_related("owner", "deputy")
    if chosen is not None:
        qs = qs.filter(owner=chosen)
    page = Paginator(qs.order_by("owner__display_name", "owner__username", "name", "pk"), 30)
    page = page.get_page(request.POST.get("page") or request.GET.get("page"))
    accounts = list(page.object_list)
    for account in accounts:
        account.form = (bound or {}).get(account.pk) or ReassignForm(
            prefix=f"a{account.pk}",
            salespeople=salespeople_of(office),
            initial={"owner": account.owner_id, "deputy": account.deputy_id},
        )
    context = {
        "place": place,
        "office": office,
        "load": load,
        "chosen": chosen,
        "salespeople": salespeople,
        "accounts": accounts,
        "page_obj": page,
    }
    return render(request, "accounts/assignment.html", context, status=status)


@login_required
@require_GET
def assignment(request):
    """R-9.4: the branch's accounts per salesperson by grade, and reassignment with a reason."""
    return _assignment(request, place_for(request, "accounts.assign"))


@login_required
@require_POST
def account_reassign(request, pk: int):
    account = _visible_account(request, pk)
    if not may(request.user, "accounts.assign", account.office):
        raise PermissionDenied
    form = ReassignForm(
        request.POST, prefix=f"a{account.pk}", salespeople=salespeople_of(account.office)
    )
    status = INVALID
    if form.is_valid():
        try:
            services.account_reassign(
                account=account, actor=request.user, now=timezone.now(), **form.cleaned_data
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        except ApiPermissionDenied as exc:
            raise PermissionDenied from exc
        else:
            owner = form.cleaned_data["owner"]
            messages.success(
                request,
                _("%(account)s is now %(owner)s's.") % {"account": account, "owner": owner},
            )
            query = {"office": account.office_id}
            if request.POST.get("filter"):
                query["salesperson"] = request.POST["filter"]
            return redirect(f"{reverse('accounts:assignment')}?{urlencode(query)}#a{account.pk}")
    offices = offices_visible_to(request.user).order_by("name")
    place = Place(account.office, [o for o in offices if may(request.user, "accounts.assign", o)])
    return _assignment(request, place, bound={account.pk: form}, status=status)
