"""Forms of the work diary pages (R-7.1), the meeting (R-7.3), fines and days off (R-7.2)."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from common.inputs import MONTH_REGEX, validate_date
from common.widgets import DateInput

from .choices import DayOffKind
from .models import Meeting, WorkDiary

TEXT_LIMIT = 5000


class DayForm(forms.Form):
    """`?date=`: the office-local day shown (today when absent or bad)."""

    date = forms.DateField(
        label=_("Date"), required=False, widget=DateInput(), validators=[validate_date]
    )


class DiaryForm(forms.ModelForm):
    """The salesperson's own words: the customers' feedback and the problems met."""

    class Meta:
        model = WorkDiary
        fields = ["feedback", "problems"]
        widgets = {
            "feedback": forms.Textarea(attrs={"rows": 4, "maxlength": TEXT_LIMIT}),
            "problems": forms.Textarea(attrs={"rows": 3, "maxlength": TEXT_LIMIT}),
        }


class ReplyForm(forms.ModelForm):
    """The manager's reply to one diary."""

    class Meta:
        model = WorkDiary
        fields = ["manager_reply"]
        widgets = {"manager_reply": forms.Textarea(attrs={"rows": 2, "maxlength": TEXT_LIMIT})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["manager_reply"].required = True


def apply_service_error(form: forms.Form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field when the form has one."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for name, errors in exc.message_dict.items():
        form.add_error(name if name in form.fields else None, errors)


class MonthForm(forms.Form):
    """`?month=YYYY-MM`: the calendar month shown (the current one when absent or bad)."""

    month = forms.RegexField(
        label=_("Month"),
        regex=MONTH_REGEX,
        required=False,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"}),
    )

    def first_day(self) -> datetime.date | None:
        value = self.cleaned_data.get("month") if self.is_valid() else None
        if not value:
            return None
        year, month = (int(part) for part in value.split("-"))
        return datetime.date(year, month, 1)


class MinutesForm(forms.ModelForm):
    """R-7.3: the secretary's minutes of the day's meeting."""

    class Meta:
        model = Meeting
        fields = ["minutes"]
        widgets = {"minutes": forms.Textarea(attrs={"rows": 6, "maxlength": TEXT_LIMIT})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["minutes"].required = True


class SalespersonField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return str(obj)


class ProblemForm(forms.Form):
    """R-7.3: a problem raised at the meeting, escalated at once when it cannot be solved."""

    text = forms.CharField(
        label=_("Problem"),
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": TEXT_LIMIT}),
    )
    raised_by = SalespersonField(label=_("Raised by"), queryset=None, required=False)
    escalate = forms.BooleanField(label=_("Escalate to leadership"), required=False)

    def __init__(self, *args, salespeople, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["raised_by"].queryset = salespeople


class WaiveForm(forms.Form):
    """R-7.2: the manager's reason for waiving one fine."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=TEXT_LIMIT,
        widget=forms.TextInput(attrs={"maxlength": TEXT_LIMIT}),
    )


DAY_OFF_CHOICES = [("", "–"), *DayOffKind.choices]


def cell_name(salesperson_id: int, day: datetime.date) -> str:
    return f"c{salesperson_id}_{day:%Y%m%d}"


class DaysOffForm(forms.Form):
    """R-7.2: the office's calendar of one month, one select per salesperson and day;
    `changes()` lists only the cells the manager changed."""

    def __init__(self, *args, people, days, current: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.people, self.days, self.cells = people, days, {}
        for person in people:
            for day in days:
                name = cell_name(person.pk, day)
                label = f"{person} {day.isoformat()}"
                self.fields[name] = forms.ChoiceField(
                    label=label,
                    choices=DAY_OFF_CHOICES,
                    required=False,
                    initial=current.get((person.pk, day), ""),
                    widget=forms.Select(attrs={"aria-label": label}),
                )
                self.cells[name] = (person, day)

    def changes(self) -> list[tuple]:
        return [(*self.cells[name], self.cleaned_data[name]) for name in self.changed_data]
