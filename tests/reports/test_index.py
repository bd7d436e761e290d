"""The reports index lists exactly the report pages a user's roles may open, and the menu
links to it for the roles that have any."""

import pytest

pytestmark = pytest.mark.django_db

INDEX = "/reports/"


def links(client, user) -> set[str]:
    client.force_login(user)
    response = client.get(INDEX)
    assert response.status_code == 200
    return {entry["url"] for entry in response.context["entries"]}


def test_salesperson_sees_own_diary_report_fines_and_calendar_only(client, salesperson):
    assert links(client, salesperson) == {
        "/reports/diary/",
        "/reports/my-report/",
        "/reports/fines/",
        "/reports/days-off/",
    }


def test_secretary_sees_the_meeting(client, secretary):
    assert links(client, secretary) == {"/reports/meeting/"}


def test_assistant_sees_the_office_reports_and_channels(client, assistant):
    assert links(client, assistant) == {
        "/reports/team/",
        "/reports/front-desk/",
        "/reports/channels/",
    }


def test_manager_sees_every_management_report(client, manager):
    assert links(client, manager) == {
        "/reports/dashboard/",
        "/reports/diaries/",
        "/reports/meeting/",
        "/reports/escalations/",
        "/reports/team/",
        "/reports/team-report/",
        "/reports/team-reports/",
        "/reports/front-desk/",
        "/reports/channels/",
        "/reports/fines/",
        "/reports/days-off/",
    }


def test_every_listed_page_opens_for_its_reader(client, manager, salesperson, assistant):
    for user in (manager, salesperson, assistant):
        for url in links(client, user):
            assert client.get(url).status_code == 200, (user.username, url)


def test_finance_has_no_report_and_no_menu_entry(client, finance):
    assert links(client, finance) == set()
    assert "/reports/" not in [item["url"] for item in client.get(INDEX).context["nav_items"]]


def test_menu_links_to_the_index_for_a_salesperson(client, salesperson):
    client.force_login(salesperson)
    response = client.get(INDEX)
    assert INDEX in [item["url"] for item in response.context["nav_items"]]
