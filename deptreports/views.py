"""One page for every department report (R-17.4): `/reports/department/<key>/` with the scope
chooser (branch or region), the period chooser (week, month, year or a range), the tables with
their charts, who has not submitted what, and the same tables as `?format=json` (charts) and
`?format=xlsx` (Excel) through reports.tables.respond."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from reports.periods import MONTH, RANGE, WEEK, YEAR, Period, PeriodForm, period_of
from reports.tables import respond

from . import registry
from .scope import Scope, ScopeForm, scope_from

INVALID = 422


class DepartmentPeriodForm(PeriodForm):
    """The report period: a week, a month, a year (the day chosen lies in it) or a range."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [
            (WEEK, _("Week")),
            (MONTH, _("Month")),
            (YEAR, _("Year")),
            (RANGE, _("Range")),
        ]


def report_period(request: HttpRequest, scope: Scope, default: str) -> tuple[Period, PeriodForm]:
    """The period asked for; a bad one shows the default period with the form's errors. Weeks
    end on the first branch's report weekday; dates are that branch's local dates."""
    office = scope.offices[0] if scope.offices else scope.visible[0]
    today = timezone.localtime(timezone.now(), office.tzinfo).date()
    bound = any(key in request.GET for key in ("period", "date", "start"))
    if not bound:
        form = DepartmentPeriodForm(initial={"period": default, "date": today})
        return period_of(default, today, office), form
    form = DepartmentPeriodForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    kind = data.get("period") or default
    if kind == RANGE and data.get("start"):
        return Period(RANGE, data["start"], data["end"]), form
    if kind == RANGE:
        kind = default
    return period_of(kind, data.get("date") or today, office), form


def page_scope(request: HttpRequest) -> tuple[Scope, ScopeForm]:
    scope, form = scope_from(request.GET, request.user)
    if scope is None:
        raise PermissionDenied
    return scope, form


def heading(report: registry.Report, scope: Scope, period: Period) -> list[str]:
    return [f"{report.title}", scope.label, str(period)]


def form_status(*forms_: forms.Form) -> int:
    bad = any(f.is_bound and not f.is_valid() for f in forms_)
    return INVALID if bad else 200


@login_required
@require_GET
def report(request: HttpRequest, key: str) -> HttpResponse:
    scope, scope_form = page_scope(request)  # a reader of no branch: 403 whatever the key
    definition = registry.REPORTS.get(key)
    if definition is None:
        raise Http404
    period, period_form = report_period(request, scope, definition.default_period)
    tables = definition.build(scope, period)
    missing = definition.missing(scope, period) if definition.missing else None
    if missing is not None:
        tables = [*tables, registry.missing_table(missing)]
    context = {
        "report": definition,
        "scope": scope,
        "scope_form": scope_form,
        "period": period,
        "period_form": period_form,
        "missing": missing,
    }
    return respond(
        request,
        "deptreports/report.html",
        context,
        tables,
        filename=f"{definition.title}-{period.start}-{period.end}",
        heading=heading(definition, scope, period),
        status=form_status(scope_form, period_form),
    )
