from django.urls import path

from .views import (
    appraisal,
    appraisal_closing,
    appraisal_workflow,
    followups,
    growth,
    growth_archive,
    instruments,
    observation_conflict,
    observations,
    pkb,
    programme,
)

app_name = "kompetensi"

urlpatterns = [
    path("instrumen/", instruments.instrument_list, name="instrument-list"),
    path("instrumen/bawaan/", instruments.instrument_defaults, name="instrument-defaults"),
    path("instrumen/<int:pk>/", instruments.instrument_detail, name="instrument-detail"),
    path("instrumen/<int:pk>/ubah/", instruments.instrument_settings, name="instrument-settings"),
    path("instrumen/<int:pk>/salin/", instruments.instrument_copy, name="instrument-copy"),
    path("instrumen/<int:pk>/bagian/tambah/", instruments.section_create, name="section-create"),
    path("instrumen/<int:pk>/bagian/<int:section_pk>/ubah/", instruments.section_update, name="section-update"),
    path("instrumen/<int:pk>/bagian/<int:section_pk>/hapus/", instruments.section_delete, name="section-delete"),
    path("kerangka/<int:pk>/", instruments.framework_detail, name="framework-detail"),
    # Each module below owns its patterns (team and programme; observation entry; workflow and
    # follow-ups), so that the supervision cycle's parts stay apart.
    *programme.urlpatterns,
    *observations.urlpatterns,
    *observation_conflict.urlpatterns,
    *followups.urlpatterns,
    *appraisal.urlpatterns,
    *appraisal_workflow.urlpatterns,
    *appraisal_closing.urlpatterns,
    *growth.urlpatterns,
    *pkb.urlpatterns,
    *growth_archive.urlpatterns,
]
