"""Expense pages (R-16.3): the list (my budgets and claims; the branch's for its manager,
finance's claims to pay), a person's month, the ranks."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from rest_framework.exceptions import ValidationError

from staff.choices import Role
from staff.models import Office, User
from staff.permissions import may, may_in_any_office, office_ids_of

from . import months, selectors
from .choices import ClaimStatus, Rank
from .forms import RankForm
from .models import StaffRank
from .pages import LIST_LIMIT, an_id, readers_only
from .services import ranks


@login_required
@require_GET
def home(request):
    """My budgets and claims; below them the branch's for the manager (the director, the
    executive) and finance's approved claims to pay."""
    user = request.user
    readers_only(user)
    budgets = selectors.budgets_visible_to(user).select_related("author", "office")
    claims = selectors.claims_visible_to(user).select_related("author", "office", "budget")
    others = ~Q(author=user)
    context = {
        "my_budgets": budgets.filter(author=user).order_by("-created_at", "-pk")[:LIST_LIMIT],
        "my_claims": claims.filter(author=user).order_by("-created_at", "-pk")[:LIST_LIMIT],
        "office_budgets": budgets.filter(others).order_by("-created_at", "-pk")[:LIST_LIMIT],
        "office_claims": claims.filter(others).order_by("-created_at", "-pk")[:LIST_LIMIT],
        "to_pay": claims.filter(others, status=ClaimStatus.APPROVED).order_by("approved_at", "pk")[
            :LIST_LIMIT
        ]
        if user.has_role(Role.FINANCE)
        else [],
        "may_spend": may_in_any_office(user, "expenses.spend"),
        "may_manage": may_in_any_office(user, "expenses.manage"),
        "sees_others": user.has_role(Role.MANAGER, Role.DIRECTOR, Role.EXECUTIVE, Role.FINANCE),
    }
    return render(request, "expenses/home.html", context)


@login_required
@require_GET
def month(request):
    """R-16.3: a person's month (`?person=&month=`): the cap, used, pending, left; for the
    branch manager also the branch's people in one table, who is over."""
    user = request.user
    readers_only(user)
    try:
        found = months.resolve(
            user,
            person_raw=request.GET.get("person"),
            office_raw=request.GET.get("office"),
            month_raw=request.GET.get("month"),
            today=timezone.localdate(),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(str(e) for e in exc.detail.get("month", [])))
        return redirect("expenses:month")
    table = None
    if may(user, "expenses.manage", found.office) or user.has_role(Role.EXECUTIVE):
        table = selectors.office_month(found.office, found.month)
    context = {
        "found": found,
        "rank_label": Rank(found.rank).label,
        "table": table,
        "ranks": Rank.choices,
        "may_manage": may_in_any_office(user, "expenses.manage"),
        "previous": months.rules.add_months(found.month, -1),
        "next": months.rules.add_months(found.month, 1),
    }
    return render(request, "expenses/month.html", context)


def _managed_offices(user) -> list[Office]:
    return [
        o
        for o in Office.objects.filter(pk__in=office_ids_of(user)).order_by("name")
        if may(user, "expenses.manage", o)
    ]


@login_required
@require_http_methods(["GET", "POST"])
def rank_list(request):
    """R-16.3: the branch manager sets each person's rank (经理, 副经理, 一般人员), which sets
    their monthly cap."""
    user = request.user
    offices = _managed_offices(user)
    if not offices:
        raise PermissionDenied
    chosen = an_id(request.GET.get("office") or request.POST.get("office"))
    office = next((o for o in offices if o.pk == chosen), offices[0])
    if request.method == "POST":
        person = User.objects.filter(
            pk=an_id(request.POST.get("user")) or 0, offices=office
        ).first()
        if person is None:
            raise Http404
        form = RankForm(request.POST)
        if form.is_valid():
            ranks.rank_set(
                actor=user,
                office=office,
                user=person,
                rank=form.cleaned_data["rank"],
                now=timezone.now(),
            )
            messages.success(request, _("The rank of %(person)s is saved.") % {"person": person})
        else:
            messages.error(request, _("Choose a rank."))
        return redirect(f"{request.path}?office={office.pk}")
    people = list(
        User.objects.filter(
            is_active=True,
            offices=office,
            groups__name__in=(Role.SALESPERSON, Role.MANAGER, Role.CLERK),
        )
        .prefetch_related("groups")
        .distinct()
        .order_by("username")
    )
    set_ranks = dict(
        StaffRank.objects.filter(office=office, user__in=people).values_list("user_id", "rank")
    )
    rows = []
    for person in people:
        rank = set_ranks.get(person.pk) or months.rules.default_rank(
            is_manager=Role.MANAGER in person.roles
        )
        rows.append(
            {
                "person": person,
                "rank": rank,
                "set": person.pk in set_ranks,
                "cap": months.rules.cap_for(office, rank),
            }
        )
    context = {"office": office, "offices": offices, "rows": rows, "ranks": Rank.choices}
    return render(request, "expenses/ranks.html", context)
