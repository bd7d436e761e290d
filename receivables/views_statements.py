"""STUB: a helper replaces this module with the real pages."""

from django.http import HttpResponse


def difference_resolve(request, pk=None):
    return HttpResponse(status=501)


def notice_detail(request, pk=None):
    return HttpResponse(status=501)


def notice_list(request, pk=None):
    return HttpResponse(status=501)


def notice_sign(request, pk=None):
    return HttpResponse(status=501)


def run_progress(request, pk=None):
    return HttpResponse(status=501)


def statement_answer(request, pk=None):
    return HttpResponse(status=501)


def statement_detail(request, pk=None):
    return HttpResponse(status=501)


def statement_generate(request, pk=None):
    return HttpResponse(status=501)


def statement_index(request, pk=None):
    return HttpResponse(status=501)


def statement_pdf(request, pk=None):
    return HttpResponse(status=501)


def statement_send(request, pk=None):
    return HttpResponse(status=501)
