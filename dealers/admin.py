from django.contrib import admin

from .models import DealerDispute, DisputeEvent


class DisputeEventInline(admin.TabularInline):
    model = DisputeEvent
    extra = 0
    readonly_fields = ["action", "from_status", "to_status", "actor", "at", "note"]
    can_delete = False


@admin.register(DealerDispute)
class DealerDisputeAdmin(admin.ModelAdmin):
    list_display = ["dealer", "other_dealer", "office", "status", "recorded_by", "recorded_at"]
    list_filter = ["status", "office"]
    search_fields = ["dealer__name", "description"]
    raw_id_fields = ["dealer", "other_dealer"]
    readonly_fields = ["recorded_by", "recorded_at", "escalated_by", "settled_by"]
    inlines = [DisputeEventInline]


@admin.register(DisputeEvent)
class DisputeEventAdmin(admin.ModelAdmin):
    list_display = ["dispute", "action", "to_status", "actor", "at"]
    list_filter = ["action"]
    raw_id_fields = ["dispute"]
