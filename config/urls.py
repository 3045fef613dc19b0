from django.contrib import admin
from django.urls import include, path

from madrasah.views.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("kompetensi/", include("kompetensi.urls")),
    path("mutu/", include("mutu.urls")),
    path("laporan/", include("laporan.urls")),
    path("", include("madrasah.urls")),
]

handler403 = "madrasah.views.errors.permission_denied"
handler404 = "madrasah.views.errors.page_not_found"
