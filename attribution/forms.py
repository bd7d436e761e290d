"""The ownership pages' forms: they parse and give friendly messages; the services decide."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from common.widgets import OneQuerySelect
from leads.rules import normalize_phone
from leads.selectors import channels_active
from staff.models import User

from .choices import ClaimStatus, Decision, FollowUpKind, Relation


def apply_service_error(form: forms.Form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field when the form has one."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for name, errors in exc.message_dict.items():
        form.add_error(name if name in form.fields else None, errors)


def _required_text(value: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError(_("Write the reason."))
    return value


class SalespersonField(forms.ModelChoiceField):
    """A salesperson of the office. `salespeople` (already fetched for a whole list) spares
    one query per form; a queryset's choices are read in one plain query."""

    widget = OneQuerySelect

    def __init__(self, *, salespeople: list[User] | None = None, **kwargs):
        kwargs.setdefault("empty_label", _("— choose —"))
        super().__init__(queryset=User.objects.none(), **kwargs)
        if salespeople is not None:
            self.queryset = User.objects.filter(pk__in=[u.pk for u in salespeople])
            self.choices = [("", self.empty_label)] + [(u.pk, str(u)) for u in salespeople]

    def label_from_instance(self, obj: User) -> str:
        return str(obj)


class FollowUpForm(forms.Form):
    """R-3.2: a qualifying contact: its kind and a written note (the service checks both)."""

    kind = forms.ChoiceField(
        label=_("Kind"), choices=FollowUpKind.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": _("What was said")}),
    )
    next_step = forms.CharField(label=_("Next step"), max_length=200, required=False)
    customer = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].error_messages["required"] = _(
            "Write what was said: a follow-up needs a note."
        )
        self.fields["kind"].error_messages["required"] = _("Choose the kind of follow-up.")
        if len(members) > 1:  # a household: say with whom
            self.fields["customer"] = forms.TypedChoiceField(
                label=_("With"),
                coerce=int,
                choices=[(m.pk, m.name or m.phone) for m in members],
                initial=members[0].pk,
            )


class RegisterForm(forms.Form):
    """R-1.3: a customer met on the phone or outside, registered at once."""

    phone = forms.CharField(
        label=_("Phone"),
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    name = forms.CharField(label=_("Customer name"), max_length=60, required=False)
    source_channel = forms.ModelChoiceField(
        label=_("Source channel"),
        queryset=channels_active(),
        empty_label=_("— choose —"),
        widget=OneQuerySelect,
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "reg_%s")
        super().__init__(*args, **kwargs)

    def clean_phone(self) -> str:
        return normalize_phone(self.cleaned_data["phone"])

    def clean_name(self) -> str:
        return self.cleaned_data["name"].strip()


class LinkMemberForm(forms.Form):
    """R-4.1: an immediate family member, found by phone among the office's customers."""

    phone = forms.CharField(
        label=_("Family member's phone"),
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    relation = forms.ChoiceField(label=_("Relation"), choices=Relation.choices)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "link_%s")
        super().__init__(*args, **kwargs)

    def clean_phone(self) -> str:
        return normalize_phone(self.cleaned_data["phone"])


class DisputeForm(forms.Form):
    """R-5.6: why the customer should be someone else's (or yours)."""

    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "dispute_%s")
        super().__init__(*args, **kwargs)

    def clean_reason(self) -> str:
        return _required_text(self.cleaned_data["reason"])


STATUS_ALL = "all"


class ClaimFilterForm(forms.Form):
    """The manager's claim list: the page's inputs (a salesperson picker, "all"), handed on to
    attribution.filters.ClaimFilter, which the API shares and which does the filtering."""

    owner = SalespersonField(label=_("Owner"), required=False, empty_label=_("Everyone"))
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            (ClaimStatus.ACTIVE, ClaimStatus.ACTIVE.label),
            (ClaimStatus.RELEASED, ClaimStatus.RELEASED.label),
            (ClaimStatus.DEAL, ClaimStatus.DEAL.label),
            (ClaimStatus.MERGED, ClaimStatus.MERGED.label),
            (STATUS_ALL, _("All")),
        ],
    )
    ending = forms.IntegerField(
        label=_("Ending within (days)"),
        required=False,
        min_value=0,
        max_value=60,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    def __init__(self, *args, salespeople: list[User], **kwargs):
        kwargs.setdefault("auto_id", "filter_%s")
        super().__init__(*args, **kwargs)
        self.fields["owner"] = SalespersonField(
            label=_("Owner"), required=False, empty_label=_("Everyone"), salespeople=salespeople
        )


class ReassignForm(forms.Form):
    """R-3.4: a manager gives a released customer to a salesperson, with a written reason."""

    salesperson = SalespersonField(label=_("Salesperson"))
    reason = forms.CharField(
        label=_("Reason"), max_length=500, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )

    def __init__(self, *args, salespeople: list[User], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["salesperson"] = SalespersonField(
            label=_("Salesperson"), salespeople=salespeople
        )

    def clean_reason(self) -> str:
        return _required_text(self.cleaned_data["reason"])


class RulingForm(forms.Form):
    """R-5.6: keep or move, with a written reason; final."""

    decision = forms.ChoiceField(
        label=_("Decision"), choices=Decision.choices, widget=forms.RadioSelect
    )
    new_owner = SalespersonField(label=_("New owner"), required=False)
    reason = forms.CharField(
        label=_("Reason for the ruling"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, salespeople: list[User], **kwargs):
        kwargs.setdefault("auto_id", "ruling_%s")
        super().__init__(*args, **kwargs)
        self.fields["new_owner"] = SalespersonField(
            label=_("New owner (when moving)"), required=False, salespeople=salespeople
        )
        self.fields["decision"].error_messages["required"] = _("Keep or move.")

    def clean_reason(self) -> str:
        return _required_text(self.cleaned_data["reason"])

    def clean(self):
        data = super().clean()
        if data.get("decision") == Decision.MOVE and not data.get("new_owner"):
            self.add_error("new_owner", _("Choose who receives the claim."))
        return data
