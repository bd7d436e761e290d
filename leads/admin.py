from django.contrib import admin

from staff.permissions import office_ids_of

from .models import Customer, Household, SourceChannel


@admin.register(SourceChannel)
class SourceChannelAdmin(admin.ModelAdmin):
    """R-1.2: the managed list of source channels."""

    list_display = ["code", "name", "name_en", "position", "is_active"]
    list_editable = ["position", "is_active"]

    def has_delete_permission(self, request, obj=None):
        return False  # customers keep their channel forever: deactivate instead


class OfficeScopedAdmin(admin.ModelAdmin):
    def get_queryset(self, request):
        return super().get_queryset(request).filter(office__in=office_ids_of(request.user))

    def has_add_permission(self, request):
        # customers are registered at the desk or by a salesperson (the services), and
        # what a registration sets is read-only here: an add form could only fail (a 500)
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Customer)
class CustomerAdmin(OfficeScopedAdmin):
    list_display = ["name", "phone", "office", "source_channel", "registered_at", "voided_at"]
    list_filter = ["office", "source_channel"]
    search_fields = ["name", "phone"]
    # the registration is never edited
    readonly_fields = [
        "office",
        "phone",
        "household",
        "source_channel",
        "registered_at",
        "registered_by",
    ]


@admin.register(Household)
class HouseholdAdmin(OfficeScopedAdmin):
    list_display = ["pk", "office", "created_at"]
    readonly_fields = ["office", "created_at"]
