from django import forms
from django.utils.translation import gettext_lazy as _

from catalog.models import Product


class AdjustmentForm(forms.Form):
    """R-10.3: the warehouse keeper's adjustment; positive for goods received."""

    product = forms.ModelChoiceField(
        label=_("Product"),
        queryset=Product.objects.filter(active=True).order_by("code"),
        empty_label=_("— choose —"),
    )
    quantity = forms.DecimalField(
        label=_("Quantity"),
        max_digits=14,
        decimal_places=3,
        help_text=_("Positive for goods received, negative for goods written off."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea({"rows": 2}))


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"))
