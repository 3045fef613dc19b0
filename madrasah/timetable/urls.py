"""The timetable's patterns, strung into the `madrasah` namespace by madrasah/urls.py."""

from django.urls import path

from ..models import BellSet
from . import views

urlpatterns = [
    path("jadwal/", views.timetable_home, name="timetable-home"),
    path("jadwal/hari-sekolah/", views.school_week, name="timetable-week"),
    path("jadwal/jam-bel/", views.bell_times, {"bell_set": BellSet.REGULAR}, name="timetable-bells"),
    path("jadwal/jam-bel-ramadan/", views.bell_times, {"bell_set": BellSet.RAMADAN}, name="timetable-bells-ramadan"),
    path("jadwal/ramadan/", views.ramadan_create, name="ramadan-create"),
    path("jadwal/ramadan/<int:pk>/hapus/", views.ramadan_delete, name="ramadan-delete"),
    path("jadwal/kelas/", views.classes, name="timetable-classes"),
    path("jadwal/impor/", views.timetable_import, name="timetable-import"),
    path("jadwal/templat/", views.timetable_template, name="timetable-template"),
    path("jadwal/kode-guru/<int:pk>/hapus/", views.teacher_code_delete, name="teacher-code-delete"),
]
