"""STUB: a helper replaces this module with the real pages."""

from django.http import HttpResponse


def invoice_answer(request, pk=None):
    return HttpResponse(status=501)


def invoice_detail(request, pk=None):
    return HttpResponse(status=501)


def invoice_issue(request, pk=None):
    return HttpResponse(status=501)


def invoice_list(request, pk=None):
    return HttpResponse(status=501)


def invoice_query(request, pk=None):
    return HttpResponse(status=501)


def invoice_red(request, pk=None):
    return HttpResponse(status=501)


def invoice_sign(request, pk=None):
    return HttpResponse(status=501)


def request_cancel(request, pk=None):
    return HttpResponse(status=501)


def request_detail(request, pk=None):
    return HttpResponse(status=501)


def request_list(request, pk=None):
    return HttpResponse(status=501)


def request_new(request, pk=None):
    return HttpResponse(status=501)


def request_submit(request, pk=None):
    return HttpResponse(status=501)


def to_credit_list(request, pk=None):
    return HttpResponse(status=501)


def write_off_cancel(request, pk=None):
    return HttpResponse(status=501)


def write_off_detail(request, pk=None):
    return HttpResponse(status=501)


def write_off_list(request, pk=None):
    return HttpResponse(status=501)


def write_off_new(request, pk=None):
    return HttpResponse(status=501)


def write_off_submit(request, pk=None):
    return HttpResponse(status=501)
