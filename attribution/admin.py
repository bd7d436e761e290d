from django.contrib import admin

from staff.permissions import office_ids_of

from .models import Claim, ClaimEvent, Collision, Dispute, FollowUp, HouseholdLink


class ReadOnlyScopedAdmin(admin.ModelAdmin):
    """Ownership records change only through their services (and their history is kept)."""

    def get_queryset(self, request):
        return super().get_queryset(request).filter(office__in=office_ids_of(request.user))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ClaimEventInline(admin.TabularInline):
    model = ClaimEvent
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "at", "actor", "owner", "detail"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Claim)
class ClaimAdmin(ReadOnlyScopedAdmin):
    list_display = ["household", "owner", "status", "started_at", "protected_until"]
    list_filter = ["status", "office"]
    inlines = [ClaimEventInline]


@admin.register(Collision)
class CollisionAdmin(ReadOnlyScopedAdmin):
    list_display = ["customer", "salesperson", "claim", "at"]


@admin.register(ClaimEvent)
class ClaimEventAdmin(ReadOnlyScopedAdmin):
    list_display = ["claim", "kind", "at", "actor", "owner"]
    list_filter = ["kind"]

    def get_queryset(self, request):
        return admin.ModelAdmin.get_queryset(self, request).filter(
            claim__office__in=office_ids_of(request.user)
        )


@admin.register(FollowUp)
class FollowUpAdmin(ReadOnlyScopedAdmin):
    list_display = ["customer", "author", "kind", "at", "voided_at"]
    list_filter = ["kind"]

    def get_queryset(self, request):
        return admin.ModelAdmin.get_queryset(self, request).filter(
            claim__office__in=office_ids_of(request.user)
        )


@admin.register(HouseholdLink)
class HouseholdLinkAdmin(ReadOnlyScopedAdmin):
    list_display = ["customer", "member", "relation", "at", "by"]

    def get_queryset(self, request):
        return admin.ModelAdmin.get_queryset(self, request).filter(
            customer__office__in=office_ids_of(request.user)
        )


@admin.register(Dispute)
class DisputeAdmin(ReadOnlyScopedAdmin):
    list_display = ["customer", "claimant", "status", "decision", "opened_at", "ruled_at"]
    list_filter = ["status", "decision"]
