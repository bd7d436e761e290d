"""The office admin form keeps the holding fee within R-6.2: more than zero (a lapsed hold
refunds it) and never more than the minimum deposit (credited in full toward it, R-6.3)."""

from decimal import Decimal

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_manager(manager):
    manager.is_staff = True
    manager.save()
    return manager


def post_settings(client, office, **values):
    url = f"/admin/staff/office/{office.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(
        name=office.name,
        code=office.code,
        diary_deadline="17:00",
        meeting_time="18:00",
        report_deadline="17:00",
        is_active="on",
        **values,
    )
    return client.post(url, data, HTTP_ACCEPT_LANGUAGE="zh-hans")


@pytest.mark.parametrize(
    ("fee", "minimum", "error"),
    [
        ("5000.01", "5000.00", "封号费不得高于最低认购金（5000.00）。"),
        ("800.00", "300.00", "封号费不得高于最低认购金（300.00）。"),
        ("0.00", "5000.00", "封号费必须大于零。"),
    ],
)
def test_a_fee_out_of_bounds_is_refused(client, staff_manager, office, fee, minimum, error):
    client.force_login(staff_manager)
    response = post_settings(client, office, holding_fee=fee, minimum_deposit=minimum)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["holding_fee"] == [error]
    office.refresh_from_db()
    assert (office.holding_fee, office.minimum_deposit) == (Decimal("500.00"), Decimal("5000.00"))


@pytest.mark.parametrize("fee", ["800.00", "5000.00"])
def test_a_fee_up_to_the_minimum_deposit_is_saved(client, staff_manager, office, fee):
    client.force_login(staff_manager)
    response = post_settings(client, office, holding_fee=fee, minimum_deposit="5000.00")
    assert response.status_code == 302
    office.refresh_from_db()
    assert office.holding_fee == Decimal(fee)
