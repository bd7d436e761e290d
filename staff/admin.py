from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Office, User
from .permissions import may, office_ids_of


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    """Managers edit their offices' rule settings here (RULES.md: every number per office)."""

    list_display = ["name", "code", "timezone", "protection_days", "hold_hours", "is_active"]
    search_fields = ["name", "code"]
    list_filter = ["is_active"]
    fieldsets = [
        (None, {"fields": ["name", "code", "timezone", "is_active"]}),
        (
            _("Reception and ownership"),
            {
                "fields": [
                    "large_party_size",
                    "protection_days",
                    "warning_days",
                    "weekly_call_target",
                ]
            },
        ),
        (_("Money"), {"fields": ["holding_fee", "hold_hours", "minimum_deposit", "chase_days"]}),
        (
            _("Diary, meetings and reports"),
            {
                "fields": [
                    "diary_deadline",
                    "fine_step",
                    "meeting_time",
                    "weekly_report_weekday",
                    "report_deadline",
                ]
            },
        ),
    ]

    # The permission layer decides, not Django's per-model permissions: a manager edits the
    # settings of their own offices; a director creates offices; offices are never deleted
    # (deactivate instead: their history and records must stay).
    def get_queryset(self, request):
        return super().get_queryset(request).filter(pk__in=office_ids_of(request.user))

    def has_module_permission(self, request):
        return may(request.user, "office.view")

    def has_view_permission(self, request, obj=None):
        return may(request.user, "office.view", obj)

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return any(may(request.user, "office.change", o) for o in self.get_queryset(request))
        return may(request.user, "office.change", obj)

    def has_add_permission(self, request):
        return may(request.user, "office.create")

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(User)
class StaffAdmin(UserAdmin):
    list_display = ["username", "display_name", "is_active", "is_staff"]
    search_fields = ["username", "display_name"]
    filter_horizontal = ["groups", "user_permissions", "offices"]
    fieldsets = [
        *UserAdmin.fieldsets,
        (_("Sales office"), {"fields": ["display_name", "offices"]}),
    ]
