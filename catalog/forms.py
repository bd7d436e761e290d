from django import forms
from django.utils.translation import gettext_lazy as _

MONEY = {"max_digits": 14, "decimal_places": 2, "min_value": 0}


class PriceForm(forms.Form):
    """A new version of a product's prices from a date (R-10.1)."""

    effective_from = forms.DateField(
        label=_("Effective from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    list_price = forms.DecimalField(label=_("List price"), **MONEY)
    floor_price = forms.DecimalField(label=_("Floor price"), **MONEY)
    cost = forms.DecimalField(label=_("Cost"), **MONEY)
