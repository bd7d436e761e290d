"""Role home pages, role-based navigation and office scoping of pages."""

import pytest
from django.urls import reverse

from staff.choices import Role
from staff.factories import UserFactory
from workspace.roles import WORK_PAGES

pytestmark = pytest.mark.django_db

ROLE_SLUG = {p.role: p.slug for p in WORK_PAGES}
ALL_SLUGS = set(ROLE_SLUG.values())


@pytest.mark.parametrize("role", Role.values)
def test_each_role_lands_on_its_own_page_and_sees_only_its_navigation(client, office, role):
    user = UserFactory(username=f"u-{role}", roles=[role], offices=[office])
    client.force_login(user)

    response = client.get("/", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == f"/w/{ROLE_SLUG[role]}/"

    nav_urls = {item["url"] for item in response.context["nav_items"]}
    assert f"/w/{ROLE_SLUG[role]}/" in nav_urls
    for other in ALL_SLUGS - {ROLE_SLUG[role]}:
        assert f"/w/{other}/" not in nav_urls
        assert client.get(f"/w/{other}/").status_code == 403
    assert ("/staff/" in nav_urls) == (role in {Role.MANAGER, Role.DIRECTOR})


def test_user_with_two_roles_sees_both_pages(client, office):
    user = UserFactory(username="both", roles=[Role.SECRETARY, Role.FINANCE], offices=[office])
    client.force_login(user)
    nav_urls = {i["url"] for i in client.get("/w/desk/").context["nav_items"]}
    assert {"/w/desk/", "/w/finance/"} <= nav_urls
    assert client.get("/w/finance/").status_code == 200


def test_user_without_role_gets_explanation_not_a_page(client, office):
    user = UserFactory(username="norole", offices=[office])
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 403
    assert "没有角色" in response.content.decode() or "No role yet" in response.content.decode()


def test_anonymous_is_sent_to_login(client, db):
    for url in ["/", "/w/desk/", "/offices/", "/staff/"]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_interface_is_chinese_by_default_and_english_on_request(client, secretary):
    client.force_login(secretary)
    chinese = client.get("/w/desk/").content.decode()
    assert '<html lang="zh-hans">' in chinese
    assert "前台接待" in chinese
    client.post("/i18n/setlang/", {"language": "en", "next": "/w/desk/"})
    english = client.get("/w/desk/").content.decode()
    assert '<html lang="en">' in english
    assert "Reception desk" in english


def test_chinese_even_for_an_english_browser_until_switched(client, secretary):
    client.force_login(secretary)
    page = client.get("/w/desk/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "前台接待" in page


def test_api_clients_may_ask_for_english(api, office):
    response = api.get("/api/v1/offices/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()["detail"] == "Authentication credentials were not provided."
    response = api.get("/api/v1/offices/")
    assert response.json()["detail"] == "身份认证信息未提供。"


class TestOfficePagesScoping:
    def test_member_sees_own_office_and_gets_404_for_another(
        self, client, salesperson, office, other_office
    ):
        client.force_login(salesperson)
        assert client.get(f"/offices/{office.pk}/").status_code == 200
        assert client.get(f"/offices/{other_office.pk}/").status_code == 404
        listing = client.get("/offices/").content.decode()
        assert office.name in listing
        assert other_office.name not in listing

    def test_director_sees_every_office(self, client, director, other_office):
        client.force_login(director)
        assert client.get(f"/offices/{other_office.pk}/").status_code == 200

    def test_office_search_returns_a_fragment_for_htmx(
        self, client, director, office, other_office
    ):
        client.force_login(director)
        response = client.get("/offices/", {"q": "river"}, HTTP_HX_REQUEST="true")
        html = response.content.decode()
        assert "<html" not in html
        assert other_office.name in html
        assert office.name not in html

    def test_rule_settings_are_shown_with_their_defaults(self, client, manager, office):
        client.force_login(manager)
        html = client.get(f"/offices/{office.pk}/").content.decode()
        for value in ["500.00", "17:00", "18:00", f'href="/rules/?office={office.pk}#r-3-2"']:
            assert value in html

    def test_members_listed_for_manager_not_for_salesperson(
        self, client, manager, salesperson, office
    ):
        client.force_login(manager)
        assert "sales1" in client.get("/staff/").content.decode()
        assert client.get(f"/offices/{office.pk}/").context["members"] is not None
        client.force_login(salesperson)
        assert client.get(f"/offices/{office.pk}/").context["members"] is None
        assert client.get("/staff/").status_code == 403

    def test_manager_staff_page_excludes_other_offices(self, client, manager, other_manager):
        client.force_login(manager)
        assert "manager-riverside" not in client.get("/staff/").content.decode()


def test_login_and_logout_over_forms(client, secretary, password):
    response = client.post(
        "/accounts/login/", {"username": "secretary", "password": password}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/w/desk/"
    old_session = client.session.session_key
    client.post("/accounts/logout/")
    assert client.get("/w/desk/").status_code == 302
    assert client.session.session_key != old_session


def test_wrong_password_shows_translated_error(client, secretary):
    response = client.post("/accounts/login/", {"username": "secretary", "password": "nope"})
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()


def test_health_is_public(client, db):
    assert client.get("/health/").json() == {"status": "ok"}
