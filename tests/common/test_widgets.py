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
