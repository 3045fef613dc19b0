from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig


class SuperuserAdminSite(AdminSite):
    site_header = "Mutu Madrasah"

    def has_permission(self, request) -> bool:
        # Operators, principals and pengawas work in the product's own, madrasah-scoped pages:
        # the admin knows no madrasah scope and would show scores.
        return request.user.is_active and request.user.is_superuser


class MadrasahAdminConfig(AdminConfig):
    default_site = "madrasah.admin_site.SuperuserAdminSite"
