"""The admin is for superusers only (madrasah.admin_site): it knows no madrasah scope. Histories are
read-only here; cycles change through the product's own pages, which keep the rules."""

from django.contrib import admin

from .models import (
    Activity,
    ActivityProgress,
    BusinessActivity,
    Cycle,
    CycleEvent,
    GoodPractice,
    Measurement,
)


class ActivityInline(admin.TabularInline):
    model = Activity
    extra = 0
    fields = ("what", "who", "start_date", "end_date", "planned_cost", "spent", "funding_source", "status")


class MeasurementInline(admin.TabularInline):
    model = Measurement
    extra = 0
    fields = ("measured_at", "period_label", "value", "n", "total", "target", "met", "gap")
    readonly_fields = fields
    can_delete = False


class CycleEventInline(admin.TabularInline):
    model = CycleEvent
    extra = 0
    fields = ("at", "actor", "action", "changes", "note")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Cycle)
class CycleAdmin(admin.ModelAdmin):
    list_display = ("title", "madrasah", "academic_year", "semester", "indicator", "stage")
    list_filter = ("madrasah", "stage", "indicator", "standard")
    search_fields = ("title", "edm_indicator")
    raw_id_fields = ("owner", "previous", "created_by", "instrument", "competency")
    filter_horizontal = ("team",)
    inlines = [ActivityInline, MeasurementInline, CycleEventInline]


class ActivityProgressInline(admin.TabularInline):
    model = ActivityProgress
    extra = 0
    fields = ("created_at", "author", "note", "evidence_name", "coaching", "appreciation", "good_practice")
    readonly_fields = ("created_at",)
    raw_id_fields = ("author", "coaching", "appreciation", "good_practice")


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ("what", "cycle", "start_date", "funding_source", "planned_cost", "spent", "status")
    list_filter = ("funding_source", "status")
    search_fields = ("what", "who", "rkam_activity")
    raw_id_fields = ("cycle",)
    inlines = [ActivityProgressInline]


@admin.register(GoodPractice)
class GoodPracticeAdmin(admin.ModelAdmin):
    list_display = ("title", "madrasah", "teacher", "status", "published_at")
    list_filter = ("madrasah", "status")
    search_fields = ("title",)
    raw_id_fields = ("teacher", "published_by")


@admin.register(BusinessActivity)
class BusinessActivityAdmin(admin.ModelAdmin):
    list_display = ("date", "madrasah", "unit", "description", "income", "expense")
    list_filter = ("madrasah",)
    search_fields = ("unit", "description")
    raw_id_fields = ("recorded_by",)
