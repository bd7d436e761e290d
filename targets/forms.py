"""The pages' small forms: the year (and month) chosen, an upload, an explanation."""

from django import forms
from django.utils.translation import gettext_lazy as _

from . import rules

MONTH_CHOICES = [("", _("Whole year"))] + [(str(m), str(m)) for m in range(1, 13)]


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=rules.MIN_YEAR, max_value=rules.MAX_YEAR)


class YearMonthForm(YearForm):
    month = forms.TypedChoiceField(
        label=_("Month"), choices=MONTH_CHOICES, coerce=int, empty_value=None, required=False
    )


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx, at most 2 MB)"))


class ExplanationForm(forms.Form):
    text = forms.CharField(
        label=_("Explanation of the variance"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=4000,
    )
