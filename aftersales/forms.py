"""The forms of the after-sales pages: they parse what a browser sends; the services decide
(R-16.1, R-16.2)."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .choices import ComplaintKind, ContactMethod, ReplyMethod

TEXT = {"max_length": 4000}


def _when(label, *, required: bool = False) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
    )


class RequestForm(forms.Form):
    account = forms.ModelChoiceField(queryset=None, label=_("account"))
    contract = forms.ModelChoiceField(queryset=None, required=False, label=_("contract"))
    product = forms.ModelChoiceField(queryset=None, required=False, label=_("product"))
    problem = forms.CharField(label=_("problem"), widget=forms.Textarea(attrs={"rows": 4}), **TEXT)
    received_at = _when(pgettext_lazy("after-sales", "received at"))

    def __init__(self, *args, accounts, contracts, products, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = accounts
        self.fields["contract"].queryset = contracts
        self.fields["product"].queryset = products
        self.fields["contract"].label_from_instance = lambda c: f"{c.number} · {c.account.name}"
        self.fields["product"].label_from_instance = lambda p: f"{p.code} {p.name}"


class ConfirmForm(forms.Form):
    approve = forms.TypedChoiceField(
        choices=[("1", _("Confirm")), ("0", _("Reject"))],
        coerce=lambda v: v == "1",
        label=pgettext_lazy("after-sales", "Confirm or reject"),
    )
    reason = forms.CharField(
        label=_("reason for rejection"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        **TEXT,
    )


class FileForm(forms.Form):
    technician = forms.ModelChoiceField(
        queryset=None, required=False, label=_("technician"), empty_label=_("Any technician")
    )

    def __init__(self, *args, technicians, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["technician"].queryset = technicians


class ContactForm(forms.Form):
    contacted_at = _when(_("first contact"), required=True)
    method = forms.ChoiceField(choices=ContactMethod.choices, label=_("contacted how"))
    note = forms.CharField(
        label=_("contact note"), required=False, widget=forms.Textarea(attrs={"rows": 3}), **TEXT
    )


class ResultForm(forms.Form):
    status = forms.CharField(
        label=pgettext_lazy("after-sales", "status"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        **TEXT,
    )
    result = forms.CharField(
        label=_("result"), required=False, widget=forms.Textarea(attrs={"rows": 3}), **TEXT
    )
    resolved = forms.BooleanField(label=_("Resolved"), required=False, initial=True)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("reason for escalation"), widget=forms.Textarea(attrs={"rows": 2}), **TEXT
    )


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Instruction"), widget=forms.Textarea(attrs={"rows": 2}), **TEXT)


class PhotoForm(forms.Form):
    photo = forms.FileField(
        label=_("photo"), widget=forms.ClearableFileInput(attrs={"accept": "image/*"})
    )


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        choices=[(str(n), str(n)) for n in range(5, 0, -1)], coerce=int, label=_("score")
    )
    comment = forms.CharField(
        label=_("comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}), **TEXT
    )


class ComplaintForm(forms.Form):
    account = forms.ModelChoiceField(queryset=None, label=_("account"))
    kind = forms.ChoiceField(choices=ComplaintKind.choices, label=_("kind"))
    text = forms.CharField(
        label=_("what the customer said"), widget=forms.Textarea(attrs={"rows": 4}), **TEXT
    )
    staff = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        label=_("staff concerned"),
        widget=forms.CheckboxSelectMultiple,
    )
    major = forms.BooleanField(label=_("major"), required=False)
    received_at = _when(_("received at"))

    def __init__(self, *args, accounts, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = accounts
        self.fields["staff"].queryset = people


class AssignForm(forms.Form):
    handler = forms.ModelChoiceField(queryset=None, label=_("handler"))

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["handler"].queryset = people


class ReplyForm(forms.Form):
    reply = forms.CharField(
        label=_("reply to the customer"), widget=forms.Textarea(attrs={"rows": 3}), **TEXT
    )
    method = forms.ChoiceField(choices=ReplyMethod.choices, label=_("replied how"))
    replied_at = _when(_("replied at"))
