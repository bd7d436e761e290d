"""The contract editor's forms: the terms (R-12.1), the lines as a formset, filing, cancelling,
the register's month."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import Account
from catalog.models import Product
from common.inputs import MONTH_REGEX, validate_date

from .choices import ContractKind, PaymentBasis

MAX_LINE_ROWS = 200


class TermsForm(forms.Form):
    """R-12.1: the kind, delivery and payment terms."""

    kind = forms.ChoiceField(
        label=_("kind"),
        choices=ContractKind.choices,
        initial=ContractKind.CONTRACT,
        widget=forms.RadioSelect,
    )
    delivery_date = forms.DateField(
        label=_("delivery date"),
        required=False,
        validators=[validate_date],
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    delivery_place = forms.CharField(label=_("delivery place"), max_length=200, required=False)
    advance_percent = forms.DecimalField(
        label=_("advance payment (percent)"),
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        initial=Decimal("0"),
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
    )
    payment_basis = forms.ChoiceField(
        label=_("payment due"), choices=PaymentBasis.choices, initial=PaymentBasis.AFTER_INVOICE
    )
    payment_terms_days = forms.IntegerField(
        label=_("payment days"),
        min_value=0,
        max_value=365,
        initial=30,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    invoice_before_delivery = forms.BooleanField(label=_("invoice before delivery"), required=False)


class NewContractForm(TermsForm):
    account = forms.ModelChoiceField(label=_("account"), queryset=Account.objects.none())
    field_order = ["account", "kind"]

    def __init__(self, *args, accounts=None, **kwargs):
        super().__init__(*args, **kwargs)
        if accounts is not None:
            self.fields["account"].queryset = accounts
        self.fields["account"].empty_label = _("— choose —")


class LineForm(forms.Form):
    """One line; a row left without a product is ignored."""

    product = forms.ModelChoiceField(
        label=_("product"), queryset=Product.objects.filter(active=True), required=False
    )
    quantity = forms.DecimalField(
        label=_("quantity"),
        max_digits=14,
        decimal_places=3,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.001"}),
    )
    unit_price = forms.DecimalField(
        label=_("unit price"),
        max_digits=14,
        decimal_places=2,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
    )
    quote_line = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].empty_label = _("— choose —")

    def clean(self):
        data = super().clean()
        if not data.get("product"):
            return data
        if data.get("quantity") is None:
            self.add_error("quantity", _("Enter the quantity."))
        elif data["quantity"] <= 0:
            self.add_error("quantity", _("The quantity must be more than zero."))
        if data.get("unit_price") is None:
            self.add_error("unit_price", _("Enter the unit price."))
        elif data["unit_price"] < 0:
            self.add_error("unit_price", _("The unit price cannot be negative."))
        return data


LineFormSet = forms.formset_factory(
    LineForm, extra=0, max_num=MAX_LINE_ROWS, absolute_max=MAX_LINE_ROWS, validate_max=True
)


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("reason for the cancellation"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ScanForm(forms.Form):
    scan = forms.FileField(
        label=_("scan"),
        help_text=_("A PDF or a photo (JPEG, PNG, WebP), at most 20 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/*"}),
    )


class MonthForm(forms.Form):
    month = forms.RegexField(label=_("month"), regex=MONTH_REGEX, required=False)

    def clean_month(self):
        value = self.cleaned_data.get("month")
        if not value:
            return None
        year, month = (int(p) for p in value.split("-"))
        if not 1 <= month <= 12:
            raise ValidationError(_("Choose a month."))
        return year, month
