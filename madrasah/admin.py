from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import AcademicYear, Madrasah, Membership, MembershipRole, Semester, Staff, Subject, User


@admin.register(User)
class MadrasahUserAdmin(UserAdmin):
    list_filter = (*UserAdmin.list_filter, "district_reader")
    fieldsets = (*UserAdmin.fieldsets, ("Mutu Madrasah", {"fields": ("must_change_password", "district_reader")}))


class MembershipRoleInline(admin.TabularInline):
    model = MembershipRole
    extra = 0


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "madrasah", "is_active")
    list_filter = ("madrasah",)
    inlines = [MembershipRoleInline]
    raw_id_fields = ("user", "staff")


@admin.register(Staff)
class StaffAdmin(admin.ModelAdmin):
    list_display = ("name", "madrasah", "nip", "employment_status", "is_active")
    list_filter = ("madrasah", "employment_status", "is_active")
    search_fields = ("name", "nip", "nignp", "nuptk", "peg_id")


@admin.register(Madrasah)
class MadrasahAdmin(admin.ModelAdmin):
    # Active or not is changed on the installation page (or `manage.py madrasah_active`), which
    # records who and when: shown here, never edited.
    list_display = ("name", "nsm", "is_active")
    list_filter = ("is_active",)
    readonly_fields = ("is_active", "deactivated_at", "deactivated_by")


admin.site.register([AcademicYear, Semester, Subject])
