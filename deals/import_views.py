"""Units and prices from an Excel file (the manager's import) and the board as an .xlsx.

The import page is for the office's managers (`deals.manage_units`); the export for its members
(`deals.view_units`). The office is picked as on the board (`?office=`); a project of another
office is a 404. A malformed file comes back as the form with its error (422), nothing imported.
"""

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from . import excel
from .models import Project
from .views import INVALID, _place

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Excel file (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx," + XLSX}),
    )


@login_required
@require_http_methods(["GET", "POST"])
def units_import(request: HttpRequest) -> HttpResponse:
    """R-6.1: the manager imports units and list prices; the rejected rows are reported."""
    place = _place(request, "deals.manage_units")
    office = place.office
    report, status = None, 200
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                report = excel.import_units(
                    office=office, file=form.cleaned_data["file"], actor=request.user
                )
            except excel.BadFile as exc:
                form.add_error("file", exc.message)
        if report is None:
            status = INVALID
        else:
            form = ImportForm()
    else:
        form = ImportForm()
    context = {
        "place": place,
        "office": office,
        "form": form,
        "report": report,
        "headers": [aliases[:2] for aliases in excel.HEADERS.values()],
    }
    return render(request, "deals/import.html", context, status=status)


@login_required
@require_GET
def board_export(request: HttpRequest) -> HttpResponse:
    """R-6.1: the board of a project (the office's first by default) as an .xlsx."""
    place = _place(request, "deals.view_units")
    office = place.office
    projects = Project.objects.filter(office=office).select_related("office")
    raw = request.GET.get("project")
    if raw:
        project = projects.filter(pk=raw).first() if raw.isdecimal() else None
    else:
        project = projects.first()
    if project is None:
        raise Http404
    content = excel.export_board(office=office, project=project, now=timezone.now())
    day = timezone.localtime(timezone.now(), office.tzinfo).date().isoformat()
    filename = _("%(project)s units %(day)s.xlsx") % {"project": project.name, "day": day}
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
