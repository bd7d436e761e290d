"""Invoicing and receivables in the admin (R-14, R-15): read only, scoped to the user's
offices and to finance, the branch's manager, a director and the executive. Every change goes
through receivables.services (an amount, an allocation or a ledger line is never typed in
here); the ledger, receipts, allocations and refunds are append-only by trigger."""

from django.contrib import admin

from staff.permissions import may, may_in_any_office, office_ids_of

from .models import (
    Allocation,
    CollectionNotice,
    CollectionRequest,
    Handover,
    Invoice,
    InvoiceRequest,
    InvoiceRequestLine,
    LedgerLine,
    NoticeLine,
    Receipt,
    Refund,
    Statement,
    StatementDifference,
    StatementRun,
    UnpaidReport,
    WriteOff,
)

READER = "receivables.office"  # managers, finance, directors, the executive


class ReadOnlyScoped(admin.ModelAdmin):
    office_path = "office"

    def get_queryset(self, request):
        ids = office_ids_of(request.user)
        return super().get_queryset(request).filter(**{f"{self.office_path}__in": ids})

    def _office_of(self, obj):
        found = obj
        for step in self.office_path.split("__"):
            found = getattr(found, step)
        return found

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_view_permission(self, request, obj=None):
        if obj is not None:
            return may(request.user, READER, self._office_of(obj))
        return may_in_any_office(request.user, READER)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _register(model, *, list_display, office_path="office", search=(), filters=()):
    admin.site.register(
        model,
        type(
            f"{model.__name__}Admin",
            (ReadOnlyScoped,),
            {
                "office_path": office_path,
                "list_display": list_display,
                "search_fields": search,
                "list_filter": filters,
            },
        ),
    )


_register(
    InvoiceRequest,
    list_display=("number", "account", "contract", "amount", "status", "created_at"),
    search=("number", "account__name"),
    filters=("status",),
)
_register(
    InvoiceRequestLine,
    list_display=("request", "product", "quantity", "amount"),
    office_path="request__office",
)
_register(
    Invoice,
    list_display=("number", "account", "contract", "amount", "date", "due_date", "red_of"),
    search=("number", "account__name"),
)
_register(
    Receipt,
    list_display=("number", "account", "amount", "method", "date", "reversal_of"),
    search=("number", "account__name"),
)
_register(
    Allocation, list_display=("receipt", "invoice", "amount", "date"), office_path="receipt__office"
)
_register(Refund, list_display=("number", "account", "amount", "date"))
_register(
    WriteOff,
    list_display=("number", "account", "invoice", "amount", "status"),
    filters=("status",),
)
_register(
    LedgerLine,
    list_display=("account", "date", "kind", "document", "debit", "credit"),
    search=("document", "account__name"),
    filters=("kind",),
)
_register(
    CollectionRequest,
    list_display=("number", "account", "expected_amount", "expected_date", "status"),
    filters=("status",),
)
_register(
    Handover, list_display=("account", "kind", "amount", "received_by", "received_at", "signed_at")
)
_register(CollectionNotice, list_display=("account", "date", "total", "salesperson", "signed_at"))
_register(
    NoticeLine,
    list_display=("notice", "invoice", "open_amount", "days_overdue"),
    office_path="notice__office",
)
_register(StatementRun, list_display=("office", "period", "status", "done", "total", "started_at"))
_register(
    Statement,
    list_display=("account", "period", "opening", "closing", "status"),
    filters=("status",),
)
_register(
    StatementDifference,
    list_display=("statement", "item", "amount", "resolved_at"),
    office_path="statement__office",
)
_register(UnpaidReport, list_display=("salesperson", "kind", "start", "open_total", "checked_at"))
