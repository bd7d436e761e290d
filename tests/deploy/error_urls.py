"""The site's URLs plus views that fail, for tests/deploy/test_error_pages.py."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import path

from salesoffice.urls import urlpatterns as site

SECRET = "the database password is hunter2"


def crashes(request):
    raise RuntimeError(SECRET)


def suspicious(request):
    raise SuspiciousOperation(SECRET)


def denied(request):
    raise PermissionDenied(SECRET)


urlpatterns = [
    *site,
    path("test-errors/crash/", crashes),
    path("test-errors/suspicious/", suspicious),
    path("test-errors/denied/", denied),
]
