"""Forms of the work plan pages (R-17.3): they check the shape of what was typed; the
services check the rules."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from common.widgets import DateInput

from .choices import PlanKind
from .models import MAX_TARGET
from .services import MAX_TEXT, PURPOSE_MAX

WHICH = (("this", _("This period")), ("next", _("Next period")))


class NewPlanForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=PlanKind.choices)
    which = forms.ChoiceField(label=_("Period"), choices=WHICH)


class PlanForm(forms.Form):
    target_amount = forms.DecimalField(
        label=_("sales target (yuan)"),
        min_value=Decimal("0"),
        max_value=MAX_TARGET,
        max_digits=14,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01", "min": "0"}),
        error_messages={
            "required": _("Enter the target, or 0."),
            "invalid": _("Enter an amount in yuan."),
            "max_decimal_places": _("Enter an amount in yuan with at most 2 decimals."),
        },
    )
    goals = forms.CharField(
        label=_("goals"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    actions = forms.CharField(
        label=_("actions"),
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class LineForm(forms.Form):
    account = forms.TypedChoiceField(
        label=_("account (optional)"), coerce=int, required=False, empty_value=None
    )
    day = forms.DateField(label=_("day (optional)"), required=False, widget=DateInput())
    purpose = forms.CharField(label=_("purpose"), max_length=PURPOSE_MAX, required=False)

    def __init__(self, *args, accounts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].choices = [("", "—")] + [(a.pk, a.name) for a in accounts]
