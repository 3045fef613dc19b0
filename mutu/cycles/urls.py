from django.urls import path

from .views import (
    activity_create,
    activity_delete,
    activity_progress,
    activity_update,
    cycle_act,
    cycle_advance,
    cycle_create,
    cycle_detail,
    cycle_list,
    cycle_measure,
    cycle_reopen,
    cycle_update,
    measurement_evidence,
    progress_evidence,
)

urlpatterns = [
    path("siklus/", cycle_list, name="cycle-list"),
    path("siklus/tambah/", cycle_create, name="cycle-create"),
    path("siklus/<int:pk>/", cycle_detail, name="cycle-detail"),
    path("siklus/<int:pk>/rencana/", cycle_update, name="cycle-update"),
    path("siklus/<int:pk>/lanjut/", cycle_advance, name="cycle-advance"),
    path("siklus/<int:pk>/buka-kembali/", cycle_reopen, name="cycle-reopen"),
    path("siklus/<int:pk>/ukur/", cycle_measure, name="cycle-measure"),
    path("siklus/<int:pk>/tindak/", cycle_act, name="cycle-act"),
    path("siklus/<int:pk>/kegiatan/tambah/", activity_create, name="activity-create"),
    path("kegiatan/<int:pk>/", activity_update, name="activity-update"),
    path("kegiatan/<int:pk>/hapus/", activity_delete, name="activity-delete"),
    path("kegiatan/<int:pk>/kemajuan/", activity_progress, name="activity-progress"),
    path("kemajuan/<int:pk>/bukti/", progress_evidence, name="progress-evidence"),
    path("pengukuran/<int:pk>/bukti/", measurement_evidence, name="measurement-evidence"),
]
