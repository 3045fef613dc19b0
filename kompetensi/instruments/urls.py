from django.urls import path

from . import views

urlpatterns = [
    path("instrumen/", views.instrument_list, name="instrument-list"),
    path("instrumen/bawaan/", views.instrument_defaults, name="instrument-defaults"),
    path("instrumen/impor/", views.instrument_import, name="instrument-import"),
    path("instrumen/impor/pratinjau/", views.instrument_import_preview, name="instrument-import-preview"),
    path("instrumen/impor/contoh/<slug:example>/", views.instrument_import_example, name="instrument-import-example"),
    path("instrumen/templat-excel/", views.instrument_template, name="instrument-template"),
    path("instrumen/<int:pk>/", views.instrument_detail, name="instrument-detail"),
    path("instrumen/<int:pk>/excel/", views.instrument_export, name="instrument-export"),
    path("instrumen/<int:pk>/ubah/", views.instrument_settings, name="instrument-settings"),
    path("instrumen/<int:pk>/salin/", views.instrument_copy, name="instrument-copy"),
    path("instrumen/<int:pk>/bagian/tambah/", views.section_create, name="section-create"),
    path("instrumen/<int:pk>/bagian/<int:section_pk>/ubah/", views.section_update, name="section-update"),
    path("instrumen/<int:pk>/bagian/<int:section_pk>/hapus/", views.section_delete, name="section-delete"),
    path("kerangka/<int:pk>/", views.framework_detail, name="framework-detail"),
]
