"""The Django admin covers every model of the project, and every list page opens."""

import pytest
from django.apps import apps
from django.contrib import admin
from pghistory.models import Event

from staff.factories import UserFactory

PROJECT_APPS = {
    "common",
    "staff",
    "leads",
    "attribution",
    "reception",
    "notifications",
    "deals",
    "reports",
    "shipping",  # shipping and returns: the ledgers read only
}


def project_models():
    for model in apps.get_models():
        if model._meta.app_label in PROJECT_APPS and not issubclass(model, Event):
            yield model


def test_every_model_is_in_the_admin():
    missing = [m.__name__ for m in project_models() if not admin.site.is_registered(m)]
    assert missing == []


@pytest.mark.django_db
def test_every_changelist_opens_for_a_superuser(client, office):
    root = UserFactory(username="root", is_staff=True, is_superuser=True, roles=["director"])
    client.force_login(root)
    for model in project_models():
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        assert client.get(url).status_code == 200, url
