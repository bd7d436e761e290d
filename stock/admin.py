"""Warehouses, balances and the stock ledger in the admin (R-10.3), scoped to the user's
offices. The ledger and the balances are read only: stock moves only through documents (a
receipt, an adjustment, an outbound order), each an append-only ledger line, and a balance is
the sum of its moves. A warehouse's name and keeper may be corrected by the branch's manager."""

from django import forms
from django.contrib import admin

from staff.permissions import manages, may, may_in_any_office, office_ids_of

from .models import StockBalance, StockMove, Warehouse
from .services import keeper_error


class OfficeScoped(admin.ModelAdmin):
    office_path = "office"

    def get_queryset(self, request):
        ids = office_ids_of(request.user)
        return super().get_queryset(request).filter(**{f"{self.office_path}__in": ids})

    def _office_of(self, obj):
        return obj.office if self.office_path == "office" else obj.warehouse.office

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_view_permission(self, request, obj=None):
        if obj is not None:
            return may(request.user, "stock.view", self._office_of(obj))
        return may_in_any_office(request.user, "stock.view")

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class WarehouseAdminForm(forms.ModelForm):
    class Meta:
        model = Warehouse
        fields = ["name", "keeper"]

    def clean_keeper(self):
        keeper = self.cleaned_data.get("keeper")
        error = keeper_error(self.instance.office, keeper)
        if error:
            raise forms.ValidationError(error)
        return keeper


@admin.register(Warehouse)
class WarehouseAdmin(OfficeScoped):
    """Added on the stock page (who may: stock.create_warehouse); renamed or given another
    keeper here by the branch's manager."""

    form = WarehouseAdminForm
    list_display = ["code", "name", "office", "keeper"]
    list_filter = ["office"]
    search_fields = ["code", "name"]
    readonly_fields = ["office", "code"]
    fields = ["office", "code", "name", "keeper"]

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return may_in_any_office(request.user, "office.change")  # a manager, the director
        return manages(request.user, obj.office)


class ReadOnly(OfficeScoped):
    office_path = "warehouse__office"

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(StockBalance)
class StockBalanceAdmin(ReadOnly):
    """What each warehouse holds: the sum of its moves, never typed in."""

    list_display = ["warehouse", "product", "on_hand"]
    list_filter = ["warehouse"]
    search_fields = ["product__code", "product__name"]
    list_select_related = ["warehouse", "product"]


@admin.register(StockMove)
class StockMoveAdmin(ReadOnly):
    """The stock ledger: append-only (a database trigger refuses a change or a deletion)."""

    list_display = ["at", "warehouse", "product", "kind", "quantity", "balance_after", "actor"]
    list_filter = ["kind", "warehouse"]
    search_fields = ["product__code", "product__name", "reason"]
    date_hierarchy = "at"
    list_select_related = ["warehouse", "product", "actor"]
