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
    # Issued means fixed: every revision kept, each with its signed copy; a decree changed by a new one.
    path("dokumen/<int:pk>/revisi/", views.report_revisions_page, name="report-revisions"),
    path(
        "dokumen/<int:pk>/revisi/<int:revision>/unduh/", views.report_revision_download, name="report-revision-download"
    ),
    path("dokumen/<int:pk>/revisi/<int:revision>/ttd/", views.report_signed_upload, name="report-signed-upload"),
    path(
        "dokumen/<int:pk>/revisi/<int:revision>/ttd/unduh/", views.report_signed_download, name="report-signed-download"
    ),
    path("dokumen/<int:pk>/ubah-sk/", views.report_amend, name="report-amend"),
    # "Coba lagi" for one failed document of a yearly bundle built in parts.
    path("dokumen/bagian/<int:pk>/ulangi/", views.bundle_part_retry, name="bundle-part-retry"),
    # The register of official document numbers: issued, kept for a retry, or cancelled.
    path("dokumen/nomor/", views.number_register_page, name="number-register"),
]
