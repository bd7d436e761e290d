"""The permission layer: one place answers "may this user do X on this object"."""

import pytest

from staff.permissions import may, office_ids_of

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "who, action, on, allowed",
    [
        ("salesperson", "office.view", "office", True),
        ("salesperson", "office.view", "other_office", False),
        ("salesperson", "office.change", "office", False),
        ("manager", "office.change", "office", True),
        ("manager", "office.change", "other_office", False),
        ("director", "office.change", "other_office", True),
        ("manager", "office.create", None, False),
        ("director", "office.create", None, True),
        ("secretary", "staff.list", None, False),
        ("manager", "staff.list", None, True),
        ("secretary", "workspace.secretary", None, True),
        ("secretary", "workspace.manager", None, False),
        ("manager", "no.such.action", None, False),
    ],
)
def test_may(request, who, action, on, allowed):
    user = request.getfixturevalue(who)
    obj = request.getfixturevalue(on) if on else None
    request.getfixturevalue("other_office")
    assert may(user, action, obj) is allowed


def test_inactive_user_may_nothing(manager, office):
    manager.is_active = False
    assert not may(manager, "office.view", office)
    assert not may(manager, "workspace.manager")


def test_anonymous_may_nothing(office):
    from django.contrib.auth.models import AnonymousUser

    assert not may(AnonymousUser(), "office.view", office)
    assert office_ids_of(AnonymousUser()) == set()
