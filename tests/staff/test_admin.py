"""Managers edit their offices' rule settings in the admin (RULES.md: every number per office)."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_manager(manager):
    manager.is_staff = True
    manager.save()
    return manager


def test_manager_edits_own_office_settings(client, staff_manager, office):
    client.force_login(staff_manager)
    url = f"/admin/staff/office/{office.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(
        name=office.name,
        code=office.code,
        holding_fee="800.00",
        diary_deadline="17:30",
        meeting_time="18:00",
        report_deadline="17:00",
        is_active="on",
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    office.refresh_from_db()
    assert str(office.holding_fee) == "800.00"
    assert office.diary_deadline.strftime("%H:%M") == "17:30"


def test_manager_cannot_open_another_office_or_delete(client, staff_manager, office, other_office):
    client.force_login(staff_manager)
    response = client.get(f"/admin/staff/office/{other_office.pk}/change/")
    assert response.status_code == 302  # admin redirects "does not exist" to its index
    assert client.get(f"/admin/staff/office/{office.pk}/delete/").status_code == 403
    assert client.get("/admin/staff/office/add/").status_code == 403


def test_admin_is_in_chinese_by_default(client, staff_manager):
    client.force_login(staff_manager)
    html = client.get("/admin/").content.decode()
    assert "站点管理" in html
