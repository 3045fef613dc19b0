from django.urls import path

from . import views

urlpatterns = [
    # Documents built in the background.
    path("dokumen/", views.report_list, name="report-list"),
    path("dokumen/minta/", views.report_request, name="report-request"),
    path("dokumen/<int:pk>/status/", views.report_status, name="report-status"),
    path("dokumen/<int:pk>/unduh/", views.report_download, name="report-download"),
    path("dokumen/<int:pk>/unduh/xlsx/", views.report_download_xlsx, name="report-download-xlsx"),
    path("dokumen/<int:pk>/ulangi/", views.report_retry, name="report-retry"),
    # "Coba lagi" for one failed document of a yearly bundle built in parts.
    path("dokumen/bagian/<int:pk>/ulangi/", views.bundle_part_retry, name="bundle-part-retry"),
    # The register of official document numbers: issued, kept for a retry, or cancelled.
    path("dokumen/nomor/", views.number_register_page, name="number-register"),
]
