"""Fixtures of the front desk's tests."""

import pytest


@pytest.fixture
def desk(api, secretary):
    """The API as the office's secretary (a module may define its own `desk`)."""
    api.force_authenticate(secretary)
    return api
