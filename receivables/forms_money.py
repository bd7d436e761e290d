"""The forms of the money-in pages (R-15.1, R-15.3 – R-15.5): receipts and their allocation,
reversals, refunds, collection requests, handovers, and the period of a ledger.

Forms check what a person typed; the services check the money (open amounts, credit, the
account's invoices) and their errors land back on these fields (`apply_service_errors`)."""

import datetime
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from rest_framework.exceptions import ValidationError as ApiValidationError

from common.inputs import validate_date

from .choices import HANDOVER_KINDS, PaymentMethod

MAX_TEXT = 2000
OLDEST, CHOSEN, KEEP = "oldest", "chosen", "keep"


def _money_field(label, *, required: bool = True) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        min_value=Decimal("0.01") if required else Decimal("0"),
        max_digits=14,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01", "min": "0"}),
    )


def _date_field(label, *, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        validators=[validate_date],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


def _note_field(label=None) -> forms.CharField:
    return forms.CharField(
        label=label or pgettext_lazy("receivables document", "note"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AccountChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class AllocationMixin:
    """One optional amount per open invoice (`alloc-<invoice id>`) and how to allocate:
    oldest due first, as entered, or (a new receipt only) kept as credit."""

    def add_allocation_fields(self, invoices, *, keep: bool) -> None:
        self.invoices = list(invoices)
        modes = [(OLDEST, _("Oldest due first")), (CHOSEN, _("As I enter below"))]
        if keep:
            modes.append((KEEP, _("Keep it all as credit on the account")))
        self.fields["mode"] = forms.ChoiceField(
            label=_("allocate to invoices"),
            choices=modes,
            initial=OLDEST,
            widget=forms.RadioSelect,
        )
        for invoice in self.invoices:
            label = _("amount for invoice %(n)s") % {"n": invoice.number}
            self.fields[self.alloc_name(invoice.pk)] = _money_field(label, required=False)

    @staticmethod
    def alloc_name(invoice_id: int) -> str:
        return f"alloc-{invoice_id}"

    @property
    def allocation_rows(self) -> list:
        """(invoice, its amount field) in the page's order."""
        return [(invoice, self[self.alloc_name(invoice.pk)]) for invoice in self.invoices]

    def chosen(self) -> list[tuple[int, Decimal]]:
        """The invoices given an amount, in the page's order (oldest due first)."""
        out = []
        for invoice in self.invoices:
            value = self.cleaned_data.get(self.alloc_name(invoice.pk))
            if value:
                out.append((invoice.pk, value))
        return out

    def clean_allocations(self) -> None:
        if self.cleaned_data.get("mode") != CHOSEN:
            return
        if not self.errors and not any(v > 0 for _i, v in self.chosen()):
            self.add_error(
                "mode",
                _("Enter an amount on at least one invoice, or allocate oldest due first."),
            )


class ReceiptForm(AllocationMixin, forms.Form):
    """R-15.3: finance records money received, allocated oldest due first unless chosen."""

    account = AccountChoice(label=_("account"), queryset=None)
    amount = _money_field(_("amount"))
    method = forms.ChoiceField(label=_("method"), choices=PaymentMethod.choices)
    date = _date_field(_("date received"))
    reference = forms.CharField(
        label=_("reference"),
        required=False,
        max_length=100,
        help_text=_("The bank's serial number, the cheque's or bill's number."),
    )
    note = _note_field()

    def __init__(
        self,
        *args,
        accounts,
        invoices=(),
        collections=None,
        handovers=None,
        refresh_url: str = "",
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = accounts
        self.fields["account"].empty_label = _("— choose —")
        if refresh_url:  # choosing the account loads its part of the form (htmx)
            self.fields["account"].widget.attrs.update(
                {
                    "hx-get": refresh_url,
                    "hx-trigger": "change",
                    "hx-target": "#receipt-account",
                    "hx-swap": "outerHTML",
                }
            )
        self.add_allocation_fields(invoices, keep=True)
        if collections is not None:
            self.fields["collection_request"] = forms.ModelChoiceField(
                label=_("against the collection request"),
                queryset=collections,
                required=False,
                empty_label=_("— none —"),
            )
        if handovers is not None:
            self.fields["handover"] = forms.ModelChoiceField(
                label=_("what was handed over to finance"),
                queryset=handovers,
                required=False,
                empty_label=_("— none —"),
            )

    def clean(self):
        data = super().clean()
        self.clean_allocations()
        return data


class AllocateForm(AllocationMixin, forms.Form):
    """R-15.3: what is left of a receipt set against the account's open invoices."""

    def __init__(self, *args, invoices, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_allocation_fields(invoices, keep=False)

    def clean(self):
        data = super().clean()
        self.clean_allocations()
        return data


class ReverseForm(forms.Form):
    """R-15.3: a receipt entered wrongly is reversed, with the reason."""

    reason = forms.CharField(
        label=_("why it is reversed"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say why the receipt is reversed.")},
    )


class AccountPickForm(forms.Form):
    """The account a page is about, chosen first."""

    account = AccountChoice(label=_("account"), queryset=None)

    def __init__(self, *args, accounts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = accounts
        self.fields["account"].empty_label = _("— choose —")


class RefundForm(forms.Form):
    """R-15.1: a credit on the account paid back to the customer."""

    amount = _money_field(_("amount"))
    method = forms.ChoiceField(label=_("how it is paid back"), choices=PaymentMethod.choices)
    date = _date_field(_("date paid"))
    note = _note_field()


class CollectionForm(forms.Form):
    """R-15.3: the salesperson's collection request (收款申请单)."""

    account = AccountChoice(label=_("account"), queryset=None)
    expected_amount = _money_field(_("expected amount"))
    method = forms.ChoiceField(label=_("method"), choices=PaymentMethod.choices)
    expected_date = _date_field(_("expected date"))
    note = _note_field()

    def __init__(self, *args, accounts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = accounts
        self.fields["account"].empty_label = _("— choose —")


class HandoverForm(forms.Form):
    """R-15.4: a cheque, bill or draft received, or cash collected as an exception."""

    account = AccountChoice(label=_("account"), queryset=None)
    kind = forms.ChoiceField(label=_("kind"), choices=[(k.value, k.label) for k in HANDOVER_KINDS])
    amount = _money_field(_("amount"))
    instrument_number = forms.CharField(
        label=_("instrument number"),
        required=False,
        max_length=50,
        help_text=_("The number on the cheque, bill or draft; none for cash."),
    )
    note = _note_field()

    def __init__(self, *args, accounts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = accounts
        self.fields["account"].empty_label = _("— choose —")

    def clean(self):
        data = super().clean()
        instrument = data.get("kind") and data["kind"] != PaymentMethod.CASH
        if instrument and not (data.get("instrument_number") or "").strip():
            self.add_error("instrument_number", _("Enter the instrument's number."))
        return data


class PeriodForm(forms.Form):
    """The period of a ledger (`from`, `to`), both optional."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from"] = _date_field(_("From"), required=False)
        self.fields["to"] = _date_field(_("To"), required=False)

    def clean(self):
        data = super().clean()
        start, end = data.get("from"), data.get("to")
        if start and end and start > end:
            self.add_error("to", _("The end is before the start."))
        return data

    def period(self) -> tuple[datetime.date | None, datetime.date | None]:
        if not self.is_valid():
            return None, None
        return self.cleaned_data.get("from"), self.cleaned_data.get("to")


class ReceiptFilterForm(forms.Form):
    """The receipts list's filters; a value that does not parse is ignored."""

    unallocated = forms.BooleanField(
        label=_("only with something left to allocate"), required=False
    )
    method = forms.ChoiceField(
        label=_("method"),
        required=False,
        choices=[("", _("All")), *PaymentMethod.choices],
    )
    q = forms.CharField(label=_("account name"), required=False, max_length=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from"] = _date_field(_("From"), required=False)
        self.fields["to"] = _date_field(_("To"), required=False)

    def value(self, name: str):
        """The cleaned value, or None when it was left empty or did not parse."""
        self.is_valid()
        return self.cleaned_data.get(name)


def apply_service_errors(form: forms.Form, exc: ApiValidationError, chosen=()) -> None:
    """A service's ValidationError onto the form: an allocation's error on its invoice's
    amount (`chosen` are the invoice ids in the order they were passed), another field's on
    that field, the rest above the form."""
    detail = exc.detail if isinstance(exc.detail, dict) else {None: exc.detail}
    for field, errors in detail.items():
        if field == "allocations" and isinstance(errors, dict):
            for index, texts in errors.items():
                position = int(index)
                target = None
                if position < len(chosen):
                    target = AllocationMixin.alloc_name(chosen[position])
                form.add_error(target, [str(t) for t in _as_list(texts)])
            continue
        target = field if field in form.fields and field != "allocations" else None
        form.add_error(target, [str(e) for e in _as_list(errors)])


def _as_list(value) -> list:
    return value if isinstance(value, list) else [value]
