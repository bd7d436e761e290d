"""Forms of visit records (R-9.7): the record form of the phone page, its dealer-stock lines,
and the one FilterSet of the records list that the page and the API share."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import Account
from accounts.selectors import accounts_visible_to
from catalog.models import Product
from common.inputs import validate_date
from common.widgets import DateInput
from staff.models import User
from staff.permissions import office_ids_of

from .choices import RecordKind
from .models import VisitRecord
from .records import date_problem

TEXT_LIMIT = 4000
NOTE_LIMIT = 2000
STOCK_LINES_MAX = 50


def _text(label, help_text=""):
    return forms.CharField(
        label=label,
        required=False,
        max_length=TEXT_LIMIT,
        help_text=help_text,
        widget=forms.Textarea({"rows": 2}),
    )


class VisitRecordForm(forms.Form):
    """R-9.7: what a salesperson types after a visit: the day, the kind and the contact met
    first (a short form on a phone), the market information folded below."""

    date = forms.DateField(label=_("Date"), validators=[validate_date], widget=DateInput())
    kind = forms.ChoiceField(label=_("Kind"), choices=RecordKind.choices, widget=forms.RadioSelect)
    contact = forms.ModelChoiceField(
        label=_("Contact met"),
        queryset=None,
        required=False,
        empty_label=_("— none —"),
    )
    quality_feedback = _text(_("Quality feedback"))
    price_feedback = _text(_("Price feedback"))
    demand = _text(_("Usage and market demand"))
    competitors = _text(_("Other brands and competitors' moves"))
    new_products = _text(_("New-product enquiries"))

    MARKET_FIELDS = ("quality_feedback", "price_feedback", "demand", "competitors", "new_products")

    def __init__(self, *args, account: Account, now=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.account, self.now = account, now
        self.fields["contact"].queryset = account.contacts.all()

    def clean_date(self):
        """The service's check, shown beside the other fields' errors (R-9.7)."""
        date = self.cleaned_data["date"]
        if self.now is not None and (problem := date_problem(self.account, date, self.now)):
            raise forms.ValidationError(problem)
        return date

    def market_fields(self):
        return [self[name] for name in self.MARKET_FIELDS]

    def has_market_errors(self) -> bool:
        return any(self.errors.get(name) for name in self.MARKET_FIELDS)


class StockLineForm(forms.Form):
    """One product of a dealer's stock (R-9.7): a line without a quantity (nor a note) is
    left out, so that the products of the last check, listed again, need not all be counted."""

    product = forms.ModelChoiceField(
        label=_("Product"),
        queryset=Product.objects.filter(active=True).order_by("code"),
        required=False,
        empty_label=_("— choose —"),
    )
    quantity = forms.DecimalField(
        label=_("Quantity in stock"),
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=3,
        widget=forms.NumberInput({"step": "any", "inputmode": "decimal"}),
    )
    note = forms.CharField(
        label=_("Reason and remedy when short"), required=False, max_length=NOTE_LIMIT
    )

    def clean(self):
        data = super().clean()
        product, quantity = data.get("product"), data.get("quantity")
        if quantity is None and not data.get("note") and not self.errors:
            # a blank line, or a product of the last check not counted this time
            data["product"] = None
            return data
        if product is None and "product" not in self.errors:
            self.add_error("product", _("Choose the product."))
        if quantity is None and "quantity" not in self.errors:
            self.add_error("quantity", _("Enter the quantity in stock (0 when out of stock)."))
        return data

    def line(self) -> dict | None:
        data = self.cleaned_data
        if data.get("product") is None:
            return None
        return {"product": data["product"], "quantity": data["quantity"], "note": data["note"]}


StockLineFormSet = forms.formset_factory(
    StockLineForm,
    extra=2,
    max_num=STOCK_LINES_MAX,
    absolute_max=STOCK_LINES_MAX,
    validate_max=True,
)


# ---------------------------------------------------------------- the list's filters


def _accounts(request):
    if request is None:
        return Account.objects.none()
    return accounts_visible_to(request.user).order_by("name", "pk")


def _people(request):
    if request is None:
        return User.objects.none()
    return (
        User.objects.filter(offices__in=office_ids_of(request.user)).distinct().order_by("username")
    )


class RecordFilterForm(forms.Form):
    def clean(self):
        data = super().clean()
        start, end = data.get("from"), data.get("to")
        if start and end and start > end:
            raise forms.ValidationError(_("The first day is after the last day."))
        return data


class VisitRecordFilter(django_filters.FilterSet):
    """`?account=&salesperson=&from=&to=` (API.md): over the records the user may read
    (records.records_visible_to). An account or a person the user does not see, a date that
    is not one, or `from` after `to` is a 400."""

    account = django_filters.ModelChoiceFilter(
        queryset=_accounts, label=_("Account"), empty_label=_("All accounts")
    )
    salesperson = django_filters.ModelChoiceFilter(
        queryset=_people,
        label=pgettext_lazy("sales department", "Salesperson"),
        empty_label=_("Everyone"),
    )

    class Meta:
        model = VisitRecord
        fields = ["account", "salesperson"]
        form = RecordFilterForm


# `from` is a keyword in Python: declared beside the class body
VisitRecordFilter.base_filters["from"] = django_filters.DateFilter(
    field_name="date",
    lookup_expr="gte",
    label=_("From"),
    validators=[validate_date],
    widget=DateInput(),
)
VisitRecordFilter.base_filters["to"] = django_filters.DateFilter(
    field_name="date",
    lookup_expr="lte",
    label=_("To"),
    validators=[validate_date],
    widget=DateInput(),
)
