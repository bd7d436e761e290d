"""Logins (issue 7): throttling with django-axes on username + address, so that guessing one
account cannot lock the shared front-desk PC; a new session at login; logout and deactivation
end the session on the server."""

import pytest
from django.contrib.sessions.models import Session
from rest_framework.authtoken.models import Token

pytestmark = pytest.mark.django_db

LOGIN, HOME = "/accounts/login/", "/"
DESK_PC, HOME_PC = "10.0.0.7", "10.0.0.9"


def attempt(client, username: str, password: str, address: str = DESK_PC):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def fail_five_times(client, username: str) -> None:
    for _ in range(5):
        response = attempt(client, username, "wrong-password")
        assert response.status_code in (200, 429)


def test_five_failures_lock_that_username_from_that_address(client, secretary, password):
    fail_five_times(client, secretary.username)
    response = attempt(client, secretary.username, password)
    assert response.status_code == 429
    assert 'id="locked-out"' in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_four_failures_then_the_right_password_logs_in_and_resets(client, secretary, password):
    for _ in range(4):
        assert attempt(client, secretary.username, "wrong").status_code == 200
    assert attempt(client, secretary.username, password).status_code == 302
    client.logout()
    for _ in range(4):  # the count started again after the success
        attempt(client, secretary.username, "wrong")
    assert attempt(client, secretary.username, password).status_code == 302


def test_the_shared_pc_stays_usable_for_everyone_else(client, secretary, salesperson, password):
    fail_five_times(client, secretary.username)
    assert attempt(client, salesperson.username, password).status_code == 302


def test_the_locked_account_still_logs_in_from_another_computer(client, secretary, password):
    fail_five_times(client, secretary.username)
    assert attempt(client, secretary.username, password, address=HOME_PC).status_code == 302


def test_login_starts_a_new_session(client, secretary, password):
    client.get(LOGIN)
    session = client.session
    session["seen"] = True
    session.save()
    before = session.session_key
    assert attempt(client, secretary.username, password).status_code == 302
    assert client.session.session_key != before
    assert not Session.objects.filter(session_key=before).exists()


def test_logout_ends_the_session_on_the_server(client, secretary, password):
    attempt(client, secretary.username, password)
    key = client.session.session_key
    stolen = client.cookies["sessionid"].value
    assert client.post("/accounts/logout/").status_code in (200, 302)
    assert not Session.objects.filter(session_key=key).exists()
    client.cookies["sessionid"] = stolen  # a copy of the old cookie is worth nothing
    assert client.get(HOME).status_code == 302


def test_deactivating_a_user_ends_their_sessions_and_token(client, secretary, password):
    attempt(client, secretary.username, password)
    key = client.session.session_key
    Token.objects.create(user=secretary)
    secretary.is_active = False
    secretary.save()
    assert not Session.objects.filter(session_key=key).exists()
    assert not Token.objects.filter(user=secretary).exists()
    response = client.get(HOME)
    assert response.status_code == 302 and LOGIN in response["Location"]


def test_deactivation_leaves_other_users_sessions(client, secretary, salesperson, password):
    attempt(client, salesperson.username, password)
    key = client.session.session_key
    secretary.is_active = False
    secretary.save()
    assert Session.objects.filter(session_key=key).exists()
