"""Pages of the receivables reports (R-15.7): aging, the receivables journal, the daily
collection report, the collection rate and the unpaid report that salespeople submit and
finance checks. Each report is a page, its charts' data (`?format=json`) and an Excel file
(`?format=xlsx`) built from the same tables (reports.tables.respond).

Who reads what: the branch's managers and finance (a director, the executive: any branch they
open) read every report of the branch; a salesperson reads their own daily collection and
unpaid figures only. The figures are receivables.reports, the tables receivables.report_tables.
"""

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from accounts.models import Account
from common.inputs import validate_date
from common.views import run_and_report
from common.widgets import DateInput
from reception.selectors import office_today, salespeople_of
from reports.periods import DAY, MONTH, Period, period_from
from reports.tables import respond
from staff.models import Office
from staff.permissions import may
from staff.places import place_for

from . import report_tables, reports
from .choices import UnpaidPeriod
from .models import Invoice, UnpaidReport
from .selectors import unpaid_reports_visible_to
from .services import unpaid as unpaid_services

READ = "receivables.office"
SUBMIT = "receivables.submit_unpaid"
CHECK = "receivables.check_unpaid"
INVALID = 422
LIMIT = 2000  # ledger lines or receipts listed on a page (the other tables count them all)
TEMPLATES = "receivables/reports/"


def _reads_own(user, office: Office) -> bool:
    """The daily collection and the unpaid report: the branch's readers, or a salesperson
    (their own figures)."""
    return may(user, READ, office) or may(user, SUBMIT, office)


class AsOfForm(forms.Form):
    as_of = forms.DateField(
        label=gettext_lazy("As of"), required=False, widget=DateInput(), validators=[validate_date]
    )


class UnpaidPeriodForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Report"), choices=UnpaidPeriod.choices, required=False
    )
    date = forms.DateField(
        label=gettext_lazy("A day of the period"),
        required=False,
        widget=DateInput(),
        validators=[validate_date],
    )


def report_links(user, office: Office) -> list[dict]:
    """The receivables reports this user reads in the office, for the pages' tabs."""
    own = _reads_own(user, office)
    whole = may(user, READ, office)
    entries = [
        ("report_aging", _("Aging"), whole),
        ("report_journal", _("Receivables journal"), whole),
        ("report_collections", _("Daily collection"), own),
        ("report_rate", _("Collection rate"), whole),
        ("report_unpaid", _("Unpaid report"), own),
    ]
    return [
        {"name": name, "title": title, "url": reverse(f"receivables:{name}")}
        for name, title, shown in entries
        if shown
    ]


def _context(request, place, current: str, **extra) -> dict:
    return {
        "place": place,
        "office": place.office,
        "links": report_links(request.user, place.office),
        "current": current,
        "extra_params": [],
        **extra,
    }


def _period(request, office: Office, default: str) -> tuple[Period, object, int]:
    period, form = period_from(
        request.GET, office, office_today(office, timezone.now()), default=default
    )
    return period, form, INVALID if form.is_bound and not form.is_valid() else 200


def _heading(title: str, office: Office, when, *more) -> list[str]:
    return [title, office.name, str(when), *[str(m) for m in more]]


# ---------------------------------------------------------------- aging


def _books_of(office_ids: list[int]) -> dict:
    return {
        "invoices": Invoice.objects.filter(office__in=office_ids),
        "accounts": Account.objects.filter(office__in=office_ids),
    }


@login_required
@require_GET
def aging(request: HttpRequest) -> HttpResponse:
    """R-15.7: open receivables per salesperson, account and branch in the buckets of days
    overdue, as of a chosen day, beside each one's unallocated credit and ledger balance."""
    place = place_for(request, READ)
    office = place.office
    today = office_today(office, timezone.now())
    form = AsOfForm(request.GET if "as_of" in request.GET else None)
    valid = form.is_bound and form.is_valid()
    as_of = (form.cleaned_data.get("as_of") if valid else None) or today
    if not form.is_bound:
        form = AsOfForm(initial={"as_of": as_of})
    mine, every = _books_of([office.pk]), _books_of([o.pk for o in place.offices])
    tables = report_tables.aging_tables(
        accounts=reports.aging(**mine, as_of=as_of, group="account"),
        people=reports.aging(**mine, as_of=as_of, group="account__owner"),
        branches=reports.aging(**every, as_of=as_of, group="office"),
    )
    title = _("Aging of receivables")
    return respond(
        request,
        f"{TEMPLATES}aging.html",
        _context(request, place, "report_aging", form=form, as_of=as_of, title=title),
        tables,
        filename=f"{title} {office.name} {as_of}",
        heading=_heading(title, office, as_of),
        status=200 if valid or not form.is_bound else INVALID,
    )


# ---------------------------------------------------------------- the journal


@login_required
@require_GET
def journal(request: HttpRequest) -> HttpResponse:
    """R-15.7: the receivables journal (应收账款日记表) of the branch for a day or any period:
    its ledger lines, the debits and credits per day and per account, the opening and
    closing balance."""
    place = place_for(request, READ)
    office = place.office
    period, period_form, status = _period(request, office, DAY)
    figures = reports.journal(office=office, start=period.start, end=period.end, limit=LIMIT)
    tables = report_tables.journal_tables(figures, office_name=office.name, limit=LIMIT)
    title = _("Receivables journal")
    context = _context(
        request, place, "report_journal", period=period, period_form=period_form, title=title
    )
    return respond(
        request,
        f"{TEMPLATES}period_report.html",
        context,
        tables,
        filename=f"{title} {office.name} {period.start} {period.end}",
        heading=_heading(title, office, period),
        status=status,
    )


# ---------------------------------------------------------------- daily collection


@login_required
@require_GET
def daily_collection(request: HttpRequest) -> HttpResponse:
    """R-15.7: the daily collection report (收款日报表): the receipts of a day or any period per
    salesperson and method, net of reversals; a salesperson sees their own accounts'."""
    place = place_for(request, _reads_own)
    office = place.office
    period, period_form, status = _period(request, office, DAY)
    whole = may(request.user, READ, office)
    figures = reports.collections(
        office=office,
        start=period.start,
        end=period.end,
        owner=None if whole else request.user,
        limit=LIMIT,
    )
    title = _("Daily collection report")
    context = _context(request, place, "report_collections", period=period, period_form=period_form)
    context.update(title=title, own_only=not whole)
    more = [] if whole else [request.user]
    return respond(
        request,
        f"{TEMPLATES}period_report.html",
        context,
        report_tables.collection_tables(figures, limit=LIMIT),
        filename=f"{title} {office.name} {period.start} {period.end}",
        heading=_heading(title, office, period, *more),
        status=status,
    )


# ---------------------------------------------------------------- the collection rate


@login_required
@require_GET
def collection_rate(request: HttpRequest) -> HttpResponse:
    """R-15.7: the collection rate (回款率) of a period per salesperson and per branch."""
    place = place_for(request, READ)
    office = place.office
    period, period_form, status = _period(request, office, MONTH)
    span = {"start": period.start, "end": period.end}
    people = reports.collection_rate(
        invoices=Invoice.objects.filter(office=office), group="account__owner", **span
    )
    branches = reports.collection_rate(
        invoices=Invoice.objects.filter(office__in=[o.pk for o in place.offices]),
        group="office",
        **span,
    )
    title = _("Collection rate")
    context = _context(
        request, place, "report_rate", period=period, period_form=period_form, title=title
    )
    return respond(
        request,
        f"{TEMPLATES}rate.html",
        context,
        report_tables.rate_tables(people, branches),
        filename=f"{title} {office.name} {period.start} {period.end}",
        heading=_heading(title, office, period),
        status=status,
    )


# ---------------------------------------------------------------- the unpaid report


def _unpaid_period(data, today: datetime.date) -> tuple[str, datetime.date, UnpaidPeriodForm, int]:
    form = UnpaidPeriodForm(data if ("kind" in data or "date" in data) else None)
    valid = form.is_bound and form.is_valid()
    clean = form.cleaned_data if valid else {}
    kind = clean.get("kind") or UnpaidPeriod.WEEK
    day = clean.get("date") or today
    status = INVALID if form.is_bound and not valid else 200
    if not form.is_bound:
        form = UnpaidPeriodForm(initial={"kind": kind, "date": day})
    return kind, day, form, status


def _submissions(office: Office, kind: str, start: datetime.date) -> list[tuple]:
    """Each salesperson of the branch with their report of the period (None: not submitted),
    then anyone else who submitted one. Two queries."""
    found = {
        r.salesperson_id: r
        for r in UnpaidReport.objects.filter(office=office, kind=kind, start=start).select_related(
            "salesperson", "checked_by"
        )
    }
    rows = [(person, found.pop(person.pk, None)) for person in salespeople_of(office)]
    return rows + [(r.salesperson, r) for r in found.values()]


def _list_url(office: Office, kind: str, day: datetime.date) -> str:
    query = urlencode({"office": office.pk, "kind": kind, "date": day.isoformat()})
    return f"{reverse('receivables:report_unpaid')}?{query}"


@login_required
@require_GET
def unpaid_list(request: HttpRequest) -> HttpResponse:
    """R-15.7: the unpaid report (未收款项报告表) of a week or ten days: each account's open and
    overdue amounts at the period's end (today while it runs) per salesperson, who has
    submitted and who has not; the salesperson's own figures and their submission."""
    place = place_for(request, _reads_own)
    office, user = place.office, request.user
    today = office_today(office, timezone.now())
    kind, day, form, status = _unpaid_period(request.GET, today)
    start, end = unpaid_services.report_period(kind, day)
    as_of = unpaid_services.figures_day(end, today)
    whole = may(user, READ, office)
    figures = reports.unpaid(office=office, as_of=as_of, owner=None if whole else user)
    mine = UnpaidReport.objects.filter(salesperson=user, kind=kind, start=start).first()
    submissions = _submissions(office, kind, start) if whole else []
    title = _("Unpaid report")
    context = _context(request, place, "report_unpaid", title=title, form=form)
    context.update(
        kind=kind,
        day=day,
        start=start,
        end=end,
        as_of=as_of,
        own_only=not whole,
        mine=mine,
        may_submit=may(user, SUBMIT, office) and mine is None and start <= today,
        may_check=may(user, CHECK, office),
        submissions=submissions,
        missing=sum(1 for _person, report in submissions if report is None),
    )
    who = [] if whole else [user]
    return respond(
        request,
        f"{TEMPLATES}unpaid_list.html",
        context,
        report_tables.unpaid_tables(figures),
        filename=f"{title} {office.name} {start}",
        heading=_heading(title, office, f"{start} – {end}", *who),
        status=status,
    )


@login_required
@require_POST
def unpaid_submit(request: HttpRequest) -> HttpResponse:
    """The salesperson submits their unpaid report of the period with a note."""
    place = place_for(request, SUBMIT)
    office = place.office
    today = office_today(office, timezone.now())
    kind, day, form, _status = _unpaid_period(request.POST, today)
    back = _list_url(office, kind, day)
    if form.is_bound and not form.is_valid():
        messages.error(request, _("Choose a period."))
        return redirect(back)
    return run_and_report(
        request,
        lambda: unpaid_services.unpaid_report_submit(
            actor=request.user,
            office=office,
            kind=kind,
            day=day,
            note=request.POST.get("note", ""),
            now=timezone.now(),
        ),
        success=_("Your unpaid report is submitted."),
        back=back,
    )


def _report_or_404(request, pk: int) -> UnpaidReport:
    return get_object_or_404(
        unpaid_reports_visible_to(request.user).select_related(
            "office", "salesperson", "checked_by"
        ),
        pk=pk,
    )


@login_required
@require_GET
def unpaid_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One submitted report: the figures as frozen at submission, the note, finance's check,
    and the salesperson's accounts as the ledger shows them now for the same day."""
    report = _report_or_404(request, pk)
    office = report.office
    submitted = office_today(office, report.submitted_at)
    as_of = unpaid_services.figures_day(report.end, submitted)
    figures = reports.unpaid(office=office, as_of=as_of, owner=report.salesperson)
    title = _("Unpaid report")
    period = f"{report.start} – {report.end}"
    context = {
        "office": office,
        "report": report,
        "period": period,
        "as_of": as_of,
        "title": title,
        "may_check": may(request.user, CHECK, office) and report.checked_at is None,
        "links": report_links(request.user, office),
        "back": _list_url(office, report.kind, report.start),
    }
    return respond(
        request,
        f"{TEMPLATES}unpaid_detail.html",
        context,
        report_tables.unpaid_tables(figures),
        filename=f"{title} {report.salesperson} {report.start}",
        heading=_heading(title, office, period, report.salesperson),
    )


@login_required
@require_POST
def unpaid_check(request: HttpRequest, pk: int) -> HttpResponse:
    """Finance checks a submitted report with a note; the salesperson is told."""
    report = _report_or_404(request, pk)
    return run_and_report(
        request,
        lambda: unpaid_services.unpaid_report_check(
            actor=request.user,
            report=report,
            note=request.POST.get("note", ""),
            now=timezone.now(),
        ),
        success=_("The unpaid report is checked."),
        back=reverse("receivables:unpaid", args=[report.pk]),
    )
