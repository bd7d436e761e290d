"""Forms of the availability board's unit panel (R-6.2, R-6.3)."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from leads.models import Customer

CENT = Decimal("0.01")


def apply_service_error(form: forms.Form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field when the form has one."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for name, errors in exc.message_dict.items():
        form.add_error(name if name in form.fields else None, errors)


class CustomerField(forms.ModelChoiceField):
    """A customer of the office, picked from the phone/name search (the id travels)."""

    default_error_messages = {
        "required": _("Search and pick the customer."),
        "invalid_choice": _("Unknown customer."),
    }


def _money_field(label, minimum: Decimal) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        max_digits=14,
        decimal_places=2,
        min_value=minimum,
        initial=minimum,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )


class _OfficeForm(forms.Form):
    def __init__(self, *args, office, **kwargs):
        self.office = office
        super().__init__(*args, **kwargs)


class HoldForm(_OfficeForm):
    """R-6.2: hold the unit for a customer. The fee is the office's holding fee, shown but not
    editable: a disabled field ignores whatever is posted for it and cleans to the office's."""

    customer = CustomerField(queryset=Customer.objects.none(), widget=forms.HiddenInput)

    def __init__(self, *args, office, **kwargs):
        super().__init__(*args, office=office, **kwargs)
        self.fields["customer"].queryset = Customer.objects.filter(office=office)
        self.fields["fee"] = _money_field(_("Holding fee"), CENT)
        self.fields["fee"].initial = office.holding_fee
        self.fields["fee"].disabled = True


class SubscribeForm(_OfficeForm):
    """R-6.3: subscribe the unit for a customer with a deposit of at least the office minimum."""

    customer = CustomerField(queryset=Customer.objects.none(), widget=forms.HiddenInput)

    def __init__(self, *args, office, **kwargs):
        super().__init__(*args, office=office, **kwargs)
        self.fields["customer"].queryset = Customer.objects.filter(office=office)
        self.fields["deposit"] = _money_field(_("Deposit"), office.minimum_deposit)


class ConvertForm(_OfficeForm):
    """R-6.2/R-6.3: the holder subscribes; the holding fee is credited toward the deposit."""

    def __init__(self, *args, office, **kwargs):
        super().__init__(*args, office=office, **kwargs)
        self.fields["deposit"] = _money_field(_("Deposit"), office.minimum_deposit)


class WithdrawForm(forms.Form):
    """R-5.5: nothing destructive without an explicit confirmation."""

    confirm = forms.BooleanField(
        label=_("I confirm the customer withdraws and the deposit is to be refunded."),
        error_messages={"required": _("Tick the confirmation to withdraw.")},
    )
