"""The PKB pages: the teacher's log, verification, the recap and in-house activities."""

from django.urls import path

from . import views

urlpatterns = [
    path("pkb/", views.pkb_mine, name="pkb-mine"),
    path("pkb/tambah/", views.pkb_create, name="pkb-create"),
    path("pkb/verifikasi/", views.pkb_queue, name="pkb-queue"),
    path("pkb/rekap/", views.pkb_recap, name="pkb-recap"),
    path("pkb/<int:pk>/", views.pkb_detail, name="pkb-detail"),
    path("pkb/<int:pk>/ubah/", views.pkb_update, name="pkb-update"),
    path("pkb/<int:pk>/bukti/", views.pkb_evidence, name="pkb-evidence"),
    path("pkb/<int:pk>/verifikasi/", views.pkb_verify, name="pkb-verify"),
    path("pkb/<int:pk>/kembalikan/", views.pkb_return, name="pkb-return"),
    path("pkb/in-house/", views.in_house_list, name="in-house-list"),
    path("pkb/in-house/tambah/", views.in_house_create, name="in-house-create"),
    path("pkb/in-house/<int:pk>/", views.in_house_detail, name="in-house-detail"),
    path("pkb/in-house/<int:pk>/ubah/", views.in_house_update, name="in-house-update"),
]
