from django.contrib import admin

from staff.permissions import office_ids_of

from .models import WorkPlan, WorkPlanVisit


class _ReadOnly(admin.ModelAdmin):
    """Work plans change only through their services (the approval engine's states)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(WorkPlan)
class WorkPlanAdmin(_ReadOnly):
    list_display = ["author", "kind", "period_start", "period_end", "office", "status", "late"]
    list_filter = ["kind", "status", "late"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(office_id__in=office_ids_of(request.user))


@admin.register(WorkPlanVisit)
class WorkPlanVisitAdmin(_ReadOnly):
    list_display = ["plan", "account", "day", "purpose", "source"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(plan__office_id__in=office_ids_of(request.user))
