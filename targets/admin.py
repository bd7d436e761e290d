from django.contrib import admin

from .models import SalesTarget, TargetExplanation


@admin.register(SalesTarget)
class SalesTargetAdmin(admin.ModelAdmin):
    list_display = ("year", "region", "office", "salesperson", "month", "amount", "set_by")
    list_filter = ("year",)
    raw_id_fields = ("office", "salesperson", "set_by")


@admin.register(TargetExplanation)
class TargetExplanationAdmin(admin.ModelAdmin):
    list_display = ("year", "month", "office", "salesperson", "written_by", "written_at")
    list_filter = ("year",)
    raw_id_fields = ("office", "salesperson", "written_by")
