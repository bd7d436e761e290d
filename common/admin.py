from django.contrib import admin

from .models import IdempotencyRecord, JobRun


@admin.register(JobRun)
class JobRunAdmin(admin.ModelAdmin):
    list_display = ["name", "ran_at", "worker"]
    list_filter = ["name"]
    date_hierarchy = "ran_at"
    readonly_fields = ["name", "ran_at", "worker", "detail"]

    def has_add_permission(self, request):
        return False


@admin.register(IdempotencyRecord)
class IdempotencyRecordAdmin(admin.ModelAdmin):
    """Kept by the API (common.idempotency); shown for support, never edited. Only a
    superuser sees them: a replayed response may carry customer details."""

    list_display = ["created_at", "user", "key", "status_code"]
    search_fields = ["key"]
    date_hierarchy = "created_at"
    readonly_fields = ["user", "key", "fingerprint", "status_code", "body", "created_at"]

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
