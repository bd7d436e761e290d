"""Each role's work page, and the office and staff pages every role shares."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from finance.views import ROLE_PAGES as FINANCE_PAGES
from reception.views import ROLE_PAGES
from staff.permissions import may
from staff.selectors import offices_visible_to, staff_visible_to

from .roles import PAGES_BY_SLUG, work_pages_for


@login_required
def home(request):
    """Every role lands on its own work page."""
    pages = work_pages_for(request.user)
    if not pages:
        return render(request, "workspace/no_role.html", status=403)
    return redirect("workspace:page", slug=pages[0].slug)


@login_required
def work_page(request, slug: str):
    page = PAGES_BY_SLUG.get(slug)
    if page is None:
        raise Http404
    if not may(request.user, f"workspace.{page.role}"):
        raise PermissionDenied
    if page.role in ROLE_PAGES:  # the desk, my customers, management, the director's page
        return ROLE_PAGES[page.role](request, page)
    if page.role in FINANCE_PAGES:  # finance's cash summary and refunds to pay
        return FINANCE_PAGES[page.role](request, page)
    offices = list(offices_visible_to(request.user))
    now = timezone.now()
    return render(
        request,
        "workspace/work_page.html",
        {
            "page": page,
            "offices": [
                {"office": o, "local_now": timezone.localtime(now, o.tzinfo)} for o in offices
            ],
        },
    )


@login_required
def office_list(request):
    """Offices the user belongs to; the search box refreshes the table through htmx."""
    offices = offices_visible_to(request.user)
    query = request.GET.get("q", "").replace("\x00", "").strip()  # PostgreSQL text has no NUL
    if query:
        offices = offices.filter(Q(name__icontains=query) | Q(code__icontains=query))
    template = "workspace/partials/office_rows.html" if request.htmx else "workspace/offices.html"
    return render(request, template, {"offices": offices.order_by("name"), "q": query})


@login_required
def office_detail(request, pk: int):
    office = get_object_or_404(offices_visible_to(request.user), pk=pk)
    members = None
    if may(request.user, "office.change", office):
        members = staff_visible_to(request.user).filter(offices=office).order_by("username")
    return render(
        request,
        "workspace/office_detail.html",
        {
            "office": office,
            "members": members,
            "can_change": may(request.user, "office.change", office) and request.user.is_staff,
        },
    )


@login_required
def staff_list(request):
    if not may(request.user, "staff.list"):
        raise PermissionDenied
    staff = staff_visible_to(request.user).order_by("username")
    return render(request, "workspace/staff.html", {"staff": staff})
