"""The forms of the expense pages (R-16.3). They check the shape of what is typed; the
services check the rules (the cap, the budget, the allowance) and their errors come back
onto the form."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .choices import Category, LineKind, Rank
from .services.claims import MAX_MEALS

TRIP_ROWS = 3  # trip rows a fuel line's form offers; the API takes any number


class BudgetForm(forms.Form):
    office = forms.TypedChoiceField(label=_("branch"), coerce=int)
    month = forms.CharField(
        label=_("month"), widget=forms.DateInput(attrs={"type": "month"}), max_length=10
    )
    category = forms.ChoiceField(label=_("category"), choices=Category.choices)
    amount = forms.DecimalField(
        label=_("amount (yuan)"),
        max_digits=14,
        decimal_places=2,
        min_value=0.01,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
    )
    purpose = forms.CharField(
        label=pgettext_lazy("expense", "purpose"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, offices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].choices = [(o.pk, o.name) for o in offices]
        if len(offices) == 1:
            self.fields["office"].widget = forms.HiddenInput()
            self.fields["office"].initial = offices[0].pk


class ClaimForm(forms.Form):
    date = forms.DateField(
        label=_("date"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    note = forms.CharField(
        label=pgettext_lazy("expense", "note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class LineForm(forms.Form):
    """One line: a receipt (amount, then its photo), missed meals (only the number: the amount
    is the branch's allowance per meal), or fuel (the invoice's amount and the trips)."""

    kind = forms.ChoiceField(
        label=_("kind of line"), choices=LineKind.choices, widget=forms.RadioSelect
    )
    description = forms.CharField(label=_("description"), required=False, max_length=300)
    amount = forms.DecimalField(
        label=_("amount (yuan)"),
        required=False,
        max_digits=14,
        decimal_places=2,
        help_text=_("For a receipt or a fuel invoice; the meal allowance is computed."),
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
    )
    meals = forms.IntegerField(
        label=_("missed meals"), required=False, min_value=1, max_value=MAX_MEALS
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for i in range(TRIP_ROWS):
            self.fields[f"trip_date_{i}"] = forms.DateField(
                label=_("date"),
                required=False,
                widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
            )
            self.fields[f"trip_from_{i}"] = forms.CharField(
                label=pgettext_lazy("trip", "from"), required=False, max_length=100
            )
            self.fields[f"trip_to_{i}"] = forms.CharField(
                label=pgettext_lazy("trip", "to"), required=False, max_length=100
            )
            self.fields[f"trip_purpose_{i}"] = forms.CharField(
                label=pgettext_lazy("expense", "purpose"), required=False, max_length=200
            )
            self.fields[f"trip_km_{i}"] = forms.DecimalField(
                label=_("kilometres"),
                required=False,
                max_digits=7,
                decimal_places=1,
                widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.1"}),
            )

    def trips_open(self) -> bool:
        """The trip log is folded away unless a fuel line is being entered."""
        return self.is_bound and self.data.get(self.add_prefix("kind")) == "fuel"

    def main_fields(self):
        return [self[name] for name in ("kind", "description", "amount", "meals")]

    def trip_rows(self):
        return [
            [self[f"trip_{part}_{i}"] for part in ("date", "from", "to", "purpose", "km")]
            for i in range(TRIP_ROWS)
        ]

    def filled_trips(self) -> list[dict]:
        data = self.cleaned_data
        trips = []
        for i in range(TRIP_ROWS):
            row = {p: data.get(f"trip_{p}_{i}") for p in ("date", "from", "to", "purpose", "km")}
            if any(v not in (None, "") for v in row.values()):
                trips.append(row)
        return trips


class PhotoForm(forms.Form):
    photo = forms.FileField(
        label=_("photo of the receipt"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )
    line = forms.TypedChoiceField(label=_("for the line"), coerce=int)

    def __init__(self, *args, lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["line"].choices = [(line.pk, line.label) for line in lines]
        if len(lines) == 1:
            self.fields["line"].widget = forms.HiddenInput()
            self.fields["line"].initial = lines[0].pk


class PayForm(forms.Form):
    reference = forms.CharField(label=_("payment reference"), required=False, max_length=100)


class RankForm(forms.Form):
    rank = forms.ChoiceField(label=_("rank"), choices=Rank.choices)
