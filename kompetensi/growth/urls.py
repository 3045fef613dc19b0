"""The growth pages: a teacher's page and notes of appreciation. The supporting-evidence download
(`kompetensi:evidence-archive`) is laporan's (laporan/evidence/urls.py), in this namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("guru/<int:staff_pk>/", views.teacher_page, name="teacher-page"),
    path("guru/<int:staff_pk>/apresiasi/", views.appreciation_create, name="appreciation-create"),
]
