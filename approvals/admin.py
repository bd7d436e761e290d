from django.contrib import admin

from staff.permissions import manages, may, office_ids_of

from .models import Approval, CalendarDay


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    """The office calendar (R-8.4, R-13.2): holidays and worked weekend days, kept by the
    office's manager."""

    list_display = ["date", "office", "working", "note"]
    list_filter = ["office", "working"]
    date_hierarchy = "date"

    def get_queryset(self, request):
        return super().get_queryset(request).filter(office_id__in=office_ids_of(request.user))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "office":
            kwargs["queryset"] = db_field.related_model.objects.filter(
                pk__in=[o for o in office_ids_of(request.user)]
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _manages_any(self, request) -> bool:
        from staff.models import Office

        return any(
            manages(request.user, o)
            for o in Office.objects.filter(pk__in=office_ids_of(request.user))
        )

    def has_module_permission(self, request):
        return may(request.user, "office.view") and self._manages_any(request)

    def has_view_permission(self, request, obj=None):
        return self._manages_any(request) if obj is None else manages(request.user, obj.office)

    def has_change_permission(self, request, obj=None):
        return self.has_view_permission(request, obj)

    def has_add_permission(self, request):
        return self._manages_any(request)

    def has_delete_permission(self, request, obj=None):
        return self.has_view_permission(request, obj)


@admin.register(Approval)
class ApprovalAdmin(admin.ModelAdmin):
    """Every approval, kept forever: read only."""

    list_display = [
        "document_type",
        "document_id",
        "step",
        "role",
        "state",
        "void",
        "decided_by",
        "decided_at",
    ]
    list_filter = ["document_type", "state", "void"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(office_id__in=office_ids_of(request.user))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
