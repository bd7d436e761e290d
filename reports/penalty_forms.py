"""Forms of the penalties on the fines page (R-16.5): the shape of what was typed; the service
(reports.penalties) checks the rules."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from common.inputs import validate_date
from common.widgets import DateInput

from .models import PENALTY_MAX, PENALTY_MIN
from .penalties import RULE_LIMIT, TEXT_LIMIT

AMOUNT_MESSAGE = _("A penalty is 10.00 to 100.00 yuan.")


class PenaltyForm(forms.Form):
    person = forms.TypedChoiceField(
        label=_("Person"), coerce=int, error_messages={"required": _("Choose the person.")}
    )
    date = forms.DateField(
        label=_("Date"),
        widget=DateInput(),
        validators=[validate_date],
        error_messages={"required": _("Enter the date."), "invalid": _("Enter a valid date.")},
    )
    amount = forms.DecimalField(
        label=_("Amount (10–100 yuan)"),
        min_value=Decimal(PENALTY_MIN),
        max_value=Decimal(PENALTY_MAX),
        max_digits=5,
        decimal_places=2,
        widget=forms.NumberInput(
            attrs={"inputmode": "decimal", "step": "0.01", "min": PENALTY_MIN, "max": PENALTY_MAX}
        ),
        error_messages={
            "required": _("Enter the amount."),
            "invalid": AMOUNT_MESSAGE,
            "min_value": AMOUNT_MESSAGE,
            "max_value": AMOUNT_MESSAGE,
            "max_digits": AMOUNT_MESSAGE,
            "max_decimal_places": _("Enter an amount in yuan with at most 2 decimals."),
            "max_whole_digits": AMOUNT_MESSAGE,
        },
    )
    rule = forms.CharField(
        label=_("Rule broken"),
        max_length=RULE_LIMIT,
        widget=forms.TextInput(attrs={"list": "penalty-rules", "autocomplete": "off"}),
        error_messages={"required": _("Say which rule was broken.")},
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Write the reason.")},
    )

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, prefix="penalty", **kwargs)
        self.fields["person"].choices = [("", _("Choose…"))] + [(p.pk, str(p)) for p in people]


class WithdrawForm(forms.Form):
    """R-16.5: the manager's reason for withdrawing one penalty."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=TEXT_LIMIT,
        widget=forms.TextInput(attrs={"maxlength": TEXT_LIMIT}),
    )
