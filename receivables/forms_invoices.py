"""The forms of the invoicing pages (R-14, R-15.1, R-15.5): the invoice request (an amount, or
a quantity per contract line), finance's issue and red-letter invoice, the customer's
signature, a question and its answer, a write-off. The services check the figures; these
forms check the shape of what was typed."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from common.inputs import validate_date
from shipping.forms_orders import QuantitiesForm
from shipping.models import ReturnRequest

from .choices import InvoiceType

MAX_TEXT = 2000


def _date_field(label) -> forms.DateField:
    return forms.DateField(
        label=label,
        validators=[validate_date],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("Enter the date."), "invalid": _("Enter a valid date.")},
    )


def _money_field(label, *, required: bool = True) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        min_value=Decimal("0.01"),
        max_digits=14,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01", "min": "0"}),
        error_messages={
            "required": _("Enter the amount."),
            "invalid": _("Enter an amount in yuan."),
            "min_value": _("Enter an amount more than zero."),
            "max_digits": _("Enter an amount in yuan with at most 2 decimals."),
            "max_decimal_places": _("Enter an amount in yuan with at most 2 decimals."),
            "max_whole_digits": _("Enter an amount in yuan with at most 2 decimals."),
        },
    )


def _text_field(label, *, required: bool = True, rows: int = 3, message=None):
    return forms.CharField(
        label=label,
        required=required,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": message or _("This field is required.")},
    )


class InvoiceRequestForm(QuantitiesForm):
    """R-14.1: the invoice type, the buyer's tax details, and either an amount or a quantity
    on the contract's lines (a row left empty is not invoiced)."""

    invoice_type = forms.ChoiceField(
        label=_("invoice type"),
        choices=InvoiceType.choices,
        initial=InvoiceType.ORDINARY,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the invoice type.")},
    )
    buyer_name = forms.CharField(label=_("buyer's name"), max_length=200)
    buyer_tax_number = forms.CharField(label=_("buyer's taxpayer number"), max_length=20)
    buyer_address_phone = forms.CharField(
        label=_("buyer's address and telephone"), max_length=300, required=False
    )
    buyer_bank_account = forms.CharField(
        label=_("buyer's bank and account"), max_length=300, required=False
    )
    amount = _money_field(_("amount to invoice"), required=False)
    note = _text_field(_("remarks"), required=False, rows=2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount"].help_text = _(
            "Or leave it empty and enter the quantities to invoice on the lines below."
        )

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        filled = self.quantities()
        if filled and data.get("amount") is not None:
            self.add_error(
                "amount", _("Give either an amount or quantities on the lines, not both.")
            )
        elif not filled and data.get("amount") is None:
            self.add_error("amount", _("Give the amount, or the quantities to invoice."))
        return data


class IssueForm(forms.Form):
    """R-14.1: finance issues the invoice with the tax authority's number and its date."""

    number = forms.CharField(
        label=_("invoice number"),
        max_length=30,
        error_messages={"required": _("Enter the tax authority's invoice number.")},
    )
    date = _date_field(_("invoice date"))


class RedInvoiceForm(forms.Form):
    """R-14.3: a red-letter invoice against an issued one: at most what remains of it."""

    amount = _money_field(_("amount to credit"))
    number = forms.CharField(
        label=_("red-letter invoice number"),
        max_length=30,
        error_messages={"required": _("Enter the tax authority's invoice number.")},
    )
    date = _date_field(_("invoice date"))
    reason = _text_field(_("reason"), message=_("Say why the invoice is credited."))
    return_request = forms.ModelChoiceField(
        label=_("for the return"),
        queryset=ReturnRequest.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("Choose a return of this contract.")},
    )

    def __init__(self, *args, contract=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["return_request"]
        field.queryset = ReturnRequest.objects.filter(contract=contract).order_by("-pk")
        field.empty_label = _("— none —")
        field.label_from_instance = lambda r: f"{r.number} · {r.get_status_display()}"


class SignForm(forms.Form):
    """R-14.1: the customer signed for the invoice (交客户签收): who, and on which day."""

    signed_by = forms.CharField(
        label=_("signed for by"),
        max_length=100,
        error_messages={"required": _("Enter who signed for the invoice.")},
    )
    signed_on = _date_field(_("signed on"))


class QueryForm(forms.Form):
    """R-15.5: a question on a receivable, on the clerk's daily list until answered."""

    question = _text_field(_("question"), message=_("Write the question."))


class AnswerForm(forms.Form):
    answer = _text_field(_("answer"), message=_("Write the answer."))


class WriteOffForm(forms.Form):
    """R-15.1: writing off what remains of an invoice, with the reason."""

    amount = _money_field(_("amount to write off"))
    reason = _text_field(_("reason"), message=_("Say why the amount cannot be collected."))
