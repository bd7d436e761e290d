"""Pages of collection notices (应收账款催收单, R-15.2): the list (the salesperson's own to sign
for, the branch's for its manager and finance), a notice with its overdue invoices, and the
salesperson's signature (传票签收). The notices are made by the daily dunning job."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from common.views import run_and_report
from staff.permissions import may_in_any_office

from .models import CollectionNotice
from .selectors import invoices_visible_to, notices_visible_to
from .services.dunning import may_sign_notice
from .services.dunning import notice_sign as sign_notice

PAGE_SIZE = 50


def _may_read(user) -> bool:
    return may_in_any_office(user, "receivables.view")


@login_required
@require_GET
def notice_list(request):
    """The notices the user sees, newest first; `?show=unsigned` (the default for a
    salesperson with notices to sign) or `all`."""
    if not _may_read(request.user):
        raise PermissionDenied
    qs = notices_visible_to(request.user).select_related("account", "salesperson", "office")
    unsigned = qs.filter(signed_at__isnull=True)
    mine = unsigned.filter(salesperson=request.user).count()
    show = request.GET.get("show") or ("unsigned" if mine else "all")
    if show == "unsigned":
        qs = unsigned
    page = Paginator(
        qs.annotate(invoice_count=Count("lines")).order_by("-date", "-pk"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "notices": page.object_list,
        "show": show,
        "mine_to_sign": mine,
    }
    return render(request, "receivables/statements/notice_list.html", context)


def _notice_or_404(user, pk: int) -> CollectionNotice:
    return get_object_or_404(
        notices_visible_to(user).select_related("account", "salesperson", "office", "signed_by"),
        pk=pk,
    )


@login_required
@require_GET
def notice_detail(request, pk: int):
    notice = _notice_or_404(request.user, pk)
    lines = list(notice.lines.select_related("invoice").order_by("due_date", "pk"))
    linked = set(
        invoices_visible_to(request.user)
        .filter(pk__in=[line.invoice_id for line in lines])
        .values_list("pk", flat=True)
    )
    context = {
        "notice": notice,
        "lines": lines,
        "linked": linked,
        "may_sign": notice.signed_at is None and may_sign_notice(request.user, notice),
    }
    return render(request, "receivables/statements/notice_detail.html", context)


@login_required
@require_POST
def notice_sign(request, pk: int):
    """R-15.2: the salesperson signs for the notice, once."""
    notice = _notice_or_404(request.user, pk)
    if not may_sign_notice(request.user, notice):
        raise PermissionDenied
    return run_and_report(
        request,
        lambda: sign_notice(notice=notice, actor=request.user, now=timezone.now()),
        success=_("Signed for. Chase the payment."),
        back=reverse("receivables:notice", args=[notice.pk]),
    )
