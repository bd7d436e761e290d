"""STUB: a helper replaces this module with the real pages."""

from django.http import HttpResponse


def collection_cancel(request, pk=None):
    return HttpResponse(status=501)


def collection_detail(request, pk=None):
    return HttpResponse(status=501)


def collection_list(request, pk=None):
    return HttpResponse(status=501)


def collection_new(request, pk=None):
    return HttpResponse(status=501)


def collection_submit(request, pk=None):
    return HttpResponse(status=501)


def collection_told(request, pk=None):
    return HttpResponse(status=501)


def daily_check(request, pk=None):
    return HttpResponse(status=501)


def desk(request, pk=None):
    return HttpResponse(status=501)


def handover_list(request, pk=None):
    return HttpResponse(status=501)


def handover_new(request, pk=None):
    return HttpResponse(status=501)


def handover_sign(request, pk=None):
    return HttpResponse(status=501)


def ledger_page(request, pk=None):
    return HttpResponse(status=501)


def receipt_allocate(request, pk=None):
    return HttpResponse(status=501)


def receipt_detail(request, pk=None):
    return HttpResponse(status=501)


def receipt_list(request, pk=None):
    return HttpResponse(status=501)


def receipt_new(request, pk=None):
    return HttpResponse(status=501)


def receipt_reverse(request, pk=None):
    return HttpResponse(status=501)


def refund_new(request, pk=None):
    return HttpResponse(status=501)
