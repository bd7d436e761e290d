from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

MONEY = {"max_digits": 14, "decimal_places": 2, "min_value": 0}


def _date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PriceForm(forms.Form):
    """A new version of a product's prices from a date (R-10.1)."""

    effective_from = forms.DateField(label=_("Effective from"), widget=_date_input())
    list_price = forms.DecimalField(label=_("List price"), **MONEY)
    floor_price = forms.DecimalField(label=_("Floor price"), **MONEY)
    cost = forms.DecimalField(label=_("Cost"), **MONEY)


class ProductForm(forms.Form):
    """A new product with its first prices (R-10.1); the rules (floor ≤ list, two decimals,
    a rate between 0 and 1, a code not taken) are checked by catalog.services."""

    code = forms.CharField(label=pgettext_lazy("product", "Code"), max_length=40)
    name = forms.CharField(label=pgettext_lazy("product", "Name"), max_length=200)
    specification = forms.CharField(label=_("Specification"), max_length=200, required=False)
    unit = forms.CharField(
        label=pgettext_lazy("product", "Unit"),
        max_length=20,
        help_text=_("As it is sold: piece, set, metre, tonne."),
    )
    # its range and decimals are checked by catalog.rules, which says what a rate is
    tax_rate = forms.DecimalField(
        label=_("Tax rate"),
        initial=Decimal("0.13"),
        help_text=_("A rate between 0 and 1: 0.13 is 13%."),
    )
    list_price = forms.DecimalField(label=_("List price"), **MONEY)
    floor_price = forms.DecimalField(
        label=_("Floor price"), help_text=_("Not above the list price."), **MONEY
    )
    cost = forms.DecimalField(
        label=_("Cost"),
        help_text=_("Shown to managers, directors, company leadership and finance only."),
        **MONEY,
    )
    effective_from = forms.DateField(
        label=_("Prices in force from"),
        widget=_date_input(),
        help_text=_("Today or a later day."),
    )
