from django.contrib import admin
from django.urls import include, path

from kompetensi import urls as kompetensi_urls
from laporan.evidence import urls as evidence_urls
from laporan.home import urls as home_urls
from madrasah import urls as madrasah_urls
from madrasah.views.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    # Bukti dukung renders laporan's documents, so its views are laporan's; its names and addresses
    # (`kompetensi:evidence-archive`, /kompetensi/guru/<id>/bukti-dukung/) stay the ones links use.
    path("kompetensi/", include((kompetensi_urls.urlpatterns + evidence_urls.urlpatterns, kompetensi_urls.app_name))),
    path("mutu/", include("mutu.urls")),
    path("laporan/", include("laporan.urls")),
    # One `madrasah` namespace for the madrasah app's pages and the role homes that show the other
    # apps' figures: those homes are laporan's views (madrasah imports none of the other apps), while
    # their names and addresses (`madrasah:home-kepala`, /beranda/kepala/, …) stay the ones bookmarks,
    # sent notifications and redirects use.
    path("", include((madrasah_urls.urlpatterns + home_urls.urlpatterns, madrasah_urls.app_name))),
]

handler403 = "madrasah.views.errors.permission_denied"
handler404 = "madrasah.views.errors.page_not_found"
