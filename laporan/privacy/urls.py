from django.urls import path

from . import views

urlpatterns = [
    # Personal data: the member's own data, and the Kepala's file retention setting.
    path("data-saya/", views.my_data, name="my-data"),
    path("data-saya/unduh/", views.my_data_download, name="my-data-download"),
    path("retensi-berkas/", views.retention, name="retention"),
]
