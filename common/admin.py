from django.contrib import admin

from .models import DocumentCounter, IdempotencyRecord, JobRun


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


@admin.register(DocumentCounter)
class DocumentCounterAdmin(admin.ModelAdmin):
    """The last number given per office, prefix and year (common.numbering): read-only, as a
    changed counter would give a number twice or leave a gap (R-12.2)."""

    list_display = ["office", "prefix", "year", "last"]
    list_filter = ["prefix", "year"]
    readonly_fields = ["office", "prefix", "year", "last"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
