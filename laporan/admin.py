from django.contrib import admin

from .models import DocumentNumber, Report, ReportDispatch, ReportSchedule


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """For the administrator looking at a stuck or failed build; users work on the Reports page."""

    list_display = ("kind", "period", "teacher", "madrasah", "status", "progress", "attempts", "requested_at")
    list_filter = ("status", "kind", "madrasah")
    raw_id_fields = ("teacher", "requested_by")
    readonly_fields = ("file", "spreadsheet", "size", "number", "task_id", "worker", "sent_at", "started_at")


@admin.register(DocumentNumber)
class DocumentNumberAdmin(admin.ModelAdmin):
    list_display = ("number", "kind", "madrasah", "issued_at")
    list_filter = ("madrasah", "year")
    search_fields = ("number",)

    def has_change_permission(self, request, obj=None):
        return False  # an issued number is a register entry


@admin.register(ReportSchedule)
class ReportScheduleAdmin(admin.ModelAdmin):
    list_display = ("madrasah", "digest", "digest_day", "semester_recap", "bundle", "updated_at")
    raw_id_fields = ("updated_by",)


@admin.register(ReportDispatch)
class ReportDispatchAdmin(admin.ModelAdmin):
    """What the daily dispatcher asked for; deleting a row lets it ask for that document again."""

    list_display = ("kind", "period", "madrasah", "due_on", "report", "created_at")
    list_filter = ("kind", "madrasah")
    raw_id_fields = ("report",)
