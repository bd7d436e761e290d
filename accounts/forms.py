from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .choices import Grade
from .models import Account, Contact

MONEY = {"max_digits": 14, "decimal_places": 2, "min_value": 0}
TEXT = {"rows": 2}


class AccountForm(forms.ModelForm):
    """A new account (R-9.1); the credit limit only for who sets it (R-9.5)."""

    class Meta:
        model = Account
        fields = ["office", "name", "credit_code", "kind", "region", "address", "credit_limit"]

    def __init__(self, *args, offices=None, credit: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if offices is not None:
            self.fields["office"].queryset = offices
        self.fields["office"].empty_label = _("— choose —")
        if not credit:
            del self.fields["credit_limit"]

    def validate_unique(self):
        """The service answers a taken code, naming its owner."""


class AccountEditForm(forms.ModelForm):
    """R-9.1, R-9.5: the profile for the owner, the deputy and the manager; the deputy for the
    owner and the manager; the credit limit and review for the manager. The fields the user may
    not change are not on the form at all."""

    class Meta:
        model = Account
        fields = [
            "name",
            "kind",
            "region",
            "address",
            "organisation",
            "assets",
            "liabilities",
            "credit_standing",
            "trade_position",
            "trading_habits",
            "payment_habits",
            "deputy",
            "credit_limit",
            "last_credit_review",
        ]
        widgets = {
            **{
                f: forms.Textarea(attrs=TEXT)
                for f in (
                    "organisation",
                    "assets",
                    "liabilities",
                    "credit_standing",
                    "trade_position",
                    "trading_habits",
                    "payment_habits",
                )
            },
            "last_credit_review": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        labels = {
            "deputy": pgettext_lazy("account", "Deputy"),
            "credit_standing": pgettext_lazy("account", "Credit standing"),
        }

    def __init__(self, *args, allowed: frozenset[str], salespeople=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name not in allowed:
                del self.fields[name]
        if "deputy" in self.fields:
            self.fields["deputy"].queryset = salespeople.exclude(pk=self.instance.owner_id)
            self.fields["deputy"].empty_label = _("— none —")
        if "credit_limit" in self.fields:
            self.fields["credit_limit"] = forms.DecimalField(
                label=self.fields["credit_limit"].label, **MONEY
            )

    def validate_unique(self):
        """The account's code does not change here."""


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["name", "title", "phone", "email", "primary"]
        labels = {"name": pgettext_lazy("person", "Name")}
        widgets = {"phone": forms.TextInput(attrs={"type": "tel", "inputmode": "tel"})}

    def validate_constraints(self, exclude=None):
        """One primary contact is checked across the whole list by the service."""


ContactFormSet = forms.inlineformset_factory(
    Account,
    Contact,
    form=ContactForm,
    extra=1,
    can_delete=True,
    max_num=20,
    validate_max=True,
)


def contacts_of(formset) -> list[dict]:
    """The contacts as the service takes them: the kept ones with their id, new rows that were
    filled in; removed and untouched empty rows left out."""
    contacts = []
    for form in formset.forms:
        if form in formset.deleted_forms or not form.cleaned_data:
            continue
        if form.instance.pk is None and not form.has_changed():
            continue
        data = {f: form.cleaned_data.get(f) for f in ContactForm.Meta.fields}
        if form.instance.pk:
            data["id"] = form.instance.pk
        contacts.append(data)
    return contacts


class GradeForm(forms.Form):
    """R-9.3: a grade with its reason."""

    grade = forms.ChoiceField(
        label=_("Grade"), choices=Grade.choices, widget=forms.RadioSelect, initial=None
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Say why the account has this grade."))
        return reason


class ReassignForm(forms.Form):
    """R-9.4: the new owner and deputy, salespeople of the branch, and the reason."""

    owner = forms.ModelChoiceField(label=pgettext_lazy("account", "Owner"), queryset=None)
    deputy = forms.ModelChoiceField(
        label=pgettext_lazy("account", "Deputy"), queryset=None, required=False
    )
    reason = forms.CharField(label=_("Reason"), max_length=2000)

    def __init__(self, *args, salespeople, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = salespeople
        self.fields["owner"].empty_label = _("— choose —")
        self.fields["deputy"].queryset = salespeople
        self.fields["deputy"].empty_label = _("— none —")

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Say why the account is reassigned."))
        return reason

    def clean(self):
        data = super().clean()
        owner, deputy = data.get("owner"), data.get("deputy")
        if owner is not None and deputy is not None and owner.pk == deputy.pk:
            self.add_error("deputy", _("The deputy cannot be the owner."))
        return data
