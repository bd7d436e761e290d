"""The forms of the visit-plan pages (R-9.6, R-9.7). They parse; the services in visits.plans
decide (whose account, which week, which state), so that the pages and the rules agree."""

import datetime

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .choices import PlannedOutcome
from .plan_selectors import week_days
from .plans import PURPOSE_MAX, REASON_MAX

# how a planned day reads on the pages: "3月9日 星期一"
DAY_FORMAT = pgettext_lazy("a day of a visit plan", "l, F j")


def day_label(day: datetime.date) -> str:
    return date_format(day, str(DAY_FORMAT))


class _DayField(forms.DateField):
    """A day of the plan's week, picked from the seven (any date is parsed, the service keeps
    it inside the week)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", _("Day"))
        kwargs.setdefault("widget", forms.Select)
        kwargs.setdefault("input_formats", ["%Y-%m-%d"])
        super().__init__(*args, **kwargs)

    def set_week(self, week_start: datetime.date) -> None:
        self.widget.choices = [(d.isoformat(), day_label(d)) for d in week_days(week_start)]


class _WeekForm(forms.Form):
    def __init__(self, *args, week_start: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["day"].set_week(week_start)


class PlanLineForm(_WeekForm):
    """R-9.6: a visit of the plan: account, day, purpose."""

    account = forms.ModelChoiceField(
        label=_("Account"),
        queryset=None,
        empty_label=_("— choose —"),
        error_messages={"invalid_choice": _("Choose one of the plan's salesperson's accounts.")},
    )
    day = _DayField()
    purpose = forms.CharField(
        label=_("Purpose"),
        max_length=PURPOSE_MAX,
        required=False,
        widget=forms.TextInput({"placeholder": _("e.g. introduce the new pump, collect payment")}),
    )

    def __init__(self, *args, accounts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = accounts


class PlanLineChangeForm(_WeekForm):
    """R-9.6: another day or purpose for a planned visit."""

    day = _DayField()
    purpose = forms.CharField(label=_("Purpose"), max_length=PURPOSE_MAX, required=False)


class OutcomeForm(forms.Form):
    """R-9.7: a planned visit that was missed (why) or replaced (by what)."""

    outcome = forms.ChoiceField(
        label=_("What happened"),
        choices=[
            (PlannedOutcome.MISSED, _("Missed")),
            (PlannedOutcome.REPLACED, _("Replaced by something else")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Why, or what was done instead"),
        max_length=REASON_MAX,
        required=False,  # the service says which of the two is missing
        widget=forms.Textarea({"rows": 2}),
    )
