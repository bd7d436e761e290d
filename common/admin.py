from django.contrib import admin

from .models import JobRun


@admin.register(JobRun)
class JobRunAdmin(admin.ModelAdmin):
    list_display = ["name", "ran_at", "worker"]
    list_filter = ["name"]
    date_hierarchy = "ran_at"
    readonly_fields = ["name", "ran_at", "worker", "detail"]

    def has_add_permission(self, request):
        return False
