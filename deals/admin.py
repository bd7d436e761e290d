from django.contrib import admin

from staff.permissions import office_ids_of

from .models import Contract, Hold, Instalment, Payment, Project, Refund, Subscription, Unit


class OfficeScoped(admin.ModelAdmin):
    def get_queryset(self, request):
        return super().get_queryset(request).filter(office__in=office_ids_of(request.user))

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Project)
class ProjectAdmin(OfficeScoped):
    list_display = ["name", "office"]


@admin.register(Unit)
class UnitAdmin(OfficeScoped):
    """Units and prices; the status is changed only by holds and subscriptions."""

    list_display = ["project", "building", "number", "floor", "area", "list_price", "status"]
    list_filter = ["project", "status"]
    readonly_fields = ["status"]


class DealRecordAdmin(OfficeScoped):
    """Holds, subscriptions and refunds are written by the deal services; shown here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Hold)
class HoldAdmin(DealRecordAdmin):
    list_display = ["unit", "customer", "fee", "created_at", "expires_at", "status"]
    list_filter = ["status"]


@admin.register(Subscription)
class SubscriptionAdmin(DealRecordAdmin):
    list_display = ["number", "unit", "customer", "deposit", "credited_salesperson", "status"]
    list_filter = ["status"]


@admin.register(Refund)
class RefundAdmin(DealRecordAdmin):
    list_display = ["created_at", "customer", "reason", "amount", "paid_at"]
    list_filter = ["reason"]


class InstalmentInline(admin.TabularInline):
    model = Instalment
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "due_date", "amount"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Contract)
class ContractAdmin(DealRecordAdmin):
    list_display = ["number", "subscription", "total_price", "signed_at", "status"]
    inlines = [InstalmentInline]


@admin.register(Instalment)
class InstalmentAdmin(DealRecordAdmin):
    list_display = ["contract", "kind", "due_date", "amount"]

    def get_queryset(self, request):
        return admin.ModelAdmin.get_queryset(self, request).filter(
            contract__office__in=office_ids_of(request.user)
        )


@admin.register(Payment)
class PaymentAdmin(DealRecordAdmin):
    list_display = ["contract", "instalment", "amount", "paid_at", "recorded_by"]
