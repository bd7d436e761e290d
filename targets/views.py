"""Pages of targets (R-17.1) and of actuals against them (R-17.2).

- the year (leadership): the department's target, regions, branches and the branch × month
  grid, editable by the director;
- a branch (its manager, the director; leadership reads; a salesperson reads their own row):
  the salespeople × months against the branch's months, editable by the manager;
- the Excel download and upload of either grid;
- actuals against targets, and the manager's explanation of a variance.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.exceptions import ValidationError

from common.errors import DomainError
from reports.tables import XLSX, respond
from staff.choices import Role
from staff.models import Office, User
from staff.permissions import may
from staff.selectors import offices_visible_to

from . import excel, rules, selectors, services
from .forms import ExplanationForm, UploadForm, YearForm, YearMonthForm
from .tables import actuals_tables

LEADERSHIP = (Role.DIRECTOR, Role.EXECUTIVE)


def _today():
    return timezone.localdate()


def _year(params) -> int:
    form = YearForm(params)
    return form.cleaned_data["year"] if form.is_valid() else _today().year


def _offices_for(user) -> list[Office]:
    """The branches whose targets the user reads: every one for leadership."""
    if user.has_role(*LEADERSHIP):
        return list(Office.objects.order_by("name"))
    return [o for o in offices_visible_to(user).order_by("name") if may(user, "targets.view", o)]


def _chosen_office(request, offices: list[Office]) -> Office | None:
    raw = request.POST.get("office") or request.GET.get("office")
    if not raw:
        return None
    office = next((o for o in offices if str(o.pk) == raw), None)
    if office is None:
        if (raw.isascii() and raw.isdecimal() and len(raw) <= 9) and Office.objects.filter(
            pk=raw
        ).exists():
            raise PermissionDenied
        raise Http404
    return office


def _errors_of(exc) -> list[str]:
    detail = exc.detail
    if isinstance(detail, dict):
        return [
            str(e)
            for errors in detail.values()
            for e in (errors if isinstance(errors, list) else [errors])
        ]
    if isinstance(detail, list):
        return [str(e) for e in detail]
    return [str(detail)]


def _apply(request, entries, errors) -> bool:
    """Write the entries in one transaction; False (and the error shown) when refused."""
    if errors:
        return False
    try:
        services.targets_apply(entries=entries, actor=request.user, now=timezone.now())
    except DomainError as exc:
        errors.append(str(exc.detail))
        return False
    return True


def _cell(request, name: str, label: str, current, errors: list[str]):
    """A posted cell: its amount when filled and changed, else None."""
    raw = request.POST.get(name, "").strip().replace(",", "")
    if raw == "":
        return None
    try:
        amount = rules.clean_amount(raw)
    except rules.BadNumber:
        errors.append(f"{label}: {services.BAD_NUMBER['amount']()}")
        return None
    return None if current is not None and amount == current else amount


def _entry(request, errors, **level):
    try:
        return services.entry_check(
            actor=request.user, known_regions=level.pop("known_regions", ()), **level
        )
    except ApiPermissionDenied as exc:
        raise PermissionDenied from exc
    except ValidationError as exc:
        errors.extend(_errors_of(exc))
        return None


# ---------------------------------------------------------------- pages


@login_required
@require_GET
def home(request):
    if may(request.user, "targets.view"):
        return redirect("targets:year")
    return redirect("targets:branch")


@login_required
@require_http_methods(["GET", "POST"])
def year_page(request):
    """R-17.1: the director's year (leadership reads it)."""
    user = request.user
    if not may(user, "targets.view"):
        raise PermissionDenied
    editable = may(user, "targets.set_company")
    year = _year(request.POST if request.method == "POST" else request.GET)
    overview = selectors.year_overview(year)
    errors: list[str] = []
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        entries = _year_entries(request, year, overview, errors)
        if _apply(request, [e for e in entries if e], errors):
            messages.success(request, _("Targets saved."))
            return redirect(f"{reverse('targets:year')}?year={year}")
    _with_cells(overview, request.POST if errors else {})
    context = {
        "year": year,
        "o": overview,
        "editable": editable,
        "errors": errors,
        "months": selectors.MONTHS,
        "upload_form": UploadForm(),
    }
    return render(request, "targets/year.html", context, status=400 if errors else 200)


def _input(posted, name: str, current) -> dict:
    """An input of a grid: its name and what it shows (what was posted, after an error)."""
    value = posted.get(name) if name in posted else ("" if current is None else f"{current:.2f}")
    return {"name": name, "value": value, "current": current}


def _with_cells(o: dict, posted) -> None:
    o["department"]["cell"] = _input(posted, "dept", o["department"]["amount"])
    for i, group in enumerate(o["regions"]):
        group["cell"] = _input(posted, f"r{i}", group["amount"])
    for b in o["branches"]:
        pk = b["office"].pk
        b["cell"] = _input(posted, f"y{pk}", b["amount"])
        b["cells"] = [_input(posted, f"m{pk}-{m}", b["months"][m - 1]) for m in selectors.MONTHS]


def _year_entries(request, year, o, errors) -> list:
    known = [g["region"] for g in o["regions"]]
    entries = []
    amount = _cell(request, "dept", _("Department"), o["department"]["amount"], errors)
    if amount is not None:
        entries.append(_entry(request, errors, year=year, amount=amount))
    for i, group in enumerate(o["regions"]):
        amount = _cell(request, f"r{i}", group["region"], group["amount"], errors)
        if amount is not None:
            entries.append(
                _entry(
                    request,
                    errors,
                    year=year,
                    region=group["region"],
                    amount=amount,
                    known_regions=known,
                )
            )
    for b in o["branches"]:
        office = b["office"]
        amount = _cell(request, f"y{office.pk}", office.name, b["amount"], errors)
        if amount is not None:
            entries.append(_entry(request, errors, year=year, office=office, amount=amount))
        for m in selectors.MONTHS:
            label = f"{office.name} {excel.month_label(m)}"
            amount = _cell(request, f"m{office.pk}-{m}", label, b["months"][m - 1], errors)
            if amount is not None:
                entries.append(
                    _entry(request, errors, year=year, office=office, month=m, amount=amount)
                )
    return entries


@login_required
@require_http_methods(["GET", "POST"])
def branch_page(request):
    """R-17.1: a branch's salespeople × months against its months."""
    user = request.user
    offices = _offices_for(user)
    if not offices:
        raise PermissionDenied
    office = _chosen_office(request, offices) or offices[0]
    year = _year(request.POST if request.method == "POST" else request.GET)
    reads_all = user.has_role(*LEADERSHIP) or user.has_role(Role.MANAGER)
    grid = selectors.branch_grid(office, year, only=None if reads_all else user)
    editable = may(user, "targets.set_branch", office)
    errors: list[str] = []
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        entries = []
        for row in grid["rows"]:
            person = row["person"]
            for m in selectors.MONTHS:
                label = f"{person} {excel.month_label(m)}"
                amount = _cell(request, f"s{person.pk}-{m}", label, row["months"][m - 1], errors)
                if amount is not None:
                    entries.append(
                        _entry(
                            request,
                            errors,
                            year=year,
                            office=office,
                            salesperson=person,
                            month=m,
                            amount=amount,
                        )
                    )
        if _apply(request, [e for e in entries if e], errors):
            messages.success(request, _("Targets saved."))
            return redirect(
                f"{reverse('targets:branch')}?{urlencode({'office': office.pk, 'year': year})}"
            )
    posted = request.POST if errors else {}
    for row in grid["rows"]:
        row["cells"] = [
            _input(posted, f"s{row['person'].pk}-{m}", row["months"][m - 1])
            for m in selectors.MONTHS
        ]
    context = {
        "year": year,
        "office": office,
        "offices": offices,
        "g": grid,
        "editable": editable,
        "errors": errors,
        "months": selectors.MONTHS,
        "upload_form": UploadForm(),
        "leadership": may(user, "targets.view"),
    }
    return render(request, "targets/branch.html", context, status=400 if errors else 200)


# ---------------------------------------------------------------- Excel


@login_required
@require_GET
def download(request):
    user, year = request.user, _year(request.GET)
    if request.GET.get("office"):
        office = _chosen_office(request, _offices_for(user))
        if not may(user, "targets.set_branch", office):
            raise PermissionDenied
        content, name = excel.people_sheet(office, year), f"{office.name} {year} {_('targets')}"
    else:
        if not may(user, "targets.set_company"):
            raise PermissionDenied
        content, name = excel.branch_sheet(year), f"{year} {_('targets')}"
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, f"{name}.xlsx")
    return response


@login_required
@require_POST
def upload(request):
    """The grid back: every row checked, then applied in one transaction, or nothing."""
    user = request.user
    office = None
    if request.POST.get("office"):
        office = _chosen_office(request, _offices_for(user))
        if not may(user, "targets.set_branch", office):
            raise PermissionDenied
    elif not may(user, "targets.set_company"):
        raise PermissionDenied
    form = UploadForm(request.POST, request.FILES)
    file = request.FILES.get("file") if form.is_valid() else None
    if office is None:
        result = excel.read_branch_sheet(file, actor=user)
    else:
        result = excel.read_people_sheet(file, office=office, actor=user)
    refused = ""
    if not result.errors:
        try:
            services.targets_apply(entries=result.entries, actor=user, now=timezone.now())
        except DomainError as exc:
            refused = str(exc.detail)
        else:
            messages.success(
                request,
                _("The file was applied: %(n)d targets checked.") % {"n": len(result.entries)},
            )
            query = {"year": result.year}
            if office is not None:
                query["office"] = office.pk
                return redirect(f"{reverse('targets:branch')}?{urlencode(query)}")
            return redirect(f"{reverse('targets:year')}?{urlencode(query)}")
    back = reverse("targets:branch") + f"?office={office.pk}" if office else reverse("targets:year")
    context = {"errors": result.errors, "refused": refused, "back": back, "office": office}
    return render(request, "targets/upload.html", context, status=400 if result.errors else 409)


# ---------------------------------------------------------------- actuals


@login_required
@require_GET
def actuals_page(request):
    user = request.user
    offices = _offices_for(user)
    if not offices:
        raise PermissionDenied
    office = _chosen_office(request, offices)
    form = YearMonthForm(
        request.GET if "year" in request.GET else None, initial={"year": _today().year}
    )
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    year, month = data.get("year") or _today().year, data.get("month")
    reads_all = user.has_role(*LEADERSHIP) or user.has_role(Role.MANAGER)
    chosen = [office] if office else offices
    found = selectors.actuals_against_targets(
        [o.pk for o in chosen],
        year,
        month,
        salesperson=None if reads_all else user,
        with_regions=office is None and user.has_role(*LEADERSHIP),
    )
    tables = actuals_tables(found, month)
    period = f"{year}-{month:02d}" if month else str(year)
    heading = [_("Actuals against targets"), office.name if office else _("All branches"), period]
    to_explain = [
        r
        for r in found["branches"] + found["people"] + found["months"]
        if r["required"] and may(user, "targets.explain", r["office"])
    ]
    context = {
        "form": form,
        "year": year,
        "month": month,
        "office": office,
        "offices": offices,
        "to_explain": to_explain,
    }
    return respond(
        request,
        "targets/actuals.html",
        context,
        tables,
        filename=f"{_('Actuals against targets')} {period}",
        heading=heading,
    )


@login_required
@require_http_methods(["GET", "POST"])
def explain(request):
    """R-17.2: the manager's explanation of a month's variance (branch or salesperson)."""
    user = request.user
    office = _chosen_office(request, _offices_for(user))
    if office is None or not may(user, "targets.explain", office):
        raise PermissionDenied
    params = request.POST if request.method == "POST" else request.GET
    form = YearMonthForm(params)
    if not form.is_valid() or form.cleaned_data.get("month") is None:
        raise Http404
    year, month = form.cleaned_data["year"], form.cleaned_data["month"]
    person = None
    raw = params.get("salesperson") or ""
    if raw:
        person = User.objects.filter(
            pk=raw if (raw.isascii() and raw.isdecimal() and len(raw) <= 9) else 0, offices=office
        ).first()
        if person is None:
            raise Http404
    found = selectors.actuals_against_targets([office.pk], year, month)
    rows = found["people"] if person else found["branches"]
    row = next((r for r in rows if r["salesperson"] == (person.pk if person else None)), None)
    existing = (
        selectors.explanations_visible_to(user)
        .filter(office=office, salesperson=person, year=year, month=month)
        .first()
    )
    text_form = ExplanationForm(
        request.POST if request.method == "POST" else None,
        initial={"text": existing.text if existing else ""},
    )
    if request.method == "POST" and text_form.is_valid():
        try:
            services.explanation_write(
                office=office,
                salesperson=person,
                year=year,
                month=month,
                text=text_form.cleaned_data["text"],
                actor=user,
                now=timezone.now(),
            )
        except ValidationError as exc:
            text_form.add_error(None, _errors_of(exc))
        else:
            messages.success(request, _("Explanation saved."))
            query = {"year": year, "month": month, "office": office.pk}
            return redirect(f"{reverse('targets:actuals')}?{urlencode(query)}")
    context = {
        "office": office,
        "person": person,
        "year": year,
        "month": month,
        "row": row,
        "form": text_form,
    }
    return render(request, "targets/explain.html", context, status=400 if text_form.errors else 200)
