"""Forms of the special fee pages (R-16.4): they check the shape of what was typed; the
services check the rules."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .choices import FeeKind, PaymentForm
from .rules import MAX_AMOUNT
from .services import MAX_REFERENCE, MAX_TEXT

AMOUNT_ERRORS = {
    "required": _("Enter the amount."),
    "invalid": _("Enter an amount in yuan."),
    "min_value": _("Enter an amount more than zero and at most 10,000,000.00 yuan."),
    "max_value": _("Enter an amount more than zero and at most 10,000,000.00 yuan."),
    "max_digits": _("Enter an amount in yuan with at most 2 decimals."),
    "max_decimal_places": _("Enter an amount in yuan with at most 2 decimals."),
    "max_whole_digits": _("Enter an amount in yuan with at most 2 decimals."),
}


class FeeForm(forms.Form):
    account = forms.TypedChoiceField(
        label=_("account"), coerce=int, error_messages={"required": _("Choose the account.")}
    )
    contract = forms.TypedChoiceField(
        label=_("contract (optional)"), coerce=int, required=False, empty_value=None
    )
    kind = forms.ChoiceField(
        label=_("kind of fee"), choices=FeeKind.choices, initial=FeeKind.PROMOTION
    )
    amount = forms.DecimalField(
        label=_("amount (yuan)"),
        min_value=Decimal("0.01"),
        max_value=MAX_AMOUNT,
        max_digits=14,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01", "min": "0"}),
        error_messages=AMOUNT_ERRORS,
    )
    purpose = forms.CharField(
        label=pgettext_lazy("special fee", "purpose"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say what the fee is for.")},
    )

    def __init__(self, *args, accounts=(), contracts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].choices = [("", _("Choose…"))] + [
            (a.pk, f"{a.name}") for a in accounts
        ]
        self.fields["contract"].choices = [("", _("No contract"))] + [
            (c.pk, f"{c.number} · {c.account.name}") for c in contracts
        ]


class PaymentFormForm(forms.Form):
    """R-16.4: the executive's decision: the form of payment, a note, approve or reject."""

    payment_form = forms.ChoiceField(
        label=_("form of payment"),
        choices=[("", _("Choose…")), *PaymentForm.choices],
        required=False,
    )
    note = forms.CharField(
        label=_("note (the reason, to reject)"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PayForm(forms.Form):
    reference = forms.CharField(
        label=_("payment reference (optional)"), max_length=MAX_REFERENCE, required=False
    )
