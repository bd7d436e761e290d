"""STUB: a helper replaces this module with the real pages."""

from django.http import HttpResponse


def aging(request, pk=None):
    return HttpResponse(status=501)


def collection_rate(request, pk=None):
    return HttpResponse(status=501)


def daily_collection(request, pk=None):
    return HttpResponse(status=501)


def journal(request, pk=None):
    return HttpResponse(status=501)


def unpaid_check(request, pk=None):
    return HttpResponse(status=501)


def unpaid_detail(request, pk=None):
    return HttpResponse(status=501)


def unpaid_list(request, pk=None):
    return HttpResponse(status=501)


def unpaid_submit(request, pk=None):
    return HttpResponse(status=501)
