from django.contrib import admin

from staff.permissions import office_ids_of

from .models import Account


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = ["name", "credit_code", "office", "owner", "grade", "status"]
    list_filter = ["grade", "status", "kind"]
    search_fields = ["name", "credit_code"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(office_id__in=office_ids_of(request.user))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
