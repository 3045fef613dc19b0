from django.urls import path

from . import views

urlpatterns = [
    path("dasbor/", views.dashboard, name="dashboard"),
    path("dasbor/rapat/", views.dashboard_meeting, name="dashboard-meeting"),
    path("dasbor/ekspor/", views.dashboard_export, name="dashboard-export"),
    path("pengawas/", views.pengawas_overview, name="pengawas-overview"),
    path("pengawas/<int:madrasah_pk>/", views.pengawas_madrasah, name="pengawas-madrasah"),
]
