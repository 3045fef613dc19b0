"""Bukti dukung keeps its `kompetensi:` names and addresses (links on the growth page, bookmarks):
config/urls.py adds these patterns to the kompetensi app's, in its namespace. The download is
composed here because its PDFs are laporan's documents (kompetensi imports nothing of laporan)."""

from django.urls import path

from . import views

urlpatterns = [
    path("guru/<int:staff_pk>/bukti-dukung/", views.evidence_archive, name="evidence-archive"),
    path("guru/<int:staff_pk>/bukti-dukung/pilih/", views.evidence_archive_form, name="evidence-archive-form"),
]
