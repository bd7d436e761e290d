"""The forms of the demand request, outbound order and follow-up pages (R-13.1–R-13.4).

A document's lines are one optional quantity per row (`q-<row id>`): a contract line on a
demand request, an order line when shipping or confirming. An empty row is left out."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError as ApiValidationError

from common.inputs import validate_date
from stock.models import Warehouse

MAX_TEXT = 2000


def _quantity_field(label, initial=None) -> forms.DecimalField:
    if isinstance(initial, Decimal):  # 10, 2.5: as people write it, not 10.000
        initial = f"{initial.normalize():f}"
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=Decimal("0"),
        max_digits=14,
        decimal_places=3,
        initial=initial,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.001", "min": "0"}),
    )


class QuantitiesForm(forms.Form):
    """One quantity per row; `rows` is [(row id, label, initial)]."""

    def __init__(self, *args, rows: list[tuple[int, str, Decimal | None]], **kwargs):
        super().__init__(*args, **kwargs)
        self.row_ids = [row_id for row_id, _label, _initial in rows]
        for row_id, label, initial in rows:
            self.fields[self.name_of(row_id)] = _quantity_field(label, initial)
        # the document's own fields after its lines
        self.order_fields(
            [self.name_of(r) for r in self.row_ids]
            + [n for n in self.fields if not n.startswith("q-")]
        )

    @staticmethod
    def name_of(row_id: int) -> str:
        return f"q-{row_id}"

    def row(self, row_id: int) -> forms.BoundField:
        return self[self.name_of(row_id)]

    def quantities(self, *, keep_zero: bool = False) -> list[tuple[int, Decimal]]:
        """The filled rows in order (cleaned); a zero is a row left out unless `keep_zero`."""
        filled = []
        for row_id in self.row_ids:
            value = self.cleaned_data.get(self.name_of(row_id))
            if value is None or (value == 0 and not keep_zero):
                continue
            filled.append((row_id, value))
        return filled


class RequestForm(QuantitiesForm):
    """R-13.1: what to request of each contract line, and a note."""

    note = forms.CharField(
        label=_("remarks"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class IssueForm(forms.Form):
    """R-13.2: the warehouse the outbound order names (one of the request's branch)."""

    warehouse = forms.ModelChoiceField(label=_("warehouse"), queryset=Warehouse.objects.none())
    note = forms.CharField(
        label=_("note for the warehouse"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, office, **kwargs):
        super().__init__(*args, **kwargs)
        warehouses = Warehouse.objects.filter(office=office).order_by("code")
        self.fields["warehouse"].queryset = warehouses
        self.fields["warehouse"].empty_label = _("— choose —")
        if len(warehouses) == 1:
            self.fields["warehouse"].initial = warehouses[0].pk


class ShipForm(QuantitiesForm):
    """R-13.3: how much of each line leaves (a red order: comes back) now."""


class ConfirmForm(QuantitiesForm):
    """R-13.4: the customer's confirmation: who signed, when, what was received, the scan."""

    signed_by = forms.CharField(label=_("who signed for the goods"), max_length=100)
    signed_on = forms.DateField(
        label=_("signed on"),
        validators=[validate_date],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    note = forms.CharField(
        label=_("remarks"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    # a phone opens its camera for the photo; a desk chooses the scanned file
    photo = forms.FileField(
        label=_("take a photo"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )
    scan = forms.FileField(
        label=_("or choose a scan"),
        required=False,
        help_text=_("A PDF or a photo (JPEG, PNG, WebP), at most 20 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*,application/pdf"}),
    )

    def upload(self):
        return self.cleaned_data.get("scan") or self.cleaned_data.get("photo")


class DelayForm(forms.Form):
    """R-13.2: why the contract's first outbound order is late."""

    reason = forms.CharField(
        label=_("reason for the delay"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def apply_errors(form: forms.Form, exc: ApiValidationError, row_ids: list[int] = ()) -> None:
    """A service's ValidationError onto the form: `lines` as a list of per-line dicts lands on
    the rows given (in the order the lines were passed), any other field on its field, the
    rest above the form."""
    detail = exc.detail if isinstance(exc.detail, dict) else {None: exc.detail}
    for field, errors in detail.items():
        errors = errors if isinstance(errors, list) else [errors]
        if field == "lines" and errors and isinstance(errors[0], dict):
            for position, problems in enumerate(errors):
                if not problems:
                    continue
                target = None
                if position < len(row_ids):
                    target = QuantitiesForm.name_of(row_ids[position])
                for messages in problems.values():
                    form.add_error(target, [str(m) for m in messages])
            continue
        target = field if field in form.fields and field != "lines" else None
        form.add_error(target, [str(e) for e in errors])
