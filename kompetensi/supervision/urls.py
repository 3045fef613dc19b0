from django.urls import path

from .views import conflict, entry, followups, programme, results

# Team and programme; observation entry and sheets; conflict copies; the workflow of a result and
# follow-ups.
urlpatterns = [
    path("supervisi/tim/", programme.team_detail, name="team-detail"),
    path("supervisi/tim/ubah/", programme.team_edit, name="team-edit"),
    path("supervisi/program/", programme.programme_semester, name="programme-semester"),
    path("supervisi/program/buat/", programme.programme_create, name="programme-create"),
    path("supervisi/program/buat/langsung/", programme.programme_create_quick, name="programme-create-quick"),
    path("supervisi/program/<int:pk>/", programme.programme_detail, name="programme-detail"),
    path("supervisi/program/<int:pk>/ubah/", programme.programme_update, name="programme-update"),
    path("supervisi/program/<int:pk>/sahkan/", programme.programme_approve, name="programme-approve"),
    path("supervisi/program/<int:pk>/jadwal/tambah/", programme.programme_row_create, name="programme-row-create"),
    path("supervisi/program/<int:pk>/jadwal/massal/", programme.programme_bulk_create, name="programme-bulk-create"),
    path("supervisi/program/<int:pk>/libur/tambah/", programme.blocked_period_create, name="blocked-period-create"),
    path(
        "supervisi/program/<int:pk>/libur/<int:period_pk>/hapus/",
        programme.blocked_period_delete,
        name="blocked-period-delete",
    ),
    path("supervisi/jadwal/<int:pk>/ubah/", programme.programme_row_reschedule, name="programme-row-reschedule"),
    path("supervisi/jadwal/<int:pk>/batal/", programme.programme_row_cancel, name="programme-row-cancel"),
    path("supervisi/saya/", programme.my_supervisions, name="my-supervisions"),
    path("observasi/sw.js", entry.service_worker, name="observation-service-worker"),
    path("observasi/mulai/<int:row_pk>/<int:version_pk>/", entry.start, name="observation-start"),
    path("observasi/lembar/<int:row_pk>/<int:version_pk>/", results.blank_sheet, name="observation-blank-sheet"),
    path("observasi/<int:pk>/", results.detail, name="observation-detail"),
    path("observasi/<int:pk>/isi/", entry.edit, name="observation-edit"),
    path("observasi/<int:pk>/simpan/", entry.autosave, name="observation-autosave"),
    path("observasi/<int:pk>/konflik/", conflict.choose, name="observation-conflict"),
    path("observasi/<int:pk>/ajukan/", followups.observation_submit, name="observation-submit"),
    path("observasi/<int:pk>/terima/", followups.observation_acknowledge, name="observation-acknowledge"),
    path("observasi/<int:pk>/klarifikasi/", followups.observation_clarify, name="observation-clarify"),
    path("observasi/<int:pk>/finalkan/", followups.observation_finalise, name="observation-finalise"),
    path("observasi/<int:pk>/buka-kembali/", followups.observation_reopen, name="observation-reopen"),
    path("observasi/<int:pk>/bukti/", followups.observation_evidence_upload, name="observation-evidence-upload"),
    path("observasi/<int:pk>/tindak-lanjut/", followups.follow_up_create, name="follow-up-create"),
    path("observasi/rekap/", followups.observation_recap, name="observation-recap"),
    path("observasi/rekap/finalkan/", followups.observation_finalise_bulk, name="observation-finalise-bulk"),
    path("bukti/<int:pk>/", followups.evidence_download, name="evidence-download"),
    path("tindak-lanjut/", followups.follow_up_list, name="follow-up-list"),
    path("tindak-lanjut/saya/", followups.follow_up_mine, name="follow-up-mine"),
    path("tindak-lanjut/<int:pk>/", followups.follow_up_detail, name="follow-up-detail"),
    path("tindak-lanjut/<int:pk>/kemajuan/", followups.follow_up_progress, name="follow-up-progress"),
    path("tindak-lanjut/<int:pk>/selesai/", followups.follow_up_close, name="follow-up-close"),
]
