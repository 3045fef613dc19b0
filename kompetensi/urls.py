from django.urls import path

from .appraisal import urls as appraisal_urls
from .growth import urls as growth_urls
from .pkb import urls as pkb_urls
from .views import (
    followups,
    instruments,
    observation_conflict,
    observations,
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
    *appraisal_urls.urlpatterns,
    *growth_urls.urlpatterns,
    *pkb_urls.urlpatterns,
    *growth_urls.archive_urlpatterns,
]
