"""Claim pages (R-16.3), made for a phone: a claim against an approved budget, its lines
(receipts, missed meals, fuel with the trip log), receipt photos from the camera, submit, and
finance's payment; the photos are served only to who may see the claim."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.exceptions import ValidationError

from approvals.permissions import may_decide
from common.errors import DomainError
from staff.permissions import may

from . import rules, selectors
from .choices import EDITABLE, BudgetStatus, ClaimStatus
from .forms import ClaimForm, LineForm, PayForm, PhotoForm
from .models import ClaimLine
from .pages import an_id, approval_rows, claim_or_404, errors_onto, line_label, readers_only, run
from .services import claims


def line_input(form: LineForm) -> claims.LineInput:
    data = form.cleaned_data
    return claims.LineInput(
        kind=data["kind"],
        description=data.get("description") or "",
        amount=data.get("amount"),
        meals=data.get("meals"),
        trips=[
            claims.TripInput(
                date=t["date"] or "",
                origin=t["from"] or "",
                destination=t["to"] or "",
                purpose=t["purpose"] or "",
                km=t["km"] if t["km"] is not None else "",
            )
            for t in form.filled_trips()
        ],
    )


def _usable_budgets(user):
    return (
        selectors.budgets_visible_to(user)
        .filter(author=user, status=BudgetStatus.APPROVED)
        .select_related("office")
        .order_by("-month", "-pk")
    )


@login_required
@require_http_methods(["GET", "POST"])
def claim_new(request):
    """A claim against one's own approved budget (`?budget=`), with its first line; more lines
    and the photos are added on the claim's page."""
    user = request.user
    readers_only(user)
    budget_id = an_id(request.GET.get("budget") or request.POST.get("budget"))
    if budget_id is None:
        return render(request, "expenses/claim_choose.html", {"budgets": _usable_budgets(user)})
    budget = selectors.budgets_visible_to(user).filter(pk=budget_id).select_related("office")
    budget = budget.first()
    if budget is None:
        raise Http404
    if budget.author_id != user.pk:
        raise PermissionDenied
    data = request.POST if request.method == "POST" else None
    form = ClaimForm(data, prefix="claim", initial={"date": timezone.localdate()})
    line = LineForm(data, prefix="line", initial={"kind": "receipt"})
    context = {"budget": budget, "form": form, "line": line}
    if budget.status != BudgetStatus.APPROVED:
        status = 409 if data is not None else 200
        context["refused"] = (
            _("This budget is closed: no more claims against it.")
            if budget.status == BudgetStatus.CLOSED
            else _("A claim is made against an approved budget; this one is not approved.")
        )
        return render(request, "expenses/claim_form.html", context, status=status)
    if data is None:
        return render(request, "expenses/claim_form.html", context)
    status = 400
    if form.is_valid() and line.is_valid():
        try:
            made = claims.claim_create(
                actor=user,
                budget=budget,
                date=form.cleaned_data["date"],
                note=form.cleaned_data["note"],
                lines=[line_input(line)],
                now=timezone.now(),
            )
        except ApiPermissionDenied as exc:
            raise PermissionDenied from exc
        except ValidationError as exc:
            errors_onto(line, exc)
        except DomainError as exc:
            line.add_error(None, str(exc.detail))
            status = 409
        else:
            messages.success(
                request, _("Claim saved. Add the photos of the receipts, then submit it.")
            )
            return redirect("expenses:claim", made.pk)
    return render(request, "expenses/claim_form.html", context, status=status)


def _detail_context(user, claim, *, line_form=None, photo_form=None) -> dict:
    lines = list(claim.lines.prefetch_related("trips", "photos").order_by("pk"))
    for line in lines:
        line.label = line_label(line)
    rows, chain = approval_rows(claim)
    pending = next((a for a in rows if a.state == "pending"), None)
    author = user.pk == claim.author_id
    editable = author and claim.status in EDITABLE
    return {
        "claim": claim,
        "lines": lines,
        "figures": selectors.claim_cap_figures(claim)
        if claim.status in EDITABLE
        else rules.ClaimCapFigures.from_json(claim.figures_at_submit),
        "figures_live": claim.status in EDITABLE,
        "approvals": rows,
        "chain": chain,
        "editable": editable,
        "line_form": line_form or LineForm(prefix="line", initial={"kind": "receipt"}),
        "photo_form": photo_form or PhotoForm(lines=lines),
        "may_decide": pending is not None and may_decide(user, pending, claim),
        "may_pay": claim.status == ClaimStatus.APPROVED and may(user, "expenses.pay", claim.office),
        "pay_form": PayForm(),
    }


@login_required
@require_GET
def claim_detail(request, pk: int):
    claim = claim_or_404(request.user, pk)
    return render(request, "expenses/claim_detail.html", _detail_context(request.user, claim))


def _own_claim(request, pk: int):
    claim = claim_or_404(request.user, pk)
    if request.user.pk != claim.author_id:
        raise PermissionDenied
    return claim


@login_required
@require_POST
def claim_line_add(request, pk: int):
    claim = _own_claim(request, pk)
    form = LineForm(request.POST, prefix="line")
    status = 400
    if form.is_valid():
        try:
            claims.claim_add_line(
                claim=claim, actor=request.user, line=line_input(form), now=timezone.now()
            )
        except ApiPermissionDenied as exc:
            raise PermissionDenied from exc
        except ValidationError as exc:
            errors_onto(form, exc)
        except DomainError as exc:
            form.add_error(None, str(exc.detail))
            status = 409
        else:
            messages.success(request, _("The line is added."))
            return redirect("expenses:claim", claim.pk)
    claim.refresh_from_db()
    context = _detail_context(request.user, claim, line_form=form)
    return render(request, "expenses/claim_detail.html", context, status=status)


@login_required
@require_POST
def claim_line_remove(request, pk: int, line_pk: int):
    claim = _own_claim(request, pk)
    run(
        request,
        lambda: claims.claim_remove_line(
            claim=claim, actor=request.user, line_id=line_pk, now=timezone.now()
        ),
        _("The line is removed."),
    )
    return redirect("expenses:claim", claim.pk)


@login_required
@require_POST
def claim_photo_add(request, pk: int):
    """A receipt's photo from the phone's camera: an image, at most 20 MB; refused, the page
    says why and nothing is kept."""
    claim = _own_claim(request, pk)
    lines = list(ClaimLine.objects.filter(claim=claim).order_by("pk"))
    for line in lines:
        line.label = line_label(line)
    form = PhotoForm(request.POST, request.FILES, lines=lines)
    status = 400
    if form.is_valid():
        try:
            claims.claim_add_photo(
                claim=claim,
                actor=request.user,
                upload=form.cleaned_data["photo"],
                line_id=form.cleaned_data["line"],
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
            messages.success(request, _("The photo is added."))
            return redirect("expenses:claim", claim.pk)
    context = _detail_context(request.user, claim, photo_form=form)
    return render(request, "expenses/claim_detail.html", context, status=status)


@login_required
@require_POST
def claim_photo_remove(request, pk: int, photo_pk: int):
    claim = _own_claim(request, pk)
    run(
        request,
        lambda: claims.claim_remove_photo(
            claim=claim, actor=request.user, photo_id=photo_pk, now=timezone.now()
        ),
        _("The photo is removed."),
    )
    return redirect("expenses:claim", claim.pk)


@login_required
@require_POST
def claim_submit(request, pk: int):
    claim = _own_claim(request, pk)
    run(
        request,
        lambda: claims.claim_submit(claim=claim, actor=request.user, now=timezone.now()),
        _("Submitted: the branch manager decides."),
    )
    return redirect("expenses:claim", claim.pk)


@login_required
@require_POST
def claim_pay(request, pk: int):
    """Finance pays an approved claim, once (the page asks first)."""
    claim = claim_or_404(request.user, pk)
    if not may(request.user, "expenses.pay", claim.office):
        raise PermissionDenied
    form = PayForm(request.POST)
    reference = form.cleaned_data["reference"] if form.is_valid() else ""
    run(
        request,
        lambda: claims.claim_pay(
            claim=claim, actor=request.user, reference=reference, now=timezone.now()
        ),
        _("Paid."),
    )
    return redirect("expenses:claim", claim.pk)


@login_required
@require_GET
def claim_photo(request, pk: int, photo_pk: int):
    """A receipt's photo, only for who may see the claim (never a public path)."""
    claim = claim_or_404(request.user, pk)
    photo = claim.photos.filter(pk=photo_pk).first()
    if photo is None:
        raise Http404
    try:
        handle = photo.image.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    # the name shown is made here: the stored one (random) stays out of every answer
    extension = photo.image.name.rsplit(".", 1)[-1]
    name = f"{claim.number}-{photo.pk}.{extension}"
    response = FileResponse(handle, content_type=photo.content_type, filename=name)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
