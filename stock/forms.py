from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from catalog.selectors import products_on_sale
from staff.choices import Role
from staff.models import User

QUANTITY = {"max_digits": 14, "decimal_places": 3}


def _product_field():
    # a product no longer sold is not offered (and refused by the services)
    return forms.ModelChoiceField(
        label=_("Product"),
        queryset=products_on_sale().order_by("code"),
        empty_label=_("— choose —"),
    )


class ReceiptForm(forms.Form):
    """R-10.3: goods received from a supplier, with its delivery note."""

    product = _product_field()
    quantity = forms.DecimalField(label=_("Quantity received"), **QUANTITY)
    supplier = forms.CharField(label=_("Supplier"), max_length=200)
    reference = forms.CharField(
        label=_("Delivery note number"),
        max_length=100,
        required=False,
        help_text=_("As printed on the supplier's delivery note."),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "receipt-%s")  # unique ids beside the adjustment form
        super().__init__(*args, **kwargs)


class AdjustmentForm(forms.Form):
    """R-10.3: the warehouse keeper's adjustment with its reason (a stock count, damage)."""

    product = _product_field()
    quantity = forms.DecimalField(
        label=_("Quantity"),
        help_text=_("Positive when the count finds more, negative for goods damaged or lost."),
        **QUANTITY,
    )
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea({"rows": 2}))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "adjust-%s")
        super().__init__(*args, **kwargs)


class WarehouseForm(forms.Form):
    """R-10.3: a new warehouse of a branch and its keeper."""

    code = forms.CharField(
        label=pgettext_lazy("warehouse", "Code"),
        max_length=20,
        help_text=_("Unique in the branch."),
    )
    name = forms.CharField(label=pgettext_lazy("warehouse", "Name"), max_length=100)
    keeper = forms.ModelChoiceField(
        label=_("Warehouse keeper"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("— nobody yet —"),
    )

    def __init__(self, *args, office, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keeper"].queryset = (
            User.objects.filter(is_active=True, groups__name=Role.WAREHOUSE, offices=office)
            .distinct()
            .order_by("display_name", "username")
        )


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"))
