"""The period a report covers (R-7.4, R-7.5): a day, a week ending on the office's report
weekday (Sunday by default), a calendar month, or any range of days, in office-local dates."""

import calendar
import datetime
from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from common.inputs import validate_date
from common.widgets import DateInput
from reception.selectors import day_bounds
from staff.models import Office

DAY, WEEK, MONTH, YEAR, RANGE = "day", "week", "month", "year", "range"
MAX_RANGE_DAYS = 366


@dataclass(frozen=True)
class Period:
    kind: str
    start: datetime.date
    end: datetime.date  # inclusive

    def bounds(self, office: Office) -> tuple[datetime.datetime, datetime.datetime]:
        """[start, end) as aware datetimes: from the first day's local midnight to the
        midnight after the last day."""
        return day_bounds(office, self.start)[0], day_bounds(office, self.end)[1]

    @property
    def days(self) -> list[datetime.date]:
        count = (self.end - self.start).days + 1
        return [self.start + datetime.timedelta(days=n) for n in range(count)]

    def __str__(self) -> str:
        if self.start == self.end:
            return self.start.isoformat()
        return f"{self.start.isoformat()} – {self.end.isoformat()}"

    def due_at(self, office: Office) -> datetime.datetime:
        """R-7.4: a report is due on the period's last day at the office's report deadline."""
        return datetime.datetime.combine(self.end, office.report_deadline, tzinfo=office.tzinfo)

    def previous(self, office: Office) -> "Period":
        return period_of(self.kind, self.start - datetime.timedelta(days=1), office)


def week_of(day: datetime.date, office: Office) -> Period:
    """R-7.4: the report week ends on the office's weekly report weekday (Sunday)."""
    end = day + datetime.timedelta(days=(office.weekly_report_weekday - day.weekday()) % 7)
    return Period(WEEK, end - datetime.timedelta(days=6), end)


def month_of(day: datetime.date) -> Period:
    last = calendar.monthrange(day.year, day.month)[1]
    return Period(MONTH, day.replace(day=1), day.replace(day=last))


def year_of(day: datetime.date) -> Period:
    return Period(YEAR, day.replace(month=1, day=1), day.replace(month=12, day=31))


def period_of(kind: str, day: datetime.date, office: Office) -> Period:
    if kind == YEAR:
        return year_of(day)
    if kind == WEEK:
        return week_of(day, office)
    if kind == MONTH:
        return month_of(day)
    return Period(DAY, day, day)


DAYS = [validate_date]  # years 1900-2999: the period maths stay within the calendar


class PeriodForm(forms.Form):
    """The period chooser on every report page: a kind and a day in it, or a range."""

    period = forms.ChoiceField(
        label=_("Period"),
        choices=[
            (DAY, _("Day")),
            (WEEK, _("Week")),
            (MONTH, _("Month")),
            (RANGE, _("Range")),
        ],
        required=False,
    )
    date = forms.DateField(label=_("Date"), required=False, widget=DateInput(), validators=DAYS)
    start = forms.DateField(label=_("From"), required=False, widget=DateInput(), validators=DAYS)
    end = forms.DateField(label=_("To"), required=False, widget=DateInput(), validators=DAYS)

    def clean(self):
        data = super().clean()
        if data.get("period") == RANGE:
            start, end = data.get("start"), data.get("end")
            if not start or not end:
                raise forms.ValidationError(_("Choose the first and the last day of the range."))
            if end < start:
                raise forms.ValidationError(_("The range ends before it starts."))
            if (end - start).days + 1 > MAX_RANGE_DAYS:
                raise forms.ValidationError(
                    _("A range covers at most %(days)d days.") % {"days": MAX_RANGE_DAYS}
                )
        return data


def period_from(
    params, office: Office, today: datetime.date, default: str = WEEK
) -> tuple[Period, PeriodForm]:
    """The period the page was asked for, or the current `default` period; a form with
    errors falls back to the default so the page still shows numbers."""
    form = PeriodForm(params if any(k in params for k in ("period", "date", "start")) else None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    kind = data.get("period") or default
    if kind == RANGE and data.get("start"):
        return Period(RANGE, data["start"], data["end"]), form
    period = period_of(kind, data.get("date") or today, office)
    if not form.is_bound:
        form = PeriodForm(initial={"period": kind, "date": today})
    return period, form
