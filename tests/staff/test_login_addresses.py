"""Logins behind the proxy (issue 13). django-axes keyed failures on REMOTE_ADDR: behind the
compose file's proxy every client has the proxy's address, so five wrong passwords from anyone
locked that user out for everyone. With TRUSTED_PROXY_COUNT proxies in front, the client's
address is the one the outermost trusted proxy saw (the X-Forwarded-For entry it appended).
And one address trying many usernames (password spraying) is stopped after
AXES_ADDRESS_FAILURE_LIMIT failures, whatever the usernames, on the page and the token
endpoint alike."""

import pytest
from django.test import RequestFactory

from common.inputs import client_address
from staff.factories import UserFactory

pytestmark = pytest.mark.django_db

LOGIN, TOKEN = "/accounts/login/", "/api/v1/auth/token/"
PROXY = "172.18.0.5"  # the compose network's proxy: every request comes from it
ALICE, BOB = "203.0.113.7", "198.51.100.23"


@pytest.fixture
def behind_one_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1


def through_proxy(client, path, data, client_address: str, **extra):
    """A request as the proxy forwards it: from the proxy, the client's address appended."""
    return client.post(
        path,
        data,
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=extra.pop("forwarded", client_address),
        **extra,
    )


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (0, "203.0.113.7", PROXY),  # no proxy trusted: the peer's address
        (1, "", PROXY),
        (1, "203.0.113.7", "203.0.113.7"),
        (1, "10.9.9.9, 203.0.113.7", "203.0.113.7"),  # what the client sent itself is ignored
        (2, "10.9.9.9, 203.0.113.7", "10.9.9.9"),
        (2, "203.0.113.7", PROXY),  # fewer entries than proxies: not trusted
        (1, "not-an-address", PROXY),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_the_client_address(settings, count, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected


@pytest.mark.usefixtures("behind_one_proxy")
def test_failures_from_one_client_do_not_lock_another_out(client, secretary, password):
    for _ in range(5):
        data = {"username": secretary.username, "password": "wrong"}
        assert through_proxy(client, LOGIN, data, ALICE).status_code in (200, 429)
    data = {"username": secretary.username, "password": password}
    assert through_proxy(client, LOGIN, data, ALICE).status_code == 429  # Alice is locked out
    assert through_proxy(client, LOGIN, data, BOB).status_code == 302  # Bob logs in


@pytest.mark.usefixtures("behind_one_proxy")
def test_the_token_endpoint_tells_the_clients_apart_too(api, secretary, password):
    for _ in range(5):
        data = {"username": secretary.username, "password": "wrong"}
        through_proxy(api, TOKEN, data, ALICE, format="json")
    data = {"username": secretary.username, "password": password}
    assert through_proxy(api, TOKEN, data, ALICE, format="json").status_code != 200
    assert through_proxy(api, TOKEN, data, BOB, format="json").status_code == 200


@pytest.mark.usefixtures("behind_one_proxy")
def test_one_address_trying_many_usernames_is_stopped(client, settings, office, password):
    settings.AXES_ADDRESS_FAILURE_LIMIT = 8
    victims = [UserFactory(username=f"staff{n}", offices=[office]) for n in range(4)]
    for victim in victims:  # two wrong passwords each: no username reaches axes' limit of 5
        for _ in range(2):
            data = {"username": victim.username, "password": "guess"}
            assert through_proxy(client, LOGIN, data, ALICE).status_code == 200
    # 8 failures from Alice's address: even a right password is refused from there
    data = {"username": victims[0].username, "password": password}
    response = through_proxy(client, LOGIN, data, ALICE)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert through_proxy(client, LOGIN, data, BOB).status_code == 302  # others are not


@pytest.mark.usefixtures("behind_one_proxy")
def test_spraying_the_token_endpoint_is_stopped(api, settings, office, password):
    settings.AXES_ADDRESS_FAILURE_LIMIT = 4
    victims = [UserFactory(username=f"staff{n}", offices=[office]) for n in range(4)]
    for victim in victims:
        data = {"username": victim.username, "password": "guess"}
        assert through_proxy(api, TOKEN, data, ALICE, format="json").status_code == 400
    data = {"username": victims[0].username, "password": password}
    response = through_proxy(api, TOKEN, data, ALICE, format="json")
    assert response.status_code in (400, 429) and "token" not in response.json()
    assert through_proxy(api, TOKEN, data, BOB, format="json").status_code == 200


def test_below_the_limit_the_front_desk_pc_stays_usable(client, office, secretary, password):
    """The shared front-desk PC (one address, no proxy): a few typos by several people lock
    nobody out."""
    for n in range(3):
        user = UserFactory(username=f"desk{n}", offices=[office])
        for _ in range(3):
            client.post(LOGIN, {"username": user.username, "password": "typo"})
    response = client.post(LOGIN, {"username": secretary.username, "password": password})
    assert response.status_code == 302
