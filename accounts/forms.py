from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Account


class AccountForm(forms.ModelForm):
    class Meta:
        model = Account
        fields = ["office", "name", "credit_code", "kind", "region", "address", "credit_limit"]

    def __init__(self, *args, offices=None, **kwargs):
        super().__init__(*args, **kwargs)
        if offices is not None:
            self.fields["office"].queryset = offices
        self.fields["office"].empty_label = _("— choose —")

    def validate_unique(self):
        """The service answers a taken code, naming its owner."""
