"""Forms of the dealer's page (R-17.5): record a dispute, help, escalate, settle."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .services import MAX_TEXT


def _area(label, rows=3):
    return forms.CharField(
        label=label,
        max_length=MAX_TEXT,
        widget=forms.Textarea({"rows": rows}),
        error_messages={"required": _("This field is required.")},
    )


class DisputeForm(forms.Form):
    other_dealer = forms.TypedChoiceField(
        label=_("Other dealer (when it is one of ours)"),
        coerce=int,
        required=False,
        empty_value=None,
    )
    description = _area(_("What happened"), rows=4)

    def __init__(self, *args, others=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["other_dealer"].choices = [("", _("— none —"))] + [
            (d.pk, d.name) for d in others
        ]


class HelpForm(forms.Form):
    note = _area(_("How you help settle it"))


class EscalateForm(forms.Form):
    reason = _area(_("Why the manager should take it over"))


class SettleForm(forms.Form):
    resolution = _area(_("How it was settled"))
