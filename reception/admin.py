from django.contrib import admin

from staff.permissions import office_ids_of

from .models import (
    Call,
    DailyCount,
    DutyState,
    Referral,
    Roster,
    RosterEntry,
    Visit,
    VisitEvent,
)


class ScopedReadOnlyAdmin(admin.ModelAdmin):
    """Front-desk records are written by the desk's services; the admin shows them."""

    office_path = "office"

    def get_queryset(self, request):
        ids = office_ids_of(request.user)
        return super().get_queryset(request).filter(**{f"{self.office_path}__in": ids})

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RosterEntryInline(admin.TabularInline):
    model = RosterEntry
    extra = 0
    readonly_fields = ["salesperson", "position"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Roster)
class RosterAdmin(ScopedReadOnlyAdmin):
    list_display = ["office", "date", "pointer", "set_by"]
    date_hierarchy = "date"
    inlines = [RosterEntryInline]


@admin.register(RosterEntry)
class RosterEntryAdmin(ScopedReadOnlyAdmin):
    office_path = "roster__office"
    list_display = ["roster", "position", "salesperson"]


@admin.register(DutyState)
class DutyStateAdmin(ScopedReadOnlyAdmin):
    list_display = ["salesperson", "office", "status", "owed_turns"]


class VisitEventInline(admin.TabularInline):
    model = VisitEvent
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "at", "actor", "detail"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Visit)
class VisitAdmin(ScopedReadOnlyAdmin):
    list_display = ["at", "customer", "party_size", "rule", "assigned_to", "research_status"]
    list_filter = ["rule", "research_status", "office"]
    date_hierarchy = "at"
    inlines = [VisitEventInline]


@admin.register(VisitEvent)
class VisitEventAdmin(ScopedReadOnlyAdmin):
    office_path = "visit__office"
    list_display = ["visit", "kind", "at", "actor"]


@admin.register(Call)
class CallAdmin(ScopedReadOnlyAdmin):
    list_display = ["at", "kind", "customer", "caller", "answered_by", "put_through_to"]
    list_filter = ["kind", "office"]
    date_hierarchy = "at"


@admin.register(Referral)
class ReferralAdmin(ScopedReadOnlyAdmin):
    list_display = ["registered_at", "referrer", "phone", "name"]


@admin.register(DailyCount)
class DailyCountAdmin(ScopedReadOnlyAdmin):
    """R-2.8: compiled by reception.compile_daily; shown here."""

    list_display = [
        "date",
        "office",
        "source_channel",
        "walk_in_parties",
        "new_customers",
        "returning_customers",
        "customer_calls",
        "non_customer_calls",
    ]
    list_filter = ["office"]
    date_hierarchy = "date"
