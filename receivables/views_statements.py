"""Pages of the half-yearly reconciliation (往来账目核对, R-15.6): the statements of a branch and
half year with how many are generated, sent, signed back, disputed and resolved; finance's
generate form and the run's progress (polled with htmx until done); a statement with its
lines, sending, the customer's answer (disputed items added row by row) and the resolution of
each difference; the PDF. The collection notices' pages (R-15.2) are views_notices.

Views parse, call one service of receivables.services.statements and render; who sees a
statement is receivables.selectors.statements_visible_to, who may act the services' checks."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.exceptions import ValidationError

from common.errors import DomainError
from common.views import run_and_report
from staff.permissions import may, office_ids_of
from staff.places import place_for

from . import statement_reads as reads
from .choices import RunStatus, StatementStatus
from .forms_statements import GenerateForm, ResolveForm, apply_errors, read_rows
from .models import Statement, StatementDifference, StatementRun
from .pdf import statement_pdf as draw_statement_pdf
from .selectors import may_see_account_ledger, statements_visible_to
from .services import base, statements
from .views_notices import notice_detail, notice_list, notice_sign

__all__ = [
    "difference_resolve",
    "notice_detail",
    "notice_list",
    "notice_sign",
    "run_progress",
    "statement_answer",
    "statement_detail",
    "statement_generate",
    "statement_index",
    "statement_pdf",
    "statement_send",
]

PAGE_SIZE = 100


def _today(office):
    return base.today(office, timezone.now())


def _period_or_default(raw, office) -> str:
    try:
        period, _start, _end = statements.parse_period(raw)
    except ValidationError:
        return statements.last_ended_period(_today(office))
    return period


# ---------------------------------------------------------------- the index


@login_required
@require_GET
def statement_index(request):
    """R-15.6: a branch's statements of a half year (`?office=&period=&status=`), with its
    counts; a salesperson sees their own accounts' statements and counts."""
    place = place_for(request, "receivables.view")
    office = place.office
    period = _period_or_default(request.GET.get("period"), office)
    visible = statements_visible_to(request.user).filter(office=office, period=period)
    counts = reads.office_counts(visible)
    status = request.GET.get("status", "")
    listed = visible.filter(status=status) if status in StatementStatus.values else visible
    page = Paginator(
        listed.select_related("account").order_by("account__name", "pk"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    may_make = statements.may_make_statements(request.user, office)
    periods = reads.recent_periods(_today(office))
    if period not in dict(periods):
        periods.append((period, reads.period_label(period)))
    context = {
        "place": place,
        "office": office,
        "period": period,
        "period_label": reads.period_label(period),
        "periods": periods,
        "counts": counts,
        "status": status,
        "statuses": StatementStatus.choices,
        "page": page,
        "statements": page.object_list,
        "may_make": may_make,
        "run": StatementRun.objects.filter(office=office, period=period).first()
        if may_make
        else None,
    }
    return render(request, "receivables/statements/index.html", context)


# ---------------------------------------------------------------- generating


def _generate_page(request, form, offices, status=200):
    runs = StatementRun.objects.filter(office__in=offices).select_related("office", "started_by")
    runs = list(runs.order_by("-started_at", "-pk")[:10])
    for run in runs:
        run.period_label = reads.period_label(run.period)
    context = {"form": form, "runs": runs}
    return render(request, "receivables/statements/generate.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def statement_generate(request):
    """R-15.6: finance starts the generation of a branch's statements of a half year that
    has ended; the page then follows its progress."""
    place = place_for(request, statements.may_make_statements)
    offices = place.offices
    form = GenerateForm(
        request.POST or None,
        offices=offices,
        periods=reads.recent_periods(_today(place.office)),
        initial={"office": place.office.pk},
    )
    if request.method == "GET" or not form.is_valid():
        return _generate_page(request, form, offices, status=200 if not form.errors else 422)
    office = next(o for o in offices if o.pk == form.cleaned_data["office"])
    try:
        run = statements.statement_run_start(
            actor=request.user,
            office=office,
            period=form.cleaned_data["period"],
            now=timezone.now(),
        )
    except ApiPermissionDenied as exc:
        raise PermissionDenied from exc
    except DomainError as exc:
        if exc.code == "run_live" and exc.extra.get("run"):
            messages.info(request, str(exc.detail))
            return redirect("receivables:statement_run", exc.extra["run"])
        form.add_error(None, str(exc.detail))
        return _generate_page(request, form, offices, status=409)
    messages.success(request, _("The statements are being made."))
    return redirect("receivables:statement_run", run.pk)


@login_required
@require_GET
def run_progress(request, pk: int):
    """The run's progress: the whole page, or (htmx) the bar alone, which asks again every
    second while the run is queued or running."""
    run = get_object_or_404(
        StatementRun.objects.select_related("office", "started_by"),
        pk=pk,
        office__in=office_ids_of(request.user),
    )
    if not (
        statements.may_make_statements(request.user, run.office)
        or may(request.user, "receivables.office", run.office)
    ):
        raise PermissionDenied
    context = {
        "run": run,
        "live": run.status in statements.LIVE,
        "failed": run.status == RunStatus.FAILED,
        "percent": 100 if not run.total else round(100 * run.done / run.total),
        "period_label": reads.period_label(run.period),
    }
    if request.headers.get("HX-Request"):
        return render(request, "receivables/statements/partials/run_bar.html", context)
    return render(request, "receivables/statements/run.html", context)


# ---------------------------------------------------------------- a statement


def _statement_or_404(user, pk: int) -> Statement:
    return get_object_or_404(
        statements_visible_to(user)
        .select_related("account", "office", "sent_by", "answered_by")
        .prefetch_related(
            Prefetch(
                "differences",
                StatementDifference.objects.select_related("resolved_by").order_by("pk"),
            )
        ),
        pk=pk,
    )


def _detail(request, statement, *, rows=None, answer_errors=(), resolve_forms=None, status=200):
    user = request.user
    lines = reads.statement_lines(statement, limit=reads.LINES_ON_PAGE + 1)
    differences = list(statement.differences.all())
    may_answer = statements.may_answer(user, statement)
    may_resolve = statements.may_resolve(user, statement)
    resolve_forms = resolve_forms or {}
    for difference in differences:
        difference.form = resolve_forms.get(difference.pk) or ResolveForm(
            prefix=f"resolve-{difference.pk}"
        )
    context = {
        "statement": statement,
        "period_label": reads.period_label(statement.period),
        "lines": lines[: reads.LINES_ON_PAGE],
        "more_lines": len(lines) > reads.LINES_ON_PAGE,
        "differences": differences,
        "open_total": reads.open_difference_total(statement),
        "may_send": may_answer and statement.status == StatementStatus.DRAFT,
        "may_answer": may_answer and statement.status == StatementStatus.SENT,
        "may_resolve": may_resolve and statement.status == StatementStatus.DISPUTED,
        "ledger_link": may_see_account_ledger(user, statement.account),
        "rows": rows or read_rows({}),
        "answer_errors": answer_errors,
    }
    return render(request, "receivables/statements/detail.html", context, status=status)


@login_required
@require_GET
def statement_detail(request, pk: int):
    return _detail(request, _statement_or_404(request.user, pk))


@login_required
@require_GET
def statement_pdf(request, pk: int):
    """R-15.6: the statement as PDF, for whoever may see it."""
    statement = _statement_or_404(request.user, pk)
    response = HttpResponse(draw_statement_pdf(statement), content_type="application/pdf")
    name = f"statement-{statement.period}-{statement.pk}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_POST
def statement_send(request, pk: int):
    """R-15.6: the salesperson sends the statement to the customer."""
    statement = _statement_or_404(request.user, pk)
    if not statements.may_answer(request.user, statement):
        raise PermissionDenied
    return run_and_report(
        request,
        lambda: statements.statement_send(
            statement=statement, actor=request.user, now=timezone.now()
        ),
        success=_("Marked as sent. Record the customer's answer when it comes back."),
        back=reverse("receivables:statement", args=[statement.pk]),
    )


@login_required
@require_POST
def statement_answer(request, pk: int):
    """R-15.6: the customer's answer. `agreed=1`: signed back; otherwise the disputed items
    (rows; `add` adds one and saves nothing)."""
    statement = _statement_or_404(request.user, pk)
    if not statements.may_answer(request.user, statement):
        raise PermissionDenied
    back = reverse("receivables:statement", args=[statement.pk])
    agreed = request.POST.get("agreed") == "1"
    rows = read_rows(request.POST)
    if not agreed and ("add" in request.POST or "remove" in request.POST):
        return _detail(request, statement, rows=rows)
    differences = [
        statements.DifferenceInput(item=row.item, amount=row.amount, note=row.note)
        for row in rows
        if not row.blank
    ]
    try:
        statements.statement_answer(
            statement=statement,
            actor=request.user,
            agreed=agreed,
            differences=None if agreed else differences,
            now=timezone.now(),
        )
    except ApiPermissionDenied as exc:
        raise PermissionDenied from exc
    except DomainError as exc:
        messages.error(request, str(exc.detail))
        return redirect(back)
    except ValidationError as exc:
        detail = exc.detail if isinstance(exc.detail, dict) else {"": exc.detail}
        loose = apply_errors(rows, detail)
        return _detail(request, statement, rows=rows, answer_errors=loose, status=422)
    if agreed:
        messages.success(request, _("Recorded: the customer signed the statement back."))
    else:
        messages.success(request, _("Recorded: the differences are open until resolved."))
    return redirect(back)


@login_required
@require_POST
def difference_resolve(request, pk: int):
    """R-15.6: finance or the branch manager resolves one difference."""
    difference = get_object_or_404(StatementDifference.objects.only("pk", "statement_id"), pk=pk)
    statement = _statement_or_404(request.user, difference.statement_id)
    if not statements.may_resolve(request.user, statement):
        raise PermissionDenied
    form = ResolveForm(request.POST, prefix=f"resolve-{difference.pk}")
    if not form.is_valid():
        return _detail(request, statement, resolve_forms={difference.pk: form}, status=422)
    return run_and_report(
        request,
        lambda: statements.difference_resolve(
            difference=difference,
            actor=request.user,
            resolution=form.cleaned_data["resolution"],
            now=timezone.now(),
        ),
        success=_("The difference is resolved."),
        back=reverse("receivables:statement", args=[statement.pk]) + f"#difference-{pk}",
    )
