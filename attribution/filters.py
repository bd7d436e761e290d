"""The filters of the claim and dispute lists, shared by the pages and the API (STYLE: one
FilterSet per list). A claim's status is the one evaluated on read (R-3.3): an `active` claim
past its protection end is `released`, whether or not the expiry job has run yet."""

import datetime

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from staff.models import Office
from staff.selectors import offices_visible_to

from .choices import ClaimStatus, DisputeStatus
from .models import Claim, Dispute
from .selectors import status_condition

MAX_DAYS = 366


def _offices(request):
    return offices_visible_to(request.user) if request is not None else Office.objects.none()


class _IntegerFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class ClaimFilter(django_filters.FilterSet):
    """`?owner=&status=&office=&ending_within_days=`; `now` is the reader's moment."""

    owner = extend_schema_field(OpenApiTypes.INT)(
        _IntegerFilter(field_name="owner_id", min_value=1, help_text=_("Owner's user id."))
    )
    status = django_filters.ChoiceFilter(
        choices=ClaimStatus.choices,
        method="filter_status",
        help_text=_("Status evaluated now: a claim past its protection end is released."),
    )
    office = django_filters.ModelChoiceFilter(queryset=_offices)
    ending_within_days = extend_schema_field(OpenApiTypes.INT)(
        _IntegerFilter(
            method="filter_ending",
            min_value=0,
            max_value=MAX_DAYS,
            help_text=_("Active claims whose protection ends within this many days."),
        )
    )

    class Meta:
        model = Claim
        fields = ["owner", "status", "office", "ending_within_days"]

    def __init__(self, *args, now: datetime.datetime | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.now = now or timezone.now()

    def filter_status(self, queryset, name, value: str):
        return queryset.filter(status_condition(value, self.now))

    def filter_ending(self, queryset, name, value: int):
        horizon = self.now + datetime.timedelta(days=value)
        return queryset.filter(
            status=ClaimStatus.ACTIVE, protected_until__gt=self.now, protected_until__lte=horizon
        )


class DisputeFilter(django_filters.FilterSet):
    """`?status=&office=`."""

    status = django_filters.ChoiceFilter(choices=DisputeStatus.choices)
    office = django_filters.ModelChoiceFilter(queryset=_offices)

    class Meta:
        model = Dispute
        fields = ["status", "office"]
