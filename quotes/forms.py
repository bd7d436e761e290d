"""The pages' forms: an enquiry, a quote's header, and the rows of lines both carry."""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Account
from catalog.models import Product
from common.inputs import validate_date

from .choices import RESULTS, EnquiryKind, QuestionTo, QuoteKind
from .rules import MAX_LINES

TEXT = 4000
PK = re.compile(r"[0-9]{1,18}")


def pk_of(raw) -> int | None:
    """An id typed in a query or a form: ASCII digits that fit a bigint, else None."""
    return int(raw) if isinstance(raw, str) and PK.fullmatch(raw) else None


def _date(label, **kwargs):
    return forms.DateField(
        label=label,
        validators=[validate_date],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        **kwargs,
    )


def _terms(label):
    return forms.CharField(
        label=label,
        required=False,
        max_length=TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class QuoteForm(forms.Form):
    """A quote's header (R-11.3); the account only when it is new."""

    account = forms.ModelChoiceField(label=_("Account"), queryset=Account.objects.none())
    kind = forms.ChoiceField(label=_("Kind"), choices=QuoteKind.choices, initial=QuoteKind.QUOTE)
    valid_until = _date(_("Valid until"))
    delivery_terms = _terms(_("Delivery terms"))
    payment_terms = _terms(_("Payment terms"))
    discount_reason = _terms(_("Reason for the discount"))

    def __init__(self, *args, accounts=None, new: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if new:
            self.fields["account"].queryset = (
                accounts if accounts is not None else Account.objects.none()
            )
            self.fields["account"].empty_label = _("— choose —")
        else:
            del self.fields["account"]
            del self.fields["kind"]


class EnquiryForm(forms.Form):
    """R-11.1: an enquiry or tender notice as it arrives."""

    account = forms.ModelChoiceField(label=_("Account"), queryset=Account.objects.none())
    kind = forms.ChoiceField(
        label=_("Kind"), choices=EnquiryKind.choices, initial=EnquiryKind.ENQUIRY
    )
    source = forms.CharField(label=_("Source"), max_length=200)
    received_on = _date(_("Received on"))
    deadline = _date(_("Deadline"))
    estimated_amount = forms.DecimalField(
        label=_("Estimated amount"), max_digits=14, decimal_places=2, min_value=Decimal("0")
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, accounts=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = (
            accounts if accounts is not None else Account.objects.none()
        )
        self.fields["account"].empty_label = _("— choose —")


class QuestionForm(forms.Form):
    to = forms.ChoiceField(label=_("Ask"), choices=QuestionTo.choices)
    question = forms.CharField(
        label=_("Question"), max_length=TEXT, widget=forms.Textarea(attrs={"rows": 2})
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer"), max_length=TEXT, widget=forms.Textarea(attrs={"rows": 3})
    )


class OutcomeForm(forms.Form):
    result = forms.ChoiceField(label=_("Outcome"), choices=[(r.value, r.label) for r in RESULTS])
    competitor = forms.CharField(label=_("Winning competitor"), required=False, max_length=200)
    competitor_price = forms.DecimalField(
        label=_("Competitor's price"),
        required=False,
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0"),
    )


class LineForm(forms.Form):
    """One row of lines: a product, its quantity and (on a quote) its unit price."""

    product = forms.ModelChoiceField(label=_("Product"), queryset=Product.objects.none())
    quantity = forms.DecimalField(label=_("Quantity"), max_digits=14, decimal_places=3)
    unit_price = forms.DecimalField(
        label=_("Unit price"), max_digits=14, decimal_places=2, required=False
    )

    def __init__(self, *args, products=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = (
            products if products is not None else Product.objects.none()
        )


@dataclass
class Row:
    """A row as the editor shows it: what was typed, and what the server computed."""

    index: int
    product: str = ""
    quantity: str = ""
    unit_price: str = ""
    errors: dict = field(default_factory=dict)
    product_obj: Product | None = None
    list_price: Decimal | None = None
    floor_price: Decimal | None = None
    amount: Decimal | None = None
    tax: Decimal | None = None
    cleaned: dict | None = None

    @property
    def blank(self) -> bool:
        return not (self.product or self.quantity or self.unit_price)

    @property
    def below_list(self) -> bool:
        return self._below(self.list_price)

    @property
    def below_floor(self) -> bool:
        return self._below(self.floor_price)

    def _below(self, price) -> bool:
        unit = (self.cleaned or {}).get("unit_price")
        return price is not None and unit is not None and unit < price


def read_rows(data, *, products, prefix: str = "line") -> list[Row]:
    """The rows posted (`rows` of them, at most MAX_LINES), each checked by a LineForm;
    `add` adds an empty row, `remove=<i>` drops one."""
    try:
        count = int(data.get("rows", 1))
    except (TypeError, ValueError):
        count = 1
    count = max(0, min(count, MAX_LINES))
    rows = []
    drop = data.get("remove")
    for i in range(count):
        if drop == str(i):
            continue
        form = LineForm(data, prefix=f"{prefix}-{i}", products=products)
        row = Row(
            index=len(rows),
            product=str(data.get(f"{prefix}-{i}-product", ""))[:20],
            quantity=str(data.get(f"{prefix}-{i}-quantity", ""))[:30],
            unit_price=str(data.get(f"{prefix}-{i}-unit_price", ""))[:30],
        )
        if not row.blank:
            if form.is_valid():
                row.cleaned = form.cleaned_data
                row.product_obj = form.cleaned_data["product"]
            else:
                row.errors = {k: [str(e) for e in v] for k, v in form.errors.items()}
                if "product" not in form.errors:
                    row.product_obj = form.cleaned_data.get("product")
        rows.append(row)
    if "add" in data and len(rows) < MAX_LINES:
        rows.append(Row(index=len(rows)))
    if not rows:
        rows.append(Row(index=0))
    return rows


def rows_of(lines) -> list[Row]:
    """Rows from saved lines (a quote's or an enquiry's)."""
    rows = []
    for i, line in enumerate(lines):
        unit = getattr(line, "unit_price", None)
        rows.append(
            Row(
                index=i,
                product=str(line.product_id),
                quantity=f"{line.quantity.normalize():f}",
                unit_price="" if unit is None else f"{unit:.2f}",
                product_obj=line.product,
                cleaned={"product": line.product, "quantity": line.quantity, "unit_price": unit},
            )
        )
    return rows or [Row(index=0)]
