"""Forms of the weekly and monthly report pages (R-7.4)."""

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from common.inputs import validate_date
from common.widgets import DateInput

from .choices import ReportKind
from .forms import TEXT_LIMIT
from .models import PeriodReport

OWN_KINDS = [(ReportKind.WEEKLY.value, _("Week")), (ReportKind.MONTHLY.value, _("Month"))]


class ReportPeriodForm(forms.Form):
    """`?kind=weekly|monthly&date=`: the salesperson's report of the week or month that
    contains the day (today when absent or bad)."""

    kind = forms.ChoiceField(label=_("Report"), choices=OWN_KINDS, required=False)
    date = forms.DateField(
        label=_("Date"), required=False, widget=DateInput(), validators=[validate_date]
    )


class WeekForm(forms.Form):
    """`?date=`: the report week that contains the day."""

    date = forms.DateField(
        label=_("A day of the week"),
        required=False,
        widget=DateInput(),
        validators=[validate_date],
    )


class PeriodReportForm(forms.ModelForm):
    """The written part: the summary of the period, the problems met, the plan for the next."""

    class Meta:
        model = PeriodReport
        fields = ["summary", "problems", "plan"]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 5, "maxlength": TEXT_LIMIT}),
            "problems": forms.Textarea(attrs={"rows": 3, "maxlength": TEXT_LIMIT}),
            "plan": forms.Textarea(attrs={"rows": 3, "maxlength": TEXT_LIMIT}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["summary"].required = True
        for field in self.fields.values():
            field.validators.append(MaxLengthValidator(TEXT_LIMIT))
