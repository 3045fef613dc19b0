"""The growth pages: a teacher's page and notes of appreciation; the supporting-evidence download
(listed after the PKB pages, as in the app's URL list)."""

from django.urls import path

from . import views

urlpatterns = [
    path("guru/<int:staff_pk>/", views.teacher_page, name="teacher-page"),
    path("guru/<int:staff_pk>/apresiasi/", views.appreciation_create, name="appreciation-create"),
]

archive_urlpatterns = [
    path("guru/<int:staff_pk>/bukti-dukung/", views.evidence_archive, name="evidence-archive"),
    path("guru/<int:staff_pk>/bukti-dukung/pilih/", views.evidence_archive_form, name="evidence-archive-form"),
]
