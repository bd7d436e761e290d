"""The desk's forms: they parse and give friendly messages; the services decide (R-2)."""

import datetime
import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from common.inputs import date_in_range, validate_date
from common.widgets import DateInput, OneQuerySelect
from leads.models import Customer
from leads.rules import normalize_phone
from leads.selectors import channels_active
from staff.models import Office, User

from . import rules
from .choices import CallKind, DutyStatus, ResearchStep
from .selectors import salespeople_of


def apply_service_error(form: forms.Form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field when the form has one."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for name, errors in exc.message_dict.items():
        form.add_error(name if name in form.fields else None, errors)


class SalespersonChoiceField(forms.ModelChoiceField):
    widget = OneQuerySelect  # an office's every salesperson, read in one query (issue 22)

    def label_from_instance(self, obj: User) -> str:
        return str(obj)


class CustomerChoiceField(forms.ModelChoiceField):
    """A customer of the office, chosen from the phone lookup (the id travels in the form)."""

    widget = forms.HiddenInput

    def __init__(self, office: Office, **kwargs):
        super().__init__(queryset=Customer.objects.filter(office=office), **kwargs)
        self.error_messages = {
            **self.error_messages,
            "invalid_choice": _("Unknown customer: choose one from the search."),
        }


def _phone(value: str) -> str:
    return normalize_phone(value)  # raises a translated ValidationError


class VisitForm(forms.Form):
    """A walk-in at the desk (R-2.1). The hidden key makes a double click register one visit."""

    phone = forms.CharField(
        label=_("Phone"),
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    name = forms.CharField(label=_("Customer name"), max_length=60, required=False)
    party_size = forms.IntegerField(
        label=_("Party size"), min_value=1, max_value=rules.MAX_PARTY_SIZE, initial=1
    )
    source_channel = forms.ModelChoiceField(
        label=_("Source channel"),
        queryset=channels_active(),
        empty_label=_("— choose —"),
        widget=OneQuerySelect,
    )
    one_household = forms.BooleanField(label=_("One household"), required=False, initial=True)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, office: Office, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("idempotency_key", uuid.uuid4().hex)
        kwargs.setdefault("auto_id", "visit_%s")
        super().__init__(*args, **kwargs)
        self.office = office
        # typing the phone shows at once whether the customer is known
        self.fields["phone"].widget.attrs.update(
            {
                "hx-get": f"{reverse('reception:lookup')}?office={office.pk}",
                "hx-trigger": "input changed delay:250ms",
                "hx-target": "#lookup-results",
                "hx-swap": "innerHTML",
            }
        )
        self.fields["named_salesperson"] = SalespersonChoiceField(
            label=_("Dealt with someone before?"),
            queryset=salespeople_of(office),
            required=False,
            empty_label=_("No, or does not remember the name"),
        )
        self.fields["referrer"] = CustomerChoiceField(
            office, label=_("Came with / referred by"), required=False
        )

    def clean_phone(self) -> str:
        return _phone(self.cleaned_data["phone"])


class CallForm(forms.Form):
    """A hotline call (R-2.7): a customer's (phone required) or anyone else's (caller required)."""

    kind = forms.ChoiceField(
        label=_("Kind of call"),
        choices=CallKind.choices,
        initial=CallKind.CUSTOMER,
        widget=forms.RadioSelect,
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    name = forms.CharField(label=_("Customer name"), max_length=60, required=False)
    caller = forms.CharField(label=_("Caller (not a customer)"), max_length=100, required=False)
    content = forms.CharField(
        label=_("What the call was about"), widget=forms.Textarea(attrs={"rows": 2})
    )
    source_channel = forms.ModelChoiceField(
        label=_("Source channel"),
        queryset=channels_active(),
        required=False,
        empty_label=_("Phone (default)"),
        widget=OneQuerySelect,
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "call_%s")
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if data.get("kind") == CallKind.CUSTOMER:
            try:
                data["phone"] = _phone(data.get("phone", ""))
            except ValidationError as exc:
                self.add_error("phone", exc)
        elif data.get("kind") == CallKind.NON_CUSTOMER and not data.get("caller", "").strip():
            self.add_error("caller", _("Enter who called."))
        return data


class ReferralForm(forms.Form):
    """R-4.3: a customer pre-registers someone they will bring (phone and name, before)."""

    phone = forms.CharField(
        label=_("Phone of the new customer"),
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    name = forms.CharField(label=_("Name of the new customer"), max_length=60, required=False)

    def __init__(self, *args, office: Office, **kwargs):
        kwargs.setdefault("auto_id", "referral_%s")
        super().__init__(*args, **kwargs)
        self.fields["referrer"] = CustomerChoiceField(office, label=_("Referred by"))
        self.fields["referrer"].error_messages["required"] = _(
            "Choose the referring customer from the search."
        )

    def clean_phone(self) -> str:
        return _phone(self.cleaned_data["phone"])


class DutyStatusForm(forms.Form):
    salesperson = forms.ModelChoiceField(label=_("Salesperson"), queryset=User.objects.none())
    status = forms.ChoiceField(label=_("Status"), choices=DutyStatus.choices)

    def __init__(self, *args, office: Office, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["salesperson"].queryset = salespeople_of(office)


class AssignForm(forms.Form):
    """R-2.4: the manager assigns (or overrides) by hand, always with a written reason."""

    salesperson = SalespersonChoiceField(
        label=_("Salesperson"), queryset=User.objects.none(), empty_label=_("— choose —")
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=500, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )

    def __init__(self, *args, office: Office, salespeople=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["salesperson"]
        field.queryset = salespeople_of(office)
        if salespeople is not None:  # already fetched for the whole list: no query per row
            field.choices = [("", field.empty_label)] + [(u.pk, str(u)) for u in salespeople]

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(_("Write the reason."))
        return reason


class ResearchStepForm(forms.Form):
    step = forms.ChoiceField(label=_("Step"), choices=ResearchStep.choices)


class RosterForm(forms.Form):
    """R-2.2: the day's order. Each salesperson gets a position, or none (not on rotation)."""

    date = forms.DateField(label=_("Date"), widget=DateInput(), validators=[validate_date])

    def __init__(self, *args, salespeople: list[User], positions: dict[int, int], **kwargs):
        super().__init__(*args, **kwargs)
        self.salespeople = salespeople
        for user in salespeople:
            self.fields[f"pos_{user.pk}"] = forms.IntegerField(
                label=str(user),
                required=False,
                min_value=1,
                max_value=len(salespeople),
                initial=positions.get(user.pk),
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "pos"}),
            )

    def rows(self):
        return [(user, self[f"pos_{user.pk}"]) for user in self.salespeople]

    def ordered_salespeople(self) -> list[User]:
        picked = [
            (self.cleaned_data[f"pos_{u.pk}"], u)
            for u in self.salespeople
            if self.cleaned_data.get(f"pos_{u.pk}") is not None
        ]
        picked.sort(key=lambda row: row[0])
        return [user for _position, user in picked]

    def clean(self):
        data = super().clean()
        numbers = [
            data[f"pos_{u.pk}"] for u in self.salespeople if data.get(f"pos_{u.pk}") is not None
        ]
        if len(set(numbers)) != len(numbers):
            raise ValidationError(_("Two salespeople have the same position."))
        return data


def roster_date(raw: str | None, default: datetime.date) -> datetime.date:
    """The roster editor's `?date=`; a malformed date falls back to today."""
    try:
        day = datetime.date.fromisoformat(raw) if raw else default
    except ValueError:
        return default
    return day if date_in_range(day) else default
