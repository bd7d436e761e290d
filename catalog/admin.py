"""Products and their price versions in the admin, read only: a product is made, priced and
stopped on its pages (/products/), where the rules of R-10.1 are checked and cost is shown only
to who may see it."""

from django.contrib import admin

from staff.permissions import may

from .models import Product, ProductPrice
from .selectors import may_see_cost


class ReadOnly(admin.ModelAdmin):
    """Viewed by the staff who read products (catalog.view), changed by nobody here."""

    def has_module_permission(self, request):
        return may(request.user, "catalog.view")

    def has_view_permission(self, request, obj=None):
        return may(request.user, "catalog.view")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PriceInline(admin.TabularInline):
    model = ProductPrice
    extra = 0
    can_delete = False
    fields = ["effective_from", "list_price", "floor_price", "cost", "created_by", "created_at"]
    readonly_fields = fields

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        return fields if may_see_cost(request.user) else [f for f in fields if f != "cost"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Product)
class ProductAdmin(ReadOnly):
    list_display = ["code", "name", "specification", "unit", "tax_rate", "active"]
    list_filter = ["active"]
    search_fields = ["code", "name", "specification"]
    inlines = [PriceInline]


@admin.register(ProductPrice)
class ProductPriceAdmin(ReadOnly):
    """Every version of every product's prices (R-10.1): kept, never edited."""

    list_display = ["product", "effective_from", "list_price", "floor_price", "created_by"]
    list_filter = ["effective_from"]
    search_fields = ["product__code", "product__name"]
    date_hierarchy = "effective_from"

    def get_list_display(self, request):
        fields = list(super().get_list_display(request))
        if may_see_cost(request.user):
            fields.insert(4, "cost")
        return fields

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        return fields if may_see_cost(request.user) else [f for f in fields if f != "cost"]
