"""API tokens (issue 13): a token outlived a password change, never expired, and could not be
given up. Now a password change deletes the user's tokens (set_password, the admin's form), a
token unused for API_TOKEN_IDLE_DAYS is refused with 401 (its last use recorded at most once
an hour), and POST /api/v1/auth/logout/ deletes the token presented (204)."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.authtoken.models import Token

from staff.factories import UserFactory
from staff.models import TokenUse

pytestmark = pytest.mark.django_db

TOKEN, LOGOUT, OFFICES = "/api/v1/auth/token/", "/api/v1/auth/logout/", "/api/v1/offices/"
START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def obtain(api, user, password) -> str:
    response = api.post(TOKEN, {"username": user.username, "password": password}, format="json")
    assert response.status_code == 200, response.content
    return response.json()["token"]


def with_token(api, key):
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api


class TestPasswordChange:
    def test_set_password_ends_the_token(self, api, secretary, password):
        key = obtain(api, secretary, password)
        assert with_token(api, key).get(OFFICES).status_code == 200
        secretary.set_password("another-long-passphrase-9")
        secretary.save()
        assert with_token(api, key).get(OFFICES).status_code == 401
        assert not Token.objects.filter(user=secretary).exists()

    def test_the_admins_password_form_ends_the_token(self, api, client, secretary, password):
        key = obtain(api, secretary, password)
        admin = UserFactory(username="root", is_staff=True, is_superuser=True)
        client.force_login(admin)
        new = "another-long-passphrase-9"
        response = client.post(
            f"/admin/staff/user/{secretary.pk}/password/",
            {"password1": new, "password2": new, "usable_password": "true"},
        )
        assert response.status_code == 302
        assert with_token(api, key).get(OFFICES).status_code == 401
        assert obtain(api, secretary, new) != key  # a new token with the new password

    def test_other_changes_and_other_users_keep_their_tokens(
        self, api, secretary, salesperson, password
    ):
        mine = obtain(api, secretary, password)
        theirs = obtain(api, salesperson, password)
        secretary.display_name = "新名字"
        secretary.save()
        salesperson.set_password("another-long-passphrase-9")
        salesperson.save()
        assert with_token(api, mine).get(OFFICES).status_code == 200
        assert with_token(api, theirs).get(OFFICES).status_code == 401


class TestIdle:
    def test_a_token_idle_longer_than_the_setting_is_refused(self, api, clock, secretary, password):
        key = obtain(api, secretary, password)
        clock.shift(datetime.timedelta(days=29, hours=23))
        assert with_token(api, key).get(OFFICES).status_code == 200  # used: idle from now
        clock.shift(datetime.timedelta(days=30, hours=1))
        response = with_token(api, key).get(OFFICES)
        assert response.status_code == 401
        assert "WWW-Authenticate" in response
        assert not Token.objects.filter(key=key).exists()
        assert obtain(api, secretary, password) != key  # logging in again gives a new one

    def test_the_idle_time_is_a_setting(self, api, clock, settings, secretary, password):
        settings.API_TOKEN_IDLE_DAYS = 2
        key = obtain(api, secretary, password)
        clock.shift(datetime.timedelta(days=2, seconds=1))
        assert with_token(api, key).get(OFFICES).status_code == 401

    def test_an_old_token_never_used_since_this_counts_from_its_creation(
        self, api, clock, secretary
    ):
        token = Token.objects.create(user=secretary)
        Token.objects.filter(pk=token.pk).update(created=START - datetime.timedelta(days=31))
        assert with_token(api, token.key).get(OFFICES).status_code == 401

    def test_the_last_use_is_written_at_most_once_an_hour(self, api, clock, secretary, password):
        key = obtain(api, secretary, password)
        first = TokenUse.objects.get(token_id=key).last_used_at
        clock.shift(datetime.timedelta(minutes=59))
        with CaptureQueriesContext(connection) as queries:
            assert with_token(api, key).get(OFFICES).status_code == 200
        assert not any("staff_tokenuse" in q["sql"] and "INSERT" in q["sql"] for q in queries)
        assert TokenUse.objects.get(token_id=key).last_used_at == first
        clock.shift(datetime.timedelta(minutes=2))
        assert with_token(api, key).get(OFFICES).status_code == 200
        assert TokenUse.objects.get(token_id=key).last_used_at == timezone.now()


class TestLogout:
    def test_logout_deletes_the_token_presented(self, api, secretary, password):
        key = obtain(api, secretary, password)
        response = with_token(api, key).post(LOGOUT)
        assert response.status_code == 204
        assert not Token.objects.filter(key=key).exists()
        assert with_token(api, key).get(OFFICES).status_code == 401
        assert with_token(api, key).post(LOGOUT).status_code == 401

    def test_anonymous_logout_is_401(self, api, office):
        assert api.post(LOGOUT).status_code == 401

    def test_the_schema_documents_logout(self, api, office):
        schema = api.get("/api/schema/?format=json").json()
        operation = schema["paths"]["/api/v1/auth/logout/"]["post"]
        assert "204" in operation["responses"] and "401" in operation["responses"]
