from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Office, TokenUse, User
from .permissions import may, office_ids_of


class OfficeAdminForm(forms.ModelForm):
    """OfficeAdmin's form: the admin gives it the model and the fields of its fieldsets."""

    def clean(self):
        """R-6.2: the holding fee is more than zero (a lapsed hold refunds it) and never more
        than the minimum deposit (it is credited in full toward the deposit, R-6.3)."""
        cleaned = super().clean()
        fee, minimum = cleaned.get("holding_fee"), cleaned.get("minimum_deposit")
        if fee is not None and fee <= 0:
            self.add_error("holding_fee", _("The holding fee must be more than zero."))
        elif fee is not None and minimum is not None and fee > minimum:
            self.add_error(
                "holding_fee",
                _("The holding fee cannot be more than the minimum deposit (%(min)s).")
                % {"min": minimum},
            )
        return cleaned


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    """Managers edit their offices' rule settings here (RULES.md: every number per office)."""

    form = OfficeAdminForm
    list_display = ["name", "code", "timezone", "protection_days", "hold_hours", "is_active"]
    search_fields = ["name", "code"]
    list_filter = ["is_active"]
    fieldsets = [
        (None, {"fields": ["name", "code", "timezone", "opened_on", "is_active"]}),
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
        (
            _("Sales department"),
            {
                "fields": [
                    "region",
                    "major_threshold",
                    "target_variance_percent",
                    "visit_interval_a",
                    "visit_interval_b",
                    "visit_interval_c",
                    "credit_review_days",
                ]
            },
        ),
        (
            _("Expenses"),
            {
                "fields": [
                    "expense_cap_manager",
                    "expense_cap_deputy",
                    "expense_cap_staff",
                    "meal_allowance",
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


@admin.register(TokenUse)
class TokenUseAdmin(admin.ModelAdmin):
    """When each API token was last used (recorded at most hourly; issue 13): read only. A
    token is ended in the admin's Tokens (DRF's authtoken), or by its user's logout."""

    list_display = ["token", "last_used_at"]
    ordering = ["-last_used_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
