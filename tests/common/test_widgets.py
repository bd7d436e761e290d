"""Date pickers keep an ISO value in every language: a zh-Hans value (2026/11/27) would leave
the browser's picker empty and the chosen day would silently be lost."""

import datetime

import pytest
from django.utils import translation

from reception.forms import RosterForm
from reports.forms import DayForm
from reports.periods import PeriodForm

DAY = datetime.date(2026, 11, 27)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize(
    ("form_class", "field"), [(PeriodForm, "date"), (PeriodForm, "start"), (DayForm, "date")]
)
def test_date_pickers_render_iso_in_every_language(language, form_class, field):
    with translation.override(language):
        html = str(form_class(initial={field: DAY})[field])
    assert 'type="date"' in html and 'value="2026-11-27"' in html


def test_the_roster_form_too():
    with translation.override("zh-hans"):
        form = RosterForm(initial={"date": DAY}, salespeople=[], positions={})
        assert 'value="2026-11-27"' in str(form["date"])


# ---------------------------------------------------------------- issue 22: RenderOnceSelect


@pytest.mark.django_db
def test_a_render_once_select_is_the_html_of_djangos_select(office, salesperson):
    """The cached picker renders exactly what Django's Select renders, chosen value included."""
    from django import forms

    from common.widgets import RenderOnceSelect
    from reception.forms import VisitForm

    with translation.override("zh-hans"):
        form = VisitForm(office=office, initial={"named_salesperson": salesperson.pk})
        cached = str(form["named_salesperson"])
        plain_form = VisitForm(office=office, initial={"named_salesperson": salesperson.pk})
        plain_form.fields["named_salesperson"].widget = forms.Select(
            choices=plain_form.fields["named_salesperson"].choices
        )
        assert isinstance(form.fields["named_salesperson"].widget, RenderOnceSelect)
        assert cached == str(plain_form["named_salesperson"])
    assert f'value="{salesperson.pk}" selected' in cached


@pytest.mark.django_db
def test_a_render_once_select_shows_a_salesperson_added_since(office, salesperson):
    """The choices are read on every render: a newcomer appears at once, never a stale list."""
    from reception.forms import VisitForm
    from staff.factories import UserFactory

    first = str(VisitForm(office=office)["named_salesperson"])
    newcomer = UserFactory(username="newcomer", roles=["salesperson"], offices=[office])
    second = str(VisitForm(office=office)["named_salesperson"])
    assert f'value="{newcomer.pk}"' not in first
    assert f'value="{newcomer.pk}"' in second


@pytest.mark.django_db
def test_a_render_once_select_reads_model_choices_in_one_query(office, salesperson):
    """One plain SELECT: no COUNT first, no server-side cursor (DECLARE … FETCH … CLOSE)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reception.forms import VisitForm

    form = VisitForm(office=office)
    with CaptureQueriesContext(connection) as queries:
        str(form["named_salesperson"])
    assert len(queries) == 1
    assert queries.captured_queries[0]["sql"].startswith("SELECT DISTINCT")
