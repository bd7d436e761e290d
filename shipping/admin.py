"""Demand requests, outbound orders, shipments, confirmations and returns in the admin (R-13),
scoped to the user's offices. Every change of state goes through shipping.services (a status,
a number, a quantity shipped or returned is never typed in here): the documents show what they
are, and the branch's manager may correct a note; the shipments and the confirmations' lines
are ledgers (append-only by trigger), read only."""

from django.contrib import admin

from staff.permissions import manages, may, may_in_any_office, office_ids_of

from .models import (
    Confirmation,
    ConfirmationLine,
    DemandLine,
    DemandRequest,
    FirstOrderDelay,
    OutboundLine,
    OutboundOrder,
    ReturnLine,
    ReturnRequest,
    Shipment,
    ShipmentLine,
)

READERS = ("contracts.view", "shipping.queue")  # who reads shipping documents of a branch


def _reads(user, office) -> bool:
    return any(may(user, action, office) for action in READERS)


class OfficeScoped(admin.ModelAdmin):
    """Rows of the user's offices; seen by who reads the branch's shipping; never added or
    deleted here (the services make them, the ledgers keep them)."""

    office_path = "office"
    editable: tuple[str, ...] = ()  # what the branch's manager may correct

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
            return _reads(request.user, self._office_of(obj))
        return any(may_in_any_office(request.user, action) for action in READERS)

    def has_change_permission(self, request, obj=None):
        if not self.editable:
            return False
        if obj is None:
            return may_in_any_office(request.user, "office.change")  # a manager, the director
        return manages(request.user, self._office_of(obj))

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        fields = [f.name for f in self.model._meta.fields if f.name not in self.editable]
        return fields + [f.name for f in self.model._meta.many_to_many]


class Lines(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class DemandLineInline(Lines):
    model = DemandLine
    fields = ["product", "contract_line", "quantity"]
    readonly_fields = fields


class ReturnLineInline(Lines):
    model = ReturnLine
    fields = ["product", "specification", "contract_line", "quantity"]
    readonly_fields = fields


class OutboundLineInline(Lines):
    model = OutboundLine
    fields = ["product", "contract_line", "quantity", "shipped"]
    readonly_fields = fields


@admin.register(DemandRequest)
class DemandRequestAdmin(OfficeScoped):
    """R-13.1: the demand requests; submitted, approved and issued through the pages."""

    editable = ("note",)
    list_display = ["number", "office", "contract", "status", "owner", "created_at"]
    list_filter = ["status", "office"]
    search_fields = ["number", "contract__number", "contract__account__name"]
    date_hierarchy = "created_at"
    list_select_related = ["office", "contract", "owner"]
    inlines = [DemandLineInline]


@admin.register(DemandLine)
class DemandLineAdmin(OfficeScoped):
    office_path = "request__office"
    list_display = ["request", "product", "quantity"]
    search_fields = ["request__number", "product__code", "product__name"]
    list_select_related = ["request", "product"]


@admin.register(OutboundOrder)
class OutboundOrderAdmin(OfficeScoped):
    """R-13.2, R-13.5: outbound orders and red outbound orders; shipped from the queue."""

    editable = ("note",)
    list_display = ["number", "office", "contract", "warehouse", "red", "status", "issued_at"]
    list_filter = ["status", "red", "office"]
    search_fields = ["number", "contract__number", "contract__account__name"]
    date_hierarchy = "issued_at"
    list_select_related = ["office", "contract", "warehouse"]
    inlines = [OutboundLineInline]


@admin.register(OutboundLine)
class OutboundLineAdmin(OfficeScoped):
    office_path = "order__office"
    list_display = ["order", "product", "quantity", "shipped"]
    search_fields = ["order__number", "product__code", "product__name"]
    list_select_related = ["order", "product"]


@admin.register(Shipment)
class ShipmentAdmin(OfficeScoped):
    """R-13.3: each shipment (a red order's: each receipt back) moved the stock; append-only."""

    office_path = "order__office"
    list_display = ["order", "shipped_by", "shipped_at"]
    search_fields = ["order__number"]
    date_hierarchy = "shipped_at"
    list_select_related = ["order", "shipped_by"]


@admin.register(ShipmentLine)
class ShipmentLineAdmin(OfficeScoped):
    office_path = "shipment__order__office"
    list_display = ["shipment", "order_line", "quantity"]
    search_fields = ["shipment__order__number"]
    list_select_related = ["shipment__order", "order_line__product"]


@admin.register(Confirmation)
class ConfirmationAdmin(OfficeScoped):
    """R-13.4: the customer's confirmations; the scan is downloaded from the order's page,
    which checks who asks."""

    editable = ("note",)
    list_display = ["order", "office", "signed_by", "signed_on", "recorded_by", "recorded_at"]
    list_filter = ["office"]
    search_fields = ["order__number", "signed_by"]
    date_hierarchy = "recorded_at"
    list_select_related = ["order", "office", "recorded_by"]
    exclude = ["scan"]

    def get_readonly_fields(self, request, obj=None):
        return [f for f in super().get_readonly_fields(request, obj) if f != "scan"]


@admin.register(ConfirmationLine)
class ConfirmationLineAdmin(OfficeScoped):
    office_path = "confirmation__office"
    list_display = ["confirmation", "order_line", "quantity"]
    search_fields = ["confirmation__order__number"]
    list_select_related = ["confirmation__order", "order_line__product"]


@admin.register(ReturnRequest)
class ReturnRequestAdmin(OfficeScoped):
    """R-13.5: returns and exchanges; inspected and approved through the inbox."""

    list_display = ["number", "office", "contract", "kind", "status", "genuine", "created_at"]
    list_filter = ["status", "kind", "office"]
    search_fields = ["number", "contract__number", "contract__account__name"]
    date_hierarchy = "created_at"
    list_select_related = ["office", "contract"]
    inlines = [ReturnLineInline]


@admin.register(ReturnLine)
class ReturnLineAdmin(OfficeScoped):
    office_path = "request__office"
    list_display = ["request", "product", "specification", "quantity"]
    search_fields = ["request__number", "product__code", "product__name"]
    list_select_related = ["request", "product"]


@admin.register(FirstOrderDelay)
class FirstOrderDelayAdmin(OfficeScoped):
    """R-13.2: why a contract's first outbound order was late, as the clerk or manager said."""

    office_path = "contract__office"
    list_display = ["contract", "reason", "recorded_by", "recorded_at"]
    search_fields = ["contract__number", "reason"]
    list_select_related = ["contract", "recorded_by"]
