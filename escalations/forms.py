"""Forms of leadership's escalation list (R-7.3, R-16.1, R-16.2)."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from staff.models import Office

from .choices import Source

TEXT_LIMIT = 2000


class FilterForm(forms.Form):
    """`?source=&office=`: narrow the list; an unknown value is ignored (the whole list)."""

    source = forms.ChoiceField(
        label=pgettext_lazy("escalations", "Source"),
        required=False,
        choices=[("", pgettext_lazy("escalations", "All sources")), *Source.choices],
    )
    office = forms.ModelChoiceField(
        label=pgettext_lazy("escalations", "Branch"),
        required=False,
        queryset=Office.objects.none(),
        empty_label=pgettext_lazy("escalations", "All branches"),
    )

    def __init__(self, *args, offices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices

    def values(self) -> tuple[str, int | None]:
        if not self.is_valid():
            return "", None
        office = self.cleaned_data.get("office")
        return self.cleaned_data.get("source") or "", office.pk if office else None


class ResolutionForm(forms.Form):
    """R-7.3: leadership closes an escalation with its resolution."""

    resolution = forms.CharField(
        label=_("Resolution"),
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": TEXT_LIMIT}),
    )
