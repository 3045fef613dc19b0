from django.urls import path

from . import privacy_views, register_views, report_views, schedule_views
from .dashboard import urls as dashboard_urls

app_name = "laporan"

urlpatterns: list = [
    *dashboard_urls.urlpatterns,
    # Documents built in the background (issue 11).
    path("dokumen/", report_views.report_list, name="report-list"),
    path("dokumen/minta/", report_views.report_request, name="report-request"),
    path("dokumen/<int:pk>/status/", report_views.report_status, name="report-status"),
    path("dokumen/<int:pk>/unduh/", report_views.report_download, name="report-download"),
    path("dokumen/<int:pk>/unduh/xlsx/", report_views.report_download_xlsx, name="report-download-xlsx"),
    path("dokumen/<int:pk>/ulangi/", report_views.report_retry, name="report-retry"),
    # Scheduled reports (issue 11): the madrasah's schedule; the archive is the list above, filtered.
    path("dokumen/jadwal/", schedule_views.schedule, name="schedule"),
    # The register of official document numbers (issue 16): issued, kept for a retry, or cancelled.
    path("dokumen/nomor/", register_views.number_register_page, name="number-register"),
    # Personal data (issue 12): the member's own data, and the Kepala's file retention setting.
    path("data-saya/", privacy_views.my_data, name="my-data"),
    path("data-saya/unduh/", privacy_views.my_data_download, name="my-data-download"),
    path("retensi-berkas/", privacy_views.retention, name="retention"),
]
