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


# ------------------------------------------------------ issue 22: one query, remembered HTML


def _desk_forms(office):
    from attribution.forms import ClaimFilterForm, FollowUpForm, RegisterForm
    from reception.forms import CallForm, ReferralForm, VisitForm

    return [
        VisitForm(office=office),
        CallForm(),
        ReferralForm(office=office),
        FollowUpForm(prefix="c1"),
        RegisterForm(),
        ClaimFilterForm(salespeople=[]),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_remembering_renderer_gives_djangos_html_again_and_again(language, office, salesperson):
    """Every widget of the desk's and the phone page's forms: the first render, the
    remembered one and Django's own TemplatesSetting say the same, in either language."""
    from django.forms.renderers import TemplatesSetting

    from common.renderers import RememberingRenderer

    plain, remembering = TemplatesSetting(), RememberingRenderer()
    with translation.override(language):
        for form in _desk_forms(office):
            for name, field in form.fields.items():
                value = form[name].value()
                expected = field.widget.render(name, value, renderer=plain)
                for _round in range(2):
                    assert field.widget.render(name, value, renderer=remembering) == expected


@pytest.mark.django_db
def test_the_remembering_renderer_follows_the_language_values_and_hidden_keys(office):
    """A label in another language, another value, and a form's one-time hidden key are each
    rendered afresh: nothing of a previous render leaks into the next."""
    from common.renderers import RememberingRenderer
    from reception.forms import VisitForm

    renderer = RememberingRenderer()

    def rendered(field, **kwargs):
        form = VisitForm(office=office, renderer=renderer, **kwargs)
        return str(form[field])

    with translation.override("zh-hans"):
        chinese = rendered("source_channel")
    with translation.override("en"):
        english = rendered("source_channel")
    assert chinese != english and "— choose —" in english
    assert 'value="3"' in rendered("party_size", initial={"party_size": 3})
    assert 'value="1"' in rendered("party_size")
    first, second = rendered("idempotency_key"), rendered("idempotency_key")
    assert first != second  # each form its own key (a double click registers one visit)


def test_the_remembering_renderer_keeps_a_bounded_number_of_widgets():
    from django import forms

    from common.renderers import RememberingRenderer

    renderer = RememberingRenderer()
    for n in range(renderer.CACHE_SIZE + 50):
        forms.TextInput().render("phone", str(n), renderer=renderer)
    assert len(renderer._html) == renderer.CACHE_SIZE
    assert 'value="7"' not in "".join(renderer._html.values())  # the oldest went first
    assert forms.TextInput().render("phone", "7", renderer=renderer).count('value="7"') == 1


@pytest.mark.django_db
def test_a_one_query_select_is_the_html_of_djangos_select(office, salesperson):
    """The picker that reads its choices in one query renders exactly what Django's Select
    renders, chosen value included."""
    from django import forms

    from common.widgets import OneQuerySelect
    from reception.forms import VisitForm

    with translation.override("zh-hans"):
        form = VisitForm(office=office, initial={"named_salesperson": salesperson.pk})
        ours = str(form["named_salesperson"])
        plain_form = VisitForm(office=office, initial={"named_salesperson": salesperson.pk})
        plain_form.fields["named_salesperson"].widget = forms.Select(
            choices=plain_form.fields["named_salesperson"].choices
        )
        assert isinstance(form.fields["named_salesperson"].widget, OneQuerySelect)
        assert ours == str(plain_form["named_salesperson"])
    assert f'value="{salesperson.pk}" selected' in ours


@pytest.mark.django_db
def test_a_picker_shows_a_salesperson_added_since(office, salesperson):
    """The choices are read on every render: a newcomer appears at once, never a stale list
    (the remembered HTML is keyed by the choices)."""
    from reception.forms import VisitForm
    from staff.factories import UserFactory

    first = str(VisitForm(office=office)["named_salesperson"])
    newcomer = UserFactory(username="newcomer", roles=["salesperson"], offices=[office])
    second = str(VisitForm(office=office)["named_salesperson"])
    assert f'value="{newcomer.pk}"' not in first
    assert f'value="{newcomer.pk}"' in second


@pytest.mark.django_db
def test_a_one_query_select_reads_model_choices_in_one_query(office, salesperson):
    """One plain SELECT: no COUNT first, no server-side cursor (DECLARE … FETCH … CLOSE)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reception.forms import VisitForm

    form = VisitForm(office=office)
    with CaptureQueriesContext(connection) as queries:
        str(form["named_salesperson"])
    assert len(queries) == 1
    assert queries.captured_queries[0]["sql"].startswith("SELECT DISTINCT")
