"""The forms of the return pages (R-13.5): the customer's return or exchange with one row per
contract line, the technician's inspection, the return certificate, the red outbound order."""

from django import forms
from django.utils.translation import gettext_lazy as _

from stock.models import Warehouse

from .choices import ReturnKind

MAX_LINE_ROWS = 200


class ReturnForm(forms.Form):
    """R-13.5: the kind and the customer's reason."""

    kind = forms.ChoiceField(
        label=_("return or exchange"),
        choices=ReturnKind.choices,
        initial=ReturnKind.RETURN,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("the customer's reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Give the customer's reason.")},
    )


class ReturnLineForm(forms.Form):
    """One line of the contract: the specification and the quantity given back; a row left
    without a quantity is not returned."""

    contract_line = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    specification = forms.CharField(label=_("specification"), max_length=200, required=False)
    quantity = forms.DecimalField(
        label=_("quantity returned"),
        max_digits=14,
        decimal_places=3,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.001", "min": "0"}),
    )


ReturnLineFormSet = forms.formset_factory(
    ReturnLineForm, extra=0, max_num=MAX_LINE_ROWS, absolute_max=MAX_LINE_ROWS, validate_max=True
)


class InspectionForm(forms.Form):
    """R-13.5: the technician's check: genuine or not, with a note (required when not)."""

    genuine = forms.TypedChoiceField(
        label=_("Are the goods genuine?"),
        choices=[("yes", _("Genuine")), ("no", _("Not genuine"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("Say whether the goods are genuine.")},
    )
    note = forms.CharField(
        label=_("technician's note"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        data = super().clean()
        if data.get("genuine") is False and not (data.get("note") or "").strip():
            self.add_error("note", _("Say what shows the goods are not genuine."))
        return data


class CertificateForm(forms.Form):
    """R-13.5: the return certificate (销售退货证明单) when the customer's documents are lost."""

    reason = forms.CharField(
        label=_("why the customer's documents cannot be recovered"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why the customer's documents cannot be recovered.")},
    )


class RedOrderForm(forms.Form):
    """R-13.5: the warehouse that receives the goods back (one of the branch's)."""

    warehouse = forms.ModelChoiceField(
        label=_("warehouse receiving the goods"),
        queryset=Warehouse.objects.none(),
        error_messages={
            "required": _("Choose a warehouse of the contract's branch."),
            "invalid_choice": _("Choose a warehouse of the contract's branch."),
        },
    )

    def __init__(self, *args, office=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["warehouse"]
        field.queryset = Warehouse.objects.filter(office=office).order_by("code", "pk")
        field.empty_label = _("— choose —")
        only = list(field.queryset[:2])
        if len(only) == 1:
            field.initial = only[0].pk
