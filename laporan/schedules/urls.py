from django.urls import path

from . import views

urlpatterns = [
    # The madrasah's schedule; the archive is the documents' list, filtered.
    path("dokumen/jadwal/", views.schedule, name="schedule"),
]
