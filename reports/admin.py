from django.contrib import admin

from staff.permissions import office_ids_of

from .models import DayOff, Fine, Meeting, MeetingProblem, Penalty, PeriodReport, WorkDiary


class OfficeScoped(admin.ModelAdmin):
    def get_queryset(self, request):
        return super().get_queryset(request).filter(office__in=office_ids_of(request.user))

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DayOff)
class DayOffAdmin(OfficeScoped):
    """R-7.2: the calendar's leave and rest days, entered here."""

    list_display = ["date", "salesperson", "office", "kind"]
    list_filter = ["kind", "office"]
    date_hierarchy = "date"

    def has_delete_permission(self, request, obj=None):
        return True


@admin.register(WorkDiary)
class WorkDiaryAdmin(OfficeScoped):
    """Written through the diary services; shown here."""

    list_display = ["date", "salesperson", "office", "submitted_at", "replied_at"]
    list_filter = ["office"]
    date_hierarchy = "date"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Fine)
class FineAdmin(WorkDiaryAdmin):
    list_display = ["date", "salesperson", "office", "kind", "offence_number", "amount"]
    list_filter = ["kind", "office"]


@admin.register(Meeting)
class MeetingAdmin(WorkDiaryAdmin):
    """R-7.3: kept on the meeting page; shown here."""

    list_display = ["date", "office", "recorded_by", "updated_at"]
    list_filter = ["office"]


@admin.register(MeetingProblem)
class MeetingProblemAdmin(WorkDiaryAdmin):
    list_display = ["created_at", "office", "text", "escalated_at", "closed_at"]
    list_filter = ["office"]
    date_hierarchy = "created_at"


@admin.register(PeriodReport)
class PeriodReportAdmin(WorkDiaryAdmin):
    """R-7.4: the written parts, written on the report pages; shown here."""

    list_display = ["period_start", "author", "office", "kind", "submitted_at"]
    list_filter = ["kind", "office"]
    date_hierarchy = "period_start"


@admin.register(Penalty)
class PenaltyAdmin(WorkDiaryAdmin):
    """R-16.5: recorded and withdrawn on the fines page; shown here."""

    list_display = ["date", "person", "office", "amount", "rule", "withdrawn_at"]
    list_filter = ["office"]
