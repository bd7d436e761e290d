"""Pages of visit records (R-9.7) and overdue accounts (R-9.8), phone first.

"Log a visit in two taps": "记录拜访" on an overdue row, the account card or the home page
opens the form pre-filled (today, first or return visit, the primary contact); "保存" records
it and goes back where the user came from (a `next` of this site only) with a message.
"""

import datetime
from types import SimpleNamespace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.exceptions import ValidationError

from accounts.models import Account
from accounts.selectors import accounts_visible_to
from common.inputs import safe_next
from common.pagination import Paginator
from staff.choices import Role
from staff.permissions import may_in_any_office
from staff.places import place_for

from . import rules
from .choices import VISIT_KINDS
from .forms import StockLineFormSet, VisitRecordFilter, VisitRecordForm
from .overdue import aged, overdue_visible_to
from .records import local_day, may_record, records_visible_to, suggested_kind, visit_record_create

READ = "accounts.view"  # the accounts' readers: salespeople, managers, the director
PAGE_SIZE = 50
HOME_ROWS = 5


def _next(request, default: str) -> str:
    """Where to go back to: the form's (or the link's) `next` when it is a path of this site."""
    source = request.POST if request.method == "POST" else request.GET
    return safe_next(SimpleNamespace(POST=source, get_host=request.get_host), default)


def record_url(account: Account, back: str) -> str:
    """The "记录拜访" link of an account, coming back to `back` after saving."""
    return f"{reverse('visits:new')}?{urlencode({'account': account.pk, 'next': back})}"


def _require_reader(request) -> None:
    if not may_in_any_office(request.user, READ):
        raise PermissionDenied


# ---------------------------------------------------------------- the record form


@login_required
@require_http_methods(["GET", "POST"])
def record_new(request):
    """R-9.7: the visit record form of one account (`?account=`); without one, a picker."""
    _require_reader(request)
    raw = request.POST.get("account") or request.GET.get("account") or ""
    if not raw:  # a POST without its account is a bad request: the picker again
        return _picker(request, status=400 if request.method == "POST" else 200)
    account = get_object_or_404(
        accounts_visible_to(request.user).select_related("office", "owner"),
        pk=int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 19 else 0,
    )
    if not may_record(request.user, account):
        raise PermissionDenied
    back = _next(request, reverse("accounts:card", args=[account.pk]))
    now = timezone.now()
    dealer = account.kind == "dealer"
    if request.method == "POST":
        form = VisitRecordForm(request.POST, account=account, now=now)
        stock = StockLineFormSet(request.POST, prefix="stock") if dealer else None
        if form.is_valid() and (stock is None or stock.is_valid()):
            lines = [line for f in stock.forms if (line := f.line())] if stock else []
            try:
                record = visit_record_create(
                    actor=request.user,
                    account=account,
                    dealer_stock=lines,
                    now=now,
                    **form.cleaned_data,
                )
            except ApiPermissionDenied as exc:
                raise PermissionDenied from exc
            except ValidationError as exc:
                for field, errors in exc.detail.items():
                    target = field if field in form.fields else None
                    form.add_error(target, [str(e) for e in errors])
            else:
                messages.success(request, _saved_message(record, account))
                return redirect(back)
        status = 422
    else:
        form = VisitRecordForm(account=account, initial=_initial(account, now))
        stock = (
            StockLineFormSet(prefix="stock", initial=_stock_initial(account)) if dealer else None
        )
        status = 200
    context = {
        "account": account,
        "form": form,
        "stock": stock,
        "next": back,
        "last": account.visit_records.select_related("salesperson").first(),
    }
    return render(request, "visits/records/new.html", context, status=status)


def _initial(account: Account, now: datetime.datetime) -> dict:
    primary = account.contacts.filter(primary=True).first()
    return {
        "date": local_day(now, account.office),
        "kind": suggested_kind(account),
        "contact": primary.pk if primary else None,
    }


def _stock_initial(account: Account) -> list[dict]:
    """The products of the dealer's last stock check, to count again."""
    last = account.visit_records.filter(dealer_stock__isnull=False).first()
    if last is None:
        return []
    return [{"product": line.product_id} for line in last.dealer_stock.all()]


def _saved_message(record, account: Account) -> str:
    if record.kind not in VISIT_KINDS:
        return _("Call with %(account)s recorded.") % {"account": account.name}
    interval = rules.interval_for(account.grade, account.office)
    if interval is None:
        return _("Visit to %(account)s recorded.") % {"account": account.name}
    last = _last_visit(account)  # this record, or a later visit recorded before it
    due = rules.due_on(last, last, interval)
    return _("Visit to %(account)s recorded; the next visit is due by %(day)s.") % {
        "account": account.name,
        "day": due.isoformat(),
    }


def _last_visit(account: Account) -> datetime.date:
    return account.visit_records.filter(kind__in=VISIT_KINDS).order_by("-date").first().date


def _picker(request, status: int = 200):
    """Without `?account=`: the accounts the user may record a visit on, to choose one."""
    accounts = [
        a
        for a in accounts_visible_to(request.user)
        .select_related("office")
        .order_by("name", "pk")[:500]
        if may_record(request.user, a)
    ]
    return render(request, "visits/records/pick.html", {"accounts": accounts}, status=status)


# ---------------------------------------------------------------- the list of records


@login_required
@require_GET
def record_list(request):
    """R-9.7: my records and those of my accounts (a manager: the branch's), newest first,
    filtered as the API is (`account`, `salesperson`, `from`, `to`)."""
    _require_reader(request)
    qs = records_visible_to(request.user).select_related(
        "account", "salesperson", "contact", "planned"
    )
    filters = VisitRecordFilter(request.GET or None, queryset=qs, request=request)
    status = 200
    if filters.is_bound and not filters.is_valid():
        rows, status = qs.none(), 400
    else:
        rows = filters.qs if filters.is_bound else qs
    page = Paginator(
        rows.order_by("-date", "-pk").prefetch_related("dealer_stock__product"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    context = {
        "filters": filters,
        "page_obj": page,
        "records": page.object_list,
        "sees_others": request.user.has_role(Role.MANAGER, Role.DIRECTOR),
    }
    return render(request, "visits/records/list.html", context, status=status)


# ---------------------------------------------------------------- overdue accounts


@login_required
@require_GET
def overdue_page(request):
    """R-9.8: the overdue accounts the user sees, aged, longest overdue first, each with its
    "记录拜访"; a manager sees the owner of each."""
    _require_reader(request)
    office = place_for(request, READ).office if request.GET.get("office") else None
    rows = list(overdue_visible_to(request.user, now=timezone.now(), office=office))
    here = request.get_full_path()
    for account in rows:
        account.record_url = record_url(account, here) if may_record(request.user, account) else ""
    context = {
        "bands": aged(rows),
        "count": len(rows),
        "show_owner": request.user.has_role(Role.MANAGER, Role.DIRECTOR),
        "show_office": len({a.office_id for a in rows}) > 1,
        "office": office,
    }
    return render(request, "visits/overdue.html", context)


def overdue_block(request, *, office=None, now: datetime.datetime) -> dict | None:
    """The home pages' block (R-9.8): a salesperson's own overdue accounts (the first five,
    each with "记录拜访"), a manager's branch (`office`): how many, and the oldest five. None
    for a user with no account there, who has nothing to be told."""
    user = request.user
    if not may_in_any_office(user, READ):
        return None
    branch = office is not None
    seen = accounts_visible_to(user)
    if branch:
        seen = seen.filter(office=office)
    if not seen.filter(grade__isnull=False).exists():
        return None
    overdue = overdue_visible_to(user, now=now, office=office)
    rows = list(overdue[:HOME_ROWS])
    here = request.get_full_path()
    for account in rows:
        account.record_url = "" if branch else record_url(account, here)
    return {
        "rows": rows,
        "count": overdue.count() if len(rows) == HOME_ROWS else len(rows),
        "branch": branch,
        "office": office,
    }
